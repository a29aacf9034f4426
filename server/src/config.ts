import path from 'node:path';
import { z } from 'zod';

/**
 * The one validated, frozen view of the environment. It fails fast and lists every
 * problem at once. Policy (categories, clocks, holidays, org tree) is data under config/: see city-policy.ts.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./.data'),
  DATABASE_URL: z.string().url().optional(),
  // A streaming replica of DATABASE_URL for the heavy read-only queries (dashboards, scorecards); empty: none.
  DATABASE_REPLICA_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  DATABASE_NAMED_STATEMENTS: bool.default(true),
  CONFIG_DIR: z.string().default('./config'),
  PHOTO_DIR: z.string().optional(),
  AUTH_SECRET: z.string().min(32, 'AUTH_SECRET must be at least 32 characters').optional(),
  TOKEN_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  WECHAT_SANDBOX: bool.default(true),
  WECHAT_SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  WECHAT_API_BASE: z.string().url().optional(),
  WECHAT_MP_APP_ID: z.string().min(1).optional(),
  WECHAT_MP_APP_SECRET: z.string().min(1).optional(),
  WECHAT_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  // Official-account message push (https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html):
  // Token is 3–32 letters or digits, EncodingAESKey 43.
  WECHAT_OA_APP_ID: z.string().min(1).optional(),
  WECHAT_OA_TOKEN: z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'WECHAT_OA_TOKEN is 3–32 letters or digits').optional(),
  WECHAT_OA_AES_KEY: z.string().regex(/^[A-Za-z0-9]{43}$/, 'WECHAT_OA_AES_KEY (EncodingAESKey) is 43 letters or digits').optional(),
  WECHAT_OA_AES_KEY_PREVIOUS: z.string().regex(/^[A-Za-z0-9]{43}$/, 'WECHAT_OA_AES_KEY_PREVIOUS is 43 letters or digits').optional(),
  // Outgoing notifications: the OA secret (stable token for template messages), WeCom and SMS hosts.
  WECHAT_OA_APP_SECRET: z.string().min(1).optional(),
  WECOM_API_BASE: z.string().url().optional(),
  SMS_API_BASE: z.string().url().optional(),
  SMS_API_KEY: z.string().min(1).optional(),
  // Where people open the H5 pages from a link in an SMS (the 12319 tracking page, issue 11); default http://127.0.0.1:PORT with the sandbox.
  PUBLIC_BASE_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  REPORTS_PER_MINUTE: z.coerce.number().int().positive().default(30),
  PUBLIC_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(120),
  PUBLIC_COUNT_CACHE_MS: z.coerce.number().int().min(0).max(300_000).default(30_000),
  USER_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  // GET /metrics (Prometheus) answers only with `Authorization: Bearer <METRICS_TOKEN>`; unset with the sandbox off → 404.
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN is at least 16 characters').optional(),
  // Letters, digits, _ and -; or one hash tag, `{finecity}`, which puts every key of every queue in one Redis Cluster
  // slot, as BullMQ requires on a cluster (https://docs.bullmq.io/guide/redis-cluster).
  QUEUE_PREFIX: z.string().regex(/^(?:[A-Za-z0-9_-]+|\{[A-Za-z0-9_-]+\})$/, 'QUEUE_PREFIX is letters, digits, _ and -, or one hash tag such as {finecity}').default('finecity'),
  WORKERS: bool.default(true),
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(1000).max(60_000).default(30_000),
  FINECITY_ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  RELAY_POLL_MS: z.coerce.number().int().min(50).max(60_000).optional(),
  ROBOT_WINDOW_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  // A pending notification with no attempt for this long has lost its job (Redis lost it) and is queued again.
  REDRIVE_AFTER_MS: z.coerce.number().int().min(10_000).max(3_600_000).default(300_000),
  WECOM_ROBOT_KEYS: z.string().optional(),
  // WeCom web sign-in (企业微信网页授权, https://developer.work.weixin.qq.com/document/path/91022): the corp, its app and the app's secret.
  WECOM_CORP_ID: z.string().min(1).optional(),
  WECOM_AGENT_ID: z.string().regex(/^\d{1,12}$/, 'WECOM_AGENT_ID is the app\'s numeric AgentId').optional(),
  WECOM_SECRET: z.string().min(1).optional(),
  // Partner callbacks (issue 11): attempts before a callback is listed as failed, the first retry's delay (doubling), each POST's timeout.
  CHANNEL_CALLBACK_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  CHANNEL_CALLBACK_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  CHANNEL_CALLBACK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  // Partner attachments (issue 11): hosts exempt from the private-address (SSRF) check, comma-separated; the sandbox and tests only.
  CHANNEL_FETCH_ALLOW_HOSTS: z.string().optional(),
  // The H5 map's base layer (issue 12): an XYZ template with {z}/{x}/{y}, optional {s} (a host of
  // MAP_TILE_SUBDOMAINS) and {k} (MAP_TILE_KEY, a browser key such as 天地图's tk: it is sent to browsers);
  // unset: the sandbox's own offline outline tiles. MAP_TILE_DATUM is the tiles' datum (天地图 CGCS2000 ≈ wgs84, 高德/腾讯 gcj02).
  MAP_TILE_URL: z.string().regex(/^(https?:\/\/|\/)[^\s]*\{z\}[^\s]*$/, 'MAP_TILE_URL is an http(s) or /path XYZ template with {z}, {x} and {y}').refine((v) => v.includes('{x}') && v.includes('{y}'), 'MAP_TILE_URL needs {x} and {y}').optional(),
  MAP_TILE_KEY: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'MAP_TILE_KEY is letters, digits, - or _').optional(),
  MAP_TILE_DATUM: z.enum(['wgs84', 'gcj02']).optional(),
  MAP_TILE_SUBDOMAINS: z.string().regex(/^[A-Za-z0-9,-]{1,64}$/).optional(),
  MAP_TILE_ATTRIBUTION: z.string().max(300).optional(),
  MAP_TILE_MAX_ZOOM: z.coerce.number().int().min(1).max(22).optional(),
  // Browser origins allowed to call the API from another origin (CORS), comma-separated; unset: same-origin only.
  CORS_ORIGINS: z.string().optional(),
  // Behind a reverse proxy (deploy/nginx): the client's address is the last X-Forwarded-For entry, the one the proxy added.
  TRUST_PROXY: bool.default(false),
  // Login throttling (POST /api/v1/auth/wechat, /auth/wecom): refused codes per client address and per code in a window.
  LOGIN_FAILURES_PER_ADDRESS: z.coerce.number().int().positive().default(30),
  LOGIN_FAILURES_PER_CODE: z.coerce.number().int().positive().default(5),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  // Sandbox only: residents one client address may create with new sandbox:<openid> codes per hour.
  SANDBOX_NEW_IDENTITIES_PER_HOUR: z.coerce.number().int().positive().default(30),
});

/** Documented in config/env.example; these are the sandbox app's public, made-up credentials. */
export const SANDBOX_DEFAULTS = {
  mpAppId: 'wxsandbox0000mp01',
  mpAppSecret: 'sandbox-mp-secret-not-a-real-secret',
  authSecret: 'finecity-sandbox-only-auth-secret-0123456789',
  oaAppId: 'wxsandbox0000oa01',
  oaToken: 'finecitysandboxtoken',
  oaAesKey: 'FineCitySandboxOfficialAccountAesKey0123456',
  oaAppSecret: 'sandbox-oa-secret-not-a-real-secret',
  smsApiKey: 'sandbox-sms-key-not-a-real-key',
  metricsToken: 'sandbox-metrics-token-not-a-real-secret',
  wecomCorpId: 'wwsandbox0000corp01',
  wecomAgentId: '1000002',
  wecomSecret: 'sandbox-wecom-secret-not-a-real-secret',
} as const;

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  /**
   * A read replica of databaseUrl (DATABASE_REPLICA_URL; PostgreSQL only): the dashboard, the leader's trend,
   * the scorecards' counts and the weekly patrol figures read there; everything else uses databaseUrl.
   */
  databaseReplicaUrl: string | null;
  /**
   * DATABASE_NAMED_STATEMENTS (PostgreSQL): the report's statement is a named prepared statement, parsed and
   * planned once per connection. false behind a PgBouncer older than 1.21 in transaction mode.
   */
  databaseNamedStatements: boolean;
  configDir: string;
  photoDir: string;
  authSecret: string;
  tokenTtlHours: number;
  sandbox: { enabled: boolean; port: number };
  wechat: { apiBase: string | null; mpAppId: string; mpAppSecret: string; timeoutMs: number };
  /** Official-account push: AppID, Token, EncodingAESKey and, during a rotation, the previous key. */
  officialAccount: { appId: string; token: string; aesKey: string; previousAesKey: string | null; appSecret: string };
  /** WeCom API host (group robots); null → the sandbox's (resolveApiBases). */
  wecom: { apiBase: string | null; corpId: string; agentId: string | null; secret: string; signIn: boolean };
  /** SMS gateway (provider-neutral HTTP API) and its key; apiBase null → the sandbox's. */
  sms: { apiBase: string | null; apiKey: string };
  /** The public origin of the H5 pages, no trailing slash (links in SMS: the 12319 tracking page). */
  publicBaseUrl: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  reportsPerMinute: number;
  /** The public pages' API (no login): requests per address per minute (issue 13). */
  publicRequestsPerMinute: number;
  /** How long the public list keeps a filter's match count (0: counts every time). */
  publicCountCacheMs: number;
  /** How long a request may reuse its caller's record read by an earlier request (0: always read). */
  userCacheMs: number;
  redis: { url: string; prefix: string };
  /** The bearer token of GET /metrics; null → the route answers 404. */
  metricsToken: string | null;
  /** What this process runs: the API, the workers, or both (npm run start:api / start:worker / start). */
  role: 'api' | 'worker' | 'all';
  /** relayPollMs: the relay's safety-net poll (commits wake it); null → 5 s on PostgreSQL, 300 ms on PGlite. robotWindowMs: the robot limit's window. redriveAfterMs: when a pending notification counts as stranded. */
  workers: { enabled: boolean; sweepIntervalMs: number; relayPollMs: number | null; robotWindowMs: number; redriveAfterMs: number };
  /** WeCom group-robot webhook keys by org node code (secret: from the environment only). */
  robotKeys: Readonly<Record<string, string>>;
  /**
   * Partner channels (issue 11): `CHANNEL_<ID>_SECRET` and `CHANNEL_<ID>_CALLBACK_URL` by env id (channelEnvId),
   * read from the environment only; callback retry policy. Use channelSettings() to read one channel's.
   */
  channels: {
    secrets: Readonly<Record<string, string>>;
    callbackUrls: Readonly<Record<string, string>>;
    callback: { attempts: number; backoffMs: number; timeoutMs: number };
    sandbox: boolean;
    /** Hosts whose attachments may be fetched from private addresses (CHANNEL_FETCH_ALLOW_HOSTS; sandbox and tests only). */
    fetchAllowHosts: readonly string[];
  };
  /**
   * The H5 map's base layer (GET /api/v1/map/config). tileUrl null: the sandbox's offline tiles
   * (/sandbox/tiles/{z}/{x}/{y}.png). tileKey is a browser key (filled into {k}), never a server secret.
   */
  map: { tileUrl: string | null; tileKey: string | null; datum: 'wgs84' | 'gcj02'; subdomains: readonly string[]; attribution: string | null; maxZoom: number | null };
  /** Origins allowed by CORS (CORS_ORIGINS); empty: same-origin only. */
  corsOrigins: readonly string[];
  /** TRUST_PROXY: the per-address limits count the address the reverse proxy saw (last X-Forwarded-For entry), not the proxy's. */
  trustProxy: boolean;
  /** Login throttling: refused codes per address and per code within windowSeconds; sandbox identities per address per hour. */
  login: { failuresPerAddress: number; failuresPerCode: number; windowSeconds: number; sandboxIdentitiesPerHour: number };
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Readonly<AppConfig> {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (!e.WECHAT_SANDBOX) {
    if (!e.AUTH_SECRET) problems.push('AUTH_SECRET is required when WECHAT_SANDBOX is off');
    if (!e.WECHAT_MP_APP_ID || !e.WECHAT_MP_APP_SECRET) problems.push('WECHAT_MP_APP_ID and WECHAT_MP_APP_SECRET are required when WECHAT_SANDBOX is off');
    // The sandbox defaults are public: a production push endpoint on them would accept forged messages.
    if (!e.WECHAT_OA_APP_ID || !e.WECHAT_OA_TOKEN || !e.WECHAT_OA_AES_KEY) problems.push('WECHAT_OA_APP_ID, WECHAT_OA_TOKEN and WECHAT_OA_AES_KEY are required when WECHAT_SANDBOX is off');
    if (!e.WECHAT_API_BASE) problems.push('WECHAT_API_BASE is required when WECHAT_SANDBOX is off (https://api.weixin.qq.com)');
    if (!e.WECHAT_OA_APP_SECRET) problems.push('WECHAT_OA_APP_SECRET is required when WECHAT_SANDBOX is off (official-account template messages)');
    if (!e.WECOM_API_BASE) problems.push('WECOM_API_BASE is required when WECHAT_SANDBOX is off (https://qyapi.weixin.qq.com)');
    if (!e.SMS_API_BASE || !e.SMS_API_KEY) problems.push('SMS_API_BASE and SMS_API_KEY are required when WECHAT_SANDBOX is off');
    if (!e.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL is required when WECHAT_SANDBOX is off (the tracking link sent to 12319 callers)');
    problems.push(...sandboxSecretsInUse(source));
  }
  if (e.DATABASE_REPLICA_URL && !e.DATABASE_URL) problems.push('DATABASE_REPLICA_URL needs DATABASE_URL: a replica is of a PostgreSQL server (PGlite has none)');
  const corsOrigins = (e.CORS_ORIGINS ?? '').split(',').map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean);
  for (const o of corsOrigins) if (!/^https?:\/\/[^/\s]+$/.test(o)) problems.push(`CORS_ORIGINS: "${o}" is not an origin (scheme://host[:port], no path)`);
  if (problems.length) throw new Error(`Invalid environment:\n  ${problems.join('\n  ')}`);
  const dataDir = path.resolve(e.DATA_DIR);
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL ?? null,
    databaseReplicaUrl: e.DATABASE_REPLICA_URL ?? null,
    databaseNamedStatements: e.DATABASE_NAMED_STATEMENTS,
    configDir: path.resolve(e.CONFIG_DIR),
    photoDir: path.resolve(e.PHOTO_DIR ?? path.join(dataDir, 'photos')),
    authSecret: e.AUTH_SECRET ?? SANDBOX_DEFAULTS.authSecret,
    tokenTtlHours: e.TOKEN_TTL_HOURS,
    sandbox: Object.freeze({ enabled: e.WECHAT_SANDBOX, port: e.WECHAT_SANDBOX_PORT }),
    wechat: Object.freeze({
      apiBase: e.WECHAT_API_BASE ?? null,
      mpAppId: e.WECHAT_MP_APP_ID ?? SANDBOX_DEFAULTS.mpAppId,
      mpAppSecret: e.WECHAT_MP_APP_SECRET ?? SANDBOX_DEFAULTS.mpAppSecret,
      timeoutMs: e.WECHAT_TIMEOUT_MS,
    }),
    officialAccount: Object.freeze({
      appId: e.WECHAT_OA_APP_ID ?? SANDBOX_DEFAULTS.oaAppId,
      token: e.WECHAT_OA_TOKEN ?? SANDBOX_DEFAULTS.oaToken,
      aesKey: e.WECHAT_OA_AES_KEY ?? SANDBOX_DEFAULTS.oaAesKey,
      previousAesKey: e.WECHAT_OA_AES_KEY_PREVIOUS ?? null,
      appSecret: e.WECHAT_OA_APP_SECRET ?? SANDBOX_DEFAULTS.oaAppSecret,
    }),
    wecom: Object.freeze({
      apiBase: e.WECOM_API_BASE ?? null,
      corpId: e.WECOM_CORP_ID ?? SANDBOX_DEFAULTS.wecomCorpId,
      agentId: e.WECOM_AGENT_ID ?? (e.WECHAT_SANDBOX ? SANDBOX_DEFAULTS.wecomAgentId : null),
      secret: e.WECOM_SECRET ?? SANDBOX_DEFAULTS.wecomSecret,
      // WeCom sign-in is offered when the corp and its secret are configured, or the sandbox stands in for WeCom.
      signIn: (!!e.WECOM_CORP_ID && !!e.WECOM_SECRET) || e.WECHAT_SANDBOX,
    }),
    sms: Object.freeze({ apiBase: e.SMS_API_BASE ?? null, apiKey: e.SMS_API_KEY ?? SANDBOX_DEFAULTS.smsApiKey }),
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    reportsPerMinute: e.REPORTS_PER_MINUTE,
    publicRequestsPerMinute: e.PUBLIC_REQUESTS_PER_MINUTE,
    publicCountCacheMs: e.PUBLIC_COUNT_CACHE_MS,
    userCacheMs: e.USER_CACHE_MS,
    redis: Object.freeze({ url: e.REDIS_URL, prefix: e.QUEUE_PREFIX }),
    metricsToken: e.METRICS_TOKEN ?? (e.WECHAT_SANDBOX ? SANDBOX_DEFAULTS.metricsToken : null),
    role: e.FINECITY_ROLE,
    workers: Object.freeze({ enabled: e.WORKERS, sweepIntervalMs: e.SWEEP_INTERVAL_MS, relayPollMs: e.RELAY_POLL_MS ?? null, robotWindowMs: e.ROBOT_WINDOW_MS, redriveAfterMs: e.REDRIVE_AFTER_MS }),
    robotKeys: Object.freeze(parseRobotKeys(e.WECOM_ROBOT_KEYS)),
    channels: Object.freeze({
      ...channelEnv(source),
      callback: Object.freeze({ attempts: e.CHANNEL_CALLBACK_ATTEMPTS, backoffMs: e.CHANNEL_CALLBACK_BACKOFF_MS, timeoutMs: e.CHANNEL_CALLBACK_TIMEOUT_MS }),
      sandbox: e.WECHAT_SANDBOX,
      fetchAllowHosts: Object.freeze((e.CHANNEL_FETCH_ALLOW_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)),
    }),
    map: Object.freeze({
      tileUrl: e.MAP_TILE_URL ?? null,
      tileKey: e.MAP_TILE_KEY ?? null,
      datum: e.MAP_TILE_DATUM ?? 'wgs84',
      subdomains: Object.freeze((e.MAP_TILE_SUBDOMAINS ?? '').split(',').map((h) => h.trim()).filter(Boolean)),
      attribution: e.MAP_TILE_ATTRIBUTION ?? null,
      maxZoom: e.MAP_TILE_MAX_ZOOM ?? null,
    }),
    corsOrigins: Object.freeze(corsOrigins),
    trustProxy: e.TRUST_PROXY,
    login: Object.freeze({
      failuresPerAddress: e.LOGIN_FAILURES_PER_ADDRESS,
      failuresPerCode: e.LOGIN_FAILURES_PER_CODE,
      windowSeconds: e.LOGIN_WINDOW_SECONDS,
      sandboxIdentitiesPerHour: e.SANDBOX_NEW_IDENTITIES_PER_HOUR,
    }),
  });
}

