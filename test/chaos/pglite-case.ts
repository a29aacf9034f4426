import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { dropRedisPrefix } from '../load/db-admin.js';
import { freePort, REPO } from '../topology/topology.js';
import { chaosConfigDir } from './chaos-config.js';
import { awaitOverdueWindow, DRAIN_MS, finish, LOAD_SHAPE, READY_CAP_MS, sampleLoad, type RunOptions } from './common.js';
import { pgliteSql } from './db.js';
import { planFaults, readyWithin, type FaultRecord } from './faults.js';
import { checkAll } from './invariants.js';
import { startLoad } from './load.js';
import { seeded, type Rng } from './rng.js';
import { failWeChat, recordSandbox } from './sandbox-record.js';

/**
 * The PGlite crash case: one `npm start` process (`tsx server/src/main.ts`: API and workers, PGlite in
 * DATA_DIR) under the chaos load, killed with -9 while reports and actions are being written and started
 * again on the same folder. The sandbox runs as its own process, so its record outlives the kills.
 */
export async function runPglite(o: RunOptions, rng: Rng): Promise<number> {
  const configDir = chaosConfigDir(o.runDir);
  const dataDir = path.join(o.runDir, 'data');
  const logs = path.join(o.runDir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const [port, sandboxPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `fcchaos${crypto.randomBytes(4).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: undefined,
    DATABASE_URL: undefined,
    DATA_DIR: dataDir,
    PHOTO_DIR: path.join(dataDir, 'photos'),
    CONFIG_DIR: configDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    WECHAT_SANDBOX: 'true',
    WECHAT_SANDBOX_PORT: '0',
    WECHAT_API_BASE: sandboxUrl,
    WECOM_API_BASE: `${sandboxUrl}/qyapi`,
    SMS_API_BASE: sandboxUrl,
    REPORTS_PER_MINUTE: '1000000',
    REDRIVE_AFTER_MS: '30000',
    LOGIN_FAILURES_PER_ADDRESS: '1000000',
    SANDBOX_NEW_IDENTITIES_PER_HOUR: '1000000',
  };
  // `node --import tsx` rather than the tsx CLI: the CLI runs the server in a child, which a kill -9 of the CLI would orphan.
  const start = (script: string, name: string, extra: NodeJS.ProcessEnv = {}): ChildProcess => {
    const out = fs.openSync(path.join(logs, `${name}.log`), 'a');
    return spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO, env: { ...env, ...extra }, stdio: ['ignore', out, out] });
  };
  const sandbox = start('server/src/sandbox/main.ts', 'sandbox', { WECHAT_SANDBOX_PORT: String(sandboxPort) });
  const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
  // Supervised as systemd's Restart=always would: whenever it exits, it is started again 300 ms later.
  let stopping = false;
  let starts = 0;
  let server!: ChildProcess;
  const launch = () => {
    starts++;
    const me = start('server/src/main.ts', 'server');
    server = me;
    me.once('exit', () => setTimeout(() => !stopping && server === me && launch(), 300));
  };
  launch();
  try {
    if ((await readyWithin(url, 240_000)) === null) throw new Error(`the server did not become ready; see ${logs}/server.log`);
    o.log(`PGlite server ready on ${url} (data ${dataDir})`);
    const recorder = recordSandbox(() => sandboxUrl);
    const loadAvg = sampleLoad();
    const load = await startLoad({ baseUrl: () => url, rate: o.rate, rng: seeded(o.seed + 1), log: o.log, ...LOAD_SHAPE });
    const t0 = Date.now();
    const durationMs = o.minutes * 60_000;
    const kills = Math.max(2, Math.round(o.minutes / 2));
    const plan = planFaults(rng, [...Array.from({ length: kills }, () => 'kill-9 npm start'), 'wechat-30%'], durationMs).sort((a, b) => a.at - b.at);
    o.log(`faults planned (seed ${o.seed}): ${plan.map((p) => `${p.kind}@${Math.round(p.at / 1000)}s`).join(', ')}`);
    const faults: FaultRecord[] = [];
    for (const p of plan) {
      const wait = t0 + p.at - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const f0 = Date.now();
      let note: string;
      if (p.kind === 'wechat-30%') {
        await failWeChat(sandboxUrl, 30, 60_000);
        note = 'subscribe, template and robot sends fail 30 % (errcode -1) for 60 s';
      } else {
        const writes = load.reporter.counters.sent + load.staff.counters.sent;
        const before = starts;
        const killed = server;
        killed.kill('SIGKILL');
        await exited(killed);
        const readyMs = await readyWithin(url, 120_000, f0);
        note = `kill -9 with requests in flight (${writes} sent so far); started again on the same folder (${starts - before} start(s) until ready)`;
        faults.push({ kind: p.kind, at: Math.round((f0 - t0) / 1000), readyMs, note });
        o.log(`fault ${p.kind}: /readyz after ${readyMs ?? 'never'} ms; ${note}`);
        continue;
      }
      const readyMs = await readyWithin(url, 120_000, f0);
      faults.push({ kind: p.kind, at: Math.round((f0 - t0) / 1000), readyMs, note });
      o.log(`fault ${p.kind}: /readyz after ${readyMs ?? 'never'} ms`);
    }
    const rest = t0 + durationMs - Date.now();
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    o.log(`load stops; draining retries and walks for up to ${DRAIN_MS / 1000} s`);
    await load.stop(DRAIN_MS);
    await awaitOverdueWindow(load.ledger, o.log);
    // The database has one owner: the checks read it once the server has stopped. First let the workers
    // finish: quiet means no new sandbox message for 15 s (at most 120 s).
    await quiet(recorder.messages, 15_000, 120_000);
    const stoppedAt = Date.now();
    stopping = true;
    server.kill('SIGTERM');
    await exited(server);
    const recordClosedAt = Date.now();
    await recorder.stop();
    loadAvg.stop();
    const sql = await pgliteSql(path.join(dataDir, 'pglite'));
    try {
      const verdicts = await checkAll({
        sql, ledger: load.ledger, messages: recorder.messages, photoDir: path.join(dataDir, 'photos'),
        faults, now: stoppedAt, recordClosedAt, redisWipedAt: null, readyCapMs: READY_CAP_MS,
      });
      return finish(o, 'PGlite: one npm start process, killed -9 mid-write and restarted on its folder', faults, load, verdicts, loadAvg.samples, recorder);
    } finally {
      await sql.close();
    }
  } finally {
    stopping = true;
    server.kill('SIGTERM');
    sandbox.kill('SIGTERM');
    await Promise.all([exited(server), exited(sandbox)]);
    await dropRedisPrefix(redisUrl, prefix).catch(() => 0);
  }
}

async function quiet(messages: unknown[], quietMs: number, maxMs: number): Promise<void> {
  const end = Date.now() + maxMs;
  let n = messages.length;
  let since = Date.now();
  while (Date.now() < end && Date.now() - since < quietMs) {
    await new Promise((r) => setTimeout(r, 1000));
    if (messages.length !== n) {
      n = messages.length;
      since = Date.now();
    }
  }
}
