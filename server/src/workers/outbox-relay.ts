import type { OutboxFeed } from '../adapters/postgres/notification-repo.js';
import { jobId, rowJobId, type Queues } from '../adapters/queue/queues.js';
import type { Logger } from '../logger.js';
import type { SlaClock } from '../usecases/deps.js';
import type { OutboxEvent } from '../usecases/notifications/ports.js';
import { CALLBACK_TOPICS } from '../usecases/channels/callbacks.js';

/** Rows claimed per read. */
const BATCH = 200;

export interface RelayDeps {
  feed: OutboxFeed;
  queues: Queues;
  /** This database's instance id: part of every job id built from a row number. */
  instance: string;
  sla: SlaClock;
  clock: { now(): Date };
  logger: Logger;
  failover: { toBAfterMinutes: number; toCommunityAfterMinutes: number };
}

interface JobSpec {
  queue: 'notifications' | 'deadlines';
  name: string;
  data: Record<string, unknown>;
  opts: { jobId: string; delay?: number };
}

/**
 * Publishes what the case transactions wrote to the outbox. Rows are marked published only after Redis
 * took the jobs; if Redis is down they wait, and the API never notices. Job ids are deterministic, so a
 * row published twice (a crash between enqueue and mark) is harmless; on PostgreSQL the rows are claimed
 * with SKIP LOCKED, so several relays (one per worker process) share the work without overlap.
 */
export async function relayOnce(d: RelayDeps, batch = BATCH): Promise<number> {
  return d.feed.claim(
    batch,
    async (rows) => {
      const specs = rows.flatMap((r) => jobsFor(d, r));
      for (const q of ['notifications', 'deadlines'] as const) {
        const list = specs.filter((s) => s.queue === q);
        if (list.length) await d.queues[q].addBulk(list.map((s) => ({ name: s.name, data: s.data, opts: s.opts })));
      }
    },
    () => d.clock.now(),
  );
}

function jobsFor(d: RelayDeps, r: OutboxEvent): JobSpec[] {
  const caseId = r.caseId ?? '';
  const version = Number(r.payload.version ?? 0);
  if (r.topic === 'timer.stop') return [];
  if (r.topic === 'timer.start') return clockJobs(d, r, caseId, version);
  const jobs: JobSpec[] = [{ queue: 'notifications', name: 'plan', data: { outboxId: r.id }, opts: { jobId: rowJobId(d.instance, 'outbox', r.id) } }];
  if (r.topic === 'case.dispatch' && r.payload.toLevel === 'grid') jobs.push(...failoverJobs(d, caseId, version));
  // A partner's case tells its channel (usecases/channels/callbacks.ts); the job finds out whether it is one.
  if (CALLBACK_TOPICS.has(r.topic)) jobs.push({ queue: 'notifications', name: 'callback-plan', data: { outboxId: r.id }, opts: { jobId: jobId('callback-plan', d.instance, r.id) } });
  return jobs;
}

/**
 * Warnings at 50 % and 80 %, overdue at 100 %, and a last escalation step at twice the allowed time; for a
 * quick squad's case, also the check that it arrived on site in time (its `arriveDueAt`).
 */
function clockJobs(d: RelayDeps, r: OutboxEvent, caseId: string, version: number): JobSpec[] {
  const p = r.payload as { dueAt: string; startedAt: string; calendar: 'natural' | 'working'; arriveDueAt?: string };
  const clock = { startedAt: new Date(p.startedAt), dueAt: new Date(p.dueAt), calendar: p.calendar };
  const w = d.sla.warnings(clock);
  const double = new Date(clock.dueAt.getTime() + (clock.dueAt.getTime() - clock.startedAt.getTime()));
  const now = d.clock.now().getTime();
  const stages: [string, Date][] = [['yellow', w.yellowAt], ['red', w.redAt], ['overdue', w.overdueAt], ['double', double]];
  const jobs: JobSpec[] = stages.map(([stage, at]) => ({
    queue: 'deadlines',
    name: 'clock',
    data: { caseId, version, stage, dueAt: p.dueAt, at: at.toISOString() },
    opts: { jobId: jobId('deadline', caseId, `v${version}`, stage), delay: Math.max(0, at.getTime() - now) },
  }));
  if (p.arriveDueAt) {
    const at = new Date(p.arriveDueAt).getTime();
    jobs.push({
      queue: 'deadlines',
      name: 'arrival',
      data: { caseId, version, arriveDueAt: p.arriveDueAt },
      opts: { jobId: jobId('deadline', caseId, `v${version}`, 'arrival'), delay: Math.max(0, at - now) },
    });
  }
  return jobs;
}

/** A/B failover: unsigned after N minutes, tell the other inspector; later, the community. */
function failoverJobs(d: RelayDeps, caseId: string, version: number): JobSpec[] {
  const steps: [string, number][] = [['b', d.failover.toBAfterMinutes], ['community', d.failover.toCommunityAfterMinutes]];
  return steps.map(([step, minutes]) => ({
    queue: 'deadlines',
    name: 'failover',
    data: { caseId, version, step },
    opts: { jobId: jobId('failover', caseId, `v${version}`, step), delay: minutes * 60_000 },
  }));
}

export interface RelayRuntime {
  /** Run now (a commit was announced, or a sweep wrote rows). */
  kick(): void;
  stop(): Promise<void>;
}

/**
 * Runs the relay when woken (a commit that wrote the outbox: `listen`), and on a slow timer as the safety
 * net for a lost notification or a listener that is down. A failing Redis is logged once per outage.
 */
export function startRelay(d: RelayDeps, o: { pollMs: number; coalesceMs?: number; listen?: (wake: () => void) => Promise<() => Promise<void>> }): RelayRuntime {
  let running: Promise<void> | null = null;
  let again = false;
  let down = false;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    if (running) {
      again = true; // a commit landed while this pass ran: run once more after it
      return;
    }
    running = (async () => {
      try {
        do {
          again = false;
          // A short batch means the outbox is drained: no extra empty read.
          while ((await relayOnce(d, BATCH)) === BATCH && !stopped);
        } while (again && !stopped);
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
  const timer = setInterval(tick, o.pollMs);
  // Commits arrive in bursts: the wakes of one short window share one pass (one read, one mark), which on
  // PGlite's single session is the difference between three statements per commit and three per burst.
  let coalescing: NodeJS.Timeout | null = null;
  const wake = () => {
    if (coalescing || stopped) return;
    coalescing = setTimeout(() => {
      coalescing = null;
      tick();
    }, o.coalesceMs ?? 25);
  };
  let unlisten: (() => Promise<void>) | null = null;
  const listening = o.listen
    ? o.listen(wake).then(
        (u) => {
          if (stopped) return u();
          unlisten = u;
        },
        (err: unknown) => d.logger.warn('outbox relay: cannot listen for commits, polling only', { err: String((err as Error)?.message ?? err) }),
      )
    : Promise.resolve();
  tick();
  return {
    kick: tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (coalescing) clearTimeout(coalescing);
      await listening;
      await (unlisten as (() => Promise<void>) | null)?.();
      await running;
    },
  };
}
