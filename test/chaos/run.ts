// `npm run chaos -- [--minutes N] [--db pg|pglite] [--seed S] [--rate R] [--keep]`: issue 14's chaos run.
// pg: the production topology (test/topology: nginx, 2 API and 2 worker processes, PostgreSQL, Redis, the
// sandbox) under 10 reports/s and their follow-up actions, while seeded faults kill and restart its parts.
// pglite: the single `npm start` process on a data folder, killed with -9 mid-write and started again on it.
// Then every invariant is checked against the database, the photo folder and the sandbox's record, and the
// report is printed; the exit status is 1 if any invariant failed. See test/chaos/README.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startTopology, type Topology } from '../topology/topology.js';
import { chaosConfigDir } from './chaos-config.js';
import { postgresSql } from './db.js';
import { awaitOverdueWindow, DRAIN_MS, finish, LOAD_SHAPE, READY_CAP_MS, sampleLoad, settle, type RunOptions } from './common.js';
import { activeJobs, planFaults, readyWithin, timed, type FaultRecord, type Injected } from './faults.js';
import { checkAll } from './invariants.js';
import { startLoad } from './load.js';
import { runPglite } from './pglite-case.js';
import { seeded, type Rng } from './rng.js';
import { failWeChat, recordSandbox } from './sandbox-record.js';

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    db: { type: 'string', default: 'pg' },
    seed: { type: 'string' },
    rate: { type: 'string', default: '10' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
});

