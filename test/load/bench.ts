// `npm run bench`: load-tests POST /api/v1/reports on loopback beside a bare-essentials route that does the
// same essential work in the same process, on the same database: the app's multipart parse, the app's
// sharp re-encode, and one transaction inserting a case row and its photo row. The report path's cost then
// reads as one ratio. It also counts the SQL statements of one report and of each step of a case's life,
// and on PostgreSQL loads two API processes side by side. Partner intake (issue 11) is measured the same
// way: signed JSON 12345 tickets without attachments beside a bare route that checks the same HMAC and
// inserts one row in one transaction (goal: ratio ≥ 0.5, p99 ≤ 200 ms, on both databases). Boots FineCity in-process as `npm start` does,
// on a throwaway data dir (PGlite) or on a fresh throwaway database (DATABASE_URL set).
// Flags: --duration <s> (10), --connections <n> (16), --warmup <s> (3), --processes <n> (2; PostgreSQL
// only, 0 skips the multi-process run), --worker-process <true|false> (true).
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import Koa from 'koa';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { PHOTO_LIMITS, type LoginResponse, type SandboxAccount } from '@finecity/types';
import { boot, type Running } from '../../server/src/boot.js';
import { loadConfig } from '../../server/src/config.js';
import { loadPolicy } from '../../server/src/city-policy.js';
import { countStatements, countedDatabases, type Database } from '../../server/src/adapters/postgres/database.js';
import { processPhoto, type ProcessedPhoto } from '../../server/src/adapters/storage/photo-processor.js';
import { signatureMatches, signPayload } from '../../server/src/usecases/channels/signing.js';
import { AppError } from '../../server/src/domain/errors.js';
import { multipartFields, multipartPhotos, uploadedFiles } from '../../server/src/http/multipart.js';
import { adminQuery, dropRedisPrefix, redact, withDatabase } from './db-admin.js';

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
  /** Several URLs share the connections round-robin (connection i goes to url[i % n]). */
  url: string | string[];
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
    connections: { type: 'string', default: '16' },
    warmup: { type: 'string', default: '3' },
    processes: { type: 'string', default: '2' },
    'worker-process': { type: 'string', default: 'true' },
    /** city: each report at the next grid's centroid, as a city's reports come in; same: all at one spot (every report a duplicate candidate of the ones before it: the worst case). */
    spots: { type: 'string', default: 'city' },
  },
  strict: true,
});
const DURATION = positiveInt('duration', flags.duration);
const CONNECTIONS = positiveInt('connections', flags.connections);
const WARMUP = positiveInt('warmup', flags.warmup, true);
const PROCESSES = positiveInt('processes', flags.processes, true);
const WORKER_PROCESS = flags['worker-process'] !== 'false';
if (flags.spots !== 'city' && flags.spots !== 'same') throw new Error(`--spots must be city or same, got ${flags.spots}`);
const SAME_SPOT = flags.spots === 'same';
const HOST = '127.0.0.1';
const CATEGORY = '06010';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** This run's own queue prefix, so its jobs never meet another instance's on the shared Redis. */
const QUEUE_PREFIX = `fcbench${crypto.randomBytes(4).toString('hex')}`;
/** The goals of issue 8, for PGlite. */
const GOAL = { ratio: 0.5, p99Ms: 300 };
/** The goals of issue 11 for partner intake, on both databases. */
const INTAKE_GOAL = { ratio: 0.5, p99Ms: 200 };
/** The channel the intake bench posts as, with the sandbox's secret for it (config/env.example). */
const INTAKE_CHANNEL = '12345';
const INTAKE_SECRET = process.env.CHANNEL_12345_SECRET ?? `sandbox-channel-${INTAKE_CHANNEL}-secret-not-a-real-secret`;

function positiveInt(name: string, raw: string | undefined, zeroOk = false): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (zeroOk ? 0 : 1) || n > 3600) throw new Error(`--${name} must be an integer ${zeroOk ? '0' : '1'}..3600, got ${raw}`);
  return n;
}

// ---- state that cleanup needs ---------------------------------------------------------------------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-bench-'));
let running: Running | null = null;
let database: Database | null = null;
let bare: http.Server | null = null;
let bareIntake: http.Server | null = null;
let benchTables = false;
let pgDatabase: { serverUrl: string; name: string } | null = null;
const children: ChildProcess[] = [];
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
  not2xx: number;
  samples: string[];
}

