import { excelSheets } from './adapters/spreadsheet/exceljs-sheets.js';
import type { Complexity } from '@finecity/types';
import { PHOTO_LIMITS } from '@finecity/types';
import { hmacTokens, type TokenService } from './adapters/auth/tokens.js';
import { hmacUrlSigner, type UrlSigner } from './adapters/auth/signed-urls.js';
import { openPostgres, type Database } from './adapters/postgres/database.js';
import { pgCaseQueries } from './adapters/postgres/case-repository.js';
import { pgOrgDirectory } from './adapters/postgres/org-directory.js';
import { pgDutyStore } from './adapters/postgres/duty-repository.js';
import { cachedDutyRoster } from './usecases/duty-ports.js';
import { pgStatsQueries } from './adapters/postgres/stats-repository.js';
import { pgAssessmentQueries } from './adapters/postgres/assessment-queries.js';
import { pgCompanyStore } from './adapters/postgres/company-repository.js';
import { pgInspectorStore } from './adapters/postgres/inspector-repository.js';
import { pgNearbyStore } from './adapters/postgres/nearby-repository.js';
import { pgResidentPrivacy } from './adapters/postgres/privacy-repository.js';
import { pgPointsStore } from './adapters/postgres/points-repository.js';
import { pgPublicCaseReads } from './adapters/postgres/public-repository.js';
import { pgTrackingLinks } from './adapters/postgres/tracking-link-repository.js';
import { hmacTrackingTokens } from './adapters/auth/tracking-tokens.js';
import { pgSnapshotStore } from './adapters/postgres/snapshot-repository.js';
import { pgPatrolFigures } from './adapters/postgres/patrol-repository.js';
import { echartsRenderer } from './adapters/charts/echarts-renderer.js';
import { runScheduledReport } from './usecases/assessment/reports.js';
import { rollUpRecentDays } from './usecases/assessment/rollup.js';
import { removeOrphanPhotos } from './usecases/photo-orphans.js';
import { pgPhotoRows } from './adapters/postgres/photo-row-repository.js';
import { runCompanyWeekly } from './usecases/companies/weekly.js';
import type { NotifyDeps } from './usecases/notifications/ports.js';
import { pgSubscriptionCredits } from './adapters/postgres/subscription-repository.js';
import { pgUserDirectory } from './adapters/postgres/user-repository.js';
import { hmacInviteCodes, providerStaffSms } from './adapters/postgres/invitation-repository.js';
import { httpSmsProvider } from './adapters/sms/sms-channel.js';
import { providerCallerSms } from './adapters/sms/caller-sms.js';
import { pgCallCentreReads } from './adapters/postgres/tracking-repository.js';
import { staffInvitationsFor } from './usecases/admin/invitations.js';
import { pgUnitOfWork, portsOn } from './adapters/postgres/unit-of-work.js';
import { pgChannelIntakeStore } from './adapters/postgres/channel-intake-repository.js';
import { guardedFetcher } from './adapters/http-fetch/attachment-fetcher.js';
import { pgOpen311Store } from './adapters/postgres/open311-repository.js';
import { pgWorkingCalendar } from './adapters/postgres/calendar-repository.js';
import { pgWecomStaffDirectory } from './adapters/postgres/wecom-staff-repository.js';
import { wecomOAuthClient } from './adapters/wechat/wecom-oauth.js';
import type { WorkingCalendarStore } from './usecases/admin/calendar.js';
import { firstDocument, limitPolicyFor, policyCatalog, type CategoryCatalog } from './usecases/admin/categories.js';
import { pgPolicyVersionReader } from './adapters/postgres/policy-repository.js';
import { withRecentUsers } from './adapters/memory/recent-users.js';
import { processPhoto } from './adapters/storage/photo-processor.js';
import { diskPhotoStore } from './adapters/storage/photo-store.js';
import { stableAccessToken } from './adapters/wechat/access-token.js';
import { miniProgramClient } from './adapters/wechat/mini-program-client.js';
import { oaMediaClient } from './adapters/wechat/oa-media.js';
import { pushCodec } from './adapters/wechat/push-codec.js';
import { calendarConfigFrom, makeCalendar, uncoveredYears, type HolidayFile } from './domain/calendar.js';
import type { CaseClock } from './domain/case-model.js';
import { clockStatus, computeDeadlines, extendDeadline, warningTimes } from './domain/deadlines.js';
import { orgTreeVersion, pgOrgGridStore } from './adapters/postgres/org-import-repository.js';
import { turfGridGeometry } from './adapters/geo/turf-geometry.js';
import { turfMapShapes } from './adapters/geo/leader-outlines.js';
import { pgTrendQueries } from './adapters/postgres/leader-trend.js';
import { reloadableLocator } from './adapters/geo/reloadable-locator.js';
import type { Clock, WeChatAuth } from './domain/ports.js';
import { beijingParts } from './domain/shanghai-time.js';
import type { AppConfig } from './config.js';
import { channelSettings } from './config.js';
import type { Logger } from './logger.js';
import type { Policy } from './city-policy.js';
import type { Deps, SlaClock } from './usecases/deps.js';
import { loadOfficialAccountSettings } from './usecases/official-account-push.js';
import type { OfficialAccountPorts } from './http/routes/official-account.js';
import { buildNotifier, DUTY_CACHE_MS, type Notifier } from './notifier.js';
import { pgCallbackStore } from './adapters/postgres/channel-callback-repository.js';
import type { CallbackConsole } from './usecases/channels/callback-console.js';
import { prometheusMetrics, readinessChecks } from './adapters/metrics/prometheus.js';
import type { Metrics, Readiness } from './usecases/metrics-ports.js';

