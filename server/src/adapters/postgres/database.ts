import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** The drizzle database, the same type on PGlite and node-postgres. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** SQL statements sent so far; present only when counting was asked for (see countStatements). */
  readonly statements?: number;
  /**
   * PostgreSQL only: runs `fn` while holding FineCity's schema lock (an advisory lock taken by a connection of
   * its own, outside the pool), so that processes starting together against one fresh database migrate and
   * seed one after another. Use exclusively(), which also covers PGlite (one owner: nothing to lock).
   */
  exclusive?<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

let countNext = false;
const counted: Database[] = [];

/**
 * Opt-in statement counting, for the bench: every database opened after this call counts the SQL
 * statements it sends (`database.statements`) and is listed by countedDatabases(). Off unless called,
 * and then nothing changes. Counted: each statement drizzle sends (its logger sees every query,
 * including BEGIN, COMMIT, ROLLBACK and SAVEPOINT on node-postgres), plus on PGlite the BEGIN and
 * COMMIT/ROLLBACK that PGlite's own transaction() sends. Not counted: anything sent around drizzle,
 * straight on the pg pool or the PGlite client.
 */
export function countStatements(): void {
  countNext = true;
}

/** The databases opened since countStatements(), in order. */
export function countedDatabases(): readonly Database[] {
  return counted;
}

interface StatementCounter {
  n: number;
  logger: { logQuery(query: string, params: unknown[]): void };
}

function statementCounter(): StatementCounter | null {
  if (!countNext) return null;
  const c: StatementCounter = { n: 0, logger: { logQuery: () => void c.n++ } };
  return c;
}

function counting(database: Database, counter: StatementCounter | null): Database {
  if (!counter) return database;
  Object.defineProperty(database, 'statements', { get: () => counter.n, enumerable: true });
  counted.push(database);
  return database;
}

/** Migrations live beside the server sources; located from the working dir (see stack notes on import.meta). */
export const MIGRATIONS_DIR = process.env.MIGRATIONS_DIR ?? path.resolve('server', 'drizzle');

/**
 * The database the configuration names: the PostgreSQL server of DATABASE_URL, else the embedded PGlite folder
 * under DATA_DIR (as `npm start`, the workers and the command-line scripts open it).
 */
export async function openConfigured(config: { databaseUrl: string | null | undefined; dataDir: string }, poolSize = 10, onIdleError?: (err: Error) => void): Promise<Database> {
  return config.databaseUrl ? openPostgres(config.databaseUrl, poolSize, onIdleError) : openPglite(path.join(config.dataDir, 'pglite'));
}

export async function openPostgres(url: string, poolSize = 10, onIdleError: (err: Error) => void = defaultIdleError): Promise<Database> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection the server drops (restart, failover, an admin terminating it) is emitted on the
  // pool; unhandled, that one event would take the whole process down. The pool has already discarded
  // the client and opens a new one for the next query.
  pool.on('error', onIdleError);
  // The pool listens only while a connection is idle: one checked out when the server goes away (an immediate
  // shutdown mid-query) may still emit 'error' after its query failed, with no listener, and that took a worker
  // down in the chaos run (https://github.com/brianc/node-postgres/issues/2439). Each connection gets one for life.
  pool.on('connect', (client) => client.on('error', onIdleError));
  const counter = statementCounter();
  const db = drizzle(pool, { schema, ...(counter && { logger: counter.logger }) }) as unknown as Db;
  return counting({
    db,
    kind: 'postgres',
    exclusive: async (fn) => {
      // A transaction-level lock held by a connection of its own, its transaction left open while `fn` runs on
      // the pool: released at COMMIT, or when the session dies with this process. A transaction, not a session
      // lock, so that it also holds (and is let go) behind PgBouncer in transaction mode
      // (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS, https://www.pgbouncer.org/features.html).
      const client = new pg.Client({ connectionString: url });
      client.on('error', onIdleError);
      await client.connect();
      try {
        await client.query('begin');
        // This session waits idle in its transaction while the migrations run: exempt it from the server's timeout.
        await client.query('set local idle_in_transaction_session_timeout = 0');
        await client.query(`select pg_advisory_xact_lock(hashtext('finecity:schema'))`);
        const out = await fn();
        await client.query('commit');
        return out;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    close: async () => {
      // pool.end() resolves once its clients are *asked* to end, before their sockets close; wait for
      // each 'remove' (socket closed) so a caller that drops the database next finds no session left.
      const open = pool.totalCount;
      let removed = 0;
      const gone = new Promise<void>((resolve) => {
        if (open === 0) resolve();
        pool.on('remove', () => {
          if (++removed >= open) resolve();
        });
      });
      await pool.end();
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    },
  }, counter);
}

function defaultIdleError(err: Error): void {
  process.stderr.write(`postgres: an idle connection failed and was discarded: ${err.message}\n`);
}

/**
 * PGlite is one serialized session with no guard on its data folder: two processes on one folder lose
 * writes (PGlite is a single-connection database: https://pglite.dev/docs/pglite-socket). So the process that opens it takes an exclusive lock first, and a
 * second owner fails at once with a clear message.
 */
export async function openPglite(dataDir: string | null, opts: { loadDataDir?: Blob } = {}): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { fastPglite } = await import('./pglite-client.js');
  let release: (() => Promise<void>) | null = null;
  if (dataDir) release = await lockDataDir(dataDir);
  try {
    const client = await PGlite.create(dataDir ? { dataDir, loadDataDir: opts.loadDataDir } : { loadDataDir: opts.loadDataDir });
    const counter = statementCounter();
    const db = drizzle(fastPglite(client), { schema, ...(counter && { logger: counter.logger }) }) as unknown as Db;
    if (counter) {
      // drizzle hands PGlite transactions to client.transaction(), which sends BEGIN and COMMIT (or
      // ROLLBACK) itself, unseen by drizzle's logger: count those two here.
      const transaction = db.transaction.bind(db);
      db.transaction = (async (fn, config) => {
        counter.n++;
        try {
          return await transaction(fn, config);
        } finally {
          counter.n++;
        }
      }) as Db['transaction'];
    }
    return counting({
      db,
      kind: 'pglite',
      close: async () => {
        await client.close();
        if (release) await release();
      },
    }, counter);
  } catch (err) {
    if (release) await release();
    throw err;
  }
}

