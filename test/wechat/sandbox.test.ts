import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { smallJpeg } from '../support/fixtures.js';
import { DISTRICT, GRID, MP, OA, startSandbox, TPL, type TestSandbox } from './support.js';

let s: TestSandbox;
let mpToken: string;
let oaToken: string;
let clock = Date.now();

beforeAll(async () => {
  s = await startSandbox({ now: () => clock });
});
afterAll(async () => {
  await s?.close();
});
beforeEach(async () => {
  await s.post('/sandbox/control/reset', {});
  mpToken = (await s.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: MP.appId, secret: MP.secret })).json.access_token as string;
  oaToken = (await s.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: OA.appId, secret: OA.secret })).json.access_token as string;
});

const subscribe = (body: Record<string, unknown>, token = mpToken) =>
  s.post(`/cgi-bin/message/subscribe/send?access_token=${token}`, { touser: 'resident-01', template_id: TPL.mpProgress, data: { thing2: { value: '道路不洁' }, phrase3: { value: '已受理' } }, ...body });
const template = (body: Record<string, unknown>) =>
  s.post(`/cgi-bin/message/template/send?access_token=${oaToken}`, { touser: 'oa-staff-01', template_id: TPL.oaTask, data: { thing2: { value: '道路不洁' } }, ...body });
const robot = (key: string, body: Record<string, unknown>) => s.post(`/qyapi/cgi-bin/webhook/send?key=${key}`, body);

describe('the sandbox access tokens', () => {
  it('hands out the same stable token until its last five minutes, 7200 s long, then a new one while the old still works', async () => {
    const a = await s.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: MP.appId, secret: MP.secret, force_refresh: false });
    expect(a.json.access_token).toBe(mpToken);
    expect(mpToken.length).toBeGreaterThan(100);
    clock += 7200_000 - 4 * 60_000;
    const b = await s.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: MP.appId, secret: MP.secret });
    expect(b.json).toMatchObject({ expires_in: 7200 });
    expect(b.json.access_token).not.toBe(mpToken);
    expect((await subscribe({})).json.errcode).toBe(0);
    clock += 5 * 60_000;
    expect((await subscribe({})).json).toMatchObject({ errcode: 42001 });
    expect((await subscribe({}, b.json.access_token as string)).json.errcode).toBe(0);
  });

  it('refuses bad credentials with WeChat codes', async () => {
    expect((await s.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: 'wxnope', secret: 'x' })).json.errcode).toBe(40013);
    expect((await s.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: MP.appId, secret: 'wrong' })).json.errcode).toBe(40125);
    expect((await s.post('/cgi-bin/stable_token', { grant_type: 'password', appid: MP.appId, secret: MP.secret })).json.errcode).toBe(40002);
  });

  it('limits force_refresh to one per 30 s, and a forced refresh voids the previous stable token', async () => {
    const forced = await s.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: MP.appId, secret: MP.secret, force_refresh: true });
    expect(forced.json.access_token).not.toBe(mpToken);
    expect((await subscribe({})).json.errcode).toBe(40001);
    const again = await s.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: MP.appId, secret: MP.secret, force_refresh: true });
    expect(again.json.errcode).toBe(45009);
    clock += 31_000;
    expect((await s.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: MP.appId, secret: MP.secret, force_refresh: true })).json.access_token).toBeDefined();
  });

  it('serves the classic cgi-bin/token, whose every fetch voids the previous classic token', async () => {
    const q = `grant_type=client_credential&appid=${OA.appId}&secret=${OA.secret}`;
    const first = (await s.get(`/cgi-bin/token?${q}`)).json.access_token as string;
    const second = (await s.get(`/cgi-bin/token?${q}`)).json.access_token as string;
    expect(first).not.toBe(second);
    oaToken = first;
    expect((await template({})).json.errcode).toBe(40001);
    oaToken = second;
    expect((await template({})).json.errcode).toBe(0);
  });

  it('checks the token on every call: missing 41001, unknown 40001, the other app’s 48001', async () => {
    expect((await s.post('/cgi-bin/message/subscribe/send', {})).json.errcode).toBe(41001);
    expect((await subscribe({}, 'not-a-token')).json.errcode).toBe(40001);
    expect((await subscribe({}, oaToken)).json.errcode).toBe(48001);
  });
});

