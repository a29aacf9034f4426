import crypto from 'node:crypto';
import { pgTrackingLinks } from './adapters/postgres/tracking-link-repository.js';
import { hmacTrackingTokens } from './adapters/auth/tracking-tokens.js';
import type { Redis } from 'ioredis';
import type { Database } from './adapters/postgres/database.js';
import {
  databaseInstanceId, listenOutbox, pgCaseNotices, pgDeadlines, pgNotificationStore, pgOutboxFeed, pgRecipients,
} from './adapters/postgres/notification-repo.js';
import { pgOrgDirectory } from './adapters/postgres/org-directory.js';
import { pgDutyStore } from './adapters/postgres/duty-repository.js';
import { cachedDutyRoster, type DutyRoster } from './usecases/duty-ports.js';
import { OUTBOX_CHANNEL } from './adapters/postgres/outbox-repository.js';
import { bullNotificationQueue, createQueues, type Queues } from './adapters/queue/queues.js';
import { producerConnection } from './adapters/queue/redis.js';
import { redisRobotGate } from './adapters/queue/robot-gate.js';
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
import type { NotifyDeps } from './usecases/notifications/ports.js';
import type { OrgDirectory } from './usecases/repositories.js';
import type { SlaClock } from './usecases/deps.js';
import { startWorkers, type WorkerOptions, type WorkerRuntime } from './workers/run-workers.js';
import { pgReportFiles } from './adapters/postgres/report-file-repository.js';
import { pgCallbackStore } from './adapters/postgres/channel-callback-repository.js';
import { httpCallbackSender } from './adapters/channels/callback-sender.js';
import { bullCallbackQueue } from './adapters/channels/callback-queue.js';
import { hmacUrlSigner } from './adapters/auth/signed-urls.js';
import { channelSettings } from './config.js';
import type { CallbackDeps } from './usecases/channels/callbacks.js';

/** How long a grid's duty day is cached in a process that did not make the rota change (a worker). */
export const DUTY_CACHE_MS = 60_000;

/** Robots exist for the five grid levels; departments have none (config/notifications.json). */
const ROBOT_LEVELS = new Set(['city', 'district', 'street', 'community', 'grid']);

export interface Notifier {
  notify: NotifyDeps;
  queues: Queues;
  redis: Redis;
  /** This database's instance id (app_meta), part of the queue job ids of numbered rows. */
  instance: string;
  mpTokens: AccessTokenSource;
  oaTokens: AccessTokenSource;
  contentCheck: ContentCheck;
  workers: WorkerRuntime | null;
  /** Partner callbacks (issue 11): their store, sender, queue and retry policy. */
  callbacks: CallbackDeps;
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
  /** True when the API is served by this process too: the workers then cap their concurrency and yield. */
  withApi?: boolean;
  schedules?: boolean;
  /** The in-memory org tree, when the composition root already holds one; else read here once. */
  org?: OrgDirectory;
  /** The duty rota, when the composition root already holds one (so a rota change invalidates one cache); else built here. */
  duty?: DutyRoster;
  /** The live category names (an admin may rename one); else the names of config/categories.json. */
  categoryNames?: { get(code: string): { name: string } | undefined };
  /** Runs a scheduled group report (日报告 … 年排名); absent → the report schedules are not installed. */
  reports?: WorkerOptions['reports'];
  rollup?: WorkerOptions['rollup'];
  photoOrphans?: WorkerOptions['photoOrphans'];
  /** Each finished overdue sweep (the metrics' last-sweep gauge). */
  onSweep?: WorkerOptions['onSweep'];
  /** The running sandbox's URL: the default callback URL of every partner channel it plays. */
  sandboxUrl?: string | null;
}