interface Accounts {
  resident: SandboxAccount;
  inspector: SandboxAccount;
  inspectorB: SandboxAccount | undefined;
  dispatcher: SandboxAccount;
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
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    HOST,
    WECHAT_SANDBOX: 'true',
    WECHAT_API_BASE: undefined,
    WECOM_API_BASE: undefined,
    SMS_API_BASE: undefined,
    WECHAT_SANDBOX_PORT: '0',
    LOG_LEVEL: 'warn',
    REPORTS_PER_MINUTE: '1000000',
    QUEUE_PREFIX,
    REDIS_URL,
  };
  const config = loadConfig({ ...env, DATA_DIR: tmp, PHOTO_DIR: undefined, PORT: '0' });
  countStatements(); // the database boot opens next counts what it sends (read around one request below)
  const booted = await boot(config);
  running = booted;
  database = countedDatabases().at(-1) ?? null;
  if (!database || database.statements === undefined) throw new Error('the database boot opened does not count its statements');
  const db = database.db;
  const kind = database.kind;
  const cores = os.availableParallelism();
  const dbLabel = kind === 'postgres' ? `postgresql (${redact(databaseUrl!)}, pool 10)` : 'pglite (file-backed, one serialized session)';

  // --- who does what ------------------------------------------------------------------------------
  const accounts = ((await (await fetch(`${booted.url}/api/v1/sandbox/accounts`)).json()) as { accounts: SandboxAccount[] }).accounts;
  const who = pickAccounts(accounts);
  const spot = { lat: who.inspector.lat!, lng: who.inspector.lng! };
  const token = await login(booted.url, who.resident);
  const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#3a7f5c' } }).jpeg().toBuffer();
  // Reports come from all over the city, as residents' do: each at the next grid's centroid (--spots same puts
  // them all on one spot, where each new case is checked against hundreds of open neighbours within 50 m).
  const gridPoints = loadPolicy(config.configDir).orgTree.flatMap((n) => (n.level === 'grid' && n.centroid ? [n.centroid] : []));
  const reportSpots = SAME_SPOT || !gridPoints.length ? [spot] : gridPoints;
  const form = reportForm({ points: reportSpots, jpeg });
  const reportHeaders = { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/form-data; boundary=${form.boundary}` };

  let seq = 0; // one sequence across every phase: each key and description is new
  const nextReport = () => {
    const n = ++seq;
    return { key: `bench-${process.pid}-${String(n).padStart(9, '0')}`, body: form.body(n) };
  };

  // Pre-flight: one report by plain fetch, so a broken setup fails with the server's own words.
  const first = nextReport();
  const pre = await fetch(`${booted.url}/api/v1/reports`, { method: 'POST', headers: { ...reportHeaders, 'Idempotency-Key': first.key }, body: first.body });
  if (pre.status !== 201) throw new Error(`pre-flight report failed: ${pre.status} ${await pre.text()}`);
  const preCaseId = ((await pre.json()) as { case: { id: string } }).case.id;

  // --- the bare-essentials route on the same database --------------------------------------------
  await createBenchTables(db);
  benchTables = true;
  const where = await caseLocation(db, preCaseId);
  const bareServer = await startBare(db, where);
  bare = bareServer.server;
  const bareHeaders = { 'Content-Type': `multipart/form-data; boundary=${form.boundary}` };
  const preBare = await fetch(`${bareServer.url}/bare`, { method: 'POST', headers: bareHeaders, body: nextReport().body });
  if (preBare.status !== 201) throw new Error(`pre-flight bare request failed: ${preBare.status} ${await preBare.text()}`);

  // --- load ------------------------------------------------------------------------------------------
  process.stdout.write(
    `bench: ${dbLabel}; ${cores} cores; c=${CONNECTIONS}, ${WARMUP}s warm-up + ${DURATION}s measured per route; loopback ${HOST}; ` +
      `load average ${loadAvg()}\n`,
  );
  const rows: Row[] = [];
  const targets: [string, Target][] = [
    ['POST /api/v1/reports', { url: `${booted.url}/api/v1/reports`, headers: reportHeaders, next: nextReport }],
    ['POST /bare (essentials)', { url: `${bareServer.url}/bare`, headers: bareHeaders, next: nextReport }],
  ];
  for (const [route, target] of targets) {
    const m = await warmAndMeasure(route, target);
    if (!m) return 130;
    rows.push(m);
  }
  const [rep, bar] = rows as [Row, Row];

  // --- partner intake (issue 11): signed JSON tickets without attachments vs a bare HMAC-check-and-insert route ---
  const intakeServer = await startBareIntake(db, where);
  bareIntake = intakeServer.server;
  // Tickets come from all over the city, as a hotline's do: each at the next grid's centroid.
  const nextTicket = ticketSigner(gridPoints.length ? gridPoints : [spot]);
  const preTicket = nextTicket();
  const preIntake = await fetch(`${booted.url}/api/v1/channels/${INTAKE_CHANNEL}/tickets`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...preTicket.headers }, body: preTicket.body });
  if (preIntake.status !== 201) throw new Error(`pre-flight ticket failed: ${preIntake.status} ${await preIntake.text()}`);
  const preBareTicket = nextTicket();
  const preBareIntake = await fetch(`${intakeServer.url}/bare-intake`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...preBareTicket.headers }, body: preBareTicket.body });
  if (preBareIntake.status !== 201) throw new Error(`pre-flight bare intake failed: ${preBareIntake.status} ${await preBareIntake.text()}`);
  const intakeTargets: [string, Target][] = [
    [`POST /api/v1/channels/${INTAKE_CHANNEL}/tickets`, { url: `${booted.url}/api/v1/channels/${INTAKE_CHANNEL}/tickets`, headers: { 'Content-Type': 'application/json' }, next: nextTicket }],
    ['POST /bare-intake (HMAC + 1 row)', { url: `${intakeServer.url}/bare-intake`, headers: { 'Content-Type': 'application/json' }, next: nextTicket }],
  ];
  for (const [route, target] of intakeTargets) {
    const m = await warmAndMeasure(route, target);
    if (!m) return 130;
    rows.push(m);
  }
  const [intake, bareIntakeRow] = rows.slice(2) as [Row, Row];
  await closeBareIntake();

  // --- statements per request, one at a time, workers stopped -------------------------------------
  process.stdout.write('  counting statements per request (workers stopped, one request at a time) …\n');
  // The walked cases lie on the demo inspector's grid (the inspector signs them), whatever --spots says.
  const spotForm = reportForm({ points: [spot], jpeg });
  const nextAtSpot = () => {
    const n = ++seq;
    return { key: `bench-${process.pid}-${String(n).padStart(9, '0')}`, body: spotForm.body(n) };
  };
  const steps = await countLifecycle({ database, booted, who, jpeg, reportToken: token, spot, bareUrl: bareServer.url, form: spotForm, next: nextAtSpot });

  // Bench tables and the bare server are done with.
  await closeBare();
  await dropBenchTables();
  const cases = await countCases(db);

  // --- several API processes on one PostgreSQL -----------------------------------------------------
  let multi: Row | null = null;
  if (kind === 'postgres' && PROCESSES > 0) {
    await running.close();
    running = null;
    database = null;
    multi = await multiProcess({ env, who, jpeg, spot });
    if (!multi) return 130;
  }

  // --- report -----------------------------------------------------------------------------------------
  const all = multi ? [...rows, multi] : rows;
  const table = [
    ['route', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors'],
    ...all.map((r) => [
      r.route,
      r.result.requests.average.toFixed(1),
      String(r.result.latency.p50),
      String(r.result.latency.p99),
      String(r.result.latency.totalCount),
      String(r.not2xx),
      String(r.result.errors + r.result.timeouts),
    ]),
  ];
  process.stdout.write('\n' + formatTable(table) + '\n\n');
  const ratio = rep.result.requests.average / bar.result.requests.average;
  const forPglite = kind === 'pglite' ? '' : ' (the goals are set for PGlite; shown for reference)';
  process.stdout.write(
    `ratio = reports req/s ÷ bare-essentials req/s = ${rep.result.requests.average.toFixed(1)} ÷ ${bar.result.requests.average.toFixed(1)} = ${ratio.toFixed(2)}` +
      `   goal ≥ ${GOAL.ratio}: ${ratio >= GOAL.ratio ? 'met' : 'NOT met'}${forPglite}\n` +
      `reports p99 = ${rep.result.latency.p99} ms   goal ≤ ${GOAL.p99Ms} ms: ${rep.result.latency.totalCount > 0 && rep.result.latency.p99 <= GOAL.p99Ms ? 'met' : 'NOT met'}${forPglite}\n`,
  );
  const intakeRatio = intake.result.requests.average / bareIntakeRow.result.requests.average;
  process.stdout.write(
    `intake ratio = tickets req/s ÷ bare HMAC-and-insert req/s = ${intake.result.requests.average.toFixed(1)} ÷ ${bareIntakeRow.result.requests.average.toFixed(1)} = ${intakeRatio.toFixed(2)}` +
      `   goal ≥ ${INTAKE_GOAL.ratio}: ${intakeRatio >= INTAKE_GOAL.ratio ? 'met' : 'NOT met'}\n` +
      `intake p99 = ${intake.result.latency.p99} ms   goal ≤ ${INTAKE_GOAL.p99Ms} ms: ${intake.result.latency.totalCount > 0 && intake.result.latency.p99 <= INTAKE_GOAL.p99Ms ? 'met' : 'NOT met'}\n`,
  );
  process.stdout.write(
    '\nSQL statements per request (what drizzle sends, plus BEGIN/COMMIT; one request at a time, workers stopped, two rounds):\n' +
      formatTable([['step', 'as', 'round 1', 'round 2'], ...steps.map((s) => [s.step, s.as, String(s.counts[0]), String(s.counts[1])])]) +
      '\n',
  );
  if (multi) {
    process.stdout.write(
      `\n${PROCESSES} API processes${WORKER_PROCESS ? ' + 1 worker process' : ''} on one PostgreSQL: ` +
        `${multi.result.requests.average.toFixed(1)} req/s combined, p99 ${multi.result.latency.p99} ms ` +
        `(one process: ${rep.result.requests.average.toFixed(1)} req/s, p99 ${rep.result.latency.p99} ms)\n`,
    );
  }
  process.stdout.write(
    `\ndatabase: ${dbLabel}; cores: ${cores}; load average now ${loadAvg()}; cases in the database after the single-process runs: ${cases} ` +
      (SAME_SPOT ? '(every report landed on one grid centroid, so duplicate candidates grew with them)\n' : `(reports spread over ${reportSpots.length} grid centroids)\n`),
  );
  const stmt = (name: string) => steps.find((s) => s.step === name)?.counts[1] ?? NaN;
  const silent = all.filter((r) => r.result.latency.totalCount === 0);
  const failed = silent.length + all.reduce((n, r) => n + r.not2xx + r.result.errors + r.result.timeouts, 0);
  process.stdout.write(
    `bench: reports db=${kind} cores=${cores} c=${CONNECTIONS} d=${DURATION}s ` +
      `rps=${rep.result.requests.average.toFixed(1)} p50=${rep.result.latency.p50}ms p99=${rep.result.latency.p99}ms ` +
      `bare_rps=${bar.result.requests.average.toFixed(1)} bare_p50=${bar.result.latency.p50}ms bare_p99=${bar.result.latency.p99}ms ` +
      `ratio=${ratio.toFixed(2)} ` +
      `intake_rps=${intake.result.requests.average.toFixed(1)} intake_p99=${intake.result.latency.p99}ms bare_intake_rps=${bareIntakeRow.result.requests.average.toFixed(1)} ` +
      `bare_intake_p99=${bareIntakeRow.result.latency.p99}ms intake_ratio=${intakeRatio.toFixed(2)} ` +
      steps.map((s) => `stmts_${s.step}=${stmt(s.step)}`).join(' ') +
      (multi ? ` api${PROCESSES}_rps=${multi.result.requests.average.toFixed(1)} api${PROCESSES}_p50=${multi.result.latency.p50}ms api${PROCESSES}_p99=${multi.result.latency.p99}ms` : '') +
      ` non2xx=${all.reduce((n, r) => n + r.not2xx, 0)} errors=${all.reduce((n, r) => n + r.result.errors + r.result.timeouts, 0)} load=${os.loadavg()[0]!.toFixed(2)}\n`,
  );
  for (const r of silent) process.stdout.write(`FAIL ${r.route}: no response arrived within the ${DURATION}s window\n`);
  for (const r of all) {
    if (r.not2xx || r.result.errors || r.result.timeouts) {
      process.stdout.write(
        `FAIL ${r.route}: status counts ${JSON.stringify(r.result.statusCodeStats)}, errors ${r.result.errors}, timeouts ${r.result.timeouts}` +
          (r.samples.length ? `; e.g. ${r.samples.join(' | ')}` : '') + '\n',
      );
    }
  }
  return failed ? 1 : 0;
}

function pickAccounts(accounts: SandboxAccount[]): Accounts {
  const resident = accounts.find((a) => a.role === 'resident');
  const inspector = accounts.find((a) => a.role === 'inspector' && a.duty === 'A' && a.lat !== undefined && a.lng !== undefined);
  if (!resident || !inspector) throw new Error('the sandbox has no resident, or no duty-A inspector with a grid centroid');
  const inspectorB = accounts.find((a) => a.role === 'inspector' && a.orgNodeCode === inspector.orgNodeCode && a.code !== inspector.code);
  const dispatcher = accounts.find((a) => a.role === 'district' && a.orgNodeCode === inspector.orgNodeCode!.slice(0, 6));
  if (!dispatcher) throw new Error(`no district dispatcher for grid ${inspector.orgNodeCode}`);
  return { resident, inspector, inspectorB, dispatcher };
}

async function login(baseUrl: string, account: SandboxAccount): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/wechat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: account.code }),
  });
  if (res.status !== 200) throw new Error(`login as ${account.code} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as LoginResponse).token;
}

