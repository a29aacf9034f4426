// Issue 13, item 8: long-term subscribe messages (长期订阅) where the account's service category allows them
// (政务民生). A resident who accepts the long-term template once hears every step of their case; the sandbox
// holds the long-term grant, does not spend it, answers 43101 once the user turns it off and 40037 when the
// account may not use long-term templates. Without a long-term subscription, one-time credits work as before.
// A reporter reached only by SMS gets the case's tracking link in it (item 4).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'drizzle-orm';
import type { SandboxAccount } from '@finecity/types';
import { onDutySlot } from '../../server/src/domain/duty-roster.js';
import { startHarness, type Harness } from '../support/harness.js';
import { actOk, as, auth, handleOk, pick, reportOk, type Session } from '../support/flows.js';
import { attemptsOf, control, delivered, eventually, notificationsFor, setOaOpenid } from './support.js';

const ONE_TIME = 'sbx-sub-case-progress';
const LONG_TERM = 'sbx-lt-case-progress';

let h: Harness;
let resident: Session;
let dispatcher: Session;
let inspector: Session;
let grid: SandboxAccount;
let residentId: string;

beforeAll(async () => {
  h = await startHarness({ notifications: {} });
  grid = pick(h, 'inspector');
  resident = await as(h, h.accounts.filter((a) => a.role === 'resident')[1]!);
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
  inspector = await as(h, pick(h, 'inspector', (a) => a.orgNodeCode === grid.orgNodeCode && a.duty === onDutySlot(h.clock.now())));
  residentId = ((await h.request.get('/api/v1/me').set(auth(resident))).body as { user: { id: string } }).user.id;
  // Strict: the sandbox refuses what the user has not granted, as WeChat does.
  await control(h, 'subscribe-mode', { strict: true });
});
afterAll(async () => {
  await h?.close();
});

const answer = (results: Record<string, string>) => h.request.post('/api/v1/subscriptions').set(auth(resident)).send({ results });
/** The resident's message of `event` on case `caseId`, once delivered or given up. */
const settledFor = (caseId: string, event: string) =>
  eventually(async () => (await notificationsFor(h, caseId)).find((n) => n.event === event && n.recipientUserId === residentId && n.status !== 'pending'), 20_000, event);
/** Dispatched to the grid, signed and handled by its on-duty inspector: the reporter hears of the handling. */
async function handled(caseId: string): Promise<void> {
  await actOk(h, dispatcher, caseId, 'dispatch', {});
  await actOk(h, inspector, caseId, 'sign', {});
  await handleOk(h, inspector, caseId);
}

describe('long-term subscribe messages', () => {
  it('offers the long-term ids beside the one-time ones, and refuses a consent that mixes the kinds', async () => {
    const t = await h.request.get('/api/v1/subscriptions/templates');
    expect(t.body.templates.case_progress).toBe(ONE_TIME);
    expect(t.body.longTerm).toEqual({ case_progress: LONG_TERM });
    const mixed = await answer({ [ONE_TIME]: 'accept', [LONG_TERM]: 'accept' });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.message).toContain('不能在同一次授权中');
  });

  it('one accept, every step: registration and handling both reach the resident with the long-term template, no credit spent', async () => {
    const res = await answer({ [LONG_TERM]: 'accept' });
    expect(res.body).toEqual({ credits: {}, longTerm: { [LONG_TERM]: true } });
    await control(h, 'subscribe-credit', { openid: resident.account.openid, templateId: LONG_TERM, longTerm: true });
    const c = await reportOk(h, resident, { lat: grid.lat!, lng: grid.lng! });
    await actOk(h, dispatcher, c.id, 'register');
    await handled(c.id);
    for (const event of ['case.register', 'case.handle']) expect((await settledFor(c.id, event)).channel).toBe('subscribe');
    const sent = delivered(h, { openid: resident.account.openid, channel: 'subscribe' }).filter((m) => Object.values(m.data ?? {}).includes(c.caseNo));
    expect(sent.map((m) => m.templateId)).toEqual([LONG_TERM, LONG_TERM]);
    // What the resident reads: Chinese and Beijing time.
    expect(sent[0]!.content).toMatch(/案件进度通知/);
    expect(sent[0]!.content).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);
  });

  it('once the user turns it off (43101), falls back to the official account, forgets it, and uses one-time credits again', async () => {
    await control(h, 'subscribe-credit', { openid: resident.account.openid, templateId: LONG_TERM, longTerm: false });
    await setOaOpenid(h, resident.account.openid, 'oa-long-term-resident');
    try {
      const c = await reportOk(h, resident, { lat: grid.lat!, lng: grid.lng! });
      await actOk(h, dispatcher, c.id, 'register');
      const n = await settledFor(c.id, 'case.register');
      expect([n.status, n.channel]).toEqual(['sent', 'oa_template']);
      expect((await attemptsOf(h, n.id)).map((a) => [a.channel, a.errcode])).toEqual([['subscribe', '43101'], ['oa_template', null]]);
      // The next consent is one-time: one credit, one message, with the one-time template.
      await answer({ [ONE_TIME]: 'accept' }).expect(200);
      await control(h, 'subscribe-credit', { openid: resident.account.openid, templateId: ONE_TIME, count: 1 });
      await handled(c.id);
      expect((await settledFor(c.id, 'case.handle')).channel).toBe('subscribe');
      expect(delivered(h, { openid: resident.account.openid, channel: 'subscribe' }).filter((m) => Object.values(m.data ?? {}).includes(c.caseNo)).map((m) => m.templateId)).toEqual([ONE_TIME]);
    } finally {
      await setOaOpenid(h, resident.account.openid, null as unknown as string);
    }
  });

  it('a refusal in the dialog withdraws the long-term subscription', async () => {
    await answer({ [LONG_TERM]: 'accept' }).expect(200);
    expect((await answer({ [LONG_TERM]: 'reject' })).body.longTerm).toEqual({ [LONG_TERM]: false });
  });
});

