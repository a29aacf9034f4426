import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Worker, type Job } from 'bullmq';
import { eq, inArray } from 'drizzle-orm';
import type { CaseDto, SandboxAccount } from '@finecity/types';
import { notificationAttempts, users } from '../../server/src/adapters/postgres/schema.js';
import { pgOutboxFeed } from '../../server/src/adapters/postgres/notification-repo.js';
import { workerConnection } from '../../server/src/adapters/queue/redis.js';
import { onDutySlot } from '../../server/src/domain/duty-roster.js';
import { createLogger } from '../../server/src/logger.js';
import { startRelay, type RelayRuntime } from '../../server/src/workers/outbox-relay.js';
import { notificationJob, type WorkerOptions } from '../../server/src/workers/run-workers.js';
import { startHarness, type Harness } from '../support/harness.js';
import { act, actOk, as, auth, pick, reportOk, type Session } from '../support/flows.js';
import { control, delivered, eventually, freePort, notificationsFor, startRedis } from './support.js';

// Exactly-once delivery, as far as the providers allow it, checked per recipient: every person and group a
// case's events were meant for received exactly the messages meant for them, no more and no fewer.
//
// What holds, precisely:
// - A worker that dies mid-job: its lock expires and another worker runs the job again
//   (https://docs.bullmq.io/guide/workers/stalled-jobs). The ledger (one notifications row per event and
//   recipient, unique dedupe key) skips rows already sent, and an SMS sent again carries the row's dedupe key
//   as outId, on which the SMS provider de-duplicates: exactly once.
// - A provider that accepted and then timed out: the send is retried (a timeout is transient). SMS is
//   de-duplicated by outId: exactly once. WeChat's subscribe and template sends and WeCom's robot webhook
//   take no idempotency key, so there a retry after an accepted-but-unanswered call is at least once
//   (server/src/adapters/wechat/subscribe-channel.ts says so); this file therefore routes the held message by SMS.
// - After a Redis outage (its data lost): the outbox rows the cases wrote stay unpublished until Redis
//   takes the jobs again; each person then hears each event once.
//
// This file runs its own worker processes' parts (the relay, and BullMQ workers running the production job
// function) so it can kill one of them mid-job; the harness starts the notifier without workers. Its Redis
// is a private redis-server it may kill and restart; queue names carry the harness's unique prefix.

/** Kept short so that a provider's late answer is a timeout within the test's time. */
const SEND_TIMEOUT_MS = 2000;

let h: Harness;
let redis: ChildProcess;
let port: number;
let resident: Session;
let dispatcher: Session;
let grid: SandboxAccount;
let onDuty: SandboxAccount;
let onDutyMobile: string;
let relay: RelayRuntime;
const workers: Worker[] = [];
const connections: ReturnType<typeof workerConnection>[] = [];

/** A worker process's notification worker: the production job function, with this file's lock timings. */
function notificationWorker(opts: { lockDuration: number; stalledInterval: number }): Worker {
  const o = { notify: h.notifier!.notify, callbacks: h.notifier!.callbacks } as WorkerOptions;
  const connection = workerConnection(`redis://127.0.0.1:${port}`);
  connection.on('error', () => {});
  connections.push(connection);
  const w = new Worker('notifications', (job: Job, token?: string) => notificationJob(o, job, token), {
    connection, prefix: h.deps.config.redis.prefix, concurrency: 4, ...opts,
  });
  w.on('error', () => {}); // Redis going away in the outage test: BullMQ reconnects
  workers.push(w);
  return w;
}

beforeAll(async () => {
  port = await freePort();
  redis = await startRedis(port);
  h = await startHarness({ notifications: { redisUrl: `redis://127.0.0.1:${port}`, workers: false }, env: { WECHAT_TIMEOUT_MS: String(SEND_TIMEOUT_MS) } });
  relay = startRelay({
    feed: pgOutboxFeed(h.database), queues: h.notifier!.queues, instance: h.notifier!.instance, sla: h.deps.sla, clock: h.clock,
    logger: createLogger('silent'), failover: h.deps.policy.notifications.dutyFailover,
  }, { pollMs: 200 });
  grid = pick(h, 'inspector');
  onDuty = pick(h, 'inspector', (a) => a.orgNodeCode === grid.orgNodeCode && a.duty === onDutySlot(h.clock.now()));
  resident = await as(h, pick(h, 'resident'));
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
  // The on-duty inspector follows no official account and holds no subscribe credit: their task goes by SMS.
  const [row] = await h.database.db.update(users).set({ oaOpenid: null }).where(eq(users.openid, onDuty.openid)).returning();
  onDutyMobile = row!.mobile!;
  expect(onDutyMobile).toMatch(/^1[3-9]\d{9}$/);
}, 60_000);
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close(true)));
  for (const c of connections.splice(0)) c.disconnect();
});
afterAll(async () => {
  await relay?.stop();
  await h?.close();
  redis?.kill('SIGKILL');
});

