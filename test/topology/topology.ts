import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Supervised } from './supervisor.js';

/**
 * FineCity's production topology on one machine (issue 14): a private PostgreSQL cluster (optionally with a
 * streaming replica), a private Redis with AOF and noeviction, the WeChat sandbox, N API processes and M
 * worker processes each restarted systemd-style when they die, and Debian's nginx in front of the API
 * processes with the site config of deploy/nginx/finecity.conf. Everything lives in one run directory;
 * nothing of the machine's own PostgreSQL, Redis or nginx is used.
 */
export interface TopologyOptions {
  runDir?: string;
  apis?: number;
  workers?: number;
  replica?: boolean;
  env?: Record<string, string>;
  log?: (line: string) => void;
}

export interface Topology {
  /** nginx front door, e.g. http://127.0.0.1:PORT */
  url: string;
  /** each API process directly */
  apiUrls: string[];
  databaseUrl: string;
  replicaUrl?: string;
  redisUrl: string;
  dataDir: string;
  runDir: string;
  /** the WeChat / WeCom / SMS sandbox every process talks to (its record and /sandbox/control/*) */
  sandboxUrl: string;
  /** the env given to the app processes */
  env: Record<string, string>;
  /** the current pid of each API and worker process (null while one is being restarted) */
  pids(): { apis: (number | null)[]; workers: (number | null)[] };
  /** how many times the supervisor restarted each API and worker process */
  restarts(): { apis: number[]; workers: number[] };
  /** kill -9; the supervisor restarts it */
  killApi(i: number): Promise<void>;
  /** kill -9; the supervisor restarts it */
  killWorker(i: number): Promise<void>;
  /** wipe: the AOF is deleted before Redis starts again (the data is lost) */
  restartRedis(opts?: { wipe?: boolean }): Promise<void>;
  /** pg_ctl -m immediate stop, then start */
  restartPostgres(): Promise<void>;
  /** polls url + '/readyz' until 200; returns ms waited */
  waitReady(timeoutMs?: number): Promise<number>;
  /** stops everything cleanly; removes the run dir only if it created a temporary one */
  stop(): Promise<void>;
}

const exec = promisify(execFile);
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The H5 build (miniprogram/scripts/ensure-build.mjs writes it; server/src/http/static.ts serves it too). */
export const H5_ROOT = path.join(REPO, 'miniprogram', 'dist-h5');
const NGINX_SITE = path.join(REPO, 'deploy', 'nginx', 'finecity.conf');
const REDIS_CONF = path.join(REPO, 'deploy', 'redis', 'finecity.conf');
const PG_CONF = path.join(REPO, 'deploy', 'postgresql', 'finecity.conf');
const PGBIN = process.env.PGBIN ?? newestPgBin();
/** Debian's nginx lives in /usr/sbin, which is not on every user's PATH. */
const NGINX = process.env.NGINX ?? (fs.existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx');

function newestPgBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  return path.join(base, versions[0] ?? '15', 'bin');
}

/** A port nobody listens on right now (the kernel's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** PostgreSQL refuses to run as root: its commands run as the postgres user (as .ci/run does). */
async function asPostgres(cmd: string): Promise<string> {
  const r = process.getuid?.() === 0 ? await exec('su', ['postgres', '-s', '/bin/sh', '-c', cmd]) : await exec('/bin/sh', ['-c', cmd]);
  return r.stdout;
}

async function chownPostgres(p: string): Promise<void> {
  if (process.getuid?.() === 0) await exec('chown', ['-R', 'postgres:postgres', p]);
}

/** Renders deploy/nginx/finecity.conf: the placeholders its header documents, nothing else. */
export function renderNginxSite(o: { apiPorts: number[]; listen: string; serverName: string; h5Root: string }): string {
  const values: Record<string, string> = {
    API_SERVERS: o.apiPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n').trimStart(),
    LISTEN: o.listen,
    SERVER_NAME: o.serverName,
    H5_ROOT: o.h5Root,
  };
  // Comment lines (the header documents the placeholders) stay as they are.
  return fs
    .readFileSync(NGINX_SITE, 'utf8')
    .split('\n')
    .map((line) => {
      if (/^\s*#/.test(line)) return line;
      return line.replace(/@([A-Z0-9_]+)@/g, (m: string, name: string) => {
        const v = values[name];
        if (v === undefined) throw new Error(`deploy/nginx/finecity.conf: unknown placeholder ${m}`);
        return v;
      });
    })
    .join('\n');
}

/** The main nginx.conf around the site, as Debian's /etc/nginx/nginx.conf includes sites-enabled/*, with every path in the run dir. */
function nginxMain(dir: string, site: string): string {
  return `# Rendered by test/topology/topology.ts: Debian's nginx.conf reduced to what the site needs, paths in the run dir.
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log ${dir}/access.log;
    client_body_temp_path ${dir}/tmp/body;
    proxy_temp_path ${dir}/tmp/proxy;
    fastcgi_temp_path ${dir}/tmp/fastcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi;
    scgi_temp_path ${dir}/tmp/scgi;
    include ${site};
}
`;
}

async function httpStatus(url: string, timeoutMs = 2000): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

async function waitFor(what: string, ok: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await ok()) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await sleep(100);
  }
}

