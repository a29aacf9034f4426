import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq, isNull } from 'drizzle-orm';
import type { SandboxAccount } from '@finecity/types';
import { outbox, users } from '../../server/src/adapters/postgres/schema.js';
import { onDutySlot } from '../../server/src/domain/duty-roster.js';
import { jobId } from '../../server/src/adapters/queue/queues.js';
import { pgOutboxFeed } from '../../server/src/adapters/postgres/notification-repo.js';
import { relayOnce } from '../../server/src/workers/outbox-relay.js';
import { smallJpeg } from '../support/fixtures.js';
import { startHarness, type Harness } from '../support/harness.js';
import { actOk, as, auth, pick, reportOk, type Session } from '../support/flows.js';
import { attemptsOf, control, delivered, eventually, notificationsFor, queuesIdle, setOaOpenid, settled } from './support.js';

let h: Harness;
let resident: Session;
let dispatcher: Session;
let grid: SandboxAccount;
let onDuty: SandboxAccount;

beforeAll(async () => {
  h = await startHarness({ notifications: {} });
  grid = pick(h, 'inspector');
  onDuty = pick(h, 'inspector', (a) => a.orgNodeCode === grid.orgNodeCode && a.duty === onDutySlot(h.clock.now()));
  resident = await as(h, pick(h, 'resident'));
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
});
afterAll(async () => {
  await h?.close();
});

const at = () => ({ lat: grid.lat!, lng: grid.lng! });
const consent = (templateId = 'sbx-sub-case-progress') => h.request.post('/api/v1/subscriptions').set(auth(resident)).send({ results: { [templateId]: 'accept' } });

