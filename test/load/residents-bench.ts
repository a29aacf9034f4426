// `npm run bench` (PostgreSQL only): the residents' reads of issue 13 over 100,000 cases. Synthesises, once, a
// month of history ending today (30 days × 3,334 cases with their events, the assessment bench's generator) in a
// dedicated database (finecity_bench_residents, made again when its month is more than a day old), starts one
// API process on it (`tsx server/src/main.ts`, as `npm start` does; its own process so the load generator here
// does not share its event loop), and loads at 16 connections:
//   - GET /api/v1/cases/nearby at the places and categories of open cases of the last 60 hours (a resident's token);
//   - GET /api/v1/public/cases, cycling through page 1–5, 办理中/已结案, each district, a category and a week;
// beside a bare Koa route in its own process on a pg pool that answers one primary-key SELECT per request
// (test/load/bare-read-server.ts): the floor of any route that reads the database once. The goal (issue 13) is p99 ≤ 50 ms; the plans name the index each query
// uses. Prints figures; asserts nothing. Flags: --duration <s> (10), --connections <n> (16), --warmup <s> (2).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import type { LoginResponse, SandboxAccount } from '@finecity/types';
import { migrate, openPostgres } from '../../server/src/adapters/postgres/database.js';
import { seedIfEmpty } from '../../server/src/adapters/postgres/seed.js';
import { loadPolicy } from '../../server/src/city-policy.js';
import { DAYS_PER_MONTH, synthesise } from './assessment-synth.js';
import { adminQuery, redact, withDatabase } from './db-admin.js';

interface AcStats { average: number; p50: number; p99: number; max: number; total: number }
interface AcResult { requests: AcStats; latency: AcStats; non2xx: number; errors: number; timeouts: number }
interface AcRequest { method?: string; path?: string; headers?: Record<string, string>; setupRequest?: (req: AcRequest) => AcRequest; onResponse?: (status: number, body: string) => void }
interface AcInstance extends PromiseLike<AcResult> { stop(): void }
const autocannon = createRequire(import.meta.url)('autocannon') as (o: { url: string; connections: number; duration: number; timeout?: number; headers?: Record<string, string>; requests?: AcRequest[] }) => AcInstance;

const { values: flags } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '16' }, warmup: { type: 'string', default: '2' } },
  strict: true,
});
const DURATION = Number(flags.duration);
const CONNECTIONS = Number(flags.connections);
const WARMUP = Number(flags.warmup);
for (const [k, v] of Object.entries({ DURATION, CONNECTIONS, WARMUP })) if (!Number.isInteger(v) || v < 0 || v > 3600) throw new Error(`bad --${k.toLowerCase()}: ${v}`);

const DB_NAME = 'finecity_bench_residents';
/** 100,000 cases over 30 days. */
const PER_DAY = 3_334;
const GOAL_P99_MS = 50;
const log = (s: string) => process.stdout.write(`${s}\n`);

/** The Beijing midnight 30 days before today, as a timestamptz literal: the month the synthesis fills. */
function monthStart(now = new Date()): string {
  const d = new Date(now.getTime() + 8 * 3_600_000 - DAYS_PER_MONTH * 86_400_000);
  return `${d.toISOString().slice(0, 10)} 00:00:00+08`;
}

async function prepare(serverUrl: string): Promise<string> {
  const { default: pg } = await import('pg');
  const url = withDatabase(serverUrl, DB_NAME);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [DB_NAME])).rowCount! > 0;
  await admin.end();
  const start = monthStart();
  if (exists) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const done = await c.query(`select value from app_meta where key = 'bench_residents'`).catch(() => ({ rows: [] as { value: { start: string } }[] }));
    await c.end();
    if (done.rows[0]?.value.start === start) {
      log(`history already synthesised for the month from ${start}`);
      return url;
    }
    await adminQuery(serverUrl, `drop database "${DB_NAME}"`);
  }
  await adminQuery(serverUrl, `create database "${DB_NAME}"`);
  const database = await openPostgres(url, 2);
  await migrate(database);
  await seedIfEmpty(database.db, loadPolicy('config'));
  await database.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    log(`synthesising ${DAYS_PER_MONTH} days × ${PER_DAY} cases from ${start} …`);
    await synthesise(client, [start], log, PER_DAY);
    await client.query(`insert into app_meta (key, value) values ('bench_residents', $1::jsonb)`, [JSON.stringify({ start })]);
  } finally {
    await client.end();
  }
  return url;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