interface PgNode {
  dir: string;
  port: number;
  log: string;
}

async function pgStart(n: PgNode, sockDir: string): Promise<void> {
  const opts = `-p ${n.port} -k ${sockDir} -c listen_addresses=127.0.0.1`;
  await asPostgres(`${PGBIN}/pg_ctl -D ${shq(n.dir)} -l ${shq(n.log)} -w -t 60 start -o ${shq(opts)}`);
}

async function pgStop(n: PgNode, mode: 'fast' | 'immediate'): Promise<void> {
  await asPostgres(`${PGBIN}/pg_ctl -D ${shq(n.dir)} -m ${mode} -w -t 60 stop`).catch(() => undefined);
}

/**
 * The topology's own overrides after deploy/postgresql/finecity.conf: memory for a shared test machine, and
 * fsync off — a killed PostgreSQL (restartPostgres) keeps every committed transaction anyway, because the WAL
 * is written to the kernel at each commit (synchronous_commit stays on); fsync only guards against the whole
 * machine losing power, which no test here does.
 */
const PG_TOPOLOGY_OVERRIDES = `
# --- test/topology: one shared test machine ---
shared_buffers = 128MB
effective_cache_size = 512MB
maintenance_work_mem = 64MB
wal_keep_size = 256MB
fsync = off
log_min_duration_statement = -1
log_checkpoints = off
`;

async function startPostgres(runDir: string, replica: boolean, log: (l: string) => void): Promise<{ primary: PgNode; standby: PgNode | null; sockDir: string }> {
  const sockDir = path.join(runDir, 'pgsock');
  fs.mkdirSync(sockDir, { recursive: true });
  await chownPostgres(sockDir);
  const primary: PgNode = { dir: path.join(runDir, 'pg'), port: await freePort(), log: path.join(runDir, 'logs', 'postgres.log') };
  // A run dir used before (--run-dir) keeps its clusters: they are started again as they are.
  const existing = fs.existsSync(path.join(primary.dir, 'PG_VERSION'));
  fs.mkdirSync(primary.dir, { recursive: true });
  if (!fs.existsSync(primary.log)) fs.writeFileSync(primary.log, '');
  await chownPostgres(primary.dir);
  await chownPostgres(primary.log);
  const t0 = Date.now();
  if (!existing) {
    await asPostgres(`${PGBIN}/initdb -D ${shq(primary.dir)} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null`);
    fs.appendFileSync(path.join(primary.dir, 'postgresql.conf'), `\ninclude '${PG_CONF}'\n${PG_TOPOLOGY_OVERRIDES}`);
  }
  await pgStart(primary, sockDir);
  log(`postgres primary on ${primary.port} (${Date.now() - t0} ms)`);
  if (!replica) return { primary, standby: null, sockDir };
  const standby: PgNode = { dir: path.join(runDir, 'pg-replica'), port: await freePort(), log: path.join(runDir, 'logs', 'postgres-replica.log') };
  if (!fs.existsSync(standby.log)) fs.writeFileSync(standby.log, '');
  await chownPostgres(standby.log);
  const t1 = Date.now();
  if (!fs.existsSync(path.join(standby.dir, 'PG_VERSION'))) {
    fs.rmSync(standby.dir, { recursive: true, force: true });
    fs.mkdirSync(standby.dir, { mode: 0o700 });
    await chownPostgres(standby.dir);
    // -R writes standby.signal and primary_conninfo: a real streaming replica (https://www.postgresql.org/docs/current/app-pgbasebackup.html).
    await asPostgres(`${PGBIN}/pg_basebackup -h 127.0.0.1 -p ${primary.port} -U postgres -D ${shq(standby.dir)} -R -X stream -c fast`);
  } else {
    // The primary has a new port this time: point the standby at it (pg_basebackup -R wrote the old one).
    const auto = path.join(standby.dir, 'postgresql.auto.conf');
    fs.writeFileSync(auto, fs.readFileSync(auto, 'utf8').replace(/port=\d+/, `port=${primary.port}`));
  }
  await pgStart(standby, sockDir);
  log(`postgres streaming replica on ${standby.port} (${Date.now() - t1} ms)`);
  return { primary, standby, sockDir };
}

class RedisProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  constructor(readonly port: number, readonly dir: string, private readonly logFile: string) {}

  async start(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    // The committed config first; the command line then overrides only where this run's files and port are.
    const child = spawn('redis-server', [REDIS_CONF, '--port', String(this.port), '--dir', this.dir, '--logfile', this.logFile, '--daemonize', 'no', '--maxmemory', '256mb'], { stdio: 'ignore', detached: true });
    this.child = child;
    this.exited = new Promise((r) => child.once('exit', () => r()));
    await waitFor('redis', async () => (await exec('redis-cli', ['-p', String(this.port), 'ping']).catch(() => ({ stdout: '' }))).stdout.trim() === 'PONG', 15_000);
  }

  /** SIGTERM: Redis fsyncs the AOF and exits (SHUTDOWN); `hard`: SIGKILL, as a crash. */
  async stop(hard = false): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = this.exited;
    child.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
    this.child = null;
  }

  wipe(): void {
    for (const f of fs.readdirSync(this.dir)) fs.rmSync(path.join(this.dir, f), { recursive: true, force: true });
  }
}

export async function startTopology(opts: TopologyOptions = {}): Promise<Topology> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`[topology] ${line}\n`));
  const apis = opts.apis ?? 2;
  const workers = opts.workers ?? 2;
  const ownDir = !opts.runDir;
  const runDir = path.resolve(opts.runDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-topology-')));
  fs.mkdirSync(path.join(runDir, 'logs'), { recursive: true });
  // The postgres user and nginx's workers (nobody) must reach their files inside.
  fs.chmodSync(runDir, 0o755);
  fs.chmodSync(path.join(runDir, 'logs'), 0o777);
  const t0 = Date.now();
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const s of stops.splice(0).reverse()) await s().catch((err: unknown) => log(`stop: ${(err as Error).message}`));
  };
  try {
    const pg = await startPostgres(runDir, !!opts.replica, log);
    stops.push(async () => {
      if (pg.standby) await pgStop(pg.standby, 'fast');
      await pgStop(pg.primary, 'fast');
    });
    const databaseUrl = `postgres://postgres@127.0.0.1:${pg.primary.port}/postgres`;
    const replicaUrl = pg.standby ? `postgres://postgres@127.0.0.1:${pg.standby.port}/postgres` : undefined;

    const redis = new RedisProcess(await freePort(), path.join(runDir, 'redis'), path.join(runDir, 'logs', 'redis.log'));
    await redis.start();
    stops.push(() => redis.stop());
    const redisUrl = `redis://127.0.0.1:${redis.port}`;
    log(`redis on ${redis.port} (appendonly, noeviction)`);

    const dataDir = path.join(runDir, 'data');
    fs.mkdirSync(path.join(dataDir, 'photos'), { recursive: true });
    const sandboxPort = await freePort();
    const apiPorts = await Promise.all(Array.from({ length: apis }, () => freePort()));
    const nginxPort = await freePort();
    const url = `http://127.0.0.1:${nginxPort}`;
    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      ...(replicaUrl ? { DATABASE_REPLICA_URL: replicaUrl } : {}),
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: 'finecity-topology',
      DATA_DIR: dataDir,
      PHOTO_DIR: path.join(dataDir, 'photos'),
      CONFIG_DIR: path.join(REPO, 'config'),
      MIGRATIONS_DIR: path.join(REPO, 'server', 'drizzle'),
      // One sandbox process plays WeChat, WeCom and SMS for every process, so its record and its tokens are
      // one; each API still runs its own in-process sandbox (boot.ts) on a port of its choosing, unused.
      WECHAT_SANDBOX: 'true',
      WECHAT_SANDBOX_PORT: String(sandboxPort),
      WECHAT_API_BASE: sandboxUrl,
      WECOM_API_BASE: `${sandboxUrl}/qyapi`,
      SMS_API_BASE: sandboxUrl,
      PUBLIC_BASE_URL: url,
      // Behind nginx: the client's address is the one nginx appended to X-Forwarded-For (as in production).
      TRUST_PROXY: 'true',
      // The simulated clients all run on this machine, one address: per-address limits would count them as one.
      PUBLIC_REQUESTS_PER_MINUTE: '1000000',
      LOGIN_FAILURES_PER_ADDRESS: '1000000',
      SANDBOX_NEW_IDENTITIES_PER_HOUR: '1000000',
      ...opts.env,
    };
    const base = { ...process.env, ...env };
    // Nothing of the caller's own setup leaks in: Jest's VM-modules flag, a replica of some other database.
    delete base.NODE_OPTIONS;
    if (!env.DATABASE_REPLICA_URL) delete base.DATABASE_REPLICA_URL;
    const node = (name: string, extra: Record<string, string>, script = 'server/src/main.ts'): Supervised =>
      new Supervised({
        name, command: process.execPath, args: ['--import', 'tsx', script], cwd: REPO, env: { ...base, ...extra },
        logFile: path.join(runDir, 'logs', `${name}.log`), restartMs: 300, log,
      });

    // The sandbox alone (server/src/sandbox/main.ts), supervised like the rest.
    const sandbox = node('sandbox', { WECHAT_SANDBOX_PORT: String(sandboxPort) }, 'server/src/sandbox/main.ts');
    sandbox.start();
    stops.push(() => sandbox.stop());
    await waitFor('sandbox', async () => (await httpStatus(`${sandboxUrl}/sandbox`)) === 200, 60_000);

    // The APIs and the workers start together on the fresh database: migrations and the seed take turns
    // under the schema lock (server/src/adapters/postgres/database.ts).
    const apiProcs = apiPorts.map((port, i) => node(`api-${i}`, { FINECITY_ROLE: 'api', PORT: String(port), WECHAT_SANDBOX_PORT: '0' }));
    const workerProcs = Array.from({ length: workers }, (_, i) => node(`worker-${i}`, { FINECITY_ROLE: 'worker' }));
    for (const p of [...apiProcs, ...workerProcs]) p.start();
    stops.push(async () => {
      await Promise.all([...apiProcs, ...workerProcs].map((p) => p.stop()));
    });
    const apiUrls = apiPorts.map((p) => `http://127.0.0.1:${p}`);

    const nginxDir = path.join(runDir, 'nginx');
    fs.mkdirSync(path.join(nginxDir, 'tmp'), { recursive: true });
    const site = path.join(nginxDir, 'finecity.conf');
    fs.writeFileSync(site, renderNginxSite({ apiPorts, listen: `127.0.0.1:${nginxPort}`, serverName: 'localhost', h5Root: H5_ROOT }));
    const main = path.join(nginxDir, 'nginx.conf');
    fs.writeFileSync(main, nginxMain(nginxDir, site));
    if (!fs.existsSync(path.join(H5_ROOT, 'index.html'))) log(`no H5 build in ${H5_ROOT}: nginx passes / to the API (npm run build:h5 makes it)`);
    await exec(NGINX, ['-t', '-q', '-p', nginxDir, '-c', main]);
    const nginx = new Supervised({ name: 'nginx', command: NGINX, args: ['-p', nginxDir, '-c', main, '-g', 'daemon off;'], cwd: nginxDir, env: process.env, logFile: path.join(runDir, 'logs', 'nginx.log'), restartMs: 300, log });
    nginx.start();
    stops.push(() => nginx.stop());

    const ready = async (u: string) => (await httpStatus(`${u}/readyz`)) === 200;
    await Promise.all(apiUrls.map((u, i) => waitFor(`api-${i}`, () => ready(u), 120_000)));
    const waitReady = (timeoutMs = 30_000) => waitFor('front door', () => ready(url), timeoutMs);
    await waitReady(30_000);
    log(`ready in ${Date.now() - t0} ms: ${url} → ${apis} API, ${workers} workers`);

    return {
      url, apiUrls, databaseUrl, replicaUrl, redisUrl, dataDir, runDir, sandboxUrl, env,
      pids: () => ({ apis: apiProcs.map((p) => p.pid), workers: workerProcs.map((p) => p.pid) }),
      restarts: () => ({ apis: apiProcs.map((p) => p.restarts), workers: workerProcs.map((p) => p.restarts) }),
      killApi: (i) => apiProcs[i]!.kill(),
      killWorker: (i) => workerProcs[i]!.kill(),
      async restartRedis(o = {}) {
        await redis.stop();
        if (o.wipe) redis.wipe();
        await redis.start();
        log(`redis restarted${o.wipe ? ' with its data wiped' : ''}`);
      },
      async restartPostgres() {
        await pgStop(pg.primary, 'immediate');
        await pgStart(pg.primary, pg.sockDir);
        log('postgres primary restarted after an immediate shutdown');
      },
      waitReady,
      async stop() {
        const t = Date.now();
        await stopAll();
        if (ownDir) fs.rmSync(runDir, { recursive: true, force: true });
        log(`stopped in ${Date.now() - t} ms`);
      },
    };
  } catch (err) {
    log(`start failed: ${(err as Error).message}; logs in ${path.join(runDir, 'logs')}`);
    await stopAll();
    throw err;
  }
}
