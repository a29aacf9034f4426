import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stableAccessToken } from '../../server/src/adapters/wechat/access-token.js';
import { subscribeChannel } from '../../server/src/adapters/wechat/subscribe-channel.js';
import { wecomRobotChannel } from '../../server/src/adapters/wechat/wecom-robot-channel.js';
import { startHarness, type Harness } from '../support/harness.js';
import { progressData, TPL } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('the main API’s view of the sandbox', () => {
  it('tells where the sandbox’s WeChat and WeCom APIs listen', async () => {
    const res = await h.request.get('/api/v1/sandbox');
    expect(res.body).toEqual({ wechatApiBase: h.sandboxUrl, wecomApiBase: `${h.sandboxUrl}/qyapi` });
    expect(h.apiBases).toEqual({ wechat: h.sandboxUrl, wecom: `${h.sandboxUrl}/qyapi`, sms: h.sandboxUrl });
  });

  it('gives staff of an org node with a group robot that group’s node code, and residents none', async () => {
    const res = await h.request.get('/api/v1/sandbox/accounts');
    const accounts = res.body.accounts as { role: string; openid: string; orgNodeCode: string | null; groupNodeCode?: string }[];
    const inspector = accounts.find((a) => a.role === 'inspector')!;
    expect(inspector.groupNodeCode).toBe(inspector.orgNodeCode);
    expect(accounts.find((a) => a.role === 'district')!.groupNodeCode).toMatch(/^\d{6}$/);
    for (const a of accounts.filter((x) => x.role === 'resident')) expect(a.groupNodeCode).toBeUndefined();
    for (const a of accounts.filter((x) => x.role === 'department')) expect(a.groupNodeCode).toBeUndefined();
  });

  it('lists the messages the sandbox received, filtered by openid, group and since', async () => {
    const inspector = h.accounts.find((a) => a.role === 'inspector')!;
    const tokens = stableAccessToken({ apiBase: h.apiBases.wechat, appId: h.deps.config.wechat.mpAppId, appSecret: h.deps.config.wechat.mpAppSecret, timeoutMs: 2000, redis: null });
    const subscribe = subscribeChannel({ apiBase: h.apiBases.wechat, timeoutMs: 2000, tokens });
    const robot = wecomRobotChannel({ apiBase: h.apiBases.wecom, timeoutMs: 2000 });
    const before = new Date(Date.now() - 1).toISOString();
    expect((await subscribe.send({ channel: 'subscribe', to: 'resident-01', templateId: TPL.mpProgress, data: progressData() })).status).toBe('sent');
    expect((await robot.send({ channel: 'wecom_robot', to: `sbx-robot-${inspector.orgNodeCode}`, text: '**新任务**', mentionMobiles: ['19900000001'] })).status).toBe('sent');

    const mine = await h.request.get('/api/v1/sandbox/messages').query({ openid: 'resident-01' });
    expect(mine.status).toBe(200);
    expect(mine.body.messages).toHaveLength(1);
    expect(mine.body.messages[0]).toMatchObject({ channel: 'subscribe', recipient: { openid: 'resident-01' }, templateId: TPL.mpProgress, errcode: 0, at: expect.any(String) });
    expect(mine.body.messages[0].content).toContain('案件编号：DL20261127-000123');

    const group = await h.request.get('/api/v1/sandbox/messages').query({ group: inspector.orgNodeCode! });
    expect(group.body.messages).toEqual([expect.objectContaining({ channel: 'wecom_robot', robot: `sbx-robot-${inspector.orgNodeCode}`, content: '新任务', mentions: ['19900000001'] })]);

    expect((await h.request.get('/api/v1/sandbox/messages').query({ since: before })).body.messages).toHaveLength(2);
    expect((await h.request.get('/api/v1/sandbox/messages').query({ since: new Date(Date.now() + 60_000).toISOString() })).body.messages).toEqual([]);
    const bad = await h.request.get('/api/v1/sandbox/messages').query({ since: 'last week' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('request.invalid');
  });

  it('documents the messages route in the OpenAPI document', async () => {
    const res = await h.request.get('/api/v1/openapi.json');
    expect(Object.keys(res.body.paths)).toContain('/api/v1/sandbox/messages');
  });
});
