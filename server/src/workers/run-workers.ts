import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { workerConnection } from '../adapters/queue/redis.js';
import type { Logger } from '../logger.js';
import { onClockTimer, onFailover, sweepOverdue, type ClockJob, type FailoverJob } from '../usecases/notifications/clock-alerts.js';
import { onArrivalTimer, type ArrivalJob } from '../usecases/notifications/arrival-alerts.js';
import type { NotifyDeps } from '../usecases/notifications/ports.js';
import { deliverNotification, TransientDeliveryError } from '../usecases/notifications/deliver.js';
import { redriveStranded, STRANDED_AFTER_MS } from '../usecases/notifications/redrive.js';
import { planFromOutbox } from '../usecases/notifications/plan.js';
import { flushRobot } from '../usecases/notifications/robot-flush.js';
import { REPORT_KINDS, type ReportKind } from '../domain/assessment/report-text.js';
import { startRelay, type RelayDeps } from './outbox-relay.js';
import { callbackFromOutbox, deliverCallback, type CallbackDeps } from '../usecases/channels/callbacks.js';

export interface WorkerOptions {
  notify: NotifyDeps;
  relay: RelayDeps;
  redisUrl: string;
  prefix: string;
  sweepIntervalMs: number;
  /** A pending notification with no attempt for this long is stranded (usecases/notifications/redrive.ts). */
  redriveAfterMs?: number;
  /** The relay's safety-net poll; commits wake it at once through `listen`. */
  relayPollMs: number;
  listen?: (wake: () => void) => Promise<() => Promise<void>>;
  /**
   * True when the API runs in this process too (PGlite, or FINECITY_ROLE=all): fewer jobs at once, and a
   * turn of the event loop before each, so requests are never queued behind a burst of deliveries.
   */
  sharesProcessWithApi: boolean;
  logger: Logger;
  /** Install the report schedules (off in tests that drive reports by hand). */
  schedules: boolean;
  /** Runs one scheduled group report (日报告, 周巡查, 月评比, 季奖励, 年排名; usecases/assessment/reports.ts). */
  reports?: (kind: ReportKind, notify: NotifyDeps) => Promise<unknown>;
  /** Rolls up the indicator engine's completed days (usecases/assessment/rollup.ts); absent → not scheduled. */
  rollup?: () => Promise<unknown>;
  /** Removes photo files no row names (usecases/photo-orphans.ts), hourly; absent → not scheduled. */
  photoOrphans?: () => Promise<unknown>;
  /** Partner callbacks (issue 11): planned from the outbox, delivered with retries; absent → none sent. */
  callbacks?: CallbackDeps;
  /** Told after each overdue sweep that ran to the end (the metrics' "sweep not running" alert). */
  onSweep?: (at: Date) => void;
}

export interface WorkerRuntime {
  kick(): void;
  close(): Promise<void>;
}


/** How often each worker looks for notifications whose job was lost (at most: twice per stranding period). */
const REDRIVE_EVERY_MS = 60_000;
/**
 * Transient failures retry with backoff; a platform-imposed pause (robot limit) delays the job without
 * spending an attempt; the last failed attempt moves the notification to its next channel.
 */
export async function notificationJob(o: WorkerOptions, job: Job, token?: string): Promise<unknown> {
  const d = o.notify;
  // Partner callbacks: a CallbackRetryError fails the attempt, and BullMQ retries it with backoff.
  if (job.name === 'callback-plan') return o.callbacks ? callbackFromOutbox(o.callbacks, Number(job.data.outboxId)) : null;
  if (job.name === 'callback') return o.callbacks ? deliverCallback(o.callbacks, Number(job.data.callbackId)) : null;
  try {
    if (job.name === 'plan') return await planFromOutbox(d, Number(job.data.outboxId));
    if (job.name === 'robot-flush') return await flushRobot(d, String(job.data.robot));
    return await deliverNotification(d, Number(job.data.notificationId));
  } catch (err) {
    if (!(err instanceof TransientDeliveryError)) throw err;
    if (err.retryAfterMs && token) {
      await job.moveToDelayed(Date.now() + err.retryAfterMs, token);
      throw new DelayedError();
    }
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (last && job.name === 'deliver') return deliverNotification(d, Number(job.data.notificationId), { giveUp: true });
    throw err;
  }
}

async function deadlineJob(o: WorkerOptions, job: Job): Promise<unknown> {
  if (job.name === 'clock') return onClockTimer(o.notify, job.data as ClockJob);
  if (job.name === 'failover') return onFailover(o.notify, job.data as FailoverJob);
  if (job.name === 'arrival') return onArrivalTimer(o.notify, job.data as ArrivalJob);
  return null;
}