/** The environment variable behind each sandbox default: a production setting must never still hold one (they are public). */
const SANDBOX_SECRET_VARS: readonly [string, string][] = [
  ['AUTH_SECRET', SANDBOX_DEFAULTS.authSecret],
  ['WECHAT_MP_APP_SECRET', SANDBOX_DEFAULTS.mpAppSecret],
  ['WECHAT_OA_TOKEN', SANDBOX_DEFAULTS.oaToken],
  ['WECHAT_OA_AES_KEY', SANDBOX_DEFAULTS.oaAesKey],
  ['WECHAT_OA_AES_KEY_PREVIOUS', SANDBOX_DEFAULTS.oaAesKey],
  ['WECHAT_OA_APP_SECRET', SANDBOX_DEFAULTS.oaAppSecret],
  ['SMS_API_KEY', SANDBOX_DEFAULTS.smsApiKey],
  ['WECOM_SECRET', SANDBOX_DEFAULTS.wecomSecret],
  ['METRICS_TOKEN', SANDBOX_DEFAULTS.metricsToken],
];

/** With the sandbox off: every secret variable still set to its sandbox default (config/env.example), by name. */
function sandboxSecretsInUse(source: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const [name, value] of SANDBOX_SECRET_VARS) if (source[name] === value) out.push(`${name} still has its sandbox default; set a real secret when WECHAT_SANDBOX is off`);
  for (const [k, v] of Object.entries(source)) {
    const m = /^CHANNEL_([A-Z0-9]+)_SECRET$/.exec(k);
    if (m && v && /^sandbox-channel-.*-secret-not-a-real-secret$/.test(v)) out.push(`${k} still has its sandbox default; set a real secret when WECHAT_SANDBOX is off`);
  }
  return out;
}