async function warmAndMeasure(route: string, target: Target): Promise<Row | null> {
  if (interrupted) return null;
  if (WARMUP > 0) {
    process.stdout.write(`  warming up ${route} …\n`);
    const w = await load(target, WARMUP);
    if (w.not2xx) process.stdout.write(`  warm-up: ${w.not2xx} responses were not 2xx: ${w.samples.join(' | ')}\n`);
    await drain(w.result);
  }
  if (interrupted) return null;
  process.stdout.write(`  measuring ${route} …\n`);
  const m = await load(target, DURATION);
  await drain(m.result);
  return interrupted ? null : { route, ...m };
}

// ---- the bare-essentials route ------------------------------------------------------------------------

type Db = Database['db'];

/**
 * Tables shaped like `cases` and `case_photos`: same columns, defaults, checks and indexes (LIKE … INCLUDING
 * ALL), and the same foreign keys (LIKE copies none, so they are copied from the catalog; the photo's case
 * key points at bench_cases). So the bare insert pays for what the real insert's constraints cost.
 */
async function createBenchTables(db: Db): Promise<void> {
  await db.execute(sql.raw('create table bench_cases (like cases including all)'));
  await db.execute(sql.raw('create table bench_case_photos (like case_photos including all)'));
  for (const [from, to] of [['cases', 'bench_cases'], ['case_photos', 'bench_case_photos']] as const) {
    const fks = rowsOf<{ def: string }>(
      await db.execute(sql.raw(`select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = '${from}'::regclass and contype = 'f'`)),
    );
    for (const { def } of fks) {
      const target = def.replace(/REFERENCES (public\.)?cases\(/, 'REFERENCES bench_cases(');
      await db.execute(sql.raw(`alter table ${to} add ${target}`));
    }
  }
}

async function dropBenchTables(): Promise<void> {
  if (!benchTables || !database) return;
  await database.db.execute(sql.raw('drop table if exists bench_case_photos, bench_cases'));
  benchTables = false;
}

interface Where {
  reporter_id: string;
  standard_ref: string;
  grid_code: string | null;
  community_code: string | null;
  street_code: string | null;
  district_code: string;
  location_path: string;
}

/** The place, reporter and standard of the pre-flight report: the bare route writes the same values. */
async function caseLocation(db: Db, caseId: string): Promise<Where> {
  const row = rowsOf<Where>(
    await db.execute(sql`select reporter_id, standard_ref, grid_code, community_code, street_code, district_code, location_path from cases where id = ${caseId}`),
  )[0];
  if (!row) throw new Error(`the pre-flight case ${caseId} is not in the database`);
  return row;
}

/**
 * A bare Koa route: the app's multipart parser configured as POST /api/v1/reports configures it, the app's
 * photo pipeline (validate, re-encode, thumbnail), then one transaction: the case row and its photo rows.
 * No auth, no rate limit, no idempotency, no duplicate search, no event or outbox row, no photo files on
 * disk, no case-number counter (a bench-local sequence), no re-read: everything else is what the ratio prices.
 */
async function startBare(db: Db, where: Where): Promise<{ server: http.Server; url: string }> {
  let caseSeq = 0;
  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      ctx.status = err instanceof AppError ? 400 : 500;
      ctx.body = { error: (err as Error).message };
    }
  });
  app.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== '/bare') {
      ctx.status = 404;
      return;
    }
    await next();
  });
  app.use(multipartPhotos({ field: 'photos', max: PHOTO_LIMITS.maxPerReport }));
  app.use(async (ctx) => {
    const f = multipartFields(ctx);
    const photos: ProcessedPhoto[] = [];
    for (const file of uploadedFiles(ctx)) photos.push(await processPhoto(file.buffer));
    if (!photos.length) throw new AppError('photo.missing', '请至少上传 1 张现场照片');
    const now = new Date().toISOString();
    const caseNo = `BENCH-${process.pid}-${String(++caseSeq).padStart(9, '0')}`;
    const id = await db.transaction(async (tx) => {
      const inserted = rowsOf<{ id: string }>(
        await tx.execute(sql`
          insert into bench_cases (case_no, source, reporter_id, anonymous, category_code, standard_ref, description, lat, lng,
            grid_code, community_code, street_code, district_code, location_path, state, created_at, updated_at)
          values (${caseNo}, 'miniprogram', ${where.reporter_id}, ${f.anonymous === 'true'}, ${String(f.categoryCode)}, ${where.standard_ref},
            ${String(f.description)}, ${Number(f.lat)}, ${Number(f.lng)}, ${where.grid_code}, ${where.community_code}, ${where.street_code},
            ${where.district_code}, ${where.location_path}, 'submitted', ${now}::timestamptz, ${now}::timestamptz)
          returning id`),
      )[0]!;
      for (const p of photos) {
        await tx.execute(sql`
          insert into bench_case_photos (id, case_id, event_seq, kind, width, height, bytes, sha256, created_at)
          values (${crypto.randomUUID()}, ${inserted.id}, 1, 'before', ${p.width}, ${p.height}, ${p.bytes}, ${p.sha256}, ${now}::timestamptz)`);
      }
      return inserted.id;
    });
    ctx.status = 201;
    ctx.body = { id };
  });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolve);
  });
  return { server, url: `http://${HOST}:${(server.address() as net.AddressInfo).port}` };
}