/** Connections of the read-replica pool (DATABASE_REPLICA_URL): a few heavy statements at a time, not every request. */
const REPLICA_POOL_SIZE = 5;

/**
 * The database for heavy read-only statements: the replica of DATABASE_REPLICA_URL (PostgreSQL only), else the
 * primary itself. Only whole reads that decide nothing go there; a use case that reads and then writes reads
 * the primary, and a replica's few milliseconds of lag never show in what someone just did.
 */
async function openReadReplica(config: Readonly<AppConfig>, database: Database, logger: Logger): Promise<Database | null> {
  if (!config.databaseReplicaUrl || database.kind !== 'postgres') return null;
  const replica = await openPostgres(config.databaseReplicaUrl, REPLICA_POOL_SIZE, (err) => logger.warn('postgres replica: an idle connection failed and was discarded', { err: err.message }));
  logger.info('read replica in use for dashboards and scorecards', { replica: new URL(config.databaseReplicaUrl).host });
  return replica;
}

/** The SMS template code of the staff activation message, as registered at the SMS provider (config/env.example). */
const STAFF_INVITE_SMS_TEMPLATE = 'SMS_STAFF_INVITE';

/** What the HTTP layer receives: the use cases' ports plus the request-level services. */
export interface AppDeps extends Deps {
  config: Readonly<AppConfig>;
  tokens: TokenService;
  signer: UrlSigner;
  logger: Logger;
  /** The official account's push endpoint: its envelope, media source and settings. */
  oaPush: OfficialAccountPorts;
  /** The notifier's ports (group reports re-sent by hand); null when notifications are off. */
  notify: NotifyDeps | null;
  /** Partner callbacks on the console: the list, and a retry by hand (queued; no queue when notifications are off). */
  channelCallbacks: CallbackConsole;
  /** GET /metrics and the request timer (adapters/metrics), and GET /readyz's checks. */
  metrics: Metrics;
  readiness: Readiness;
}

/**
 * The SLA clock; `useHolidays` swaps its calendar (the stored working calendar, see useStoredCalendar), `useLimits`
 * its time limits (every stored policy version, see useStoredCategories); until then config/time-limits.json's.
 */
export function buildSla(
  policy: Policy, logger?: Logger, now = new Date(),
): SlaClock & { useHolidays(file: HolidayFile, logger?: Logger, now?: Date): void; useLimits(source: Pick<CategoryCatalog, 'limits'>): void } {
  const tl = policy.timeLimits;
  let calendar = makeCalendar(calendarConfigFrom(policy.holidays, tl.workingHours));
  const warnUncovered = (file: HolidayFile, log: Logger | undefined, at: Date): void => {
    const year = beijingParts(at).year;
    const missing = uncoveredYears(calendarConfigFrom(file, tl.workingHours), [year, year + 1]);
    if (missing.length) log?.warn('holiday calendar does not cover these years; only weekends count as rest days (a city admin enters them: PUT /api/v1/admin/calendar/:year)', { years: missing });
  };
  warnUncovered(policy.holidays, logger, now);
  let limits: Pick<CategoryCatalog, 'limits'> | null = null;
  return {
    useHolidays(file, log, at = new Date()) {
      calendar = makeCalendar(calendarConfigFrom(file, tl.workingHours));
      warnUncovered(file, log, at);
    },
    useLimits(source) {
      limits = source;
    },
    compute(categoryCode: string, complexity: Complexity, start: Date, on?: { version: number | null; gridType?: string | null }): CaseClock {
      const p = limits ? limitPolicyFor(tl, limits.limits(on?.version ?? null), categoryCode, on?.gridType) : tl;
      const d = computeDeadlines(p, calendar, categoryCode, complexity, start);
      return { startedAt: d.startedAt, dueAt: d.dueAt, calendar: d.calendar, nationalDueAt: d.nationalDueAt, nationalCalendar: d.nationalCalendar };
    },
    status: (clock, at) => clockStatus(calendar, clock, at, tl.warn),
    isWorkingDay: (day) => calendar.isWorkingDay(day),
    warnings: (clock) => warningTimes(calendar, clock, tl.warn),
    extend(clock, hours) {
      const d = extendDeadline(calendar, { ...clock, hours: 0, nationalHours: 0 }, hours);
      return { ...clock, dueAt: d.dueAt };
    },
  };
}