/** Lets pending I/O (API requests) run before the next job starts. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function startWorkers(o: WorkerOptions): Promise<WorkerRuntime> {
  const shared = o.sharesProcessWithApi;
  const run = <T>(fn: () => Promise<T>): Promise<T> => (shared ? yieldToIo().then(fn) : fn());
  const conns: Redis[] = [];
  const conn = () => {
    const c = workerConnection(o.redisUrl);
    c.on('error', () => {}); // reconnects by itself; the relay logs outages once
    conns.push(c);
    return c;
  };
  const workers = [
    new Worker('notifications', (job, token) => run(() => notificationJob(o, job, token)), { connection: conn(), prefix: o.prefix, concurrency: shared ? 8 : 16 }),
    new Worker('deadlines', (job) => run(() => deadlineJob(o, job)), { connection: conn(), prefix: o.prefix, concurrency: shared ? 2 : 8 }),
    new Worker('schedules', (job) => run(() => scheduleJob(o, job)), { connection: conn(), prefix: o.prefix, concurrency: 1 }),
  ];
  for (const w of workers) w.on('error', () => {}); // connection errors: BullMQ reconnects; the relay logs outages
  for (const w of workers) w.on('failed', (job, err) => o.logger.warn('job failed', { queue: w.name, job: job?.id, attempts: job?.attemptsMade, err: err.message }));
  if (o.schedules) await installSchedules(o).catch((err: unknown) => o.logger.warn('schedules not installed yet (Redis down?)', { err: String(err) }));
  const relay = startRelay(o.relay, { pollMs: o.relayPollMs, listen: o.listen });
  const sweep = setInterval(() => {
    sweepOverdue(o.notify)
      .then((ids) => {
        o.onSweep?.(new Date());
        if (ids.length) {
          o.logger.info('sweep flagged overdue cases', { count: ids.length });
          relay.kick();
        }
      })
      .catch((err: unknown) => o.logger.warn('overdue sweep failed', { err: String(err) }));
  }, o.sweepIntervalMs);
  // Rows whose job Redis lost (usecases/notifications/redrive.ts): looked for every minute.
  const redrive = setInterval(() => {
    redriveStranded(o.notify, o.redriveAfterMs)
      .then((n) => n && o.logger.warn('re-drove stranded notifications (their jobs were lost)', { count: n }))
      .catch((err: unknown) => o.logger.warn('notification re-drive failed', { err: String(err) }));
  }, Math.min(REDRIVE_EVERY_MS, (o.redriveAfterMs ?? STRANDED_AFTER_MS) / 2));
  return {
    kick: relay.kick,
    async close() {
      clearInterval(sweep);
      clearInterval(redrive);
      await relay.stop();
      await Promise.all(workers.map((w) => w.close()));
      for (const c of conns) c.disconnect();
    },
  };
}

async function scheduleJob(o: WorkerOptions, job: Job): Promise<unknown> {
  if (job.name === 'assessment-rollup') return o.rollup ? o.rollup() : null;
  if (job.name === 'photo-orphans') return o.photoOrphans ? o.photoOrphans() : null;
  const kind = job.data?.kind as ReportKind;
  if (job.name !== 'report' || !REPORT_KINDS.includes(kind) || !o.reports) return null; // an old 'summary' job left in Redis
  return o.reports(kind, o.notify);
}

/** The text-only summaries' schedulers, replaced by the reports (removed where an older version left them). */
const RETIRED_SCHEDULERS = ['daily-summary', 'weekly-summary', 'monthly-summary'];

/**
 * The reports' schedules (config/assessment.json `schedules`, Beijing time). Idempotent: every worker process
 * upserts the same schedulers, and BullMQ keeps one of each. 季奖励 and 年排名 fire every weekday at 09:00;
 * the job itself posts only on the first working day of the quarter or year (reports.ts).
 */
async function installSchedules(o: WorkerOptions): Promise<void> {
  const q = o.relay.queues.schedules;
  for (const id of RETIRED_SCHEDULERS) await q.removeJobScheduler(id);
  // The day rollup at 00:40 Beijing: yesterday's last responses (≤ 30 min) are in by then.
  if (o.rollup) await q.upsertJobScheduler('assessment-rollup', { pattern: '40 0 * * *', tz: 'Asia/Shanghai' }, { name: 'assessment-rollup', data: {} });
  // Photo files a killed process left without their case (a crash between the write and the commit): hourly.
  if (o.photoOrphans) await q.upsertJobScheduler('photo-orphans', { pattern: '17 * * * *', tz: 'Asia/Shanghai' }, { name: 'photo-orphans', data: {} });
  if (!o.reports) return;
  const s = o.notify.policy.assessment.schedules;
  for (const kind of REPORT_KINDS) await q.upsertJobScheduler(`report-${kind}`, { pattern: s[kind], tz: 'Asia/Shanghai' }, { name: 'report', data: { kind } });
}
