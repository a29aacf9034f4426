// `npm run bench`: load-tests POST /api/v1/reports on loopback beside a bare Koa route doing one INSERT on
// the same database, so the report path's overhead reads as a ratio. Boots FineCity in-process exactly as
// `npm start` does, on a throwaway data dir (PGlite) or on a fresh throwaway database (DATABASE_URL set).
// Flags: --duration <s> (default 10), --connections <n> (default 10), --warmup <s> (default 3).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import Koa from 'koa';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import type { LoginResponse, SandboxAccount } from '@finecity/types';
import { boot, type Running } from '../../server/src/boot.js';
import { loadConfig } from '../../server/src/config.js';
import { adminQuery, redact, withDatabase } from './db-admin.js';

// ---- autocannon 9 (CommonJS, no bundled types): the small part used here --------------------------

interface AcRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  setupRequest?: (req: AcRequest, context: Record<string, unknown>) => AcRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
}
interface AcOptions {
  url: string;
  connections: number;
  duration: number;
  timeout?: number;
  method?: string;
  headers?: Record<string, string>;
  requests?: AcRequest[];
}
interface AcStats {
  average: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
}
interface AcResult {
  duration: number;
  requests: AcStats & { sent: number };
  latency: AcStats & { totalCount: number };
  errors: number;
  timeouts: number;
  resets: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AcInstance extends PromiseLike<AcResult> {
  stop(): void;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: AcOptions) => AcInstance;

// ---- options ------------------------------------------------------------------------------------

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
  },
  strict: true,
});
const DURATION = positiveInt('duration', flags.duration);
const CONNECTIONS = positiveInt('connections', flags.connections);
const WARMUP = positiveInt('warmup', flags.warmup, true);
const HOST = '127.0.0.1';
const CATEGORY = '06010';

function positiveInt(name: string, raw: string | undefined, zeroOk = false): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (zeroOk ? 0 : 1) || n > 3600) throw new Error(`--${name} must be an integer ${zeroOk ? '0' : '1'}..3600, got ${raw}`);
  return n;
}

// ---- state that cleanup needs ---------------------------------------------------------------------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-bench-'));
let running: Running | null = null;
let bare: http.Server | null = null;
let benchTable = false;
let pgDatabase: { serverUrl: string; name: string } | null = null;
let current: AcInstance | null = null;
let interrupted = false;

process.once('SIGINT', () => {
  interrupted = true;
  process.stderr.write('\nbench: interrupted, stopping and cleaning up\n');
  current?.stop();
});

// ---- the run --------------------------------------------------------------------------------------

interface Row {
  route: string;
  result: AcResult;
  not201: number;
  samples: string[];
}

