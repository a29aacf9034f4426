import { asc, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../adapters/postgres/database.js';
import { outbox } from '../adapters/postgres/schema.js';
import { jobId, type Queues } from '../adapters/queue/queues.js';
import type { Logger } from '../logger.js';
import type { SlaClock } from '../usecases/deps.js';

export interface RelayDeps {
  db: Db;
  queues: Queues;
  sla: SlaClock;
  clock: { now(): Date };
  logger: Logger;
  failover: { toBAfterMinutes: number; toCommunityAfterMinutes: number };
}

type Row = typeof outbox.$inferSelect;
interface JobSpec {
  queue: 'notifications' | 'deadlines';
  name: string;
  data: Record<string, unknown>;
  opts: { jobId: string; delay?: number };
}

/**
 * Publishes what the case transactions wrote to the outbox (STYLE.md habit 3). Rows are marked
 * published only after Redis took the jobs; if Redis is down they wait, and the API never notices.
 * Job ids are deterministic, so a row published twice (a crash between enqueue and mark) is harmless.
 */
export async function relayOnce(d: RelayDeps, batch = 200): Promise<number> {
  const rows = await d.db.select().from(outbox).where(isNull(outbox.publishedAt)).orderBy(asc(outbox.id)).limit(batch);
  if (!rows.length) return 0;
  const specs = rows.flatMap((r) => jobsFor(d, r));
  for (const q of ['notifications', 'deadlines'] as const) {
    const list = specs.filter((s) => s.queue === q);
    if (list.length) await d.queues[q].addBulk(list.map((s) => ({ name: s.name, data: s.data, opts: s.opts })));
  }
  await d.db.update(outbox).set({ publishedAt: d.clock.now() }).where(inArray(outbox.id, rows.map((r) => r.id)));
  return rows.length;
}

function jobsFor(d: RelayDeps, r: Row): JobSpec[] {
  const caseId = r.caseId ?? '';
  const version = Number(r.payload.version ?? 0);
  if (r.topic === 'timer.stop') return [];
  if (r.topic === 'timer.start') return clockJobs(d, r, caseId, version);
  const jobs: JobSpec[] = [{ queue: 'notifications', name: 'plan', data: { outboxId: r.id }, opts: { jobId: jobId('outbox', r.id) } }];
  if (r.topic === 'case.dispatch' && r.payload.toLevel === 'grid') jobs.push(...failoverJobs(d, r, caseId, version));
  return jobs;
}

/** Warnings at 50 % and 80 %, overdue at 100 %, and a last escalation step at twice the allowed time. */
function clockJobs(d: RelayDeps, r: Row, caseId: string, version: number): JobSpec[] {
  const p = r.payload as { dueAt: string; startedAt: string; calendar: 'natural' | 'working' };
  const clock = { startedAt: new Date(p.startedAt), dueAt: new Date(p.dueAt), calendar: p.calendar };
  const w = d.sla.warnings(clock);
  const double = new Date(clock.dueAt.getTime() + (clock.dueAt.getTime() - clock.startedAt.getTime()));
  const now = d.clock.now().getTime();
  const stages: [string, Date][] = [['yellow', w.yellowAt], ['red', w.redAt], ['overdue', w.overdueAt], ['double', double]];
  return stages.map(([stage, at]) => ({
    queue: 'deadlines',
    name: 'clock',
    data: { caseId, version, stage, dueAt: p.dueAt, at: at.toISOString() },
    opts: { jobId: jobId('deadline', caseId, `v${version}`, stage), delay: Math.max(0, at.getTime() - now) },
  }));
}

/** A/B failover: unsigned after N minutes, tell the other inspector; later, the community. */
function failoverJobs(d: RelayDeps, r: Row, caseId: string, version: number): JobSpec[] {
  const steps: [string, number][] = [['b', d.failover.toBAfterMinutes], ['community', d.failover.toCommunityAfterMinutes]];
  return steps.map(([step, minutes]) => ({
    queue: 'deadlines',
    name: 'failover',
    data: { caseId, version, step, outboxId: r.id },
    opts: { jobId: jobId('failover', caseId, `v${version}`, step), delay: minutes * 60_000 },
  }));
}

/** Runs the relay on a timer; a failing Redis is logged once per outage, not per tick. */
export function startRelay(d: RelayDeps, intervalMs = 300): { stop(): Promise<void>; kick(): void } {
  let running: Promise<void> | null = null;
  let down = false;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = (async () => {
      try {
        while ((await relayOnce(d)) > 0 && !stopped);
        if (down) d.logger.info('outbox relay: Redis is back, caught up');
        down = false;
      } catch (err) {
        if (!down) d.logger.warn('outbox relay: cannot publish, will retry', { err: String((err as Error)?.message ?? err) });
        down = true;
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(tick, intervalMs);
  return {
    kick: tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
