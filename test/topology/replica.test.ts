// DATABASE_REPLICA_URL against a real streaming replica (issue 14): the topology starts its own PostgreSQL
// primary and a pg_basebackup -R standby, so this file needs no DATABASE_URL and runs the same in every pass.
//
// The topology's own behaviour is checked first: processes booting together on a fresh database, and nginx
// with the supervisor when an API process is killed.
//
// The proof that the dashboard reads the replica: WAL replay on the standby is paused
// (pg_wal_replay_pause, https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-RECOVERY-CONTROL),
// a report is written through the front door, and the dashboard keeps the old count although the primary
// has the new case; once replay resumes and the standby has caught up, the dashboard counts it. A dashboard
// read on the primary would have counted it at once. The report itself (and its read-then-write) succeeded
// while the standby was frozen: writes never go there.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { SandboxAccount, StatsOverviewDto } from '@finecity/types';
import { smallJpeg } from '../support/fixtures.js';
import { REPO, startTopology, type Topology } from './topology.js';
import { beijingDate } from '../../server/src/domain/shanghai-time.js';

let t: Topology;
let primary: pg.Client;
let standby: pg.Client;

beforeAll(async () => {
  const lines: string[] = [];
  t = await startTopology({ apis: 2, workers: 0, replica: true, log: (l) => lines.push(l) });
  primary = new pg.Client({ connectionString: t.databaseUrl });
  standby = new pg.Client({ connectionString: t.replicaUrl });
  await primary.connect();
  await standby.connect();
}, 150_000);

afterAll(async () => {
  await standby?.query('select pg_wal_replay_resume()').catch(() => undefined);
  await primary?.end();
  await standby?.end();
  await t?.stop();
}, 60_000);

async function call<T>(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const init: RequestInit = { method, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(`${t.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

async function login(code: string): Promise<string> {
  const res = await call<{ token: string }>('POST', '/api/v1/auth/wechat', null, { code });
  expect(res.status).toBe(200);
  return res.body.token;
}

async function count(client: pg.Client): Promise<number> {
  const r = await client.query<{ n: number }>('select count(*)::int as n from cases');
  return r.rows[0]!.n;
}

/** A resident's report through the front door (201), at a seeded inspector's grid. */
async function report(token: string, at: SandboxAccount, key: string): Promise<void> {
  const form = new FormData();
  form.set('categoryCode', '06010');
  form.set('description', '主干道井盖缺失，请尽快处理（只读副本测试）');
  form.set('lat', String(at.lat));
  form.set('lng', String(at.lng));
  form.append('photos', new Blob([new Uint8Array(await smallJpeg())], { type: 'image/jpeg' }), 'a.jpg');
  const res = await call<{ case: { id: string } }>('POST', '/api/v1/reports', token, form, { 'Idempotency-Key': key });
  expect(res.status).toBe(201);
}

/** Waits until the standby has replayed up to the primary's current WAL position. */
async function caughtUp(): Promise<void> {
  const lsn = (await primary.query<{ l: string }>('select pg_current_wal_lsn()::text as l')).rows[0]!.l;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await standby.query<{ ok: boolean }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok', [lsn]);
    if (r.rows[0]!.ok) return;
    if (Date.now() > deadline) throw new Error('the standby did not catch up within 10 s');
    await new Promise((res) => setTimeout(res, 50));
  }
}

describe('the topology', () => {
  it('boots two APIs together on one fresh database: migrated and seeded once, none restarted', async () => {
    // Without the schema lock, processes racing drizzle's first migration fail (duplicate pg_type rows) and are restarted.
    expect(t.restarts()).toEqual({ apis: [0, 0], workers: [] });
    const seeds = await primary.query<{ n: number }>(`select count(*)::int as n from app_meta where key = 'seed'`);
    expect(seeds.rows[0]!.n).toBe(1);
    const migrations = await primary.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations');
    const journal = JSON.parse(fs.readFileSync(path.join(REPO, 'server', 'drizzle', 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(migrations.rows[0]!.n).toBe(journal.entries.length);
  });

  it('keeps answering through nginx while an API process is killed, and the supervisor restarts it', async () => {
    const old = t.pids().apis[0];
    await t.killApi(0);
    // The dead instance refuses connections: nginx passes each request to the other one.
    for (let i = 0; i < 4; i++) expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    const deadline = Date.now() + 30_000;
    while ((await fetch(`${t.apiUrls[0]}/readyz`).then((r) => r.status, () => 0)) !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${t.apiUrls[0]}/readyz`)).status).toBe(200);
    expect(t.pids().apis[0]).not.toBe(old);
    expect(t.restarts().apis).toEqual([1, 0]);
  }, 60_000);
});