describe('subscribe messages', () => {
  it('accepts a valid message and records it with the template’s labels', async () => {
    const r = await subscribe({ page: 'pages/case/index?id=1' });
    expect(r.json).toMatchObject({ errcode: 0, errmsg: 'ok' });
    const [m] = await s.messages({ openid: 'resident-01' });
    expect(m).toMatchObject({ channel: 'subscribe', recipient: { openid: 'resident-01' }, templateId: TPL.mpProgress, accepted: true, errcode: 0, page: 'pages/case/index?id=1' });
    expect(m!.content).toContain('问题类型：道路不洁');
  });

  it('answers 40037 for an unknown template, 40003 for a malformed openid, 47003 for a value breaking its type rule', async () => {
    expect((await subscribe({ template_id: 'nope' })).json.errcode).toBe(40037);
    expect((await subscribe({ template_id: TPL.oaTask })).json.errcode).toBe(40037);
    expect((await subscribe({ touser: 'bad openid!' })).json.errcode).toBe(40003);
    const long = await subscribe({ data: { thing2: { value: '一'.repeat(21) } } });
    expect(long.json).toMatchObject({ errcode: 47003, errmsg: 'argument invalid! data.thing2.value invalid' });
    expect((await subscribe({ data: { phrase3: { value: '正在处理中了' } } })).json.errcode).toBe(47003);
    expect((await subscribe({ data: { character_string1: { value: 'DL 2026' } } })).json.errcode).toBe(47003);
    expect((await subscribe({ data: { time4: { value: '明天上午' } } })).json.errcode).toBe(47003);
    expect((await subscribe({ data: { time4: { value: '2026-11-27 09:05' } } })).json.errcode).toBe(0);
    const refused = (await s.messages({ openid: 'bad openid!' }))[0];
    expect(refused).toMatchObject({ accepted: false, errcode: 40003 });
  });

  it('in strict mode refuses a send without a consent credit (43101) and spends one credit per message', async () => {
    await s.post('/sandbox/control/subscribe-mode', { strict: true });
    expect((await subscribe({})).json).toMatchObject({ errcode: 43101, errmsg: 'user refuse to accept the msg' });
    await s.post('/sandbox/control/subscribe-credit', { openid: 'resident-01', templateId: TPL.mpProgress, count: 2 });
    expect((await subscribe({})).json.errcode).toBe(0);
    expect((await s.get(`/sandbox/control/subscribe-credit?openid=resident-01&templateId=${TPL.mpProgress}`)).json.count).toBe(1);
    expect((await subscribe({})).json.errcode).toBe(0);
    expect((await subscribe({})).json.errcode).toBe(43101);
    expect((await s.messages({ openid: 'resident-01' })).map((m) => m.errcode)).toEqual([43101, 0, 0, 43101]);
  });

  it('trusts the caller by default: no credit needed, yet a granted credit is still spent', async () => {
    await s.post('/sandbox/control/subscribe-credit', { openid: 'resident-02', templateId: TPL.mpProgress, count: 1 });
    expect((await subscribe({ touser: 'resident-02' })).json.errcode).toBe(0);
    expect((await subscribe({ touser: 'resident-02' })).json.errcode).toBe(0);
    expect((await s.get(`/sandbox/control/subscribe-credit?openid=resident-02&templateId=${TPL.mpProgress}`)).json).toMatchObject({ count: 0, strict: false });
  });
});

