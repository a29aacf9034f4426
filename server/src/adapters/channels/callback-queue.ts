import type { Queue } from 'bullmq';
import type { CallbackQueue } from '../../usecases/channels/callbacks.js';
import { jobId } from '../queue/queues.js';

/** The job name of a partner callback's delivery, on the notifications queue (workers/run-workers.ts). */
export const CALLBACK_JOB = 'callback';

/**
 * Partner callbacks on the notifications queue: one job per round of attempts, retried by BullMQ with
 * exponential backoff (https://docs.bullmq.io/guide/retrying-failing-jobs). The use case counts the attempts
 * on the row and marks it failed at the last one; BullMQ's own limit is the same number, as a backstop.
 * Job ids carry the database instance (rows are numbered per database).
 */
export function bullCallbackQueue(queue: Queue, instance: string, policy: { attempts: number; backoffMs: number }): CallbackQueue {
  return {
    async deliver(callbackId, key, afterBackoff = false) {
      await queue.add(
        CALLBACK_JOB,
        { callbackId },
        {
          jobId: jobId('callback', instance, callbackId, key),
          attempts: policy.attempts,
          backoff: { type: 'exponential', delay: policy.backoffMs },
          ...(afterBackoff ? { delay: policy.backoffMs } : {}),
        },
      );
    },
  };
}
