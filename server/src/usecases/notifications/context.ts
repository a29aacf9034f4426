import type { Redis } from 'ioredis';
import type { Db } from '../../adapters/postgres/database.js';
import type { Queues } from '../../adapters/queue/queues.js';
import type { Channel, ChannelName } from '../../domain/notify-ports.js';
import type { Logger } from '../../logger.js';
import type { Policy } from '../../city-policy.js';

/** What the notification workers need; built in deps.ts, shared by plan, deliver, clocks and schedules. */
export interface NotifyDeps {
  db: Db;
  policy: Readonly<Policy>;
  channels: Partial<Record<ChannelName, Channel>>;
  /** The WeCom robot webhook key of an org node's group, or null when the node has no group robot. */
  robotKey(orgNodeCode: string): string | null;
  queues: Queues;
  redis: Redis;
  clock: { now(): Date };
  logger: Logger;
}