/** Chooses the notification ports' adapters, the channels, the queues and the workers. */
export async function buildNotifier(o: NotifierOptions): Promise<Notifier> {
  const { config, database } = o;
  const redis = producerConnection(config.redis.url);
  redis.on('error', () => {}); // the relay reports outages; the API never waits for Redis
  const queues = createQueues(redis, config.redis.prefix);
  const instance = await databaseInstanceId(database.db, () => crypto.randomBytes(6).toString('hex'));
  const t = config.wechat.timeoutMs;
  const tokenOpts = { apiBase: o.apiBases.wechat, timeoutMs: t, redis, keyPrefix: config.redis.prefix };
  const mpTokens = stableAccessToken({ ...tokenOpts, appId: config.wechat.mpAppId, appSecret: config.wechat.mpAppSecret });
  const oaTokens = stableAccessToken({ ...tokenOpts, appId: config.officialAccount.appId, appSecret: config.officialAccount.appSecret });
  const org = o.org ?? (await pgOrgDirectory(database.db));
  const db = database.db;
  const notify: NotifyDeps = {
    policy: o.policy,
    categoryNames: o.categoryNames,
    channels: {
      subscribe: subscribeChannel({ apiBase: o.apiBases.wechat, timeoutMs: t, tokens: mpTokens }),
      oa_template: oaTemplateChannel({ apiBase: o.apiBases.wechat, appId: config.officialAccount.appId, appSecret: config.officialAccount.appSecret, timeoutMs: t, tokens: oaTokens, miniProgramAppId: config.wechat.mpAppId }),
      wecom_robot: wecomRobotChannel({ apiBase: o.apiBases.wecom, timeoutMs: t }),
      sms: smsChannel(httpSmsProvider({ apiBase: o.apiBases.sms, apiKey: config.sms.apiKey, timeoutMs: t })),
    },
    robotKey: (code) => config.robotKeys[code] ?? (o.sandboxOn && ROBOT_LEVELS.has(org.get(code)?.level ?? '') ? `sbx-robot-${code}` : null),
    org,
    notices: pgCaseNotices(db),
    recipients: pgRecipients(db),
    duty: o.duty ?? cachedDutyRoster(pgDutyStore(database), org, { ttlMs: DUTY_CACHE_MS }),
    store: pgNotificationStore(db),
    deadlines: pgDeadlines(database),
    files: pgReportFiles(db),
    queue: bullNotificationQueue(queues, instance),
    robots: redisRobotGate(redis, { perWindow: o.policy.notifications.robot.perMinute, windowMs: config.workers.robotWindowMs, prefix: config.redis.prefix }),
    clock: o.clock,
    logger: o.logger,
    trackingLinks: { tokens: hmacTrackingTokens(config.authSecret), store: pgTrackingLinks(db), publicBaseUrl: config.publicBaseUrl },
  };
  const cb = config.channels.callback;
  const photoSigner = hmacUrlSigner(config.authSecret);
  const callbacks: CallbackDeps = {
    store: pgCallbackStore(database),
    sender: httpCallbackSender({ timeoutMs: cb.timeoutMs }),
    queue: bullCallbackQueue(queues.notifications, instance, { attempts: cb.attempts, backoffMs: cb.backoffMs }),
    settings: (channelId) => channelSettings(config, channelId, o.sandboxUrl ?? null),
    maxAttempts: cb.attempts,
    org,
    // Signed like every photo URL (valid some hours): a partner fetches the photos when the callback arrives.
    photoUrl: (id, now) => `${config.publicBaseUrl}${photoSigner.photoUrl(id, 'full', now)}`,
    clock: o.clock,
    logger: o.logger,
  };
  const workers = o.startWorkers
    ? await startWorkers({
        notify,
        relay: { feed: pgOutboxFeed(database), queues, instance, sla: o.sla, clock: o.clock, logger: o.logger, failover: o.policy.notifications.dutyFailover },
        redisUrl: config.redis.url,
        prefix: config.redis.prefix,
        sweepIntervalMs: config.workers.sweepIntervalMs,
        redriveAfterMs: config.workers.redriveAfterMs,
        relayPollMs: config.workers.relayPollMs ?? 5000,
        listen: (wake) => listenOutbox(database, OUTBOX_CHANNEL, wake, (err) => o.logger.warn('outbox relay: listener failed, reconnecting', { err: err.message })),
        sharesProcessWithApi: o.withApi ?? true,
        logger: o.logger,
        schedules: o.schedules ?? true,
        reports: o.reports,
        rollup: o.rollup,
        photoOrphans: o.photoOrphans,
        onSweep: o.onSweep,
        callbacks,
      })
    : null;
  return {
    notify,
    queues,
    redis,
    instance,
    mpTokens,
    oaTokens,
    contentCheck: msgSecCheck({ apiBase: o.apiBases.wechat, timeoutMs: t, tokens: mpTokens }),
    workers,
    callbacks,
    async close() {
      await workers?.close();
      await queues.close().catch(() => undefined);
      redis.disconnect();
    },
  };
}
