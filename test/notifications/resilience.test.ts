import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq } from 'drizzle-orm';
import type { SandboxAccount } from '@finecity/types';
import { cases, outbox } from '../../server/src/adapters/postgres/schema.js';
import { jobId } from '../../server/src/adapters/queue/queues.js';
import { onDutySlot } from '../../server/src/domain/duty-roster.js';
import { sweepOverdue } from '../../server/src/usecases/notifications/clock-alerts.js';
import { startHarness, type Harness } from '../support/harness.js';
import { act, actOk, as, pick, reportOk, type Session } from '../support/flows.js';
import { delivered, eventually, notificationsFor, settled } from './support.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** A private, throwaway Redis this file may stop and start (nothing kept on disk, like the machine's). */
async function startRedis(port: number): Promise<ChildProcess> {
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await eventually(async () => new Promise<boolean | undefined>((res) => {
    const c = net.connect(port, '127.0.0.1', () => { c.end(); res(true); });
    c.on('error', () => res(undefined));
  }), 10_000, 'redis to start');
  return p;
}

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
    expect(ns.find((n) => n.event === 'duty.failover_b')!.recipientUserId).toBe(who(ns.find((n) => n.event === 'duty.failover_b')!.recipientUserId)?.id);
    expect(who(ns.find((n) => n.event === 'duty.failover_b')!.recipientUserId)?.openid).toBe(b.openid);
    expect(who(ns.find((n) => n.event === 'duty.failover_community')!.recipientUserId)?.roles).toEqual(['community']);
    const facts = (ns[0]!.payload as { facts: { category: string; holder: string } }).facts;
    expect(facts.category).toBe('暴露垃圾');
    expect(facts.holder).toMatch(/网格\d+$/);
  });

  it('keeps accepting reports while Redis is down and delivers every notification after it returns', async () => {
    const c1 = await dispatched();
    await settled(h, c1.id, 'case.dispatch');
    redis.kill('SIGKILL');
    await eventually(async () => h.notifier!.redis.status !== 'ready' || undefined, 10_000, 'the API to see Redis gone');
    const during = [];
    for (let i = 0; i < 3; i++) {
      const c = await reportOk(h, resident, { ...at(), description: `停机期间上报 ${i}` });
      expect((await act(h, dispatcher, c.id, 'register')).status).toBe(200);
      expect((await act(h, dispatcher, c.id, 'dispatch', {})).status).toBe(200);
      during.push(c);
    }
    const waiting = await h.database.db.select().from(outbox).where(eq(outbox.caseId, during[0]!.id));
    expect(waiting.some((r) => r.publishedAt === null)).toBe(true);
    redis = await startRedis(port);
    for (const c of during) {
      await eventually(async () => delivered(h, { group: grid.orgNodeCode! }).some((m) => m.content.includes(c.caseNo)) || undefined, 40_000, `robot message for ${c.caseNo}`);
    }
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