const at = () => ({ lat: grid.lat!, lng: grid.lng! });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The reporter agrees to one progress message (WeChat's one-time subscribe consent): registration reaches them. */
async function consent(): Promise<void> {
  const res = await h.request.post('/api/v1/subscriptions').set(auth(resident)).send({ results: { 'sbx-sub-case-progress': 'accept' } });
  expect(res.status).toBe(200);
}

/** Registered (the reporter is told) and dispatched to the grid (the on-duty inspector by SMS and the grid's group by robot). */
async function dispatched(description = '路边有暴露垃圾'): Promise<CaseDto> {
  await consent();
  const c = await reportOk(h, resident, { ...at(), description });
  await actOk(h, dispatcher, c.id, 'register');
  return actOk(h, dispatcher, c.id, 'dispatch', {});
}

/** Waits until every notification row of the case is planned and none is pending. */
async function settledCase(c: CaseDto, events: string[]) {
  return eventually(async () => {
    const rows = await notificationsFor(h, c.id);
    const planned = events.every((e) => rows.some((r) => r.event === e));
    return planned && rows.every((r) => r.status !== 'pending') ? rows : undefined;
  }, 30_000, `notifications of ${c.caseNo}`);
}

/** Where a sandbox message landed: channel and the recipient's address on it. */
const addressOf = (m: { channel: string; recipient: { group?: string; openid?: string; oaOpenid?: string; phone?: string } }) =>
  `${m.channel} ${m.recipient.group ?? m.recipient.openid ?? m.recipient.oaOpenid ?? m.recipient.phone}`;
const mentions = (caseNo: string) => (m: { content: string; data?: Record<string, string> }) => m.content.includes(caseNo) || Object.values(m.data ?? {}).includes(caseNo);

/**
 * Per recipient: how many messages about the case each address accepted, against how many the ledger
 * sent there (one row per event and recipient). Both sides are counts per address, so a duplicate or a
 * miss at any one recipient shows.
 */
async function perRecipient(c: CaseDto) {
  const rows = await notificationsFor(h, c.id);
  const ids = rows.map((r) => r.recipientUserId).filter((x): x is string => !!x);
  const people = new Map((ids.length ? await h.database.db.select().from(users).where(inArray(users.id, ids)) : []).map((u) => [u.id, u]));
  const address = (r: (typeof rows)[number]) => {
    if (r.recipientGroup) return `wecom_robot ${r.recipientGroup}`;
    const u = people.get(r.recipientUserId!)!;
    const to = { subscribe: u.openid, oa_template: u.oaOpenid, sms: u.mobile }[r.channel as 'subscribe' | 'oa_template' | 'sms'];
    return `${r.channel} ${to}`;
  };
  const count = (keys: string[]) => keys.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});
  return {
    sentByLedger: count(rows.filter((r) => r.status === 'sent').map(address)),
    received: count(delivered(h).filter(mentions(c.caseNo)).map(addressOf)),
    unsent: rows.filter((r) => r.status !== 'sent').map((r) => `${r.event} ${r.status} ${r.lastError}`),
  };
}
/** The three recipients a registered and dispatched case must reach, each exactly once (written out, not read from the ledger). */
const dispatchRecipients = (c: CaseDto) => ({
  subscribe: delivered(h, { channel: 'subscribe', openid: resident.account.openid }).filter(mentions(c.caseNo)).length,
  sms: delivered(h, { channel: 'sms', phone: onDutyMobile }).filter(mentions(c.caseNo)).length,
  robot: delivered(h, { channel: 'wecom_robot', group: grid.orgNodeCode! }).filter(mentions(c.caseNo)).length,
});