describe('read replica (DATABASE_REPLICA_URL)', () => {
  let accounts: SandboxAccount[];
  let place: SandboxAccount;
  let resident: string;
  beforeAll(async () => {
    accounts = (await call<{ accounts: SandboxAccount[] }>('GET', '/api/v1/sandbox/accounts', null)).body.accounts;
    place = accounts.find((a) => a.lat !== undefined && a.lng !== undefined)!;
    expect(place).toBeDefined();
    resident = await login('sandbox:topology-replica-resident');
  });

  it('is a streaming standby of the topology primary', async () => {
    const rec = await standby.query<{ r: boolean }>('select pg_is_in_recovery() as r');
    expect(rec.rows[0]!.r).toBe(true);
    const senders = await primary.query<{ state: string }>('select state from pg_stat_replication');
    expect(senders.rows.map((r) => r.state)).toEqual(['streaming']);
    expect(t.env.DATABASE_REPLICA_URL).toBe(t.replicaUrl);
  });

  it('serves the dashboard from the replica while reports are written to the primary', async () => {
    const leader = accounts.find((a) => a.role === 'leader') ?? accounts.find((a) => a.role === 'city');
    const token = await login(leader!.code);
    const overview = async () => {
      const res = await call<StatsOverviewDto>('GET', '/api/v1/stats/overview?period=month', token);
      expect(res.status).toBe(200);
      return res.body.today.reported;
    };
    await caughtUp();
    const before = await overview();
    const casesBefore = await count(primary);

    await standby.query('select pg_wal_replay_pause()');
    await report(resident, place, 'topology-replica-0001');
    // The primary has the case; the frozen standby and so the dashboard do not.
    expect(await count(primary)).toBe(casesBefore + 1);
    expect(await count(standby)).toBe(casesBefore);
    expect(await overview()).toBe(before);

    await standby.query('select pg_wal_replay_resume()');
    await caughtUp();
    expect(await overview()).toBe(before + 1);
  }, 60_000);

  it('serves scorecards from the replica, and writes (a report, a logout) go to the primary', async () => {
    const city = accounts.find((a) => a.role === 'city') ?? accounts.find((a) => a.role === 'leader');
    const token = await login(city!.code);
    const month = beijingDate(new Date()).slice(0, 7); // the Beijing month, YYYY-MM
    const scorecard = async () => {
      const res = await call<{ rows: unknown[] }>('GET', `/api/v1/assessment/scorecards?period=month&at=${month}&level=district`, token);
      expect(res.status).toBe(200);
      return res.body.rows;
    };
    await caughtUp();
    const live = await scorecard();
    expect(live.length).toBeGreaterThan(0);
    await standby.query('select pg_wal_replay_pause()');
    try {
      await report(resident, place, 'topology-replica-0002');
      expect(await scorecard()).toEqual(live);
    } finally {
      await standby.query('select pg_wal_replay_resume()');
    }
    await caughtUp();
    expect(await scorecard()).not.toEqual(live);
    expect((await call<null>('POST', '/api/v1/auth/logout', token)).status).toBe(204);
  }, 60_000);
});