describe('a reporter without subscribe consent or the official account', () => {
  it('gets the progress SMS with the case\'s tracking link, which opens the public view of the case', async () => {
    await h.database.db.execute(sql`update users set mobile = '13900001313' where id = ${residentId}::uuid`);
    // No credits, no long-term subscription, no official account: SMS is what is left.
    await answer({ [LONG_TERM]: 'reject' }).expect(200);
    const c = await reportOk(h, resident, { lat: grid.lat!, lng: grid.lng! });
    await actOk(h, dispatcher, c.id, 'register');
    expect((await settledFor(c.id, 'case.register')).channel).toBe('sms');
    const sms = delivered(h, { channel: 'sms' }).find((m) => m.content.includes(c.caseNo))!;
    const link = /办理进度查询：(\S+)/.exec(sms.content)?.[1];
    expect(link).toMatch(/\/t\/[A-Za-z0-9_-]{43}$/);
    expect(sms.content).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);
    const token = link!.split('/t/')[1]!;
    expect((await h.request.get(`/t/${token}`)).status).toBe(302);
    const view = await h.request.get(`/api/v1/track/${token}`);
    expect([view.status, view.body.caseNo]).toEqual([200, c.caseNo]);
    // The same link as the reporter's own "share" button gives.
    expect((await h.request.get(`/api/v1/cases/${c.id}/tracking-link`).set(auth(resident))).body.url).toBe(link);
  });
});

describe('the sandbox models both kinds', () => {
  const send = async (templateId: string) => {
    const { access_token } = (await (await fetch(`${h.sandboxUrl}/cgi-bin/stable_token`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credential', appid: h.deps.config.wechat.mpAppId, secret: h.deps.config.wechat.mpAppSecret }),
    })).json()) as { access_token: string };
    const r = await fetch(`${h.sandboxUrl}/cgi-bin/message/subscribe/send?access_token=${access_token}`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ touser: 'sandbox-lt-user', template_id: templateId, data: { character_string1: { value: 'DL20261125-000001' }, thing2: { value: '暴露垃圾' }, phrase3: { value: '已受理' }, time4: { value: '2026-11-25 10:00' }, thing5: { value: '请留意' } } }),
    });
    return ((await r.json()) as { errcode: number }).errcode;
  };

  it('sends a granted long-term template again and again, answers 43101 without the grant and 40037 when the account may not use long-term templates', async () => {
    expect(await send(LONG_TERM)).toBe(43101);
    await control(h, 'subscribe-credit', { openid: 'sandbox-lt-user', templateId: LONG_TERM, longTerm: true });
    expect([await send(LONG_TERM), await send(LONG_TERM), await send(LONG_TERM)]).toEqual([0, 0, 0]);
    // One-time: one credit, one message.
    await control(h, 'subscribe-credit', { openid: 'sandbox-lt-user', templateId: ONE_TIME, count: 1 });
    expect([await send(ONE_TIME), await send(ONE_TIME)]).toEqual([0, 43101]);
    await control(h, 'subscribe-mode', { longTermAllowed: false });
    try {
      expect(await send(LONG_TERM)).toBe(40037);
    } finally {
      await control(h, 'subscribe-mode', { longTermAllowed: true });
    }
  });
});