describe('exactly-once delivery', () => {
  it('a worker killed in the middle of a send: another worker takes the job over, and each recipient hears once', async () => {
    // BullMQ runs one stalled check per interval across all workers (the last checker's interval): short for both.
    const a = notificationWorker({ lockDuration: 500, stalledInterval: 300 });
    // The on-duty inspector's SMS reaches the provider only 1.5 s after it was sent: the worker dies meanwhile.
    await control(h, 'fail', { path: '/sms/send', delayMs: 1500, times: 1 });
    const c = await dispatched();
    const task = await eventually(async () => (await notificationsFor(h, c.id)).find((r) => r.event === 'case.dispatch' && r.recipientUserId), 20_000, 'the dispatch rows');
    // The send is under way once the channels before SMS have been tried (official account, subscribe: no address).
    await eventually(async () => (await h.database.db.select().from(notificationAttempts).where(eq(notificationAttempts.notificationId, task.id))).some((x) => x.channel === 'subscribe') || undefined, 10_000, 'the SMS send to start');
    const planJob = (await h.notifier!.queues.notifications.getJobs(['active'])).find((j) => j.name === 'plan');
    expect(planJob).toBeDefined();
    await a.close(true); // killed: no lock renewal, no completion

    const b = notificationWorker({ lockDuration: 5000, stalledInterval: 300 });
    const stalled: string[] = [];
    const completed: string[] = [];
    b.on('stalled', (id) => stalled.push(id));
    b.on('completed', (job) => completed.push(job.id!));
    await eventually(async () => completed.includes(planJob!.id!) || undefined, 20_000, 'the other worker to finish the dead worker\'s job');
    expect(stalled).toContain(planJob!.id);
    await settledCase(c, ['case.register', 'case.dispatch']);
    await sleep(1500); // the dead worker's held SMS has reached the provider by now (de-duplicated by outId)
    expect(dispatchRecipients(c)).toEqual({ subscribe: 1, sms: 1, robot: 1 });
    const r = await perRecipient(c);
    expect(r.received).toEqual(r.sentByLedger);
    expect(r.unsent).toEqual([]);
  });

  it('a provider that accepts an SMS and answers after the timeout: the retry does not send it twice', async () => {
    notificationWorker({ lockDuration: 5000, stalledInterval: 1000 });
    await control(h, 'fail', { path: '/sms/send', answerDelayMs: SEND_TIMEOUT_MS + 1000, times: 1 });
    const c = await dispatched();
    const rows = await settledCase(c, ['case.register', 'case.dispatch']);
    const task = rows.find((r) => r.event === 'case.dispatch' && r.recipientUserId === (rows.find((x) => x.channel === 'sms' && x.event === 'case.dispatch')?.recipientUserId))!;
    const attempts = (await h.database.db.select().from(notificationAttempts).where(eq(notificationAttempts.notificationId, task.id))).filter((x) => x.channel === 'sms');
    // The first SMS timed out although the provider had accepted it; the retry was answered with the same message.
    expect(attempts.map((x) => [x.outcome, x.errcode])).toEqual([['transient', 'timeout'], ['sent', null]]);
    expect(dispatchRecipients(c)).toEqual({ subscribe: 1, sms: 1, robot: 1 });
    const r = await perRecipient(c);
    expect(r.received).toEqual(r.sentByLedger);
    expect(r.unsent).toEqual([]);
  });

  it('after a Redis outage that lost its data, every recipient of every case hears each event exactly once', async () => {
    notificationWorker({ lockDuration: 5000, stalledInterval: 1000 });
    const before = await dispatched('停机之前的上报');
    await settledCase(before, ['case.register', 'case.dispatch']);
    redis.kill('SIGKILL');
    await eventually(async () => h.notifier!.redis.status !== 'ready' || undefined, 10_000, 'Redis gone');
    const during: CaseDto[] = [];
    for (let i = 0; i < 3; i++) {
      await consent();
      const c = await reportOk(h, resident, { ...at(), description: `停机期间上报 ${i}` });
      expect((await act(h, dispatcher, c.id, 'register')).status).toBe(200);
      during.push((await act(h, dispatcher, c.id, 'dispatch', {})).body.case as CaseDto);
    }
    redis = await startRedis(port); // empty: no job, no robot window, no token survived
    for (const c of [before, ...during]) await settledCase(c, ['case.register', 'case.dispatch']);
    const actual = Object.fromEntries(await Promise.all([before, ...during].map(async (c) => [c.caseNo, { ...dispatchRecipients(c), ...(await perRecipient(c)) }] as const)));
    const expected = Object.fromEntries(Object.entries(actual).map(([caseNo, r]) => [caseNo, { subscribe: 1, sms: 1, robot: 1, sentByLedger: r.sentByLedger, received: r.sentByLedger, unsent: [] }]));
    expect(actual).toEqual(expected);
  });
});