/** Every `CHANNEL_<ID>_SECRET` / `CHANNEL_<ID>_CALLBACK_URL` of the environment (a company's id is only known at run time). */
function channelEnv(source: NodeJS.ProcessEnv): { secrets: Readonly<Record<string, string>>; callbackUrls: Readonly<Record<string, string>> } {
  const secrets: Record<string, string> = {};
  const callbackUrls: Record<string, string> = {};
  const bad: string[] = [];
  for (const [k, v] of Object.entries(source)) {
    const m = /^CHANNEL_([A-Z0-9]+)_(SECRET|CALLBACK_URL)$/.exec(k);
    if (!m || !v) continue;
    if (m[2] === 'SECRET') {
      if (v.length < 16) bad.push(`${k} must be at least 16 characters`);
      else secrets[m[1]!] = v;
    } else if (!/^https?:\/\/[^\s]+$/.test(v)) bad.push(`${k} must be an http(s) URL`);
    else callbackUrls[m[1]!] = v;
  }
  if (bad.length) throw new Error(`Invalid environment:\n  ${bad.join('\n  ')}`);
  return { secrets: Object.freeze(secrets), callbackUrls: Object.freeze(callbackUrls) };
}

/** A channel's env id: `12345`, `12319`, `MINYI`, `MINXIN`, or a company's id upper-cased (`tp-acme` → `ACME`). */
export function channelEnvId(channelId: string): string {
  return (channelId.startsWith('tp-') ? channelId.slice(3) : channelId).toUpperCase();
}