/**
 * The partner-intake baseline (issue 11): a bare Koa route that reads the raw body, checks the same HMAC
 * (signing.ts, constant time) and inserts one case-shaped row in one transaction. No channel lookup, no
 * timestamp window or nonce table, no schema validation, no category mapping or locating, no ticket row,
 * event, outbox or case number: everything else is what the intake ratio prices.
 */
async function startBareIntake(db: Db, where: Where): Promise<{ server: http.Server; url: string }> {
  let caseSeq = 0;
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method !== 'POST' || ctx.path !== '/bare-intake') {
      ctx.status = 404;
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of ctx.req as AsyncIterable<Buffer>) chunks.push(c);
    const raw = Buffer.concat(chunks);
    if (!signatureMatches(INTAKE_SECRET, ctx.get('x-timestamp'), ctx.get('x-nonce'), raw, ctx.get('x-signature'))) {
      ctx.status = 401;
      return;
    }
    const t = JSON.parse(raw.toString('utf8')) as { content: string; lat: number; lng: number };
    const now = new Date().toISOString();
    const caseNo = `BENCHT-${process.pid}-${String(++caseSeq).padStart(9, '0')}`;
    const id = await db.transaction(async (tx) => rowsOf<{ id: string }>(
      await tx.execute(sql`
        insert into bench_cases (case_no, source, anonymous, category_code, standard_ref, description, lat, lng,
          grid_code, community_code, street_code, district_code, location_path, state, created_at, updated_at)
        values (${caseNo}, 'hotline_12345', false, ${CATEGORY}, ${where.standard_ref}, ${t.content}, ${t.lat}, ${t.lng}, ${where.grid_code},
          ${where.community_code}, ${where.street_code}, ${where.district_code}, ${where.location_path}, 'submitted', ${now}::timestamptz, ${now}::timestamptz)
        returning id`),
    )[0]!.id);
    ctx.status = 201;
    ctx.body = { id };
  });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolve);
  });
  return { server, url: `http://${HOST}:${(server.address() as net.AddressInfo).port}` };
}