describe('who hears what', () => {
  it('sends the reporter a subscribe message on registration, spending one consent credit', async () => {
    expect((await consent()).body.credits['sbx-sub-case-progress']).toBe(1);
    const c = await reportOk(h, resident, at());
    await actOk(h, dispatcher, c.id, 'register');
    const msg = await eventually(async () => delivered(h, { openid: resident.account.openid, channel: 'subscribe' }).find((m) => m.data && Object.values(m.data).includes(c.caseNo)), 20_000, 'subscribe message');
    expect(msg.templateId).toBe('sbx-sub-case-progress');
    expect(msg.page).toBe(`pages/case/index?id=${c.id}`);
    expect(Object.values(msg.data!)).toContain('已受理');
    const ns = await settled(h, c.id, 'case.register');
    expect(ns.map((n) => [n.status, n.channel])).toEqual([['sent', 'subscribe']]);
    expect((await consent()).body.credits['sbx-sub-case-progress']).toBe(1); // spent, then granted again
  });

  it('tells the on-duty inspector and the grid group of a dispatch, and nobody else', async () => {
    await setOaOpenid(h, onDuty.openid, `oa-${onDuty.openid}`);
    const c = await reportOk(h, resident, at());
    await actOk(h, dispatcher, c.id, 'register');
    await settled(h, c.id, 'case.register');
    const before = h.sandbox.messages({ limit: 10_000 }).length;
    await actOk(h, dispatcher, c.id, 'dispatch', {});
    const ns = await settled(h, c.id, 'case.dispatch');
    expect(ns.map((n) => n.recipientGroup ?? 'user').sort()).toEqual([grid.orgNodeCode, 'user'].sort());
    const after = h.sandbox.messages({ limit: 10_000 }).slice(before).filter((m) => m.accepted);
    expect(after.map((m) => m.channel).sort()).toEqual(['oa_template', 'wecom_robot']);
    expect(after.find((m) => m.channel === 'oa_template')!.recipient.oaOpenid).toBe(`oa-${onDuty.openid}`);
    const card = after.find((m) => m.channel === 'wecom_robot')!;
    expect(card.recipient.group).toBe(grid.orgNodeCode);
    const dutyMobile = (await h.database.db.select().from(users).where(eq(users.openid, onDuty.openid)))[0]!.mobile;
    expect(card.mentions).toEqual([dutyMobile]);
  });

  it('falls back from a subscribe message to the official account on 43101 and zeroes the credit', async () => {
    await consent();
    await setOaOpenid(h, resident.account.openid, 'oa-resident-01');
    await control(h, 'subscribe-mode', { strict: true });
    try {
      const c = await reportOk(h, resident, at());
      await actOk(h, dispatcher, c.id, 'register');
      const n = await eventually(async () => (await notificationsFor(h, c.id)).find((x) => x.event === 'case.register' && x.status !== 'pending'));
      expect([n.status, n.channel]).toEqual(['sent', 'oa_template']);
      expect((await attemptsOf(h, n.id)).map((a) => [a.channel, a.outcome, a.errcode])).toEqual([
        ['subscribe', 'fallback', '43101'],
        ['oa_template', 'sent', null],
      ]);
      expect((await consent()).body.credits['sbx-sub-case-progress']).toBe(1); // zeroed, then one new grant
    } finally {
      await control(h, 'subscribe-mode', { strict: false });
      await setOaOpenid(h, resident.account.openid, null as unknown as string);
    }
  });

  it('falls back from the official account to SMS on 43004 (not following)', async () => {
    const staffOa = `oa-${onDuty.openid}`;
    await control(h, 'follow', { oaOpenid: staffOa, subscribed: false });
    try {
      const c = await reportOk(h, resident, at());
      await actOk(h, dispatcher, c.id, 'register');
      await actOk(h, dispatcher, c.id, 'dispatch', {});
      const n = await eventually(async () => (await notificationsFor(h, c.id)).find((x) => x.event === 'case.dispatch' && x.recipientUserId && x.status !== 'pending'));
      const tries = (await attemptsOf(h, n.id)).map((a) => [a.channel, a.outcome, a.errcode]);
      expect(tries).toContainEqual(['oa_template', 'fallback', '43004']);
      expect([n.status, n.channel]).toEqual(['sent', 'sms']);
      // What the inspector reads: the deadline in Beijing time, never an ISO timestamp.
      const sms = delivered(h, { channel: 'sms' }).find((m) => m.content.includes(c.caseNo))!;
      expect(sms.content).toMatch(/办理时限：\d{4}-\d{2}-\d{2} \d{2}:\d{2}(；|$)/);
      expect(sms.content).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);
    } finally {
      await control(h, 'follow', { oaOpenid: staffOa, subscribed: true });
    }
  });

  it('retries a transient error (-1) and delivers once; never retries a permanent one (40037)', async () => {
    await control(h, 'fail', { path: '/cgi-bin/message/template/send', errcode: -1, times: 1 });
    const c1 = await reportOk(h, resident, at());
    await actOk(h, dispatcher, c1.id, 'register');
    await actOk(h, dispatcher, c1.id, 'dispatch', {});
    const n1 = await eventually(async () => (await notificationsFor(h, c1.id)).find((x) => x.event === 'case.dispatch' && x.recipientUserId && x.status === 'sent'), 30_000, 'retry');
    expect((await attemptsOf(h, n1.id)).map((a) => [a.channel, a.outcome])).toEqual([['oa_template', 'transient'], ['oa_template', 'sent']]);
    expect(delivered(h, { openid: `oa-${onDuty.openid}` }).filter((m) => m.data && Object.values(m.data).includes(c1.caseNo))).toHaveLength(1);

    await control(h, 'fail', { path: '/cgi-bin/message/template/send', errcode: 40037, times: 1 });
    const c2 = await reportOk(h, resident, at());
    await actOk(h, dispatcher, c2.id, 'register');
    await actOk(h, dispatcher, c2.id, 'dispatch', {});
    const n2 = await eventually(async () => (await notificationsFor(h, c2.id)).find((x) => x.event === 'case.dispatch' && x.recipientUserId && x.status !== 'pending'));
    const tries = (await attemptsOf(h, n2.id)).map((a) => [a.channel, a.outcome, a.errcode]);
    expect(tries.filter((t) => t[0] === 'oa_template')).toEqual([['oa_template', 'permanent', '40037']]);
    expect(n2.channel).toBe('sms');
  });

  it('never sends the same event to the same person twice when the outbox is published again', async () => {
    const c = await reportOk(h, resident, at());
    await actOk(h, dispatcher, c.id, 'register');
    await actOk(h, dispatcher, c.id, 'dispatch', {});
    await settled(h, c.id, 'case.dispatch');
    const count = () => delivered(h).filter((m) => m.content.includes(c.caseNo) || Object.values(m.data ?? {}).includes(c.caseNo)).length;
    const first = count();
    await h.database.db.update(outbox).set({ publishedAt: null }).where(eq(outbox.caseId, c.id));
    await relayOnce({
      feed: pgOutboxFeed(h.database), queues: h.notifier!.queues, instance: h.notifier!.instance, sla: h.deps.sla, clock: h.clock, logger: h.deps.logger,
      failover: { toBAfterMinutes: 15, toCommunityAfterMinutes: 30 },
    });
    expect(await h.database.db.select().from(outbox).where(isNull(outbox.publishedAt))).toHaveLength(0);
    await queuesIdle(h); // the replayed plan jobs ran (or were dropped as the same jobs)
    expect(count()).toBe(first);
  });

  it('refuses a report msgSecCheck calls risky, and flags one it sends to review for the dispatcher', async () => {
    const risky = await h.request
      .post('/api/v1/reports').set(auth(resident)).field('categoryCode', '06010').field('description', '路边垃圾 [risky]')
      .field('lat', String(grid.lat)).field('lng', String(grid.lng)).attach('photos', await smallJpeg(), 'a.jpg');
    expect([risky.status, risky.body.error?.code]).toEqual([422, 'content.rejected']);
    const review = await reportOk(h, resident, { ...at(), description: '路边垃圾 [review]' });
    expect(review.moderation).toBe('review');
    const seen = await h.request.get(`/api/v1/cases/${review.id}`).set(auth(dispatcher));
    expect(seen.body.case.moderation).toBe('review');
  });

  it('reaches staff with no bound account and no credit by SMS, the last fallback, with the task in the text', async () => {
    const b = h.accounts.find((a) => a.orgNodeCode === grid.orgNodeCode && a.duty && a.duty !== onDuty.duty)!;
    const row = (await h.database.db.select().from(users).where(eq(users.openid, b.openid)))[0]!;
    expect([row.oaOpenid, row.mobile]).toEqual([null, expect.stringMatching(/^1[3-9]\d{9}$/)]);
    const c = await reportOk(h, resident, at());
    await actOk(h, dispatcher, c.id, 'register');
    const d = await actOk(h, dispatcher, c.id, 'dispatch', {});
    // Not signed in time: the failover timer hands the task to the B post (this inspector).
    const job = await eventually(() => h.notifier!.queues.deadlines.getJob(jobId('failover', c.id, `v${d.version}`, 'b')), 10_000, 'the failover timer');
    await job.promote();
    const n = await eventually(async () => (await notificationsFor(h, c.id)).find((x) => x.event === 'duty.failover_b' && x.recipientUserId === row.id && x.status !== 'pending'), 20_000, 'the failover notification');
    expect([n.status, n.channel]).toEqual(['sent', 'sms']);
    const texts = delivered(h, { channel: 'sms', phone: row.mobile! }).filter((m) => m.data?.character_string1 === c.caseNo);
    expect(texts).toHaveLength(1);
    const sms = texts[0]!;
    expect(sms.templateId).toBe('SMS_CASE_TASK');
    const beijing = new Date(new Date(d.deadline!.dueAt).getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 16);
    expect(sms.data).toEqual({ character_string1: c.caseNo, thing2: '暴露垃圾', thing3: expect.any(String), time4: beijing, thing5: '值班网格员未及时签收，请协助处置' });
    expect(sms.content).toContain(c.caseNo);
    expect(sms.content).toContain('值班网格员未及时签收，请协助处置');
    expect(sms.content).toContain(beijing);
  });
});