/** Holiday names for years seeded from config/holidays.json, which lists dates only. */
function seedName(run: string[]): string {
  const has = (mmdd: string): boolean => run.some((d) => d.endsWith(mmdd));
  if (has('-01-01')) return '元旦';
  if (has('-05-01')) return '劳动节';
  if (has('-10-01')) return '国庆节';
  if (run.length >= 7 && Number(run[0]!.slice(5, 7)) <= 2) return '春节';
  return '法定节假日';
}

function seedYears(file: HolidayFile): { year: number; holidays: { date: string; name: string }[]; workdays: { date: string; name: string }[] }[] {
  return Object.entries(file.years).map(([year, lists]) => {
    const days = [...lists.holidays].sort();
    const holidays: { date: string; name: string }[] = [];
    let run: string[] = [];
    const flush = (): void => {
      const name = seedName(run);
      run.forEach((date) => holidays.push({ date, name }));
      run = [];
    };
    for (const d of days) {
      const last = run[run.length - 1];
      if (last && Date.parse(d) - Date.parse(last) !== 86_400_000) flush();
      run.push(d);
    }
    flush();
    return { year: Number(year), holidays, workdays: [...lists.workdays].sort().map((date) => ({ date, name: '调休上班' })) };
  });
}

/**
 * The working calendar from the database: seeded from config/holidays.json when no year is stored,
 * loaded into `sla` (with the boot warning for an uncovered current or next year), re-read every
 * `refreshMs` (default one minute) so that other processes pick up an admin's change, and at once in
 * the process that made it (WorkingCalendarStore.reload). worker.ts should call this too.
 */
export async function useStoredCalendar(
  database: Database, policy: Policy, sla: ReturnType<typeof buildSla>, logger: Logger, refreshMs = 60_000,
): Promise<WorkingCalendarStore & { stop(): void }> {
  const pg = pgWorkingCalendar(database.db);
  const seeded = await pg.seedIfEmpty(seedYears(policy.holidays));
  if (seeded) logger.info('working calendar seeded from config/holidays.json', { years: seeded });
  const load = async (warn: boolean): Promise<void> => {
    const years = await pg.all();
    const file: HolidayFile = { timezone: 'Asia/Shanghai', years: Object.fromEntries(years.map((y) => [String(y.year), { holidays: y.holidays.map((d) => d.date), workdays: y.workdays.map((d) => d.date) }])) };
    sla.useHolidays(file, warn ? logger : undefined);
  };
  await load(true);
  const timer = setInterval(() => load(false).catch((err: unknown) => logger.warn('working calendar refresh failed', { error: String(err) })), refreshMs);
  timer.unref();
  return { ...pg, reload: () => load(false), stop: () => clearInterval(timer) };
}

/**
 * Categories and time limits from the database (policy_versions): version 1 is written from
 * config/categories.json and config/time-limits.json when none is stored; every version is held in memory
 * and handed to `sla`; new versions are read every `refreshMs` (default one minute) for other processes, and
 * at once in the process that made one (CategoryCatalog.reload).
 */
export async function useStoredCategories(
  database: Database, policy: Policy, sla: ReturnType<typeof buildSla>, logger: Logger, refreshMs = 60_000,
): Promise<CategoryCatalog & { stop(): void }> {
  const reader = pgPolicyVersionReader(database.db);
  const cats = policy.categories.categories;
  if (await reader.seedIfEmpty(firstDocument(cats, policy.timeLimits, policy.gridTypes.types), new Date())) logger.info('category and time-limit policy version 1 written from config');
  const catalog = await policyCatalog(reader, cats);
  sla.useLimits(catalog);
  const timer = setInterval(() => catalog.reload().catch((err: unknown) => logger.warn('category policy refresh failed', { error: String(err) })), refreshMs);
  timer.unref();
  return { ...catalog, stop: () => clearInterval(timer) };
}