async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockfile = await import('proper-lockfile');
  fs.mkdirSync(dataDir, { recursive: true });
  const lockfilePath = `${dataDir}.lock`;
  const ownerFile = `${dataDir}.owner`;
  // A lock whose owner died on this host (kill -9, OOM) is aged so that the stale takeover below applies at
  // once: a supervisor restarting the process (systemd Restart=always) is not refused for the next 30 s.
  if (ownerIsGone(ownerFile)) await fs.promises.utimes(lockfilePath, new Date(0), new Date(0)).catch(() => undefined);
  try {
    // stale: a lock not refreshed for 30 s (a killed process on another host, or a reused pid) is taken over.
    const release = await lockfile.lock(dataDir, { lockfilePath, stale: 30_000, update: 5_000, retries: 0 });
    fs.writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, host: os.hostname() }));
    return release;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOCKED') {
      throw new Error(
        `The embedded database in ${dataDir} is already owned by another FineCity process. ` +
          'PGlite allows exactly one owner: stop the other process, or set DATABASE_URL to use a PostgreSQL server.',
        { cause: err },
      );
    }
    throw err;
  }
}

/** The lock's last owner ran on this host and its pid is gone (signal 0: ESRCH). Unknown or unreadable: not gone. */
function ownerIsGone(ownerFile: string): boolean {
  try {
    const o = JSON.parse(fs.readFileSync(ownerFile, 'utf8')) as { pid?: unknown; host?: unknown };
    if (o.host !== os.hostname() || typeof o.pid !== 'number' || o.pid === process.pid || !fs.existsSync(ownerFile.replace(/\.owner$/, '.lock'))) return false;
    process.kill(o.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Runs `fn` under the schema lock on PostgreSQL (see Database.exclusive); on PGlite, simply runs it. */
export async function exclusively<T>(database: Database, fn: () => Promise<T>): Promise<T> {
  return database.exclusive ? database.exclusive(fn) : fn();
}

/**
 * Applies the pending migrations. drizzle's migrator takes no lock of its own, so two processes booting at once
 * on a fresh PostgreSQL database would both apply the first migration and one would fail: hold the schema lock.
 */
export async function migrate(database: Database): Promise<void> {
  return exclusively(database, () => applyMigrations(database));
}

async function applyMigrations(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    const { migrate: run } = await import('drizzle-orm/pglite/migrator');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await run(database.db as any, { migrationsFolder: MIGRATIONS_DIR });
  } else {
    const { migrate: run } = await import('drizzle-orm/node-postgres/migrator');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await run(database.db as any, { migrationsFolder: MIGRATIONS_DIR });
  }
}