const started = Date.now();
const log = (line: string) => process.stdout.write(`[chaos ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);

async function runPostgres(o: RunOptions, rng: Rng): Promise<number> {
  const configDir = chaosConfigDir(o.runDir);
  const topo = await startTopology({
    runDir: path.join(o.runDir, 'topology'),
    apis: 2,
    workers: 2,
    // REDRIVE_AFTER_MS: notifications whose job a wiped Redis lost are queued again within the run's settling time.
    env: { CONFIG_DIR: configDir, REPORTS_PER_MINUTE: '1000000', LOG_LEVEL: 'warn', REDRIVE_AFTER_MS: '30000' },
    log: (l) => log(`topology: ${l}`),
  });
  try {
    return await underFire(o, rng, topo);
  } finally {
    await topo.stop();
  }
}

async function underFire(o: RunOptions, rng: Rng, topo: Topology): Promise<number> {
  const recorder = recordSandbox(() => topo.sandboxUrl);
  const loadAvg = sampleLoad();
  const load = await startLoad({ baseUrl: () => topo.url, rate: o.rate, rng: seeded(o.seed + 1), log, ...LOAD_SHAPE });
  const t0 = Date.now();
  const durationMs = o.minutes * 60_000;
  const plan = planFaults(rng, ['kill-api', 'kill-worker', 'restart-redis', 'wipe-redis', 'restart-postgres', 'wechat-30%'], durationMs);
  log(`faults planned (seed ${o.seed}): ${plan.map((p) => `${p.kind}@${Math.round(p.at / 1000)}s`).join(', ')}`);
  const faults: FaultRecord[] = [];
  const notes: Promise<void>[] = [];
  let redisWipedAt: number | null = null;
  for (const p of plan.sort((a, b) => a.at - b.at)) {
    const wait = t0 + p.at - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const { record: f, settled } = await timed(p.kind, t0, topo.url, () => inject(p.kind, topo, rng, (at) => (redisWipedAt = at)));
    log(`fault ${f.kind}: /readyz after ${f.readyMs ?? 'never'} ms; ${f.note}`);
    faults.push(f);
    notes.push(settled);
  }
  const rest = t0 + durationMs - Date.now();
  if (rest > 0) await new Promise((r) => setTimeout(r, rest));
  log(`load stops; draining retries and walks for up to ${DRAIN_MS / 1000} s`);
  await load.stop(DRAIN_MS);
  const sql = await postgresSql(topo.databaseUrl);
  try {
    await settle(log, async () => {
      const [r] = await sql.query<{ o: string; n: string }>(
        `select (select count(*) from outbox where published_at is null) as o, (select count(*) from notifications where status = 'pending') as n`,
      );
      return `${r!.o} outbox rows unpublished, ${r!.n} notifications pending`;
    });
    await awaitOverdueWindow(load.ledger, log);
    // The workers keep delivering (alerts fall due) while the record is read and checked: what they mark
    // sent from this moment on is counted apart.
    const recordClosedAt = Date.now();
    await recorder.stop();
    loadAvg.stop();
    await Promise.all(notes);
    const verdicts = await checkAll({
      sql, ledger: load.ledger, messages: recorder.messages, photoDir: topo.env.PHOTO_DIR ?? path.join(topo.dataDir, 'photos'),
      faults, now: Date.now(), recordClosedAt, redisWipedAt, readyCapMs: READY_CAP_MS,
    });
    return finish(o, 'PostgreSQL topology: 2 API + 2 worker processes behind nginx', faults, load, verdicts, loadAvg.samples, recorder);
  } finally {
    await sql.close();
  }
}

async function inject(kind: string, topo: Topology, rng: Rng, wiped: (at: number) => void): Promise<Injected> {
  const t0 = Date.now();
  switch (kind) {
    case 'kill-api': {
      const i = Math.floor(rng() * topo.apiUrls.length);
      await topo.killApi(i);
      const more = readyWithin(topo.apiUrls[i]!, 120_000, t0).then((own) => `its own /readyz after ${own === null ? 'never' : `${(own / 1000).toFixed(1)} s`} (restarted by the supervisor)`);
      return { note: `kill -9 api-${i}; nginx sends its traffic to the other`, more };
    }
    case 'kill-worker': {
      const i = Math.floor(rng() * (topo.pids().workers.length || 1));
      const prefix = topo.env.QUEUE_PREFIX ?? 'finecity';
      let active = await activeJobs(topo.redisUrl, prefix);
      for (let k = 0; active === 0 && k < 50; k++) {
        await new Promise((r) => setTimeout(r, 100));
        active = await activeJobs(topo.redisUrl, prefix);
      }
      await topo.killWorker(i);
      return { note: `kill -9 worker-${i} with ${active} job(s) active in the queues` };
    }
    case 'restart-redis':
      await topo.restartRedis();
      return { note: 'Redis stopped (SHUTDOWN, AOF kept) and started' };
    case 'wipe-redis':
      await topo.restartRedis({ wipe: true });
      wiped(Date.now());
      return { note: 'Redis stopped, its AOF deleted, started empty: timers, queues and robot windows lost' };
    case 'restart-postgres':
      await topo.restartPostgres();
      return { note: `pg_ctl stop -m immediate, then start (${((Date.now() - t0) / 1000).toFixed(1)} s)` };
    case 'wechat-30%':
      await failWeChat(topo.sandboxUrl, 30, 60_000);
      return { note: 'subscribe, template and robot sends fail 30 % (errcode -1) for 60 s' };
    default:
      throw new Error(`unknown fault ${kind}`);
  }
}

async function main(): Promise<number> {
  const minutes = Number(flags.minutes);
  const rate = Number(flags.rate);
  if (!(minutes > 0 && minutes <= 120)) throw new Error(`--minutes must be in (0, 120], got ${flags.minutes}`);
  if (!(rate > 0 && rate <= 200)) throw new Error(`--rate must be in (0, 200], got ${flags.rate}`);
  if (flags.db !== 'pg' && flags.db !== 'pglite') throw new Error(`--db must be pg or pglite, got ${flags.db}`);
  const seed = flags.seed !== undefined ? Number(flags.seed) : Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${flags.seed}`);
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-chaos-'));
  fs.chmodSync(runDir, 0o755);
  const o: RunOptions = { minutes, seed, rate, keep: flags.keep, runDir, log };
  log(`chaos: ${flags.db}, ${minutes} min, ${rate} reports/s, seed ${seed}; run dir ${runDir}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const rng = seeded(seed);
  let exit = 1;
  try {
    exit = flags.db === 'pg' ? await runPostgres(o, rng) : await runPglite(o, rng);
  } finally {
    if (exit === 0 && !o.keep) fs.rmSync(runDir, { recursive: true, force: true });
    else log(`run dir kept: ${runDir} (logs, report.txt)`);
  }
  log(`done in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
  return exit;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`chaos: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(2);
  },
);
