import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { CaseDto, SandboxAccount } from '@finecity/types';
import { boot, type Running } from '../../server/src/boot.js';
import { loadConfig } from '../../server/src/config.js';
import { adminQuery, dropRedisPrefix } from '../load/db-admin.js';
import { smallJpeg } from '../support/fixtures.js';
import { pgliteFolderFromTemplate } from '../support/pglite-folder.js';
import { readTemplateInfo, withDatabase } from '../support/template.js';
import { eventually } from './support.js';

/**
 * A second database on the same Redis and queue prefix: another instance, a test run, or this one after
 * `rm -rf .data`. Its outbox rows and notifications are numbered from 1 again; every message must still
 * arrive (BullMQ silently drops a job whose id it has already seen, so job ids must differ per database).
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `fcfresh${process.pid}${crypto.randomBytes(3).toString('hex')}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-fresh-'));
const databases: string[] = [];

afterAll(async () => {
  const server = process.env.DATABASE_URL;
  if (server) for (const name of databases) await adminQuery(server, `drop database if exists "${name}" with (force)`);
  await dropRedisPrefix(REDIS_URL, PREFIX);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/**
 * A fresh database: a new PGlite folder, or a new PostgreSQL database, each a copy of the migrated, seeded
 * template (what a first start leaves; its outbox and notifications are numbered from 1).
 */
async function freshDatabaseUrl(): Promise<string | undefined> {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const server = process.env.DATABASE_URL;
  if (!server) {
    await pgliteFolderFromTemplate(dataDir);
    return undefined;
  }
  const name = `finecity_fresh_${crypto.randomBytes(4).toString('hex')}`;
  await adminQuery(server, `create database "${name}" template "${readTemplateInfo().ref}"`);
  databases.push(name);
  return withDatabase(server, name);
}

async function call(r: Running, token: string | null, method: string, url: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${r.url}${url}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body instanceof FormData || body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body instanceof FormData ? body : body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

/** Boots FineCity on a fresh database, reports and dispatches one case, and waits for the grid group's card. */
async function dispatchOnFreshDatabase(): Promise<{ caseNo: string; outboxIds: number[] }> {
  const config = loadConfig({
    NODE_ENV: 'test', DATA_DIR: dataDir, DATABASE_URL: await freshDatabaseUrl(), PORT: '0', HOST: '127.0.0.1', WECHAT_SANDBOX_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', REPORTS_PER_MINUTE: '1000', REDIS_URL, QUEUE_PREFIX: PREFIX,
  });
  const r = await boot(config);
  try {
    const accounts = (await call(r, null, 'GET', '/api/v1/sandbox/accounts')).json.accounts as SandboxAccount[];
    const grid = accounts.find((a) => a.role === 'inspector' && a.lat !== undefined && accounts.some((d) => d.role === 'district' && d.orgNodeCode === a.orgNodeCode!.slice(0, 6)))!;
    const login = async (a: SandboxAccount) => String((await call(r, null, 'POST', '/api/v1/auth/wechat', { code: a.code })).json.token);
    const resident = await login(accounts.find((a) => a.role === 'resident')!);
    const dispatcher = await login(accounts.find((a) => a.role === 'district' && a.orgNodeCode === grid.orgNodeCode!.slice(0, 6))!);
    const form = new FormData();
    form.set('categoryCode', '06010');
    form.set('description', '路边有暴露垃圾');
    form.set('lat', String(grid.lat));
    form.set('lng', String(grid.lng));
    form.set('photos', new Blob([new Uint8Array(await smallJpeg())], { type: 'image/jpeg' }), 'a.jpg');
    const rep = await call(r, resident, 'POST', '/api/v1/reports', form);
    expect(rep.status).toBe(201);
    const c = rep.json.case as CaseDto;
    expect((await call(r, dispatcher, 'POST', `/api/v1/cases/${c.id}/actions/register`, {})).status).toBe(200);
    expect((await call(r, dispatcher, 'POST', `/api/v1/cases/${c.id}/actions/dispatch`, {})).status).toBe(200);
    await eventually(async () => r.sandbox!.messages({ group: grid.orgNodeCode!, limit: 100 }).some((m) => m.accepted && m.content.includes(c.caseNo)) || undefined, 30_000, `the grid group's card for ${c.caseNo}`);
    const rows = (await r.database.db.execute(`select id from outbox order by id`)) as unknown as { rows: { id: number | string }[] };
    return { caseNo: c.caseNo, outboxIds: rows.rows.map((x) => Number(x.id)) };
  } finally {
    await r.close();
  }
}

describe('a fresh database on the same Redis and queue prefix', () => {
  it('still delivers every message, though its outbox rows and notifications reuse the first one\'s numbers', async () => {
    const first = await dispatchOnFreshDatabase();
    const second = await dispatchOnFreshDatabase();
    expect(second.outboxIds).toEqual(first.outboxIds); // the same row numbers: the case the job ids must survive
    // The same per-day number too (the day itself changes when the two runs straddle Beijing midnight).
    expect(second.caseNo.slice(-6)).toBe(first.caseNo.slice(-6));
    expect(second.caseNo.slice(-6)).toBe('000001');
  }, 180_000);
});