describe('official-account template messages', () => {
  it('delivers to a follower (oa- openids follow by default) with the mini-program page, and drops first/remark', async () => {
    const r = await template({ miniprogram: { appid: MP.appId, pagepath: 'packages/staff/task/index?id=9' }, data: { first: { value: '不再显示' }, thing2: { value: '道路不洁' } } });
    expect(r.json).toMatchObject({ errcode: 0 });
    const [m] = await s.messages({ openid: 'oa-staff-01' });
    expect(m).toMatchObject({ channel: 'oa_template', recipient: { oaOpenid: 'oa-staff-01' }, page: 'packages/staff/task/index?id=9', data: { thing2: '道路不洁' } });
  });

  it('answers 43004 to a non-follower, following the follow state set by control', async () => {
    expect((await template({ touser: 'staff-not-following' })).json).toMatchObject({ errcode: 43004, errmsg: 'require subscribe' });
    await s.post('/sandbox/control/follow', { oaOpenid: 'staff-not-following', subscribed: true });
    expect((await template({ touser: 'staff-not-following' })).json.errcode).toBe(0);
    await s.post('/sandbox/control/follow', { oaOpenid: 'oa-staff-01', subscribed: false });
    expect((await template({})).json.errcode).toBe(43004);
  });

  it('answers 40037 for a mini-program template id and 40013 for a foreign mini-program', async () => {
    expect((await template({ template_id: TPL.mpProgress })).json.errcode).toBe(40037);
    expect((await template({ miniprogram: { appid: 'wxother', pagepath: 'x' } })).json.errcode).toBe(40013);
  });
});

describe('media (素材) and msgSecCheck', () => {
  it('uploads an image, serves it back through media/get and as a PicUrl', async () => {
    const jpeg = await smallJpeg();
    const form = new FormData();
    form.append('media', new Blob([jpeg], { type: 'image/jpeg' }), 'photo.jpg');
    const up = await fetch(`${s.url}/cgi-bin/media/upload?access_token=${oaToken}&type=image`, { method: 'POST', body: form });
    const json = (await up.json()) as { type: string; media_id: string; created_at: number };
    expect(json).toMatchObject({ type: 'image', media_id: expect.any(String), created_at: expect.any(Number) });
    const got = await fetch(`${s.url}/cgi-bin/media/get?access_token=${oaToken}&media_id=${json.media_id}`);
    expect(got.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await got.arrayBuffer()).equals(jpeg)).toBe(true);
    const pic = await fetch(`${s.url}/sandbox/media/${json.media_id}`);
    expect(Buffer.from(await pic.arrayBuffer()).equals(jpeg)).toBe(true);
    expect((await s.get(`/cgi-bin/media/get?access_token=${oaToken}&media_id=nope`)).json.errcode).toBe(40007);
    const text = new FormData();
    text.append('media', new Blob(['hello'], { type: 'image/jpeg' }), 'x.jpg');
    const bad = await fetch(`${s.url}/cgi-bin/media/upload?access_token=${oaToken}&type=image`, { method: 'POST', body: text });
    expect(((await bad.json()) as { errcode: number }).errcode).toBe(40005);
  });

  it('answers msgSecCheck v2 with pass, review and risky verdicts and its parameter errors', async () => {
    const check = (body: Record<string, unknown>) => s.post(`/wxa/msg_sec_check?access_token=${mpToken}`, { version: 2, openid: 'resident-01', scene: 2, ...body });
    expect((await check({ content: '人行道上有暴露垃圾' })).json).toMatchObject({ errcode: 0, result: { suggest: 'pass', label: 100 } });
    expect((await check({ content: '加微信领红包' })).json).toMatchObject({ result: { suggest: 'review', label: 10001 } });
    expect((await check({ content: '这里有人赌博' })).json).toMatchObject({ result: { suggest: 'risky', label: 20006 } });
    expect((await check({ content: '[review] 测试' })).json).toMatchObject({ result: { suggest: 'review' } });
    expect((await check({ content: '[risky] 测试' })).json).toMatchObject({ result: { suggest: 'risky' } });
    expect((await check({ content: 'x', scene: 9 })).json.errcode).toBe(40129);
    expect((await check({ content: 'x', openid: '!' })).json.errcode).toBe(40003);
    expect((await check({ content: '' })).json.errcode).toBe(44002);
  });
});

