import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { NotifyDeps } from './context.js';

/**
 * WeCom allows 20 messages a minute per robot (wechat-platform.md §6.3). Spacing messages at least
 * 60/perMinute seconds apart keeps every sliding minute within the limit; what arrives faster waits in
 * a per-robot list and is folded into one digest by a flush job.
 */
const limiters = new WeakMap<object, RateLimiterRedis>();

function limiter(d: NotifyDeps): RateLimiterRedis {
  let l = limiters.get(d.redis);
  if (!l) {
    const spacing = Math.ceil(60 / d.policy.notifications.robot.perMinute);
    l = new RateLimiterRedis({ storeClient: d.redis, keyPrefix: `${d.queues.notifications.opts.prefix ?? 'bull'}-robot`, points: 1, duration: spacing });
    limiters.set(d.redis, l);
  }
  return l;
}

export const pendingKey = (d: NotifyDeps, robot: string) => `${d.queues.notifications.opts.prefix ?? 'bull'}:robot-pending:${robot}`;

export function robotGate(d: NotifyDeps) {
  return {
    /** True when this message may go now; otherwise it is parked for the next digest. */
    async admit(robot: string, notificationId: number): Promise<boolean> {
      try {
        await limiter(d).consume(robot);
        return true;
      } catch (res) {
        const wait = (res as { msBeforeNext?: number }).msBeforeNext ?? 3000;
        await d.redis.rpush(pendingKey(d, robot), String(notificationId));
        await scheduleFlush(d, robot, wait);
        return false;
      }
    },
    async take(robot: string): Promise<{ ok: true } | { ok: false; wait: number }> {
      try {
        await limiter(d).consume(robot);
        return { ok: true };
      } catch (res) {
        return { ok: false, wait: (res as { msBeforeNext?: number }).msBeforeNext ?? 3000 };
      }
    },
  };
}

/**
 * Schedules a flush of the robot's parked messages. Each call gets its own job (no fixed id): a flush
 * that finds the list empty ends at once, and one that finds the robot still busy schedules another,
 * so a parked message can never be stranded behind a job id that already ran.
 */
export async function scheduleFlush(d: NotifyDeps, robot: string, waitMs: number): Promise<void> {
  await d.queues.notifications.add('robot-flush', { robot }, { delay: waitMs + 50, removeOnComplete: { age: 3600, count: 10_000 } });
}
