import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

/** Queues by concern (STYLE.md): what to tell whom, when clocks tick, what runs on a schedule. */
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

/** BullMQ job ids may not contain ':' (stack-notes-server §4). */
export function jobId(...parts: (string | number)[]): string {
  return parts.join('-').replaceAll(':', '_');
}