/** Starts `script` with tsx in its own session (its own scheduler group, as a service would be) and waits until `ready` says so. */
async function startProcess(script: string, env: NodeJS.ProcessEnv, ready: (out: string) => Promise<boolean> | boolean, children: ChildProcess[]): Promise<void> {
  const child = spawn(path.resolve('node_modules', '.bin', 'tsx'), [script], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => { out = (out + c.toString('utf8')).slice(-4000) });
  child.stderr!.on('data', (c: Buffer) => { out = (out + c.toString('utf8')).slice(-4000) });
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${script} exited (${child.exitCode}): ${out}`);
    if (await ready(out)) return;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`${script} did not start within 90 s: ${out}`);
}

async function run(name: string, url: string, next: () => string, headers: Record<string, string> = {}): Promise<{ name: string; r: AcResult; samples: string[] }> {
  const samples: string[] = [];
  const go = (seconds: number) => autocannon({
    url, connections: CONNECTIONS, duration: seconds, timeout: 30, headers,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: next() }), onResponse: (status, body) => { if (status !== 200 && samples.length < 3) samples.push(`${status} ${body.slice(0, 200)}`) } }],
  });
  if (WARMUP) await go(WARMUP);
  const r = await go(DURATION);
  await new Promise((res) => setTimeout(res, 300));
  return { name, r, samples };
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    log('residents bench: skipped (PostgreSQL only; set DATABASE_URL)');
    return;
  }
  const url = await prepare(serverUrl);
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-residents-bench-'));
  const children: ChildProcess[] = [];
  try {
    const counts = (await pool.query(`select count(*)::int as n, count(*) filter (where state <> 'closed')::int as open from cases`)).rows[0] as { n: number; open: number };
    log(`database ${redact(url)}: ${counts.n.toLocaleString('en')} cases (${counts.open.toLocaleString('en')} not closed)`);

    const apiPort = await freePort();
    const base = `http://127.0.0.1:${apiPort}`;
    await startProcess('server/src/main.ts', {
      ...process.env, DATABASE_URL: url, HOST: '127.0.0.1', PORT: String(apiPort), DATA_DIR: tmp, PHOTO_DIR: undefined, WECHAT_SANDBOX: 'true', WECHAT_SANDBOX_PORT: '0',
      WECHAT_API_BASE: undefined, WECOM_API_BASE: undefined, SMS_API_BASE: undefined, LOG_LEVEL: 'warn', PUBLIC_REQUESTS_PER_MINUTE: '100000000',
      QUEUE_PREFIX: `fcresbench${process.pid}`, FINECITY_ROLE: 'api', WORKERS: 'false',
    }, async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok ?? false, children);
    const accounts = ((await (await fetch(`${base}/api/v1/sandbox/accounts`)).json()) as { accounts: SandboxAccount[] }).accounts;
    const resident = accounts.find((a) => a.role === 'resident')!;
    const { token } = (await (await fetch(`${base}/api/v1/auth/wechat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: resident.code }) })).json()) as LoginResponse;

    // Where residents would pin: the places and categories of open cases of the last 60 hours, a few metres off.
    const spots = (await pool.query(`select lat, lng, category_code as c from cases where state <> 'closed' and state <> 'rejected'
      and created_at > now() - interval '60 hours' order by random() limit 500`)).rows as { lat: number; lng: number; c: string }[];
    // Districts (and pilot zones), the one with the fewest cases first: its plan is the one an index must serve.
    const districts = (await pool.query(`select n.code from org_nodes n left join cases c on c.district_code = n.code where n.level = 'district'
      group by n.code order by count(c.id), n.code`)).rows.map((r: { code: string }) => r.code);
    const category = ((await pool.query(`select category_code as c from cases group by 1 order by count(*) desc limit 1`)).rows[0] as { c: string }).c;
    const ids = (await pool.query(`select id from cases order by random() limit 2000`)).rows.map((r: { id: string }) => r.id);
    const today = new Date(Date.now() + 8 * 3_600_000);
    const weekAgo = new Date(today.getTime() - 7 * 86_400_000);
    const publicQueries = [
      ...[1, 2, 3, 4, 5].map((p) => `page=${p}`),
      'status=open', 'status=closed', `categoryCode=${category}`,
      `from=${weekAgo.toISOString().slice(0, 10)}&to=${today.toISOString().slice(0, 10)}`,
      ...districts.map((d) => `districtCode=${d}`),
    ];
    log(`nearby: ${spots.length} spots; public list: ${publicQueries.length} filter mixes; ${CONNECTIONS} connections, ${DURATION} s each after ${WARMUP} s warm-up`);

    // The bare floor, in its own process: one primary-key SELECT per request on its own pool of 10, no middleware.
    const idsFile = path.join(tmp, 'ids.txt');
    fs.writeFileSync(idsFile, ids.join('\n'));
    const barePort = await freePort();
    const bareUrl = `http://127.0.0.1:${barePort}`;
    await startProcess('test/load/bare-read-server.ts', { ...process.env, DATABASE_URL: url, PORT: String(barePort), IDS_FILE: idsFile }, (out) => out.includes('ready'), children);

    let i = 0;
    let j = 0;
    const jitter = (n: number) => ((n * 7919) % 21 - 10) / 111_195; // ±10 m
    const rows = [
      await run('bare: one primary-key SELECT', bareUrl, () => '/'),
      await run('GET /api/v1/cases/nearby', base, () => {
        const s = spots[i++ % spots.length]!;
        return `/api/v1/cases/nearby?lat=${(s.lat + jitter(i)).toFixed(6)}&lng=${(s.lng + jitter(i + 3)).toFixed(6)}&categoryCode=${s.c}`;
      }, { authorization: `Bearer ${token}` }),
      await run('GET /api/v1/public/cases', base, () => `/api/v1/public/cases?${publicQueries[j++ % publicQueries.length]}`),
    ];

    log('');
    log('| route | req/s | p50 ms | p99 ms | max ms | not 200 | p99 vs bare |');
    log('|---|---|---|---|---|---|---|');
    const bareP99 = rows[0]!.r.latency.p99;
    for (const { name, r } of rows) {
      log(`| ${name} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${r.latency.max} | ${r.non2xx + r.errors + r.timeouts} | ${(r.latency.p99 / Math.max(bareP99, 1)).toFixed(1)}× |`);
    }
    for (const { name, r, samples } of rows.slice(1)) {
      log(`${name}: p99 ${r.latency.p99} ms — goal ≤ ${GOAL_P99_MS} ms: ${r.latency.p99 <= GOAL_P99_MS ? 'met' : 'NOT met'}${samples.length ? `; e.g. ${samples.join(' | ')}` : ''}`);
    }

    // The plans: which index each query uses (EXPLAIN of the statements the repositories send).
    const s0 = spots[0]!;
    const dLat = 50 / 111_195;
    const plans: [string, string][] = [
      ['nearby (category, latitude band, window, open)', `explain select id from cases c where c.category_code = '${s0.c}' and c.lat between ${s0.lat - dLat} and ${s0.lat + dLat}
        and c.lng between ${s0.lng - 0.001} and ${s0.lng + 0.001} and c.created_at >= now() - interval '72 hours'
        and c.state in ('submitted','registered','dispatched','in_progress','handled','suspended') and c.merged_into_id is null order by c.created_at desc limit 20`],
      ['public list page', `explain select id from cases c where c.state in ('registered','dispatched','in_progress','handled','suspended','closed') and c.merged_into_id is null
        order by c.created_at desc, c.id limit 20 offset 0`],
      ['public list page, the district with fewest cases', `explain select id from cases c where c.state in ('registered','dispatched','in_progress','handled','suspended','closed') and c.merged_into_id is null
        and c.district_code = '${districts[0]}' order by c.created_at desc, c.id limit 20 offset 0`],
      ['public list count (capped at 10,001; kept 30 s per filter)', `explain select count(*) from (select 1 from cases c where c.state in ('registered','dispatched','in_progress','handled','suspended','closed') and c.merged_into_id is null limit 10001) x`],
    ];
    for (const [what, q] of plans) {
      const plan = ((await pool.query(q)).rows as Record<string, string>[]).map((r) => r['QUERY PLAN'] ?? '').filter((l) => /Index|Seq Scan|Bitmap/.test(l)).map((l) => l.trim());
      log(`plan, ${what}: ${plan.join(' ← ') || '(none)'}`);
    }
  } finally {
    for (const c of children) if (c.exitCode === null && c.pid) process.kill(-c.pid, 'SIGTERM');
    await new Promise((res) => setTimeout(res, 500));
    await pool.end();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`residents bench failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
