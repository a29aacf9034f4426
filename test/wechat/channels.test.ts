import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { msgSecCheck } from '../../server/src/adapters/wechat/content-check.js';
import { oaTemplateChannel } from '../../server/src/adapters/wechat/oa-template-channel.js';
import { subscribeChannel } from '../../server/src/adapters/wechat/subscribe-channel.js';
import { wecomRobotChannel } from '../../server/src/adapters/wechat/wecom-robot-channel.js';
import { httpSmsProvider, smsChannel } from '../../server/src/adapters/sms/sms-channel.js';
import type { Channel, ContentCheck } from '../../server/src/domain/notify-ports.js';
import { GRID, MP, OA, progressData, startSandbox, testRedis, tokensFor, TPL, type TestSandbox } from './support.js';

let s: TestSandbox;
let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;
let subscribe: Channel;
let oa: Channel;
let robot: Channel;
let sms: Channel;
let check: ContentCheck;

const SUBSCRIBE = '/cgi-bin/message/subscribe/send';
const TEMPLATE = '/cgi-bin/message/template/send';
const WEBHOOK = '/qyapi/cgi-bin/webhook/send';

beforeAll(async () => {
  s = await startSandbox();
  ({ redis, prefix, cleanup } = await testRedis('channels'));
  const mpTokens = tokensFor(s, MP, redis, prefix);
  const oaTokens = tokensFor(s, OA, redis, prefix);
  subscribe = subscribeChannel({ apiBase: s.url, timeoutMs: 500, tokens: mpTokens });
  oa = oaTemplateChannel({ apiBase: s.url, appId: OA.appId, appSecret: OA.secret, timeoutMs: 500, tokens: oaTokens, miniProgramAppId: MP.appId });
  robot = wecomRobotChannel({ apiBase: s.wecomBase, timeoutMs: 500 });
  sms = smsChannel(httpSmsProvider({ apiBase: s.url, apiKey: 'sandbox-sms-key-not-a-real-key', timeoutMs: 500 }));
  check = msgSecCheck({ apiBase: s.url, timeoutMs: 500, tokens: mpTokens });
});
afterAll(async () => {
  await cleanup?.();
  await s?.close();
});
beforeEach(async () => {
  // A call an earlier test timed out on is still being answered: let it finish before the reset, or it
  // lands in this test's record.
  await s.idle();
  await s.post('/sandbox/control/reset', {});
  s.sandbox.calls.length = 0;
});

const fail = (path: string, f: Record<string, unknown>) => s.post('/sandbox/control/fail', { path, ...f });
const toResident = (over: Record<string, string> = {}) =>
  subscribe.send({ channel: 'subscribe', to: 'resident-01', templateId: TPL.mpProgress, page: 'pages/case/index?id=1', data: progressData(over) });
const toStaff = (to = 'oa-staff-01') => oa.send({ channel: 'oa_template', to, templateId: TPL.oaTask, page: 'packages/staff/task/index?id=1', data: progressData() });

