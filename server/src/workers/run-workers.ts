import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { workerConnection } from '../adapters/queue/redis.js';
import type { Logger } from '../logger.js';
import { onClockTimer, onFailover, sweepOverdue, type ClockJob, type FailoverJob } from '../usecases/notifications/clock-alerts.js';
import type { NotifyDeps } from '../usecases/notifications/ports.js';
import { deliverNotification, TransientDeliveryError } from '../usecases/notifications/deliver.js';
import { planFromOutbox } from '../usecases/notifications/plan.js';
import { flushRobot } from '../usecases/notifications/robot-flush.js';
import { sendSummary } from '../usecases/notifications/summaries.js';
import type { Period } from '../domain/summary.js';
import { startRelay, type RelayDeps } from './outbox-relay.js';

export interface WorkerOptions {
  notify: NotifyDeps;
  relay: RelayDeps;
  redisUrl: string;
  prefix: string;
  sweepIntervalMs: number;
  /** The relay's safety-net poll; commits wake it at once through `listen`. */
  relayPollMs: number;
  listen?: (wake: () => void) => Promise<() => Promise<void>>;
  /**
   * True when the API runs in this process too (PGlite, or FINECITY_ROLE=all): fewer jobs at once, and a
   * turn of the event loop before each, so requests are never queued behind a burst of deliveries.
   */
  sharesProcessWithApi: boolean;
  logger: Logger;
  /** Install the 08:00 summary schedules (off in tests that drive summaries by hand). */
  schedules: boolean;
}

export interface WorkerRuntime {
  kick(): void;
  close(): Promise<void>;
}

/**
 * Transient failures retry with backoff; a platform-imposed pause (robot limit) delays the job without
 * spending an attempt; the last failed attempt moves the notification to its next channel.
 */
async function notificationJob(o: WorkerOptions, job: Job, token?: string): Promise<unknown> {
  const d = o.notify;
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
    new Worker('schedules', (job) => run(() => sendSummary(o.notify, job.data.period as Period)), { connection: conn(), prefix: o.prefix, concurrency: 1 }),
  ];
  for (const w of workers) w.on('error', () => {}); // connection errors: BullMQ reconnects; the relay logs outages
  for (const w of workers) w.on('failed', (job, err) => o.logger.warn('job failed', { queue: w.name, job: job?.id, attempts: job?.attemptsMade, err: err.message }));
  if (o.schedules) await installSchedules(o).catch((err: unknown) => o.logger.warn('schedules not installed yet (Redis down?)', { err: String(err) }));
  const relay = startRelay(o.relay, { pollMs: o.relayPollMs, listen: o.listen });
  const sweep = setInterval(() => {
    sweepOverdue(o.notify)
      .then((ids) => {
        if (ids.length) {
          o.logger.info('sweep flagged overdue cases', { count: ids.length });
          relay.kick();
        }
      })
      .catch((err: unknown) => o.logger.warn('overdue sweep failed', { err: String(err) }));
  }, o.sweepIntervalMs);
  return {
    kick: relay.kick,
    async close() {
      clearInterval(sweep);
      await relay.stop();
      await Promise.all(workers.map((w) => w.close()));
      for (const c of conns) c.disconnect();
    },
  };
}

/** Idempotent: every worker process upserts the same schedulers, and BullMQ keeps one of each. */
async function installSchedules(o: WorkerOptions): Promise<void> {
  const s = o.notify.policy.notifications.schedules;
  const q = o.relay.queues.schedules;
  for (const [id, period, pattern] of [['daily-summary', 'daily', s.daily], ['weekly-summary', 'weekly', s.weekly], ['monthly-summary', 'monthly', s.monthly]] as const) {
    await q.upsertJobScheduler(id, { pattern, tz: s.timezone }, { name: 'summary', data: { period } });
  }
}
