import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq } from 'drizzle-orm';
import type { SandboxAccount } from '@finecity/types';
import { cases, notificationAttempts, notifications, outbox } from '../../server/src/adapters/postgres/schema.js';
import { jobId } from '../../server/src/adapters/queue/queues.js';
import { onDutySlot } from '../../server/src/domain/duty-roster.js';
import { sweepOverdue } from '../../server/src/usecases/notifications/clock-alerts.js';
import { redriveStranded } from '../../server/src/usecases/notifications/redrive.js';
import supertest from 'supertest';
import { createApp } from '../../server/src/http/app.js';
import { startHarness, type Harness } from '../support/harness.js';
import { act, actOk, as, auth, pick, reportOk, type Session } from '../support/flows.js';
import { delivered, eventually, freePort, notificationsFor, queuesIdle, settled, startRedis } from './support.js';


/**
 * The robot limit is 20 messages per window; production's window is WeCom's minute, this file's is 4 s
 * (ROBOT_WINDOW_MS), so the burst below asserts the same limit in seconds instead of minutes.
 */
const ROBOT_WINDOW_MS = 4_000;

let h: Harness;
let redis: ChildProcess;
let port: number;
let resident: Session;
let dispatcher: Session;
let grid: SandboxAccount;

beforeAll(async () => {
  port = await freePort();
  redis = await startRedis(port);
  h = await startHarness({ notifications: { redisUrl: `redis://127.0.0.1:${port}`, sweepIntervalMs: 1000, robotWindowMs: ROBOT_WINDOW_MS } });
  grid = pick(h, 'inspector');
  resident = await as(h, pick(h, 'resident'));
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
});
afterAll(async () => {
  await h?.close();
  redis?.kill('SIGKILL');
});

const at = () => ({ lat: grid.lat!, lng: grid.lng! });

const METRICS_TOKEN = 'sandbox-metrics-token-not-a-real-secret'; // config/env.example's sandbox default

async function scrape(): Promise<string> {
  const res = await h.request.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text;
}

