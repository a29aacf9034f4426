import type { Complexity } from '@finecity/types';
import { hmacTokens, type TokenService } from './adapters/auth/tokens.js';
import { hmacUrlSigner, type UrlSigner } from './adapters/auth/signed-urls.js';
import type { Database } from './adapters/postgres/database.js';
import { diskPhotoStore } from './adapters/storage/photo-store.js';
import { miniProgramClient } from './adapters/wechat/mini-program-client.js';
import { calendarConfigFrom, makeCalendar, uncoveredYears } from './domain/calendar.js';
import type { CaseClock } from './domain/case-model.js';
import { clockStatus, computeDeadlines, extendDeadline, warningTimes } from './domain/deadlines.js';
import { buildLocator } from './domain/locate.js';
import type { Clock, WeChatAuth } from './domain/ports.js';
import type { AppConfig } from './config.js';
import type { Logger } from './logger.js';
import type { Policy } from './city-policy.js';
import type { Deps, SlaClock } from './usecases/deps.js';

/** The only place adapters are chosen (STYLE.md habit 9). */
export interface AppDeps extends Deps {
  config: Readonly<AppConfig>;
  tokens: TokenService;
  signer: UrlSigner;
  logger: Logger;
}

export function buildSla(policy: Policy, logger?: Logger, now = new Date()): SlaClock {
  const tl = policy.timeLimits;
  const calendar = makeCalendar(calendarConfigFrom(policy.holidays, tl.workingHours));
  const year = new Date(now.getTime() + 8 * 3600_000).getUTCFullYear();
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

export interface BuildOptions {
  config: Readonly<AppConfig>;
  policy: Readonly<Policy>;
  database: Database;
  logger: Logger;
  wechatApiBase: string;
  clock?: Clock;
  wechat?: WeChatAuth;
}

export function buildDeps(o: BuildOptions): AppDeps {
  const { config } = o;
  return {
    config,
    db: o.database.db,
    dbKind: o.database.kind,
    policy: o.policy,
    locator: buildLocator(o.policy.orgTree),
    sla: buildSla(o.policy, o.logger),
    photos: diskPhotoStore(config.photoDir),
    wechat:
      o.wechat ??
      miniProgramClient({ apiBase: o.wechatApiBase, appId: config.wechat.mpAppId, appSecret: config.wechat.mpAppSecret, timeoutMs: config.wechat.timeoutMs }),
    clock: o.clock ?? { now: () => new Date() },
    tokens: hmacTokens(config.authSecret, config.tokenTtlHours),
    signer: hmacUrlSigner(config.authSecret),
    logger: o.logger,
  };
}