/** The sandbox's made-up secret of a channel (config/env.example), used when its CHANNEL_<ID>_SECRET is unset and the sandbox is on. */
export function sandboxChannelSecret(channelId: string): string {
  return `sandbox-channel-${channelId}-secret-not-a-real-secret`;
}

/**
 * One channel's signing secret and callback URL: the environment's, else (sandbox on) the sandbox defaults,
 * whose callback URL is the sandbox playing that partner (`<sandbox>/partners/<channelId>/callback`).
 * null fields: not configured (intake refuses the channel; callbacks cannot be sent).
 */
export function channelSettings(
  config: Pick<AppConfig, 'channels'>,
  channelId: string,
  sandboxUrl: string | null = null,
): { secret: string | null; callbackUrl: string | null } {
  const id = channelEnvId(channelId);
  const sandbox = config.channels.sandbox;
  return {
    secret: config.channels.secrets[id] ?? (sandbox ? sandboxChannelSecret(channelId) : null),
    callbackUrl: config.channels.callbackUrls[id] ?? (sandbox && sandboxUrl ? `${sandboxUrl.replace(/\/+$/, '')}/partners/${encodeURIComponent(channelId)}/callback` : null),
  };
}

function parseRobotKeys(raw: string | undefined): Record<string, string> {
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    if (v && typeof v === 'object' && Object.values(v).every((x) => typeof x === 'string')) return v as Record<string, string>;
  } catch {
    /* reported below */
  }
  throw new Error('Invalid environment:\n  WECOM_ROBOT_KEYS must be a JSON object of org node code → webhook key');
}

/**
 * The hosts the adapters call: the configured ones, else the sandbox's (WeChat at its origin, WeCom under
 * /qyapi, SMS at its origin). Adapters get these strings and nothing else of the sandbox.
 */
export function resolveApiBases(config: Pick<AppConfig, 'wechat' | 'wecom' | 'sms'>, sandboxUrl: string | null): { wechat: string; wecom: string; sms: string } {
  const need = (v: string | null, name: string): string => {
    if (!v) throw new Error(`${name} is required when the sandbox is off`);
    return v.replace(/\/+$/, '');
  };
  return {
    wechat: need(config.wechat.apiBase ?? sandboxUrl, 'WECHAT_API_BASE'),
    wecom: need(config.wecom.apiBase ?? (sandboxUrl ? `${sandboxUrl}/qyapi` : null), 'WECOM_API_BASE'),
    sms: need(config.sms.apiBase ?? sandboxUrl, 'SMS_API_BASE'),
  };
}
