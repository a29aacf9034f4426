import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import supertest from 'supertest';
import type { LoginResponse, SandboxAccount } from '@finecity/types';
import { openPglite, openPostgres, type Database } from '../../server/src/adapters/postgres/database.js';
import { loadConfig } from '../../server/src/config.js';
import { buildDeps, type AppDeps } from '../../server/src/deps.js';
import { createApp } from '../../server/src/http/app.js';
import { createLogger } from '../../server/src/logger.js';
import { loadPolicy } from '../../server/src/policy.js';
import { createWeChatSandbox } from '../../server/src/sandbox/wechat-sandbox.js';
import { readTemplateInfo, withDatabase } from './template.js';

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
  login(code: string): Promise<{ token: string; user: LoginResponse['user'] }>;
  close(): Promise<void>;
}

/** Opens this file's own copy of the seeded template database (PGlite dump or PostgreSQL clone). */
async function openCopy(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const info = readTemplateInfo();
  if (info.kind === 'pglite') {
    const database = await openPglite(null, { loadDataDir: new Blob([fs.readFileSync(info.ref)]) });
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

export async function startHarness(opts: { clock?: TestClock } = {}): Promise<Harness> {
  const { database, drop } = await openCopy();
  const photoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-photos-'));
  const config = loadConfig({ NODE_ENV: 'test', PHOTO_DIR: photoDir, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', REPORTS_PER_MINUTE: '1000' });
  const sandbox = createWeChatSandbox({ mpAppId: config.wechat.mpAppId, mpAppSecret: config.wechat.mpAppSecret });
  const sb = await sandbox.listen(0);
  const clock = opts.clock ?? new TestClock();
  const deps = buildDeps({ config, policy: loadPolicy('config'), database, logger: createLogger(config.logLevel), wechatApiBase: sb.url, clock });
  const app = createApp(deps, { sandboxBase: () => sb.url });
  const request = supertest.agent(app.callback());
  const accounts = ((await request.get('/api/v1/sandbox/accounts')).body as { accounts: SandboxAccount[] }).accounts;
  return {
    request,
    deps,
    clock,
    database,
    photoDir,
    accounts,
    async login(code) {
      const res = await supertest(app.callback()).post('/api/v1/auth/wechat').send({ code });
      if (res.status !== 200) throw new Error(`login ${code} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as LoginResponse;
    },
    async close() {
      await sb.close();
      await database.close();
      await drop();
      fs.rmSync(photoDir, { recursive: true, force: true });
    },
  };
}
