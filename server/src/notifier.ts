import type { Redis } from 'ioredis';
import type { Database } from './adapters/postgres/database.js';
import { createQueues, type Queues } from './adapters/queue/queues.js';
import { producerConnection } from './adapters/queue/redis.js';
import { smsChannel, httpSmsProvider } from './adapters/sms/sms-channel.js';
import { stableAccessToken, type AccessTokenSource } from './adapters/wechat/access-token.js';
import { msgSecCheck } from './adapters/wechat/content-check.js';
import { oaTemplateChannel } from './adapters/wechat/oa-template-channel.js';
import { subscribeChannel } from './adapters/wechat/subscribe-channel.js';
import { wecomRobotChannel } from './adapters/wechat/wecom-robot-channel.js';
import type { AppConfig } from './config.js';
import type { ContentCheck } from './domain/notify-ports.js';
import type { Logger } from './logger.js';
import type { Policy } from './city-policy.js';
import type { NotifyDeps } from './usecases/notifications/context.js';
import type { SlaClock } from './usecases/deps.js';
import { startWorkers, type WorkerRuntime } from './workers/run-workers.js';

/** Robots exist for the five grid levels; departments have none (config/notifications.json). */
const ROBOT_LEVELS = new Set(['city', 'district', 'street', 'community', 'grid']);

export interface Notifier {
  notify: NotifyDeps;
  queues: Queues;
  redis: Redis;
  mpTokens: AccessTokenSource;
  oaTokens: AccessTokenSource;
  contentCheck: ContentCheck;
  workers: WorkerRuntime | null;
  close(): Promise<void>;
}

export interface NotifierOptions {
  config: Readonly<AppConfig>;
  policy: Readonly<Policy>;
  database: Database;
  sla: SlaClock;
  logger: Logger;
  apiBases: { wechat: string; wecom: string; sms: string };
  sandboxOn: boolean;
  clock: { now(): Date };
  /** Start the workers in this process (always on PGlite, which has exactly one owner). */
  startWorkers: boolean;
  schedules?: boolean;
}

/** Chooses the channel adapters, the queues and the workers (the notifications half of deps.ts). */
export async function buildNotifier(o: NotifierOptions): Promise<Notifier> {
  const { config } = o;
  const redis = producerConnection(config.redis.url);
  redis.on('error', () => {}); // the relay reports outages; the API never waits for Redis
  const queues = createQueues(redis, config.redis.prefix);
  const t = config.wechat.timeoutMs;
  const tokenOpts = { apiBase: o.apiBases.wechat, timeoutMs: t, redis, keyPrefix: config.redis.prefix };
  const mpTokens = stableAccessToken({ ...tokenOpts, appId: config.wechat.mpAppId, appSecret: config.wechat.mpAppSecret });
  const oaTokens = stableAccessToken({ ...tokenOpts, appId: config.officialAccount.appId, appSecret: config.officialAccount.appSecret });
  const levels = new Map(o.policy.orgTree.map((n) => [n.code, n.level]));
  const notify: NotifyDeps = {
    db: o.database.db,
    policy: o.policy,
    channels: {
      subscribe: subscribeChannel({ apiBase: o.apiBases.wechat, timeoutMs: t, tokens: mpTokens }),
      oa_template: oaTemplateChannel({ apiBase: o.apiBases.wechat, appId: config.officialAccount.appId, appSecret: config.officialAccount.appSecret, timeoutMs: t, tokens: oaTokens, miniProgramAppId: config.wechat.mpAppId }),
      wecom_robot: wecomRobotChannel({ apiBase: o.apiBases.wecom, timeoutMs: t }),
      sms: smsChannel(httpSmsProvider({ apiBase: o.apiBases.sms, apiKey: config.sms.apiKey, timeoutMs: t })),
    },
    robotKey: (code) => config.robotKeys[code] ?? (o.sandboxOn && ROBOT_LEVELS.has(levels.get(code) ?? '') ? `sbx-robot-${code}` : null),
    queues,
    redis,
    clock: o.clock,
    logger: o.logger,
  };
  const workers = o.startWorkers
    ? await startWorkers({
        notify,
        relay: { db: o.database.db, queues, sla: o.sla, clock: o.clock, logger: o.logger, failover: o.policy.notifications.dutyFailover },
        redisUrl: config.redis.url,
        prefix: config.redis.prefix,
        sweepIntervalMs: config.workers.sweepIntervalMs,
        logger: o.logger,
        schedules: o.schedules ?? true,
      })
    : null;
  return {
    notify,
    queues,
    redis,
    mpTokens,
    oaTokens,
    contentCheck: msgSecCheck({ apiBase: o.apiBases.wechat, timeoutMs: t, tokens: mpTokens }),
    workers,
    async close() {
      await workers?.close();
      await queues.close().catch(() => undefined);
      redis.disconnect();
    },
  };
}