describe('WeCom group robots', () => {
  const key = `sbx-robot-${GRID.code}`;

  it('posts markdown and text with mobile mentions to the group of the key, recorded under its org node', async () => {
    expect((await robot(key, { msgtype: 'markdown', markdown: { content: '## 新任务\n> 道路不洁' } })).json).toMatchObject({ errcode: 0, errmsg: 'ok' });
    expect((await robot(key, { msgtype: 'text', text: { content: '请处理', mentioned_mobile_list: ['19900000001'] } })).json.errcode).toBe(0);
    const msgs = await s.messages({ group: GRID.code });
    expect(msgs.map((m) => [m.msgtype, m.mentions])).toEqual([['markdown', []], ['text', ['19900000001']]]);
    expect(msgs[0]).toMatchObject({ channel: 'wecom_robot', robot: key, recipient: { group: GRID.code } });
  });

  it('answers 93000 for a key of no group, 40058 over the byte limits, 40008 for an unknown msgtype', async () => {
    expect((await robot('whatever', { msgtype: 'text', text: { content: 'x' } })).json.errcode).toBe(93000);
    expect((await robot('sbx-robot-999999', { msgtype: 'text', text: { content: 'x' } })).json.errcode).toBe(93000);
    expect((await robot(key, { msgtype: 'text', text: { content: '字'.repeat(683) } })).json.errcode).toBe(40058);
    expect((await robot(key, { msgtype: 'text', text: { content: '字'.repeat(682) } })).json.errcode).toBe(0);
    expect((await robot(key, { msgtype: 'markdown', markdown: { content: 'x'.repeat(4097) } })).json.errcode).toBe(40058);
    expect((await robot(key, { msgtype: 'voice', voice: {} })).json.errcode).toBe(40008);
  });

  it('refuses the 21st message within a rolling minute with 45009, per key, and accepts again once the minute has passed', async () => {
    const districtKey = `sbx-robot-${DISTRICT.code}`;
    for (let i = 1; i <= 20; i++) expect((await robot(key, { msgtype: 'text', text: { content: `第${i}条` } })).json.errcode).toBe(0);
    expect((await robot(key, { msgtype: 'text', text: { content: '第21条' } })).json).toMatchObject({ errcode: 45009, errmsg: 'api freq out of limit' });
    expect((await robot(districtKey, { msgtype: 'text', text: { content: '另一个群' } })).json.errcode).toBe(0);
    clock += 60_001;
    expect((await robot(key, { msgtype: 'text', text: { content: '一分钟后' } })).json.errcode).toBe(0);
  });
});

describe('SMS gateway', () => {
  const sms = (body: Record<string, unknown>, key = 'sandbox-sms-key-not-a-real-key') =>
    fetch(`${s.url}/sms/send`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));

  it('sends to a mainland mobile, de-duplicates on outId, and refuses bad phones, templates and keys with clear codes', async () => {
    const ok = await sms({ phone: '13900000001', templateCode: TPL.smsProgress, params: { caseNo: 'DL20261127-000123' }, outId: 'n-1' });
    expect(ok).toMatchObject({ status: 200, json: { code: 'OK', messageId: expect.any(String) } });
    expect((await sms({ phone: '13900000001', templateCode: TPL.smsProgress, params: {}, outId: 'n-1' })).json.messageId).toBe(ok.json.messageId);
    expect(await sms({ phone: '12345', templateCode: TPL.smsProgress, params: {} })).toMatchObject({ status: 400, json: { code: 'INVALID_PHONE' } });
    expect(await sms({ phone: '13900000001', templateCode: 'SMS_NOPE', params: {} })).toMatchObject({ status: 400, json: { code: 'INVALID_TEMPLATE' } });
    expect(await sms({ phone: '13900000001', templateCode: TPL.smsProgress }, 'wrong')).toMatchObject({ status: 401, json: { code: 'UNAUTHORIZED' } });
    const msgs = await s.messages({ channel: 'sms' });
    expect(msgs.map((m) => m.errcode)).toEqual([0, 'INVALID_PHONE', 'INVALID_TEMPLATE']);
    expect(msgs[0]!.content).toContain('案件编号：DL20261127-000123');
  });
});

