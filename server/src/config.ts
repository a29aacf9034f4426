import path from 'node:path';
import { z } from 'zod';

/**
 * The one validated, frozen view of the environment (STYLE.md habit 7). It fails fast and lists every
 * problem at once. Policy (categories, clocks, holidays, org tree) is data under config/: see policy.ts.
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
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  REPORTS_PER_MINUTE: z.coerce.number().int().positive().default(30),
});

/** Documented in config/env.example; these are the sandbox app's public, made-up credentials. */
export const SANDBOX_DEFAULTS = {
  mpAppId: 'wxsandbox0000mp01',
  mpAppSecret: 'sandbox-mp-secret-not-a-real-secret',
  authSecret: 'finecity-sandbox-only-auth-secret-0123456789',
} as const;

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  configDir: string;
  photoDir: string;
  authSecret: string;
  tokenTtlHours: number;
  sandbox: { enabled: boolean; port: number };
  wechat: { apiBase: string | null; mpAppId: string; mpAppSecret: string; timeoutMs: number };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  reportsPerMinute: number;
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
    if (!e.WECHAT_API_BASE) problems.push('WECHAT_API_BASE is required when WECHAT_SANDBOX is off (https://api.weixin.qq.com)');
  }
  if (problems.length) throw new Error(`Invalid environment:\n  ${problems.join('\n  ')}`);
  const dataDir = path.resolve(e.DATA_DIR);
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL ?? null,
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
    logLevel: e.LOG_LEVEL,
    reportsPerMinute: e.REPORTS_PER_MINUTE,
  });
}