describe('the subscribe-message channel', () => {
  it('sends a normalised message that the sandbox accepts and records', async () => {
    const long = '中山区桃源街道第三社区网格七号楼前人行道上的暴露垃圾堆放';
    const out = await toResident({ thing5: long, phrase3: '已受理 (1)' });
    expect(out).toMatchObject({ status: 'sent', providerMessageId: expect.any(String) });
    const [m] = await s.messages({ openid: 'resident-01' });
    expect(m).toMatchObject({ accepted: true, templateId: TPL.mpProgress, page: 'pages/case/index?id=1' });
    expect(m!.data).toEqual({ character_string1: 'DL20261127-000123', thing2: '道路不洁', phrase3: '已受理', time4: '2026-11-27 09:05', thing5: `${Array.from(long).slice(0, 19).join('')}…` });
  });

  it('falls back on 43101 when the user has no credit left, after spending the one it had', async () => {
    await s.post('/sandbox/control/subscribe-mode', { strict: true });
    await s.post('/sandbox/control/subscribe-credit', { openid: 'resident-01', templateId: TPL.mpProgress, count: 1 });
    expect((await toResident()).status).toBe('sent');
    expect((await s.get(`/sandbox/control/subscribe-credit?openid=resident-01&templateId=${TPL.mpProgress}`)).json.count).toBe(0);
    expect(await toResident()).toEqual({ status: 'fallback', errcode: 43101, errmsg: 'user refuse to accept the msg' });
    expect((await s.messages({ openid: 'resident-01' })).map((m) => m.accepted)).toEqual([true, false]);
  });

  it('is transient on −1 and on 45009, and on HTTP 500 and timeouts', async () => {
    await fail(SUBSCRIBE, { errcode: -1 });
    expect(await toResident()).toMatchObject({ status: 'transient', errcode: -1 });
    await fail(SUBSCRIBE, { errcode: 45009, errmsg: 'reach max api daily quota limit' });
    expect(await toResident()).toMatchObject({ status: 'transient', errcode: 45009, retryAfterMs: 60_000 });
    await fail(SUBSCRIBE, { httpStatus: 500 });
    expect(await toResident()).toMatchObject({ status: 'transient', errcode: 'http_500' });
    await fail(SUBSCRIBE, { delayMs: 800, errcode: -1 });
    expect(await toResident()).toMatchObject({ status: 'transient', errcode: 'timeout' });
    expect((await toResident()).status).toBe('sent');
  });

  it('refreshes the token once on 40001, then succeeds', async () => {
    await toResident();
    const fetches = s.calls('/cgi-bin/stable_token');
    await fail(SUBSCRIBE, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
    expect((await toResident()).status).toBe('sent');
    expect(s.calls('/cgi-bin/stable_token')).toBe(fetches + 1);
    expect((await s.messages({ openid: 'resident-01' })).map((m) => m.errcode)).toEqual([0, 40001, 0]);
  });

  it('gives up as transient when 40001 persists after the one refresh', async () => {
    await fail(SUBSCRIBE, { errcode: 40001, times: 2 });
    expect(await toResident()).toMatchObject({ status: 'transient', errcode: 40001 });
  });

  it('is permanent on 40037, 47003 and 40003', async () => {
    expect(await subscribe.send({ channel: 'subscribe', to: 'resident-01', templateId: 'not-in-console', data: progressData() })).toMatchObject({ status: 'permanent', errcode: 40037 });
    expect(await toResident({ time4: 'tomorrow morning' })).toMatchObject({ status: 'permanent', errcode: 47003 });
    expect(await subscribe.send({ channel: 'subscribe', to: 'not an openid', templateId: TPL.mpProgress, data: progressData() })).toMatchObject({ status: 'permanent', errcode: 40003 });
  });
});

describe('the official-account template channel (co-wechat-api)', () => {
  it('sends to a follower through the configured host, with the mini-program page', async () => {
    expect(await toStaff()).toMatchObject({ status: 'sent', providerMessageId: expect.any(String) });
    const [m] = await s.messages({ openid: 'oa-staff-01' });
    expect(m).toMatchObject({ channel: 'oa_template', accepted: true, page: 'packages/staff/task/index?id=1', templateId: TPL.oaTask });
    expect(s.calls('/cgi-bin/token')).toBe(0); // never co-wechat-api's own token fetch
  });

  it('falls back on 43004 when the staff member does not follow the account', async () => {
    expect(await toStaff('staff-unfollowed')).toEqual({ status: 'fallback', errcode: 43004, errmsg: 'require subscribe' });
  });

  it('refreshes the shared token once on 40001 and sends', async () => {
    await toStaff();
    const fetches = s.calls('/cgi-bin/stable_token');
    await fail(TEMPLATE, { errcode: 40001 });
    expect((await toStaff()).status).toBe('sent');
    expect(s.calls('/cgi-bin/stable_token')).toBe(fetches + 1);
  });

  it('maps −1, 45009, HTTP 500 and timeouts to transient, 40037 to permanent', async () => {
    await fail(TEMPLATE, { errcode: -1, errmsg: 'system error' });
    expect(await toStaff()).toMatchObject({ status: 'transient', errcode: -1 });
    await fail(TEMPLATE, { errcode: 45009 });
    expect(await toStaff()).toMatchObject({ status: 'transient', errcode: 45009 });
    await fail(TEMPLATE, { httpStatus: 503 });
    expect(await toStaff()).toMatchObject({ status: 'transient', errcode: 'http_503' });
    await fail(TEMPLATE, { delayMs: 800 });
    expect(await toStaff()).toMatchObject({ status: 'transient', errcode: 'timeout' });
    expect(await oa.send({ channel: 'oa_template', to: 'oa-staff-01', templateId: TPL.mpProgress, data: progressData() })).toMatchObject({ status: 'permanent', errcode: 40037 });
  });
});

describe('the WeCom group-robot channel', () => {
  const key = `sbx-robot-${GRID.code}`;

  it('sends markdown, or text with @-mentions by mobile, recorded under the group', async () => {
    expect(await robot.send({ channel: 'wecom_robot', to: key, text: '## 新任务 DL20261127-000123\n> **道路不洁**' })).toEqual({ status: 'sent' });
    expect(await robot.send({ channel: 'wecom_robot', to: key, text: '## 新任务\n> **道路不洁** [查看](https://x.example/1)', mentionMobiles: ['19900000001'] })).toEqual({ status: 'sent' });
    const msgs = await s.messages({ group: GRID.code });
    expect(msgs.map((m) => m.msgtype)).toEqual(['markdown', 'text']);
    expect(msgs[1]).toMatchObject({ content: '新任务\n道路不洁 查看 https://x.example/1', mentions: ['19900000001'] });
  });

  it('cuts content to the byte limits instead of being refused', async () => {
    expect((await robot.send({ channel: 'wecom_robot', to: key, text: '超'.repeat(2000) })).status).toBe('sent');
    const [m] = await s.messages({ group: GRID.code });
    expect(Buffer.byteLength(m!.content)).toBeLessThanOrEqual(4096);
    expect(m!.content.endsWith('…')).toBe(true);
  });

  it('maps the 21st message within a minute (45009) to transient with retryAfterMs ≥ 60 s', async () => {
    for (let i = 0; i < 20; i++) expect((await robot.send({ channel: 'wecom_robot', to: key, text: `消息${i}` })).status).toBe('sent');
    const out = await robot.send({ channel: 'wecom_robot', to: key, text: '第21条' });
    expect(out).toMatchObject({ status: 'transient', errcode: 45009 });
    expect(out.status === 'transient' && out.retryAfterMs).toBeGreaterThanOrEqual(60_000);
    const last = (await s.messages({ group: GRID.code })).at(-1);
    expect(last).toMatchObject({ accepted: false, errcode: 45009, content: '第21条' });
  });

  it('is permanent on 93000 (a key of no robot)', async () => {
    expect(await robot.send({ channel: 'wecom_robot', to: 'sbx-robot-nowhere', text: 'x' })).toMatchObject({ status: 'permanent', errcode: 93000 });
  });

  it('is transient on 130101 with a 10-minute pause, and on −1', async () => {
    await fail(WEBHOOK, { errcode: 130101, errmsg: 'send too fast' });
    expect(await robot.send({ channel: 'wecom_robot', to: key, text: 'x' })).toMatchObject({ status: 'transient', errcode: 130101, retryAfterMs: 600_000 });
    await fail(WEBHOOK, { errcode: -1 });
    expect(await robot.send({ channel: 'wecom_robot', to: key, text: 'x' })).toMatchObject({ status: 'transient', errcode: -1 });
  });
});

describe('the SMS channel', () => {
  it('sends through the provider-neutral gateway and de-duplicates on the dedupe key', async () => {
    const msg = { channel: 'sms' as const, to: '13900000001', templateId: TPL.smsProgress, data: { caseNo: 'DL20261127-000123' }, dedupeKey: 'case.register-1-u1-sms' };
    const first = await sms.send(msg);
    expect(first).toMatchObject({ status: 'sent', providerMessageId: expect.any(String) });
    expect(await sms.send(msg)).toEqual(first);
    const msgs = await s.messages({ channel: 'sms' });
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ recipient: { phone: '13900000001' }, accepted: true });
  });

  it('is permanent for an invalid phone and transient for a gateway failure', async () => {
    expect(await sms.send({ channel: 'sms', to: '12345', templateId: TPL.smsProgress, data: {} })).toMatchObject({ status: 'permanent', errcode: 'INVALID_PHONE' });
    await fail('/sms/send', { httpStatus: 502 });
    expect(await sms.send({ channel: 'sms', to: '13900000001', templateId: TPL.smsProgress, data: {} })).toMatchObject({ status: 'transient', errcode: 'http_502' });
    await fail('/sms/send', { delayMs: 800 });
    expect(await sms.send({ channel: 'sms', to: '13900000001', templateId: TPL.smsProgress, data: {} })).toMatchObject({ status: 'transient', errcode: 'timeout' });
  });
});

describe('the msgSecCheck content check', () => {
  it('returns the platform verdict', async () => {
    expect(await check.checkText('resident-01', '人行道上有暴露垃圾')).toBe('pass');
    expect(await check.checkText('resident-01', '[review] 请加微信')).toBe('review');
    expect(await check.checkText('resident-01', '这里有人赌博')).toBe('risky');
  });

  it('answers review, never a refusal, when the check itself fails', async () => {
    expect(await check.checkText('not an openid', '你好')).toBe('review');
    for (const errcode of [43104, 40129, 47001, -1]) {
      await fail('/wxa/msg_sec_check', { errcode });
      expect(await check.checkText('resident-01', '你好')).toBe('review');
    }
    await fail('/wxa/msg_sec_check', { delayMs: 800 });
    expect(await check.checkText('resident-01', '你好')).toBe('review');
    const down = msgSecCheck({ apiBase: 'http://127.0.0.1:9', timeoutMs: 300, tokens: { appId: 'x', get: async () => ({ token: 't', expiresAt: Date.now() + 3600_000 }), refresh: async () => ({ token: 't', expiresAt: Date.now() + 3600_000 }) } });
    expect(await down.checkText('resident-01', '你好')).toBe('review');
  });
});