describe('failure injection and the record', () => {
  it('answers an injected errcode the next N times, records the refusal, then behaves again', async () => {
    await s.post('/sandbox/control/fail', { path: '/cgi-bin/message/subscribe/send', errcode: -1, times: 2 });
    expect((await subscribe({})).json.errcode).toBe(-1);
    expect((await subscribe({})).json.errcode).toBe(-1);
    expect((await subscribe({})).json.errcode).toBe(0);
    expect((await s.messages({ openid: 'resident-01' })).map((m) => m.errcode)).toEqual([-1, -1, 0]);
  });

  it('injects HTTP 500s and delays', async () => {
    await s.post('/sandbox/control/fail', { path: '/cgi-bin/message/subscribe/send', httpStatus: 500 });
    expect((await subscribe({})).status).toBe(500);
    await s.post('/sandbox/control/fail', { path: '/cgi-bin/message/subscribe/send', delayMs: 300 });
    const t0 = Date.now();
    expect((await subscribe({})).json.errcode).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect((await s.post('/sandbox/control/fail', { path: '/x' })).status).toBe(400);
  });

  it('fails a share of the calls for a while when given a percent (the chaos run\'s 30 % for a minute), then behaves again', async () => {
    await s.post('/sandbox/control/fail', { path: '/cgi-bin/message/subscribe/send', errcode: -1, percent: 30, forMs: 60_000 });
    const codes: unknown[] = [];
    for (let i = 0; i < 100; i++) codes.push((await subscribe({})).json.errcode);
    // Binomial(100, 0.3): mean 30, standard deviation 4.6; both bounds are more than 4 deviations away.
    const failed = codes.filter((c) => c === -1).length;
    expect(failed).toBeGreaterThan(10);
    expect(failed).toBeLessThan(50);
    expect(codes.filter((c) => c !== -1 && c !== 0)).toEqual([]);
    clock += 60_000;
    for (let i = 0; i < 20; i++) expect((await subscribe({})).json.errcode).toBe(0);
  });

  it('filters the record by openid, group and since, and reset forgets it', async () => {
    await subscribe({ touser: 'resident-03' });
    const mid = new Date(clock).toISOString();
    clock += 1000;
    await template({ touser: 'oa-resident-03' });
    await robot(`sbx-robot-${DISTRICT.code}`, { msgtype: 'markdown', markdown: { content: '日报' } });
    expect((await s.messages({ openid: 'resident-03' })).map((m) => m.channel)).toEqual(['subscribe']);
    expect((await s.messages({ openid: 'oa-resident-03' })).map((m) => m.channel)).toEqual(['oa_template']);
    expect((await s.messages({ group: DISTRICT.code })).map((m) => m.content)).toEqual(['日报']);
    expect((await s.messages({ since: new Date(clock).toISOString() })).map((m) => m.channel)).toEqual(['oa_template', 'wecom_robot']);
    expect(await s.messages({ since: mid })).toHaveLength(3);
    expect((await s.get('/sandbox/messages?since=yesterday')).status).toBe(400);
    await s.post('/sandbox/control/reset', {});
    expect(await s.messages()).toEqual([]);
  });

  it('renders the inbox page in Simplified Chinese, per group and per person, newest first, refreshing itself', async () => {
    await subscribe({ touser: 'resident-01', data: { thing2: { value: '第一条' } } });
    await subscribe({ touser: 'resident-01', data: { thing2: { value: '第二条' } } });
    await robot(`sbx-robot-${GRID.code}`, { msgtype: 'text', text: { content: '网格群消息', mentioned_mobile_list: ['19900000001'] } });
    await subscribe({ template_id: 'nope' });
    const res = await fetch(`${s.url}/sandbox/inbox`);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('http-equiv="refresh"');
    expect(html).toContain('微信沙箱 · 消息收件箱');
    expect(html).toContain(`${GRID.name}（${GRID.code}）`);
    expect(html).toContain('小程序用户 resident-01');
    expect(html).toContain('@19900000001');
    expect(html).toContain('被拒绝 40037');
    expect(html.indexOf('第二条')).toBeLessThan(html.indexOf('第一条'));
  });
});
