import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import supertest from 'supertest';
import type { LoginResponse, SandboxAccount } from '@finecity/types';
import { openPglite, openPostgres, type Database } from '../../server/src/adapters/postgres/database.js';
import { loadConfig, resolveApiBases } from '../../server/src/config.js';
import { compose, type AppDeps } from '../../server/src/composition.js';
import { createApp } from '../../server/src/http/app.js';
import { createLogger } from '../../server/src/logger.js';
import { loadPolicy } from '../../server/src/city-policy.js';
import type { Notifier } from '../../server/src/notifier.js';
import { createWeChatSandbox, sandboxOptionsFor, type WeChatSandbox } from '../../server/src/sandbox/wechat-sandbox.js';
import { readTemplateInfo, withDatabase } from './template.js';
import { clearPrefix } from './redis-prefix.js';

/** A clock the tests move by hand: deadlines, colours and the reopen window depend on it. */
export class TestClock {
  private t: number;
  constructor(start = new Date('2026-11-25T02:00:00Z')) {
    this.t = start.getTime();
  }
  now = (): Date => new Date(this.t);
  set(d: Date | string): void {
    this.t = new Date(d).getTime();
  }
  advanceHours(h: number): void {
    this.t += h * 3600_000;
  }
}

export interface Harness {
  request: supertest.Agent;
  deps: AppDeps;
  clock: TestClock;
  database: Database;
  photoDir: string;
  accounts: SandboxAccount[];
  /** This file's WeChat sandbox (port 0): its record, state and control endpoints at sandboxUrl. */
  sandbox: WeChatSandbox;
  sandboxUrl: string;
  /** Where the adapters send (resolveApiBases): WeChat, WeCom (/qyapi) and SMS. */
  apiBases: { wechat: string; wecom: string; sms: string };
  /** Present when started with `notifications`. */
  notifier: Notifier | null;
  login(code: string): Promise<{ token: string; user: LoginResponse['user'] }>;
  close(): Promise<void>;
}

/** Opens this file's own copy of the seeded template database (PGlite dump or PostgreSQL clone). */
async function openCopy(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const info = readTemplateInfo();
  if (info.kind === 'pglite') {
    const database = await openPglite(null, { loadDataDir: await fs.openAsBlob(info.ref) });
    return { database, drop: async () => {} };
  }
  const name = `finecity_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: info.serverUrl });
  await admin.connect();
  await admin.query(`create database "${name}" template "${info.ref}"`);
  await admin.end();
  const database = await openPostgres(withDatabase(info.serverUrl!, name), 5);
  return {
    database,
    drop: async () => {
      const a = new pg.Client({ connectionString: info.serverUrl });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

export interface HarnessOptions {
  clock?: TestClock;
  /**
   * Start the notifier: real Redis (REDIS_URL), this file's own queue prefix, the channel adapters
   * pointed at this file's sandbox, and the workers (relay, deliveries, timers, sweep).
   */
  notifications?: { workers?: boolean; sweepIntervalMs?: number; redisUrl?: string; robotWindowMs?: number };
  /** More environment for loadConfig (e.g. a short CHANNEL_CALLBACK_BACKOFF_MS). */
  env?: Record<string, string>;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const { database, drop } = await openCopy();
  const photoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-photos-'));
  const prefix = `fct${process.pid}${crypto.randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test', PHOTO_DIR: photoDir, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', REPORTS_PER_MINUTE: '1000', USER_CACHE_MS: '0',
    REDIS_URL: opts.notifications?.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', QUEUE_PREFIX: prefix,
    SWEEP_INTERVAL_MS: String(opts.notifications?.sweepIntervalMs ?? 60_000),
    ...(opts.notifications?.robotWindowMs ? { ROBOT_WINDOW_MS: String(opts.notifications.robotWindowMs) } : {}),
    ...opts.env,
  });
  const policy = loadPolicy('config');
  const sandbox = createWeChatSandbox(sandboxOptionsFor(config, policy));
  const sb = await sandbox.listen(0);
  const apiBases = resolveApiBases(config, sb.url);
  const clock = opts.clock ?? new TestClock();
  const { deps, notifier } = await compose({
    config, policy, database, logger: createLogger(config.logLevel), apiBases, sandboxOn: true, sandboxUrl: sb.url, clock,
    notifications: opts.notifications ? { workers: opts.notifications.workers ?? true, schedules: false } : false,
  });
  const app = createApp(deps, { sandboxBase: () => sb.url, sandbox });
  // One listening server for the file: supertest given a bare callback would listen and close a server per request.
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sandbox.partners.setFineCityUrl(apiUrl);
  const request = supertest.agent(apiUrl);
  const accounts = ((await request.get('/api/v1/sandbox/accounts')).body as { accounts: SandboxAccount[] }).accounts;
  return {
    request,
    deps,
    clock,
    database,
    photoDir,
    accounts,
    sandbox,
    sandboxUrl: sb.url,
    apiBases,
    async login(code) {
      const res = await supertest(apiUrl).post('/api/v1/auth/wechat').send({ code });
      if (res.status !== 200) throw new Error(`login ${code} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as LoginResponse;
    },
    notifier,
    async close() {
      if (notifier) {
        await notifier.close();
        await clearPrefix(config.redis.url, prefix);
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sb.close();
      await database.close();
      await drop();
      fs.rmSync(photoDir, { recursive: true, force: true });
    },
  };
}
