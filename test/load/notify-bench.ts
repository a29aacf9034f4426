// `npm run bench` (second part): how fast a dispatch reaches the person on duty, and how fast the outbox
// relay publishes. Boots FineCity's API in-process as bench.ts does (throwaway data dir, or a throwaway database
// when DATABASE_URL is set), with the in-process WeChat sandbox, real Redis (REDIS_URL) and a queue prefix of its
// own. On PostgreSQL the workers run in a process of their own (`FINECITY_ROLE=worker tsx server/src/main.ts`,
// as `npm run start:worker` deploys them); on PGlite, which has one owner process, inside the API process. Then:
//  1. dispatch latency, twice: S registered cases in one grid dispatched over HTTP one at a time (c=1), then
//     a burst of N more at c connections. For each, the time from the dispatch response (the commit happened
//     before it) to the sandbox accepting the on-duty inspector's official-account template message that
//     carries the case number;
//  2. relay throughput: K outbox rows are inserted in one statement and timed until none is unpublished.
// Flags: --cases <N> (default 200), --connections <c> (default 10), --single <S> (default 20), --rows <K>
// (default 5000), --wait <s> (default 120), --worker-process <true|false> (default true; PostgreSQL only).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import type { CaseDto, LoginResponse, SandboxAccount } from '@finecity/types';
import { spawn, type ChildProcess } from 'node:child_process';
import { pgOutboxFeed } from '../../server/src/adapters/postgres/notification-repo.js';
import { cases, users } from '../../server/src/adapters/postgres/schema.js';
import { boot, type Running } from '../../server/src/boot.js';
import { loadConfig } from '../../server/src/config.js';
import { relayOnce, type RelayDeps } from '../../server/src/workers/outbox-relay.js';
import { adminQuery, redact, withDatabase } from './db-admin.js';

// ---- options ------------------------------------------------------------------------------------

const { values: flags } = parseArgs({
  options: {
    cases: { type: 'string', default: '200' },
    connections: { type: 'string', default: '10' },
    rows: { type: 'string', default: '5000' },
    wait: { type: 'string', default: '120' },
    single: { type: 'string', default: '20' },
    'worker-process': { type: 'string', default: 'true' },
  },
  strict: true,
});
const N = intFlag('cases', flags.cases, 1, 5000); // the sandbox keeps the newest 10 000 messages
const CONNECTIONS = intFlag('connections', flags.connections, 1, 100);
const ROWS = intFlag('rows', flags.rows, 1, 200_000);
const WAIT_S = intFlag('wait', flags.wait, 1, 600);
const SINGLE = intFlag('single', flags.single, 0, 1000);
const WORKER_PROCESS = flags['worker-process'] !== 'false';
const HOST = '127.0.0.1';
const CATEGORY = '06010';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `fcbench${crypto.randomBytes(4).toString('hex')}`;