async function main(): Promise<number> {
  const serverUrl = process.env.DATABASE_URL;
  let databaseUrl: string | undefined;
  if (serverUrl) {
    const name = `finecity_bench_${crypto.randomBytes(4).toString('hex')}`;
    await adminQuery(serverUrl, `create database "${name}"`);
    pgDatabase = { serverUrl, name };
    databaseUrl = withDatabase(serverUrl, name);
  }
  const config = loadConfig({
    ...process.env,
    DATA_DIR: tmp,
    PHOTO_DIR: undefined, // photos go to <tmp>/photos
    DATABASE_URL: databaseUrl,
    PORT: '0',
    HOST,
    WECHAT_SANDBOX: 'true',
    WECHAT_API_BASE: undefined,
    WECHAT_SANDBOX_PORT: '0',
    LOG_LEVEL: 'warn',
    REPORTS_PER_MINUTE: '1000000',
  });
  const booted = await boot(config);
  running = booted;
  const db = booted.deps.db;
  const dbLabel = booted.deps.dbKind === 'postgres' ? `postgresql (${redact(databaseUrl!)}, pool 10)` : 'pglite (file-backed, one serialized session)';

  // --- the report request -----------------------------------------------------------------------
  const login = await fetch(`${booted.url}/api/v1/auth/wechat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: 'sandbox:resident-01' }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as LoginResponse;
  const accounts = ((await (await fetch(`${booted.url}/api/v1/sandbox/accounts`)).json()) as { accounts: SandboxAccount[] }).accounts;
  const spot = accounts.find((a) => a.lat !== undefined && a.lng !== undefined);
  if (!spot) throw new Error('no sandbox account with a grid centroid (lat/lng)');
  const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#3a7f5c' } }).jpeg().toBuffer();
  const form = reportForm({ lat: spot.lat!, lng: spot.lng!, jpeg });
  const reportHeaders = { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/form-data; boundary=${form.boundary}` };

  let seq = 0; // one sequence across pre-flight, warm-up and run: every key and description is new
  const nextReport = () => {
    const n = ++seq;
    return { key: `bench-${process.pid}-${String(n).padStart(9, '0')}`, body: form.body(n) };
  };

  // Pre-flight: one report by plain fetch, so a broken setup fails with the server's own words.
  const first = nextReport();
  const pre = await fetch(`${booted.url}/api/v1/reports`, {
    method: 'POST',
    headers: { ...reportHeaders, 'Idempotency-Key': first.key },
    body: first.body,
  });
  if (pre.status !== 201) throw new Error(`pre-flight report failed: ${pre.status} ${await pre.text()}`);

  // --- the bare route on the same database -------------------------------------------------------
  await db.execute(
    sql.raw('create table if not exists bench_rows (id bigserial primary key, key text not null, payload jsonb not null, created_at timestamptz not null default now())'),
  );
  benchTable = true;
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method !== 'POST' || ctx.path !== '/bare') {
      ctx.status = 404;
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of ctx.req) chunks.push(c as Buffer);
    const payload = Buffer.concat(chunks).toString('utf8');
    await db.execute(sql`insert into bench_rows (key, payload) values (${ctx.get('idempotency-key')}, ${payload}::jsonb)`);
    ctx.status = 201;
    ctx.body = { ok: true };
  });
  const bareServer = http.createServer(app.callback());
  bare = bareServer;
  await new Promise<void>((resolve, reject) => {
    bareServer.once('error', reject);
    bareServer.listen(0, HOST, resolve);
  });
  const bareUrl = `http://${HOST}:${(bareServer.address() as { port: number }).port}`;
  let bareSeq = 0;
  const nextBare = () => {
    const n = ++bareSeq;
    return { key: `bare-${String(n).padStart(9, '0')}`, body: JSON.stringify({ categoryCode: CATEGORY, description: `路边有暴露垃圾（压测 #${n}）`, lat: spot.lat, lng: spot.lng }) };
  };

  // --- load ------------------------------------------------------------------------------------------
  const reportTarget: Target = {
    url: `${booted.url}/api/v1/reports`,
    headers: reportHeaders,
    next: nextReport,
  };
  const bareTarget: Target = { url: `${bareUrl}/bare`, headers: { 'Content-Type': 'application/json' }, next: nextBare };

  process.stdout.write(
    `bench: ${dbLabel}; ${os.availableParallelism()} cores; c=${CONNECTIONS}, ${WARMUP}s warm-up + ${DURATION}s measured per route; loopback ${HOST}\n`,
  );
  const rows: Row[] = [];
  for (const [route, target] of [
    ['POST /api/v1/reports', reportTarget],
    ['POST /bare (1 INSERT)', bareTarget],
  ] as const) {
    if (interrupted) break;
    if (WARMUP > 0) {
      process.stdout.write(`  warming up ${route} …\n`);
      const w = await load(target, WARMUP);
      if (w.not201) process.stdout.write(`  warm-up: ${w.not201} responses were not 201: ${w.samples.join(' | ')}\n`);
      await drain(w.result);
    }
    if (interrupted) break;
    process.stdout.write(`  measuring ${route} …\n`);
    const m = await load(target, DURATION);
    rows.push({ route, ...m });
    await drain(m.result);
  }
  if (interrupted || rows.length < 2) return 130;
  const [rep, bar] = rows as [Row, Row];

  // --- report -----------------------------------------------------------------------------------------
  const casesRow = await db.execute(sql.raw('select count(*)::int as n from cases'));
  const cases = Number((casesRow as unknown as { rows: { n: number }[] }).rows[0]?.n ?? NaN);
  const table = [
    ['route', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'not 201', 'errors'],
    ...rows.map((r) => [
      r.route,
      r.result.requests.average.toFixed(1),
      String(r.result.latency.p50),
      String(r.result.latency.p99),
      String(r.result.latency.totalCount),
      String(r.not201),
      String(r.result.errors + r.result.timeouts),
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((t) => t[i]!.length)));
  process.stdout.write('\n' + table.map((t) => t.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n') + '\n\n');
  const p50Ratio = rep.result.latency.p50 / bar.result.latency.p50;
  const p99Ratio = rep.result.latency.p99 / bar.result.latency.p99;
  const rpsRatio = bar.result.requests.average / rep.result.requests.average;
  process.stdout.write(
    `overhead: reports p50 / bare p50 = ${p50Ratio.toFixed(1)}x; reports p99 / bare p99 = ${p99Ratio.toFixed(1)}x; ` +
      `bare req/s / reports req/s = ${rpsRatio.toFixed(1)}x\n`,
  );
  process.stdout.write(`database: ${dbLabel}; cores: ${os.availableParallelism()}; cases in the database after the run: ${cases} (duplicate candidates grow with them: every report lands on one grid centroid)\n`);
  const failed = rep.not201 + bar.not201 + rep.result.errors + rep.result.timeouts + bar.result.errors + bar.result.timeouts;
  process.stdout.write(
    `bench: reports db=${booted.deps.dbKind} cores=${os.availableParallelism()} c=${CONNECTIONS} d=${DURATION}s ` +
      `rps=${rep.result.requests.average.toFixed(1)} p50=${rep.result.latency.p50}ms p99=${rep.result.latency.p99}ms ` +
      `bare_rps=${bar.result.requests.average.toFixed(1)} bare_p50=${bar.result.latency.p50}ms bare_p99=${bar.result.latency.p99}ms ` +
      `p50_ratio=${p50Ratio.toFixed(1)} rps_ratio=${rpsRatio.toFixed(1)} non201=${rep.not201} bare_non201=${bar.not201} ` +
      `errors=${rep.result.errors + rep.result.timeouts + bar.result.errors + bar.result.timeouts}\n`,
  );
  for (const r of rows) {
    if (r.not201 || r.result.errors || r.result.timeouts) {
      process.stdout.write(
        `FAIL ${r.route}: status counts ${JSON.stringify(r.result.statusCodeStats)}, errors ${r.result.errors}, timeouts ${r.result.timeouts}` +
          (r.samples.length ? `; e.g. ${r.samples.join(' | ')}` : '') + '\n',
      );
    }
  }
  return failed ? 1 : 0;
}

interface Target {
  url: string;
  headers: Record<string, string>;
  next: () => { key: string; body: Buffer | string };
}

/** One fixed-duration autocannon run; every request gets a fresh Idempotency-Key (and body). */
async function load(target: Target, seconds: number): Promise<Omit<Row, 'route'>> {
  let not201 = 0;
  const samples: string[] = [];
  current = autocannon({
    url: target.url,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 30,
    method: 'POST',
    headers: target.headers,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const { key, body } = target.next();
          return { ...req, headers: { ...req.headers, 'Idempotency-Key': key }, body };
        },
        onResponse: (status, body) => {
          if (status === 201) return;
          not201++;
          if (samples.length < 3) samples.push(`${status} ${body.slice(0, 300)}`);
        },
      },
    ],
  });
  try {
    const result = await current;
    return { result, not201, samples };
  } finally {
    current = null;
  }
}