/** One sample of the exposition: the metric with exactly these labels (in any order); NaN when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = (m[2] ?? '').match(/[a-zA-Z_]+="(?:[^"\\]|\\.)*"/g)?.sort().join(',') ?? '';
    if (got === want) return Number(m[3]);
  }
  return NaN;
}
async function dispatched() {
  const c = await reportOk(h, resident, at());
  await actOk(h, dispatcher, c.id, 'register');
  return actOk(h, dispatcher, c.id, 'dispatch', {});
}

describe('clocks that survive a lost Redis', () => {
  it('flags an overdue case whose timer was lost, within the sweep interval, and tells the district group', async () => {
    const c = await dispatched();
    await h.notifier!.queues.deadlines.obliterate({ force: true }); // the timers are gone, as if Redis lost them
    h.clock.advanceHours(25);
    const row = await eventually(async () => (await h.database.db.select().from(cases).where(eq(cases.id, c.id)))[0]?.clockAlert === 'overdue' || undefined, 10_000, 'the sweep');
    expect(row).toBe(true);
    const flagged = (await h.database.db.select().from(cases).where(eq(cases.id, c.id)))[0]!;
    expect(flagged.overdueAt?.toISOString()).toBe(h.clock.now().toISOString());
    const ns = await settled(h, c.id, 'clock.overdue');
    expect(ns.map((n) => n.recipientGroup).filter(Boolean).sort()).toEqual(['210200', grid.orgNodeCode!.slice(0, 6)]);
    expect(await sweepOverdue(h.notifier!.notify)).toEqual([]); // flagged once only
  });

  it('delivers again a notification whose job Redis lost, once, and leaves fresh and sent rows alone', async () => {
    const c = await dispatched();
    const sent = (await settled(h, c.id, 'case.dispatch')).find((n) => n.recipientGroup === grid.orgNodeCode);
    expect(sent?.status).toBe('sent');
    const before = delivered(h, { group: grid.orgNodeCode! }).length;
    expect(await redriveStranded(h.notifier!.notify)).toBe(0); // nothing is stranded: every row was sent
    // The row as a lost job leaves it: still pending, created six minutes ago, never attempted.
    const sixMinutesAgo = new Date(h.clock.now().getTime() - 6 * 60_000);
    await h.database.db.delete(notificationAttempts).where(eq(notificationAttempts.notificationId, sent!.id));
    await h.database.db.update(notifications).set({ status: 'pending', sentAt: null, channel: null, createdAt: sixMinutesAgo }).where(eq(notifications.id, sent!.id));
    expect(await redriveStranded(h.notifier!.notify)).toBe(1);
    expect(await redriveStranded(h.notifier!.notify)).toBeLessThanOrEqual(1); // a second worker in the same round adds no job
    await eventually(async () => (await notificationsFor(h, c.id)).find((n) => n.id === sent!.id)?.status === 'sent' || undefined, 20_000, 'the re-driven row');
    await queuesIdle(h);
    expect(delivered(h, { group: grid.orgNodeCode! }).length).toBe(before + 1);
    expect(await redriveStranded(h.notifier!.notify)).toBe(0);
  });

  it('warns yellow from the timer, and ignores a timer of a clock that was replaced', async () => {
    const c = await dispatched();
    const job = await eventually(() => h.notifier!.queues.deadlines.getJob(jobId('deadline', c.id, `v${c.version}`, 'yellow')), 10_000, 'the yellow timer');
    await job.promote();
    await eventually(async () => (await h.database.db.select().from(cases).where(eq(cases.id, c.id)))[0]?.clockAlert === 'yellow' || undefined, 10_000, 'yellow');
    h.clock.advanceHours(1);
    await actOk(h, dispatcher, c.id, 'dispatch', {}); // re-dispatch: a new clock
    const red = await h.notifier!.queues.deadlines.getJob(jobId('deadline', c.id, `v${c.version}`, 'red'));
    await red!.promote();
    await eventually(async () => (await red!.getState()) === 'completed' || undefined, 10_000, 'the stale red timer to run');
    expect((await h.database.db.select().from(cases).where(eq(cases.id, c.id)))[0]!.clockAlert).toBeNull();
  });

  it('hands an unsigned task to the B inspector, then to the community (A/B failover)', async () => {
    const c = await dispatched();
    for (const step of ['b', 'community']) {
      const job = await eventually(() => h.notifier!.queues.deadlines.getJob(jobId('failover', c.id, `v${c.version}`, step)), 10_000, `failover ${step}`);
      await job.promote();
    }
    const off = onDutySlot(h.clock.now()) === 'A' ? 'B' : 'A';
    const b = pick(h, 'inspector', (a) => a.orgNodeCode === grid.orgNodeCode && a.duty === off);
    const ns = await eventually(async () => {
      const all = (await notificationsFor(h, c.id)).filter((n) => n.event.startsWith('duty.failover'));
      return all.length >= 2 && all.every((n) => n.status !== 'pending') ? all : undefined;
    }, 15_000, 'failover');
    const users = await h.database.db.query.users.findMany();
    const who = (id: string | null) => users.find((u) => u.id === id);
    // The B step reaches exactly the rota's other post of this grid; the community step the grid's community staff.
    const offPost = h.accounts.filter((a) => a.role === 'inspector' && a.orgNodeCode === grid.orgNodeCode && a.duty === off).map((a) => a.openid);
    expect(offPost).toEqual([b.openid]);
    expect(ns.filter((n) => n.event === 'duty.failover_b').map((n) => who(n.recipientUserId)?.openid)).toEqual([b.openid]);
    const community = users.filter((u) => u.roles.includes('community') && u.orgNodeCode === grid.orgNodeCode!.slice(0, 11)).map((u) => u.id).sort();
    expect(community.length).toBeGreaterThan(0);
    expect(ns.filter((n) => n.event === 'duty.failover_community').map((n) => n.recipientUserId).sort()).toEqual(community);
    const facts = (ns[0]!.payload as { facts: { category: string; holder: string } }).facts;
    expect(facts.category).toBe('暴露垃圾');
    expect(facts.holder).toMatch(/网格\d+$/);
  });

  it('keeps accepting reports while Redis is down and delivers every notification after it returns', async () => {
    const c1 = await dispatched();
    await settled(h, c1.id, 'case.dispatch');
    redis.kill('SIGKILL');
    await eventually(async () => h.notifier!.redis.status !== 'ready' || undefined, 10_000, 'the API to see Redis gone');
    const down = await h.request.get('/readyz');
    expect([down.status, down.body]).toEqual([503, { status: 'not_ready', checks: { database: 'ok', redis: 'failed' } }]);
    const during = [];
    for (let i = 0; i < 3; i++) {
      const c = await reportOk(h, resident, { ...at(), description: `停机期间上报 ${i}` });
      expect((await act(h, dispatcher, c.id, 'register')).status).toBe(200);
      expect((await act(h, dispatcher, c.id, 'dispatch', {})).status).toBe(200);
      during.push(c);
    }
    const waiting = await h.database.db.select().from(outbox).where(eq(outbox.caseId, during[0]!.id));
    expect(waiting.some((r) => r.publishedAt === null)).toBe(true);
    // The outbox lag is the oldest unpublished row's age on the app's clock: two minutes on, at least 120 s.
    h.clock.set(new Date(h.clock.now().getTime() + 120_000));
    const lag = await eventually(async () => {
      const v = sample(await scrape(), 'finecity_outbox_lag_seconds');
      return v >= 120 ? v : undefined;
    }, 10_000, 'the outbox lag to show the outage');
    expect(lag).toBeLessThan(130);
    redis = await startRedis(port);
    await eventually(async () => ((await h.request.get('/readyz')).status === 200) || undefined, 10_000, 'readiness after Redis returns');
    expect((await h.request.get('/readyz')).body).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
    for (const c of during) {
      await eventually(async () => delivered(h, { group: grid.orgNodeCode! }).some((m) => m.content.includes(c.caseNo)) || undefined, 40_000, `robot message for ${c.caseNo}`);
    }
    await eventually(async () => sample(await scrape(), 'finecity_outbox_lag_seconds') === 0 || undefined, 15_000, 'the outbox lag back to 0');
  });
});

describe('metrics and readiness', () => {
  it('answers /readyz with the database and Redis checked, and /healthz stays liveness', async () => {
    expect((await h.request.get('/readyz')).body).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
    expect((await h.request.get('/healthz')).body).toEqual({ status: 'ok' });
  });

  it('serves /metrics only with the token', async () => {
    const none = await h.request.get('/metrics');
    expect([none.status, none.body.error?.code]).toEqual([401, 'auth.required']);
    const wrong = await h.request.get('/metrics').set('Authorization', 'Bearer sandbox-metrics-token-not-the-right-one');
    expect([wrong.status, wrong.body.error?.code]).toEqual([401, 'auth.invalid_token']);
    const user = await h.request.get('/metrics').set(auth(dispatcher));
    expect(user.status).toBe(401);
    // METRICS_TOKEN unset (and the sandbox off): the route does not exist, whatever the caller sends.
    const off = supertest(createApp({ ...h.deps, config: { ...h.deps.config, metricsToken: null } }, {}).callback());
    for (const header of [{}, { Authorization: `Bearer ${METRICS_TOKEN}` }]) {
      const res = await off.get('/metrics').set(header);
      expect([res.status, res.body.error?.code]).toEqual([404, 'not_found']);
    }
  });

  it('exports latency by route template, queue depths, notification outcomes, SLA colours, the pool, the sweep and the event loop', async () => {
    const c = await dispatched();
    await settled(h, c.id, 'case.dispatch');
    expect((await h.request.get(`/api/v1/cases/${c.id}`).set(auth(dispatcher))).status).toBe(200);
    expect((await h.request.get('/api/v1/no-such-route/42')).status).toBe(404);
    const city = await as(h, pick(h, 'city'));
    const overdue = (await h.request.get('/api/v1/cases?due=overdue&pageSize=1').set(auth(city))).body.total as number;
    await queuesIdle(h);
    const delayed = await h.notifier!.queues.deadlines.getDelayedCount();
    const rows = await h.database.db.select().from(notificationAttempts);
    const robotsSent = rows.filter((r) => r.channel === 'wecom_robot' && r.outcome === 'sent').length;
    // Gauges that need a query are cached for 5 s: wait for a scrape read after the dispatch.
    const text = await eventually(async () => {
      const t = await scrape();
      return sample(t, 'finecity_queue_jobs', { queue: 'deadlines', state: 'delayed' }) === delayed ? t : undefined;
    }, 10_000, 'a scrape read after the dispatch');
    expect(sample(text, 'finecity_http_request_duration_seconds_count', { route: '/api/v1/cases/:id', method: 'GET', status: '200' })).toBeGreaterThanOrEqual(1);
    // Route templates only: the case id and the unknown path never become label values.
    expect(text).not.toContain(c.id);
    expect(text).not.toContain('no-such-route');
    expect(sample(text, 'finecity_http_request_duration_seconds_count', { route: 'unmatched', method: 'GET', status: '404' })).toBeGreaterThanOrEqual(1);
    // The dispatched case's clock timers wait in the deadlines queue.
    expect(delayed).toBeGreaterThan(0);
    for (const q of ['notifications', 'deadlines', 'schedules']) for (const st of ['waiting', 'delayed', 'failed']) expect(Number.isFinite(sample(text, 'finecity_queue_jobs', { queue: q, state: st }))).toBe(true);
    // Notification outcomes: the counter equals the attempts recorded (channel, outcome, errcode).
    expect(robotsSent).toBeGreaterThan(0);
    expect(sample(text, 'finecity_notification_attempts_total', { channel: 'wecom_robot', outcome: 'sent', errcode: '' })).toBe(robotsSent);
    // SLA colours: the overdue count is the case list's (the first test's case went overdue).
    expect(overdue).toBeGreaterThan(0);
    expect(sample(text, 'finecity_sla_open_cases', { colour: 'overdue' })).toBe(overdue);
    expect(sample(text, 'finecity_sla_open_cases', { colour: 'green' })).toBeGreaterThanOrEqual(1);
    const pool = { total: sample(text, 'finecity_db_pool_connections', { state: 'total' }), idle: sample(text, 'finecity_db_pool_connections', { state: 'idle' }), waiting: sample(text, 'finecity_db_pool_connections', { state: 'waiting' }) };
    if (h.database.kind === 'pglite') expect(pool).toEqual({ total: 1, idle: 0, waiting: 0 });
    else expect([pool.total >= 1 && pool.total <= 5, pool.waiting]).toEqual([true, 0]);
    // The sweep runs every second here; its gauge is real (unix) time.
    expect(Date.now() / 1000 - sample(text, 'finecity_overdue_sweep_last_run_timestamp_seconds')).toBeLessThan(15);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'finecity_outbox_lag_seconds')).toBeGreaterThanOrEqual(0);
  });
});

describe('the robot limit under a burst', () => {
  it('never sends a group more than 20 messages a window in a burst of 200 dispatches, and folds the rest into digests', async () => {
    const template = await reportOk(h, resident, at());
    await actOk(h, dispatcher, template.id, 'register');
    const base = (await h.database.db.select().from(cases).where(eq(cases.id, template.id)))[0]!;
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const { id: _id, ...rest } = base;
      const row = await h.database.db.insert(cases).values({ ...rest, caseNo: `${base.caseNo}-B${String(i).padStart(3, '0')}` }).returning({ id: cases.id });
      ids.push(row[0]!.id);
    }
    const group = grid.orgNodeCode!;
    const start = h.sandbox.messages({ group, limit: 10_000 }).length;
    for (const id of ids) expect((await act(h, dispatcher, id, 'dispatch', {})).status).toBe(200);
    const robotNotes = async () => {
      const all = [];
      for (const id of ids) all.push(...(await notificationsFor(h, id)).filter((n) => n.recipientGroup === group));
      return all;
    };
    await eventually(async () => {
      const ns = await robotNotes();
      return ns.length === 200 && ns.every((n) => n.status === 'sent') ? true : undefined;
    }, 60_000, 'all 200 group notifications');
    const msgs = h.sandbox.messages({ group, limit: 10_000 }).slice(start);
    expect(msgs.filter((m) => !m.accepted)).toEqual([]);
    const times = msgs.map((m) => Date.parse(m.at)).sort((a, b) => a - b);
    for (let i = 0; i < times.length; i++) expect(times.filter((t) => t >= times[i]! && t < times[i]! + ROBOT_WINDOW_MS).length).toBeLessThanOrEqual(20);
    expect(msgs.length).toBeLessThan(200);
    expect(msgs.some((m) => m.content.includes('【消息汇总】'))).toBe(true);
  }, 120_000);
});