function intFlag(name: string, raw: string | undefined, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer ${min}..${max}, got ${raw}`);
  return n;
}

// ---- state that cleanup needs ---------------------------------------------------------------------

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-notify-bench-'));
let running: Running | null = null;
let redis: Redis | null = null;
let pgDatabase: { serverUrl: string; name: string } | null = null;
let worker: ChildProcess | null = null;
let interrupted = false;

process.once('SIGINT', () => {
  interrupted = true;
  process.stderr.write('\nnotify-bench: interrupted, stopping and cleaning up\n');
});

// ---- the run --------------------------------------------------------------------------------------

async function main(): Promise<number> {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 3000, lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => {}); // reported by the ping below or by cleanup
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`Redis is not reachable at ${redact(REDIS_URL)}: ${(err as Error).message}`, { cause: err });
  }

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
    PHOTO_DIR: undefined,
    DATABASE_URL: databaseUrl,
    PORT: '0',
    HOST,
    WECHAT_SANDBOX: 'true',
    WECHAT_API_BASE: undefined,
    WECOM_API_BASE: undefined,
    SMS_API_BASE: undefined,
    WECHAT_SANDBOX_PORT: '0',
    LOG_LEVEL: 'warn',
    REPORTS_PER_MINUTE: '1000000',
    REDIS_URL,
    QUEUE_PREFIX: PREFIX,
    // On PostgreSQL the API process runs no workers: a worker process of its own does (below).
    WORKERS: serverUrl && WORKER_PROCESS ? 'false' : 'true',
    FINECITY_ROLE: serverUrl && WORKER_PROCESS ? 'api' : 'all',
  });
  const booted = await boot(config);
  running = booted;
  const sandbox = booted.sandbox;
  if (!sandbox) throw new Error('the WeChat sandbox did not start');
  const separate = !!serverUrl && WORKER_PROCESS;
  if (separate) worker = await startWorkerProcess(databaseUrl!, booted.apiBases);
  else if (!booted.notifier.workers) throw new Error('the workers did not start');
  const db = booted.database.db;
  const dbKind = booted.database.kind;
  const dbLabel =
    (dbKind === 'postgres' ? `postgresql (${redact(databaseUrl!)}, pool 10)` : 'pglite (file-backed, one serialized session)') +
    (separate ? ', workers in their own process' : ', workers in the API process');
  const cores = os.availableParallelism();
  process.stdout.write(
    `notify-bench: ${dbLabel}; ${cores} cores; redis ${redact(REDIS_URL)} prefix ${PREFIX}; ` +
      `${SINGLE} dispatches at c=1, then ${N} at c=${CONNECTIONS}; ${ROWS} outbox rows; loopback ${HOST}\n`,
  );

  // --- who: a grid with two inspectors (A/B), its district dispatcher, a resident ------------------
  const accounts = ((await (await fetch(`${booted.url}/api/v1/sandbox/accounts`)).json()) as { accounts: SandboxAccount[] }).accounts;
  let grid: SandboxAccount | undefined;
  let dispatcherAccount: SandboxAccount | undefined;
  for (const a of accounts) {
    if (a.role !== 'inspector' || !a.orgNodeCode || a.lat === undefined || a.lng === undefined) continue;
    const d = accounts.find((x) => x.role === 'district' && x.orgNodeCode === a.orgNodeCode!.slice(0, 6));
    if (d) {
      grid = a;
      dispatcherAccount = d;
      break;
    }
  }
  const residentAccount = accounts.find((a) => a.role === 'resident');
  if (!grid || !dispatcherAccount || !residentAccount) throw new Error('no sandbox inspector with a grid centroid and a district dispatcher, or no resident');
  const inspectors = accounts.filter((a) => a.role === 'inspector' && a.orgNodeCode === grid.orgNodeCode);
  for (const i of inspectors) await db.update(users).set({ oaOpenid: `oa-${i.openid}` }).where(eq(users.openid, i.openid));
  const oaOpenids = new Set(inspectors.map((i) => `oa-${i.openid}`));
  const dispatcher = await login(booted.url, dispatcherAccount.code);
  const resident = await login(booted.url, residentAccount.code);

  // --- N registered cases: one through the API, the rest copies of its row -------------------------
  const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#3a7f5c' } }).jpeg().toBuffer();
  const form = new FormData();
  form.set('categoryCode', CATEGORY);
  form.set('description', '路边有暴露垃圾（派遣压测）');
  form.set('lat', String(grid.lat));
  form.set('lng', String(grid.lng));
  form.set('anonymous', 'false');
  form.set('photos', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'bench.jpg');
  const rep = await fetch(`${booted.url}/api/v1/reports`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${resident}`, 'Idempotency-Key': `notify-bench-${process.pid}-${PREFIX}` },
    body: form,
  });
  if (rep.status !== 201) throw new Error(`report failed: ${rep.status} ${await rep.text()}`);
  const reported = ((await rep.json()) as { case: CaseDto }).case;
  const reg = await action(booted.url, dispatcher, reported.id, 'register');
  if (reg.status !== 200) throw new Error(`register failed: ${reg.status} ${reg.body.slice(0, 300)}`);
  const base = (await db.select().from(cases).where(eq(cases.id, reported.id)))[0];
  if (!base) throw new Error('the reported case is not in the database');
  const burst: { id: string; caseNo: string }[] = [{ id: base.id, caseNo: base.caseNo }];
  const { id: _id, ...rest } = base;
  for (let from = 1; from < N + SINGLE; from += 500) {
    const values = [];
    for (let i = from; i < Math.min(N + SINGLE, from + 500); i++) values.push({ ...rest, caseNo: `${base.caseNo}-N${String(i).padStart(4, '0')}` });
    burst.push(...(await db.insert(cases).values(values).returning({ id: cases.id, caseNo: cases.caseNo })));
  }

  // --- the phases: N at c connections, then S one at a time --------------------------------------
  const phase = async (label: string, list: { id: string; caseNo: string }[], connections: number) => {
    const baselineId = sandbox.messages({ limit: 1 }).at(-1)?.id ?? 0;
    const sentAt = new Map<string, number>(); // caseNo → wall time the dispatch response arrived
    const httpMs: number[] = [];
    const dispatchFailures: string[] = [];
    let next = 0;
    const elu0 = performance.eventLoopUtilization(); // the API, the sandbox and the client share this loop
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(connections, list.length) }, async () => {
        while (next < list.length && !interrupted) {
          const c = list[next++]!;
          const start = performance.now();
          try {
            const res = await action(booted.url, dispatcher, c.id, 'dispatch', (arrived) => sentAt.set(c.caseNo, arrived));
            httpMs.push(performance.now() - start);
            if (res.status !== 200) {
              sentAt.delete(c.caseNo);
              dispatchFailures.push(`${c.caseNo}: ${res.status} ${res.body.slice(0, 200)}`);
            }
          } catch (err) {
            dispatchFailures.push(`${c.caseNo}: ${(err as Error).message}`);
          }
        }
      }),
    );
    const burstS = (performance.now() - t0) / 1000;
    // Wait until the sandbox has the on-duty message of each dispatched case.
    const arrivedAt = new Map<string, number>(); // caseNo → Date.parse(message.at)
    let lastId = baselineId;
    const deadline = Date.now() + WAIT_S * 1000;
    while (arrivedAt.size < sentAt.size && Date.now() < deadline && !interrupted) {
      for (const m of sandbox.messages({ channel: 'oa_template', afterId: lastId, limit: 10_000 })) {
        lastId = Math.max(lastId, m.id);
        if (!m.accepted || !m.recipient.oaOpenid || !oaOpenids.has(m.recipient.oaOpenid)) continue;
        for (const v of Object.values(m.data ?? {})) {
          if (sentAt.has(v) && !arrivedAt.has(v)) arrivedAt.set(v, Date.parse(m.at));
        }
      }
      if (arrivedAt.size < sentAt.size) await sleep(20);
    }
    const elu = performance.eventLoopUtilization(elu0).utilization;
    const latencies = [...arrivedAt].map(([no, at]) => at - sentAt.get(no)!).sort((a, b) => a - b);
    const missing = [...sentAt.keys()].filter((no) => !arrivedAt.has(no));
    // Where the time goes: response → relay published the outbox row → planner wrote the notification → sandbox.
    const nos = list.map((c) => c.caseNo);
    const stageRes = await db.execute(sql`
      select c.case_no as no, (extract(epoch from o.published_at) * 1000)::float8 as published,
             (extract(epoch from n.created_at) * 1000)::float8 as planned
      from cases c
      join outbox o on o.case_id = c.id and o.topic = 'case.dispatch'
      join notifications n on n.case_id = c.id and n.event = 'case.dispatch' and n.recipient_user_id is not null
      where c.case_no in (${sql.join(nos.map((no) => sql`${no}`), sql`, `)})`);
    const stages = { relay: [] as number[], plan: [] as number[], deliver: [] as number[] };
    for (const r of (stageRes as unknown as { rows: { no: string; published: number | null; planned: number | null }[] }).rows) {
      const sent = sentAt.get(r.no);
      const arrived = arrivedAt.get(r.no);
      if (sent === undefined || arrived === undefined || r.published == null || r.planned == null) continue;
      stages.relay.push(Number(r.published) - sent);
      stages.plan.push(Number(r.planned) - Number(r.published));
      stages.deliver.push(arrived - Number(r.planned));
    }
    return { label, count: list.length, connections, sentAt, httpMs, dispatchFailures, burstS, elu, latencies, missing, stages, baselineId };
  };
  // One at a time first, on a quiet system (the latency a single dispatch sees), then the burst.
  const phases = [];
  if (SINGLE > 0) phases.push(await phase('single', burst.slice(N), 1));
  if (!interrupted) phases.push(await phase('burst', burst.slice(0, N), CONNECTIONS));
  if (interrupted) return 130;

  // --- relay throughput: K rows in one INSERT, timed until none is unpublished ---------------------
  const relayDeps: RelayDeps = {
    feed: pgOutboxFeed({ db, kind: dbKind, close: async () => undefined }),
    queues: booted.notifier.queues,
    instance: booted.notifier.instance,
    sla: booted.deps.sla,
    clock: booted.deps.clock,
    logger: booted.deps.logger,
    failover: booted.deps.policy.notifications.dutyFailover,
  };
  const unpublished = async () => firstInt(await db.execute(sql`select count(*)::int as n from outbox where published_at is null`));
  const before = await unpublished(); // should be 0: the running relay caught up with the burst
  // case.submit has no route (config/notifications.json): the planner finds nobody, so this measures publishing.
  await db.execute(
    sql`insert into outbox (topic, case_id, payload, created_at)
        select 'case.submit', ${base.id}::uuid, jsonb_build_object('bench', g, 'version', 1), now() from generate_series(1, ${ROWS}::int) g`,
  );
  const r0 = performance.now();
  let ownCalls = 0;
  let ownRows = 0;
  let left = before + ROWS;
  const relayDeadline = Date.now() + WAIT_S * 1000;
  while (Date.now() < relayDeadline && !interrupted) {
    const n = await relayOnce(relayDeps);
    ownCalls++;
    ownRows += n;
    if (n === 0) {
      left = await unpublished(); // the running relay may still hold a batch
      if (left === 0) break;
      await sleep(10);
    }
  }
  const relayS = (performance.now() - r0) / 1000;
  if (interrupted) return 130;
  const relayed = left === 0;
  const rowsPerS = relayed ? ROWS / relayS : NaN;

  // --- report -------------------------------------------------------------------------------------------
  const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : 'n/a');
  const pair = (xs: number[]) => (xs.length ? `p50 ${ms(percentile(sortNum(xs), 50))} / p99 ${ms(percentile(sortNum(xs), 99))}` : 'n/a');
  const intOr = (v: number) => (Number.isFinite(v) ? String(Math.round(v)) : 'NaN');
  const lines: string[] = [];
  let failed = false;
  for (const f of phases) {
    const p = (q: number) => percentile(f.latencies, q);
    const table: [string, string][] = [
      [`${f.count} dispatches at c=${f.connections}: answered 200`, `${f.sentAt.size}/${f.count}`],
      ['dispatch burst', `${f.burstS.toFixed(2)} s (${(f.count / f.burstS).toFixed(1)} dispatch/s)`],
      ['dispatch HTTP p50 / p99', `${ms(percentile(sortNum(f.httpMs), 50))} / ${ms(percentile(sortNum(f.httpMs), 99))}`],
      ['commit → sandbox min', ms(f.latencies[0] ?? NaN)],
      ['commit → sandbox p50', ms(p(50))],
      ['commit → sandbox p90', ms(p(90))],
      ['commit → sandbox p99', ms(p(99))],
      ['commit → sandbox max', ms(f.latencies.at(-1) ?? NaN)],
      ['  response → outbox published', pair(f.stages.relay)],
      ['  published → notification planned', pair(f.stages.plan)],
      ['  planned → sandbox accepted', pair(f.stages.deliver)],
      ['API process event loop busy', `${(f.elu * 100).toFixed(0)} %`],
      ['delivered (oa_template)', `${f.latencies.length}/${f.count}${f.missing.length ? ` (${f.missing.length} missing after ${WAIT_S}s)` : ''}`],
    ];
    const w = Math.max(...table.map(([k]) => k.length));
    process.stdout.write('\n' + table.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n');
    lines.push(
      `bench: notify db=${dbKind} workers=${separate ? 'own-process' : 'in-api'} cores=${cores} cases=${f.count} c=${f.connections} ` +
        `p50=${intOr(p(50))} p99=${intOr(p(99))} delivered=${f.latencies.length}/${f.count} relay_rows_per_s=${relayed ? rowsPerS.toFixed(0) : 'NaN'}`,
    );
    if (f.dispatchFailures.length) {
      failed = true;
      process.stdout.write(`FAIL ${f.dispatchFailures.length} dispatches were not 200, e.g. ${f.dispatchFailures.slice(0, 3).join(' | ')}\n`);
    }
    if (f.missing.length) {
      failed = true;
      process.stdout.write(`FAIL ${f.missing.length} dispatched cases never reached the sandbox as an accepted oa_template message, e.g. ${f.missing.slice(0, 5).join(', ')}\n`);
      await explainMissing(booted, f.missing, oaOpenids, f.baselineId);
    }
  }
  process.stdout.write(`\nrelay  ${relayed ? `${ROWS} rows in ${relayS.toFixed(2)} s (bench loop: ${ownRows} rows in ${ownCalls} relayOnce calls), ${rowsPerS.toFixed(0)} rows/s` : `${left} of ${ROWS} rows still unpublished after ${WAIT_S}s`}\n\n`);
  process.stdout.write(
    `database: ${dbLabel}; cores: ${cores}; grid ${grid.orgNodeCode} (inspectors ${inspectors.map((i) => `${i.code}/${i.duty ?? '?'}`).join(', ')}), ` +
      `dispatcher ${dispatcherAccount.code}; latency = sandbox message time − dispatch response time (same process clock)\n`,
  );
  process.stdout.write(lines.join('\n') + '\n');
  if (!relayed) {
    failed = true;
    process.stdout.write(`FAIL the relay left ${left} outbox rows unpublished after ${WAIT_S}s\n`);
  }
  return failed ? 1 : 0;
}