/**
 * autocannon drops the connections still waiting when its time is up; the server finishes those requests
 * anyway. Wait them out (2 × the run's p99, 0.25–5 s) so the next phase, and cleanup, start on a quiet server.
 */
async function drain(last: AcResult): Promise<void> {
  const ms = Math.min(5000, Math.max(250, 2 * last.latency.p99));
  await new Promise((r) => setTimeout(r, ms));
}

/**
 * The multipart body is built once around a fixed-width description counter: per request only those
 * digits change, so Content-Length stays the same and the body stays valid.
 */
function reportForm(o: { lat: number; lng: number; jpeg: Buffer }): { boundary: string; body: (n: number) => Buffer } {
  const boundary = `----finecity-bench-${crypto.randomBytes(8).toString('hex')}`;
  const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const head = Buffer.from(
    field('categoryCode', CATEGORY) +
      field('lat', String(o.lat)) +
      field('lng', String(o.lng)) +
      field('anonymous', 'false') +
      `--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n路边有暴露垃圾（压测 #`,
    'utf8',
  );
  const tail = Buffer.concat([
    Buffer.from(
      `）\r\n--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="bench.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      'utf8',
    ),
    o.jpeg,
    Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
  ]);
  return { boundary, body: (n) => Buffer.concat([head, Buffer.from(String(n).padStart(9, '0'), 'latin1'), tail]) };
}

// ---- helpers -----------------------------------------------------------------------------------------


async function cleanup(): Promise<void> {
  const steps: [string, () => Promise<void>][] = [
    ['close the bare server', async () => {
      const s = bare;
      if (s) await new Promise<void>((r) => s.close(() => r()));
    }],
    ['drop bench_rows', async () => {
      if (benchTable && running) await running.deps.db.execute(sql.raw('drop table if exists bench_rows'));
    }],
    ['close FineCity', async () => {
      if (running) await running.close();
    }],
    ['drop the bench database', async () => {
      if (pgDatabase) await adminQuery(pgDatabase.serverUrl, `drop database if exists "${pgDatabase.name}" with (force)`);
    }],
    ['remove the data dir', async () => fs.rmSync(tmp, { recursive: true, force: true })],
  ];
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (err) {
      process.stderr.write(`bench: cleanup: could not ${what}: ${(err as Error).message}\n`);
    }
  }
}

let code: number;
try {
  code = await main();
} catch (err) {
  process.stderr.write(`bench failed: ${(err as Error)?.stack ?? err}\n`);
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
