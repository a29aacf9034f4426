import type { Redis } from 'ioredis';
import type { RobotGate } from '../../usecases/notifications/ports.js';

export interface RobotGateOptions {
  /** Messages a robot may post per window (WeCom: 20 a minute). */
  perWindow: number;
  /** The limit's window; 60 000 ms in production, shorter in tests. */
  windowMs: number;
  /** Redis key prefix (the queue prefix): instances on one Redis keep their own gates. */
  prefix: string;
}

/**
 * Spaces a robot's messages a little more than windowMs / perWindow apart, which keeps every sliding window within the
 * limit, shared by every worker process through Redis: `SET key NX PX spacing` admits one message per
 * spacing (https://redis.io/docs/latest/commands/set/). What arrives faster waits in a per-robot list.
 */
export function redisRobotGate(redis: Redis, o: RobotGateOptions): RobotGate {
  // 5 % slack: a message admitted now reaches WeCom a little later, and a late one must not crowd the window.
  const spacing = Math.ceil((o.windowMs * 1.05) / o.perWindow);
  const slotKey = (robot: string) => `${o.prefix}:robot-slot:${robot}`;
  const listKey = (robot: string) => `${o.prefix}:robot-pending:${robot}`;
  const flushKey = (robot: string) => `${o.prefix}:robot-flush:${robot}`;
  return {
    async take(robot) {
      if ((await redis.set(slotKey(robot), '1', 'PX', spacing, 'NX')) === 'OK') return { ok: true };
      const ttl = await redis.pttl(slotKey(robot));
      return { ok: false, waitMs: ttl > 0 ? ttl : spacing };
    },
    async park(robot, id) {
      await redis.rpush(listKey(robot), String(id));
    },
    async drain(robot) {
      const [[, ids]] = (await redis.multi().lrange(listKey(robot), 0, -1).del(listKey(robot)).exec()) as [[Error | null, string[]], unknown];
      return ids.map(Number);
    },
    async requeue(robot, ids) {
      if (ids.length) await redis.lpush(listKey(robot), ...ids.map(String).reverse());
    },
    parkedCount: (robot) => redis.llen(listKey(robot)),
    async claimFlush(robot, ttlMs) {
      return (await redis.set(flushKey(robot), '1', 'PX', ttlMs, 'NX')) === 'OK';
    },
    async releaseFlush(robot) {
      await redis.del(flushKey(robot));
    },
  };
}
