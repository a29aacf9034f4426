import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { NotificationQueue } from '../../usecases/notifications/ports.js';

/** Queues by concern: what to tell whom, when clocks tick, what runs on a schedule. */
export const QUEUE_NAMES = { notifications: 'notifications', deadlines: 'deadlines', schedules: 'schedules' } as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** Completed jobs are kept a day, so a re-added deterministic job id within that day is a no-op. */
export const DEFAULT_JOB: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export interface Queues {
  notifications: Queue;
  deadlines: Queue;
  schedules: Queue;
  close(): Promise<void>;
}

export function createQueues(connection: Redis, prefix: string): Queues {
  const make = (name: QueueName) => {
    const q = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB });
    q.on('error', () => {}); // producers fail fast and are retried by their callers
    return q;
  };
  const q = { notifications: make('notifications'), deadlines: make('deadlines'), schedules: make('schedules') };
  return { ...q, close: async () => void (await Promise.all(Object.values(q).map((x) => x.close()))) };
}

/** BullMQ job ids may not contain ':' (BullMQ uses it as its key separator: https://docs.bullmq.io/guide/jobs/job-ids). */
export function jobId(...parts: (string | number)[]): string {
  return parts.join('-').replaceAll(':', '_');
}

/**
 * Job ids of rows numbered by the database (outbox rows, notifications) carry the database's instance id:
 * BullMQ keeps finished jobs for a day and silently drops a new job whose id it has seen, so `outbox-7` of
 * a second database on the same Redis and prefix would never run. Ids built from UUIDs (cases) need none.
 */
export function rowJobId(instance: string, kind: 'outbox' | 'deliver', id: number): string {
  return jobId(kind, instance, id);
}

export function bullNotificationQueue(queues: Queues, instance: string): NotificationQueue {
  return {
    async deliver(ids) {
      if (ids.length) await queues.notifications.addBulk(ids.map((id) => ({ name: 'deliver', data: { notificationId: id }, opts: { jobId: rowJobId(instance, 'deliver', id) } })));
    },
    async redeliver(ids, round) {
      if (ids.length) await queues.notifications.addBulk(ids.map((id) => ({ name: 'deliver', data: { notificationId: id }, opts: { jobId: jobId('redeliver', instance, id, round) } })));
    },
    async flushRobot(robot, delayMs) {
      // Each flush gets its own job (no fixed id): a flush that finds the list empty ends at once, and one
      // that finds the robot still busy schedules another, so a parked message is never stranded.
      await queues.notifications.add('robot-flush', { robot }, { delay: delayMs + 50, removeOnComplete: { age: 3600, count: 10_000 } });
    },
  };
}