async function closeBareIntake(): Promise<void> {
  const s = bareIntake;
  bareIntake = null;
  if (s) await new Promise<void>((r) => s.close(() => r()));
}

/** Signed 12345 tickets, each with a new ticket number and nonce, the timestamp of the moment it is sent. */
function ticketSigner(points: { lat: number; lng: number }[]): () => { key: string; body: string; headers: Record<string, string> } {
  let n = 0;
  const run = crypto.randomBytes(4).toString('hex');
  return () => {
    const no = `${run}-${String(++n).padStart(9, '0')}`;
    const spot = points[n % points.length]!;
    const body = JSON.stringify({
      ticketNo: `12345-BENCH-${no}`, receivedAt: '2026-12-02T09:30:00+08:00', content: `市民来电：路边有暴露垃圾（压测 #${no}）`,
      categoryText: '城市管理/市容环境/暴露垃圾', lat: spot.lat, lng: spot.lng, callerName: '压测', callerPhone: '13800000000',
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = `bench-${no}`;
    return { key: no, body, headers: { 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': signPayload(INTAKE_SECRET, timestamp, nonce, body) } };
  };
}

async function closeBare(): Promise<void> {
  const s = bare;
  bare = null;
  if (s) await new Promise<void>((r) => s.close(() => r()));
}

// ---- statements per request ------------------------------------------------------------------------

interface Step {
  step: string;
  as: string;
  counts: [number, number];
}

interface LifecycleArgs {
  database: Database;
  booted: Running;
  who: Accounts;
  jpeg: Buffer;
  reportToken: string;
  spot: { lat: number; lng: number };
  bareUrl: string;
  form: ReturnType<typeof reportForm>;
  next: () => { key: string; body: Buffer };
}

/**
 * Stops the workers (the relay polls and plans on the same database), waits until the statement counter
 * stands still, then walks two cases through report → register → dispatch → sign → handle → verify, one
 * request at a time. Each figure is the counter's change from just before the request until it stands
 * still again after the response (so work the request leaves running is counted with it).
 */
async function countLifecycle(a: LifecycleArgs): Promise<Step[]> {
  const { database: d, booted } = a;
  await booted.notifier.workers?.close();
  if (!(await stillFor(d, 1000, 15_000))) {
    throw new Error('the statement counter did not stand still for 1 s with the workers stopped: something else is querying the database');
  }
  const base = booted.url;
  const tokens = {
    resident: a.reportToken,
    dispatcher: await login(base, a.who.dispatcher),
    inspector: await login(base, a.who.inspector),
    inspectorB: a.who.inspectorB ? await login(base, a.who.inspectorB) : null,
  };
  const rounds: Map<string, { as: string; n: number[] }> = new Map();
  const record = (step: string, as: string, n: number) => {
    const r = rounds.get(step) ?? { as, n: [] };
    r.n.push(n);
    rounds.set(step, r);
  };
  const measure = async (fn: () => Promise<Response>, expect: number, what: string): Promise<{ n: number; body: unknown }> => {
    if (!(await stillFor(d, 200, 10_000))) throw new Error(`the database was still busy before ${what}`);
    const before = d.statements!;
    const res = await fn();
    const text = await res.text();
    await stillFor(d, 200, 10_000);
    const n = d.statements! - before;
    if (res.status !== expect) throw new Error(`${what}: ${res.status} ${text.slice(0, 300)}`);
    return { n, body: JSON.parse(text) as unknown };
  };
  const json = (token: string, body: unknown) => ({ method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const act = (token: string, id: string, action: string, body: unknown = {}) => fetch(`${base}/api/v1/cases/${id}/actions/${action}`, json(token, body));

  for (let round = 0; round < 2; round++) {
    const r = a.next();
    const rep = await measure(
      () => fetch(`${base}/api/v1/reports`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tokens.resident}`, 'Content-Type': `multipart/form-data; boundary=${a.form.boundary}`, 'Idempotency-Key': r.key },
        body: r.body,
      }),
      201, 'report',
    );
    record('report', 'resident', rep.n);
    const id = (rep.body as { case: { id: string } }).case.id;
    record('register', 'district dispatcher', (await measure(() => act(tokens.dispatcher, id, 'register'), 200, 'register')).n);
    record('dispatch', 'district dispatcher', (await measure(() => act(tokens.dispatcher, id, 'dispatch', { complexity: 'simple' }), 200, 'dispatch')).n);
    // The grid's A inspector signs; if the B inspector holds the duty at this hour, the B inspector does.
    let signer = tokens.inspector;
    const probe = await fetch(`${base}/api/v1/cases/${id}`, { headers: { Authorization: `Bearer ${signer}` } });
    const allowed = ((await probe.json()) as { case?: { allowedActions?: string[] } }).case?.allowedActions ?? [];
    if (!allowed.includes('sign') && tokens.inspectorB) signer = tokens.inspectorB;
    record('sign', 'grid inspector', (await measure(() => act(signer, id, 'sign'), 200, 'sign')).n);
    const handle = multipart([['note', '已清理完毕']], a.jpeg);
    record('handle', 'grid inspector', (await measure(
      () => fetch(`${base}/api/v1/cases/${id}/actions/handle`, { method: 'POST', headers: { Authorization: `Bearer ${signer}`, 'Content-Type': handle.type }, body: handle.body }),
      200, 'handle',
    )).n);
    record('verify', 'district dispatcher', (await measure(() => act(tokens.dispatcher, id, 'verify', { passed: true }), 200, 'verify')).n);
    const b = a.next();
    record('bare', '(bare-essentials route)', (await measure(
      () => fetch(`${a.bareUrl}/bare`, { method: 'POST', headers: { 'Content-Type': `multipart/form-data; boundary=${a.form.boundary}` }, body: b.body }),
      201, 'bare',
    )).n);
  }
  return [...rounds].map(([step, r]) => ({ step, as: r.as, counts: [r.n[0]!, r.n[1]!] }));
}

/** Waits until the counter has not moved for `quietMs`; false if that never happened within `maxMs`. */
async function stillFor(d: Database, quietMs: number, maxMs: number): Promise<boolean> {
  const end = Date.now() + maxMs;
  let last = d.statements!;
  let since = Date.now();
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
    const now = d.statements!;
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return true;
  }
  return false;
}

// ---- several API processes ------------------------------------------------------------------------------

/**
 * N API processes (`tsx server/src/main.ts`, FINECITY_ROLE=api and WORKERS=false, each with its own port,
 * data dir and sandbox) and, unless --worker-process false, one worker process, all on the bench database
 * and queue prefix; autocannon spreads the connections over the API ports round-robin.
 */
async function multiProcess(o: { env: NodeJS.ProcessEnv; who: Accounts; jpeg: Buffer; spot: { lat: number; lng: number } }): Promise<Row | null> {
  const tsx = path.resolve('node_modules', '.bin', 'tsx');
  const urls: string[] = [];
  const start = async (role: 'api' | 'worker', i: number): Promise<{ url: string; child: ChildProcess; log: string[] }> => {
    const port = await freePort();
    const dataDir = path.join(tmp, `${role}-${i}`);
    const child = spawn(tsx, ['server/src/main.ts'], {
      env: {
        ...o.env,
        PORT: String(port),
        DATA_DIR: dataDir,
        PHOTO_DIR: undefined,
        FINECITY_ROLE: role,
        WORKERS: role === 'worker' ? 'true' : 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own session, so its own scheduler autogroup on Linux, as a separately started service (and
      // PostgreSQL) would have: in the bench's group, the processes would split the one share it gets.
      detached: true,
    });
    children.push(child);
    const log: string[] = [];
    const keep = (c: Buffer) => {
      log.push(c.toString('utf8'));
      if (log.length > 200) log.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    return { url: `http://${HOST}:${port}`, child, log };
  };
  for (let i = 0; i < PROCESSES; i++) {
    const p = await start('api', i);
    await healthy(p.url, p.child, p.log, 60_000);
    urls.push(p.url);
  }
  if (WORKER_PROCESS) {
    const w = await start('worker', 0);
    // A worker-only process may serve no HTTP: give it a moment and make sure it is still alive.
    await new Promise((r) => setTimeout(r, 3000));
    if (w.child.exitCode !== null) throw new Error(`the worker process exited (${w.child.exitCode}): ${w.log.join('').slice(-2000)}`);
  }
  const token = await login(urls[0]!, o.who.resident);
  const form = reportForm({ points: [o.spot], jpeg: o.jpeg });
  let seq = 0;
  const target: Target = {
    url: urls.map((u) => `${u}/api/v1/reports`),
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/form-data; boundary=${form.boundary}` },
    next: () => {
      const n = ++seq;
      return { key: `bench-multi-${process.pid}-${String(n).padStart(9, '0')}`, body: form.body(n) };
    },
  };
  // A fresh process compiles and warms on its first requests: send each a few, one at a time, first.
  for (const url of urls) {
    for (let i = 0; i < 3; i++) {
      const r = target.next();
      const res = await fetch(`${url}/api/v1/reports`, { method: 'POST', headers: { ...target.headers, 'Idempotency-Key': r.key }, body: r.body });
      if (res.status !== 201) throw new Error(`pre-flight report to ${url} failed: ${res.status} ${await res.text()}`);
    }
  }
  const row = await warmAndMeasure(`POST /api/v1/reports ×${PROCESSES} proc`, target);
  await stopChildren();
  return row;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, HOST, resolve);
  });
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function healthy(url: string, child: ChildProcess, log: string[], maxMs: number): Promise<void> {
  const end = Date.now() + maxMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`the API process for ${url} exited (${child.exitCode}): ${log.join('').slice(-2000)}`);
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the API process for ${url} was not healthy within ${maxMs / 1000} s: ${log.join('').slice(-2000)}`);
}

async function stopChildren(): Promise<void> {
  await Promise.all(
    children.splice(0).map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

// ---- load ---------------------------------------------------------------------------------------------

interface Target {
  url: string | string[];
  headers: Record<string, string>;
  /** `headers`: this request's own (a signed ticket's X-Timestamp, X-Nonce, X-Signature). */
  next: () => { key: string; body: Buffer | string; headers?: Record<string, string> };
}

/** One fixed-duration autocannon run; every request gets a fresh Idempotency-Key (and body). */
async function load(target: Target, seconds: number): Promise<Omit<Row, 'route'>> {
  let not2xx = 0;
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
          const { key, body, headers } = target.next();
          return { ...req, headers: { ...req.headers, 'Idempotency-Key': key, ...headers }, body };
        },
        onResponse: (status, body) => {
          if (status >= 200 && status < 300) return;
          not2xx++;
          if (samples.length < 3) samples.push(`${status} ${body.slice(0, 300)}`);
        },
      },
    ],
  });
  try {
    const result = await current;
    return { result, not2xx, samples };
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
/** Report n's multipart body: at points[n mod length], with its own description. */
function reportForm(o: { points: { lat: number; lng: number }[]; jpeg: Buffer }): { boundary: string; body: (n: number) => Buffer } {
  const boundary = `----finecity-bench-${crypto.randomBytes(8).toString('hex')}`;
  const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const heads = o.points.map((p) => Buffer.from(
    field('categoryCode', CATEGORY) +
      field('lat', String(p.lat)) +
      field('lng', String(p.lng)) +
      field('anonymous', 'false') +
      `--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n路边有暴露垃圾（压测 #`,
    'utf8',
  ));
  const tail = Buffer.concat([
    Buffer.from(
      `）\r\n--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="bench.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      'utf8',
    ),
    o.jpeg,
    Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
  ]);
  return { boundary, body: (n) => Buffer.concat([heads[n % heads.length]!, Buffer.from(String(n).padStart(9, '0'), 'latin1'), tail]) };
}

/** A one-off multipart body: text fields and one JPEG under "photos". */
function multipart(fields: [string, string][], jpeg: Buffer): { type: string; body: Buffer } {
  const boundary = `----finecity-bench-${crypto.randomBytes(8).toString('hex')}`;
  const parts = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join('');
  const body = Buffer.concat([
    Buffer.from(`${parts}--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="after.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`, 'utf8'),
    jpeg,
    Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
  ]);
  return { type: `multipart/form-data; boundary=${boundary}`, body };
}

// ---- helpers -----------------------------------------------------------------------------------------

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

async function countCases(db: Db): Promise<number> {
  return Number(rowsOf<{ n: number }>(await db.execute(sql.raw('select count(*)::int as n from cases')))[0]?.n ?? NaN);
}

function loadAvg(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

function formatTable(table: string[][]): string {
  const widths = table[0]!.map((_, i) => Math.max(...table.map((t) => t[i]!.length)));
  return table.map((t) => t.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

async function cleanup(): Promise<void> {
  const steps: [string, () => Promise<void>][] = [
    ['stop the API processes', stopChildren],
    ['close the bare server', closeBare],
    ['close the bare intake server', closeBareIntake],
    ['drop the bench tables', dropBenchTables],
    ['close FineCity', async () => {
      if (running) await running.close();
    }],
    ['drop the bench database', async () => {
      if (pgDatabase) await adminQuery(pgDatabase.serverUrl, `drop database if exists "${pgDatabase.name}" with (force)`);
    }],
    ['delete the queue prefix from Redis', async () => {
      await dropRedisPrefix(REDIS_URL, QUEUE_PREFIX);
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
