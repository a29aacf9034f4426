import type { Complexity } from '@finecity/types';
import { hmacTokens, type TokenService } from './adapters/auth/tokens.js';
import { hmacUrlSigner, type UrlSigner } from './adapters/auth/signed-urls.js';
import type { Database } from './adapters/postgres/database.js';
import { pgCaseQueries } from './adapters/postgres/case-repository.js';
import { pgOrgDirectory } from './adapters/postgres/org-directory.js';
import { pgStatsQueries } from './adapters/postgres/stats-repository.js';
import { pgSubscriptionCredits } from './adapters/postgres/subscription-repository.js';
import { pgUserDirectory } from './adapters/postgres/user-repository.js';
import { pgUnitOfWork, portsOn } from './adapters/postgres/unit-of-work.js';
import { withRecentUsers } from './adapters/memory/recent-users.js';
import { processPhoto } from './adapters/storage/photo-processor.js';
import { diskPhotoStore } from './adapters/storage/photo-store.js';
import { stableAccessToken } from './adapters/wechat/access-token.js';
import { miniProgramClient } from './adapters/wechat/mini-program-client.js';
import { oaMediaClient } from './adapters/wechat/oa-media.js';
import { pushCodec } from './adapters/wechat/push-codec.js';
import { calendarConfigFrom, makeCalendar, uncoveredYears } from './domain/calendar.js';
import type { CaseClock } from './domain/case-model.js';
import { clockStatus, computeDeadlines, extendDeadline, warningTimes } from './domain/deadlines.js';
import { buildLocator } from './domain/locate.js';
import type { Clock, WeChatAuth } from './domain/ports.js';
import { beijingParts } from './domain/shanghai-time.js';
import type { AppConfig } from './config.js';
import type { Logger } from './logger.js';
import type { Policy } from './city-policy.js';
import type { Deps, SlaClock } from './usecases/deps.js';
import { loadOfficialAccountSettings } from './usecases/official-account-push.js';
import type { OfficialAccountPorts } from './http/routes/official-account.js';
import { buildNotifier, type Notifier } from './notifier.js';

/** What the HTTP layer receives: the use cases' ports plus the request-level services. */
export interface AppDeps extends Deps {
  config: Readonly<AppConfig>;
  tokens: TokenService;
  signer: UrlSigner;
  logger: Logger;
  /** The official account's push endpoint: its envelope, media source and settings. */
  oaPush: OfficialAccountPorts;
}

export function buildSla(policy: Policy, logger?: Logger, now = new Date()): SlaClock {
  const tl = policy.timeLimits;
  const calendar = makeCalendar(calendarConfigFrom(policy.holidays, tl.workingHours));
  const year = beijingParts(now).year;
  const missing = uncoveredYears(calendarConfigFrom(policy.holidays, tl.workingHours), [year, year + 1]);
  if (missing.length) logger?.warn('holiday calendar does not cover these years; only weekends count as rest days', { years: missing });
  return {
    compute(categoryCode: string, complexity: Complexity, start: Date): CaseClock {
      const d = computeDeadlines(tl, calendar, categoryCode, complexity, start);
      return { startedAt: d.startedAt, dueAt: d.dueAt, calendar: d.calendar, nationalDueAt: d.nationalDueAt, nationalCalendar: d.nationalCalendar };
    },
    status: (clock, at) => clockStatus(calendar, clock, at, tl.warn),
    warnings: (clock) => warningTimes(calendar, clock, tl.warn),
    extend(clock, hours) {
      const d = extendDeadline(calendar, { ...clock, hours: 0, nationalHours: 0 }, hours);
      return { ...clock, dueAt: d.dueAt };
    },
  };
}

export interface ComposeOptions {
  config: Readonly<AppConfig>;
  policy: Readonly<Policy>;
  database: Database;
  logger: Logger;
  /** Where the adapters send: WeChat, WeCom and SMS hosts (config, else the sandbox's). */
  apiBases: { wechat: string; wecom: string; sms: string };
  /** The sandbox is on: groups get sandbox robot keys. */
  sandboxOn: boolean;
  clock?: Clock;
  wechat?: WeChatAuth;
  /** Build the notifier (queues, channels) and, when `workers`, run the workers in this process. */
  notifications: false | { workers: boolean; schedules?: boolean };
}

export interface Composition {
  deps: AppDeps;
  notifier: Notifier | null;
  close(): Promise<void>;
}

/**
 * The composition root: the only place adapters are chosen and wired. Everything is built here, once,
 * in dependency order; nothing is patched in afterwards.
 */
export async function compose(o: ComposeOptions): Promise<Composition> {
  const { config, database } = o;
  const clock = o.clock ?? { now: () => new Date() };
  const sla = buildSla(o.policy, o.logger);
  const org = await pgOrgDirectory(database.db);
  const notifier = o.notifications
    ? await buildNotifier({
        config, policy: o.policy, database, sla, logger: o.logger, apiBases: o.apiBases, sandboxOn: o.sandboxOn, clock,
        startWorkers: o.notifications.workers, schedules: o.notifications.schedules, org,
      })
    : null;
  const store = portsOn(database.db);
  const deps: AppDeps = {
    config,
    uow: pgUnitOfWork(database),
    cases: store.cases,
    caseQueries: pgCaseQueries(database.db),
    idempotency: store.idempotency,
    org,
    users: withRecentUsers(pgUserDirectory(database.db), config.userCacheMs),
    subscriptions: pgSubscriptionCredits(database.db),
    officialAccount: store.officialAccount,
    stats: pgStatsQueries(database.db),
    audit: store.audit,
    policy: o.policy,
    locator: buildLocator(o.policy.orgTree),
    sla,
    photos: { process: (upload) => processPhoto(upload), ...diskPhotoStore(config.photoDir) },
    wechat:
      o.wechat ??
      miniProgramClient({ apiBase: o.apiBases.wechat, appId: config.wechat.mpAppId, appSecret: config.wechat.mpAppSecret, timeoutMs: config.wechat.timeoutMs }),
    clock,
    contentCheck: notifier?.contentCheck,
    tokens: hmacTokens(config.authSecret, config.tokenTtlHours),
    signer: hmacUrlSigner(config.authSecret),
    logger: o.logger,
    oaPush: {
      codec: pushCodec(config.officialAccount),
      // The official account's token is not the mini-program's (one per appid): the notifier's shared one, else one cached here.
      media: oaMediaClient({
        apiBase: o.apiBases.wechat,
        timeoutMs: config.wechat.timeoutMs,
        tokens: notifier?.oaTokens ?? stableAccessToken({ apiBase: o.apiBases.wechat, appId: config.officialAccount.appId, appSecret: config.officialAccount.appSecret, timeoutMs: config.wechat.timeoutMs, redis: null }),
      }),
      settings: loadOfficialAccountSettings(config.configDir, o.policy),
    },
  };
  return { deps, notifier, close: async () => notifier?.close() };
}