/**
 * The workers in a process of their own, as `npm run start:worker` runs them: same database, Redis and
 * prefix, sending to this process's sandbox. Resolves once they are up.
 */
async function startWorkerProcess(databaseUrl: string, apiBases: { wechat: string; wecom: string; sms: string }): Promise<ChildProcess> {
  const tsx = path.resolve('node_modules', '.bin', 'tsx');
  const child = spawn(tsx, ['server/src/main.ts'], {
    env: {
      ...process.env, FINECITY_ROLE: 'worker', DATABASE_URL: databaseUrl, REDIS_URL, QUEUE_PREFIX: PREFIX, LOG_LEVEL: 'warn', DATA_DIR: path.join(tmp, 'worker'),
      WECHAT_API_BASE: apiBases.wechat, WECOM_API_BASE: apiBases.wecom, SMS_API_BASE: apiBases.sms,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (c: Buffer) => {
    log = (log + c.toString('utf8')).slice(-4000);
  };
  child.stderr!.on('data', keep);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker process did not start in 60 s: ${log}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      keep(c);
      if (log.includes('FineCity workers are running')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker process exited (${code}): ${log}`));
    });
  });
  child.removeAllListeners('exit');
  return child;
}

/** What happened to the cases whose message never arrived: their notifications, and what the sandbox refused. */
async function explainMissing(booted: Running, missing: string[], oaOpenids: Set<string>, afterId: number): Promise<void> {
  const some = missing.slice(0, 1000);
  const res = await booted.database.db.execute(sql`
    select n.status, coalesce(n.channel, '-') as channel, coalesce(n.last_error, '-') as last_error, count(*)::int as n
    from notifications n join cases c on c.id = n.case_id
    where c.case_no in (${sql.join(some.map((s) => sql`${s}`), sql`, `)}) and n.event = 'case.dispatch' and n.recipient_user_id is not null
    group by 1, 2, 3 order by 4 desc limit 10`);
  const rows = (res as unknown as { rows: { status: string; channel: string; last_error: string; n: number }[] }).rows;
  process.stdout.write(`  on-duty notifications of the missing cases: ${rows.length ? rows.map((r) => `${r.n}× ${r.status}/${r.channel} (${r.last_error})`).join('; ') : 'none planned'}\n`);
  const refused = booted.sandbox!.messages({ afterId, limit: 10_000 }).filter((m) => !m.accepted && (!m.recipient.oaOpenid || oaOpenids.has(m.recipient.oaOpenid)));
  if (refused.length) process.stdout.write(`  the sandbox refused ${refused.length} messages, e.g. ${refused.slice(0, 3).map((m) => `${m.channel} ${m.errcode} ${m.errmsg}`).join(' | ')}\n`);
  const unpublished = firstInt(await booted.database.db.execute(sql`select count(*)::int as n from outbox where published_at is null`));
  const counts = await booted.notifier.queues.notifications.getJobCounts('waiting', 'active', 'delayed', 'failed');
  process.stdout.write(`  outbox rows unpublished: ${unpublished}; notifications queue: ${JSON.stringify(counts)}\n`);
}

// ---- helpers -----------------------------------------------------------------------------------------

async function login(url: string, code: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/wechat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  if (res.status !== 200) throw new Error(`login ${code} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as LoginResponse).token;
}

/** POST a case action; `onResponse` gets the wall time the response (status and headers) arrived. */
async function action(url: string, token: string, id: string, name: string, onResponse?: (at: number) => void): Promise<{ status: number; body: string }> {
  const res = await fetch(`${url}/api/v1/cases/${id}/actions/${name}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(30_000),
  });
  onResponse?.(Date.now());
  return { status: res.status, body: await res.text() };
}

function sortNum(xs: number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** Nearest-rank percentile of an ascending list; NaN when empty. */
function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1))]!;
}

function firstInt(result: unknown): number {
  return Number((result as { rows: { n: number }[] }).rows[0]?.n ?? NaN);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** Deletes every key of this run's prefix (BullMQ queues, token cache, robot limiter): SCAN, never KEYS. */
async function dropPrefix(r: Redis): Promise<number> {
  let cursor = '0';
  let removed = 0;
  do {
    const [nextCursor, keys] = await r.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
    cursor = nextCursor;
    if (keys.length) removed += await r.del(...keys);
  } while (cursor !== '0');
  return removed;
}

async function cleanup(): Promise<void> {
  const steps: [string, () => Promise<void>][] = [
    ['stop the worker process', async () => {
      if (worker && worker.exitCode === null) {
        const gone = new Promise((r) => worker!.once('exit', r));
        worker.kill('SIGTERM');
        await Promise.race([gone, sleep(10_000)]);
      }
    }],
    ['close FineCity', async () => {
      if (running) await running.close();
    }],
    [`remove the Redis keys ${PREFIX}*`, async () => {
      if (redis?.status === 'ready') await dropPrefix(redis);
    }],
    ['close the Redis connection', async () => {
      if (redis) redis.disconnect();
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
      process.stderr.write(`notify-bench: cleanup: could not ${what}: ${(err as Error).message}\n`);
    }
  }
}

let code: number;
try {
  code = await main();
} catch (err) {
  process.stderr.write(`notify-bench failed: ${(err as Error)?.stack ?? err}\n`);
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