/**
 * Other processes' grid imports: the tree's version (app_meta, bumped in the import's transaction) is read
 * every `refreshMs`; when it moved, `reload` rebuilds this process's org directory and locator. The
 * importing process reloads at once (usecases/admin/org-import.ts).
 */
export function watchOrgTree(database: Database, reload: () => Promise<void>, logger: Logger, refreshMs = 60_000): { check(): Promise<void>; stop(): void } {
  let seen: number | null = null;
  const check = async (): Promise<void> => {
    const v = await orgTreeVersion(database.db);
    if (seen !== null && v !== seen) await reload();
    seen = v;
  };
  void check().catch((err: unknown) => logger.warn('org tree version check failed', { error: String(err) }));
  const timer = setInterval(() => check().catch((err: unknown) => logger.warn('org tree refresh failed', { error: String(err) })), refreshMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
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
  /**
   * The running sandbox's URL (the partner platforms' default callback URL); absent → the WeChat host when the
   * sandbox is on (it is the sandbox unless WECHAT_API_BASE says otherwise).
   */
  sandboxUrl?: string | null;
  clock?: Clock;
  wechat?: WeChatAuth;
  /** Build the notifier (queues, channels) and, when `workers`, run the workers in this process. */
  /** `withApi: false`: a worker-only process (worker.ts), whose workers need not leave room for requests. */
  notifications: false | { workers: boolean; schedules?: boolean; withApi?: boolean };
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
  const sla = buildSla(o.policy);
  const calendar = await useStoredCalendar(database, o.policy, sla, o.logger);
  const categories = await useStoredCategories(database, o.policy, sla, o.logger);
  const org = await pgOrgDirectory(database.db);
  const dutyStore = pgDutyStore(database);
  const duty = cachedDutyRoster(dutyStore, org, { ttlMs: DUTY_CACHE_MS });
  const replica = await openReadReplica(config, database, o.logger);
  const reads = (replica ?? database).db;
  // Scorecard counts (live scorecards, scheduled reports, publication) read the replica: a publication counts a period
  // that has ended (publishPeriod refuses one in progress), whose rows reached the replica long before. The day
  // rollup reads what it then writes: on the primary.
  const assessmentReads = pgAssessmentQueries(reads);
  // Read at scrape time; the queues and Redis are the notifier's, built next.
  const metrics = prometheusMetrics({ database, queues: () => notifier?.queues ?? null, redis: () => notifier?.redis ?? null, prefix: config.redis.prefix, now: () => clock.now() });
  const notifier: Notifier | null = o.notifications
    ? await buildNotifier({
        config, policy: o.policy, database, sla, logger: o.logger, apiBases: o.apiBases, sandboxOn: o.sandboxOn, clock,
        startWorkers: o.notifications.workers, schedules: o.notifications.schedules, withApi: o.notifications.withApi, org, duty, categoryNames: categories,
        sandboxUrl: o.sandboxUrl ?? (o.sandboxOn && !config.wechat.apiBase ? o.apiBases.wechat : null),
        // The scheduled group reports need the whole app's ports (scorecards); `deps` exists before any job runs.
        // The companies' 周反馈 goes out with the Monday 周巡查 (issue 11).
        reports: async (kind, notify) => {
          const out = await runScheduledReport(deps, notify, kind);
          if (kind === 'weekly') await runCompanyWeekly(deps, notify);
          return out;
        },
        rollup: () => rollUpRecentDays(deps),
        photoOrphans: () => removeOrphanPhotos(deps),
        onSweep: (at) => metrics.sweepRan(at),
      })
    : null;
  const store = portsOn(database.db, database.kind === 'postgres' ? { deferredCommit: true, namedStatements: config.databaseNamedStatements } : {});
  // The point → grid locator from the stored tree (grid imports change it; issue 9, item 5).
  const orgGridStore = pgOrgGridStore(database.db);
  const locator = await reloadableLocator(() => orgGridStore.shapes({}));
  const treeWatch = watchOrgTree(database, async () => {
    await org.refresh();
    await locator.reload();
  }, o.logger);
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
    stats: pgStatsQueries(reads),
    assessment: { ...pgAssessmentQueries(database.db), rawCounts: assessmentReads.rawCounts, directRawCounts: assessmentReads.directRawCounts },
    snapshots: pgSnapshotStore(database.db),
    charts: echartsRenderer(),
    patrol: pgPatrolFigures(reads),
    audit: store.audit,
    sheets: excelSheets(),
    duty,
    dutyStore,
    staff: store.staff,
    // Staff activation (issue 9): codes keyed by the auth secret; the SMS through the notifications' provider client.
    staffActivation: {
      codes: hmacInviteCodes(config.authSecret),
      sms: providerStaffSms(httpSmsProvider({ apiBase: o.apiBases.sms, apiKey: config.sms.apiKey, timeoutMs: config.wechat.timeoutMs }), STAFF_INVITE_SMS_TEMPLATE),
    },
    staffInvitations: { inviteNew: (ids, actor) => staffInvitationsFor(deps).inviteNew(ids, actor) },
    policy: o.policy,
    locator,
    orgGeo: { store: orgGridStore, geometry: turfGridGeometry(), reloadLocator: () => locator.reload() },
    leader: { trend: pgTrendQueries(reads), shapes: turfMapShapes(orgGridStore) },
    companies: pgCompanyStore(database.db),
    inspector: pgInspectorStore(database.db),
    nearby: pgNearbyStore(database.db),
    privacy: pgResidentPrivacy(database.db),
    points: pgPointsStore(database.db),
    publicCases: pgPublicCaseReads(database.db, { countTtlMs: config.publicCountCacheMs }),
    trackingLinks: { tokens: hmacTrackingTokens(config.authSecret), store: pgTrackingLinks(database.db), publicBaseUrl: config.publicBaseUrl },
    channelIntake: pgChannelIntakeStore(database.db),
    channelSecret: (channelId) => channelSettings(config, channelId).secret,
    // Partner attachments (issue 11): PHOTO_LIMITS' size, 10 s for the whole fetch, 3 redirects, each hop SSRF-checked.
    attachments: guardedFetcher({ timeoutMs: 10_000, maxBytes: PHOTO_LIMITS.maxBytes, maxRedirects: 3, allowHosts: config.channels.fetchAllowHosts }),
    open311: pgOpen311Store(database.db),
    // The 12319 call centre (issue 11, item 3): its list and the tracking page's reads; the caller's SMS through the same provider client.
    callCentre: {
      reads: pgCallCentreReads(database.db),
      sms: providerCallerSms(httpSmsProvider({ apiBase: o.apiBases.sms, apiKey: config.sms.apiKey, timeoutMs: config.wechat.timeoutMs })),
      publicBaseUrl: config.publicBaseUrl,
    },
    sla,
    photos: { process: (upload) => processPhoto(upload), ...diskPhotoStore(config.photoDir) },
    photoRows: pgPhotoRows(database.db),
    wechat:
      o.wechat ??
      miniProgramClient({
        apiBase: o.apiBases.wechat, appId: config.wechat.mpAppId, appSecret: config.wechat.mpAppSecret, timeoutMs: config.wechat.timeoutMs,
        tokens: notifier?.mpTokens ?? stableAccessToken({ apiBase: o.apiBases.wechat, appId: config.wechat.mpAppId, appSecret: config.wechat.mpAppSecret, timeoutMs: config.wechat.timeoutMs, redis: null }),
      }),
    clock,
    contentCheck: notifier?.contentCheck,
    calendar,
    categories,
    wecomSignIn: config.wecom.signIn
      ? {
          oauth: wecomOAuthClient({ apiBase: o.apiBases.wecom, corpId: config.wecom.corpId, secret: config.wecom.secret, timeoutMs: config.wechat.timeoutMs }),
          staff: pgWecomStaffDirectory(database.db),
          corpId: config.wecom.corpId,
          agentId: config.wecom.agentId,
        }
      : null,
    notify: notifier?.notify ?? null,
    channelCallbacks: { store: pgCallbackStore(database), queue: notifier?.callbacks.queue ?? null, clock },
    tokens: hmacTokens(config.authSecret, config.tokenTtlHours),
    signer: hmacUrlSigner(config.authSecret),
    logger: o.logger,
    metrics,
    readiness: readinessChecks({ database, redis: () => notifier?.redis ?? null }),
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
  return {
    deps, notifier, close: async () => {
      calendar.stop();
      categories.stop();
      treeWatch.stop();
      await notifier?.close();
      await replica?.close();
    },
  };
}
