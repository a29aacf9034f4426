import fs from 'node:fs';
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
  close(): Promise<void>;
}

/** Migrations live beside the server sources; located from the working dir (see stack notes on import.meta). */
export const MIGRATIONS_DIR = process.env.MIGRATIONS_DIR ?? path.resolve('server', 'drizzle');

export async function openPostgres(url: string, poolSize = 10, onIdleError: (err: Error) => void = defaultIdleError): Promise<Database> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection the server drops (restart, failover, an admin terminating it) is emitted on the
  // pool; unhandled, that one event would take the whole process down. The pool has already discarded
  // the client and opens a new one for the next query.
  pool.on('error', onIdleError);
  const db = drizzle(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
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
  };
}

function defaultIdleError(err: Error): void {
  process.stderr.write(`postgres: an idle connection failed and was discarded: ${err.message}\n`);
}

/**
 * PGlite is one serialized session with no guard on its data folder: two processes on one folder lose
 * writes (stack-notes-server §3). So the process that opens it takes an exclusive lock first, and a
 * second owner fails at once with a clear message.
 */
export async function openPglite(dataDir: string | null, opts: { loadDataDir?: Blob } = {}): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  let release: (() => Promise<void>) | null = null;
  if (dataDir) release = await lockDataDir(dataDir);
  try {
    const client = await PGlite.create(dataDir ? { dataDir, loadDataDir: opts.loadDataDir } : { loadDataDir: opts.loadDataDir });
    const db = drizzle(client, { schema }) as unknown as Db;
    return {
      db,
      kind: 'pglite',
      close: async () => {
        await client.close();
        if (release) await release();
      },
    };
  } catch (err) {
    if (release) await release();
    throw err;
  }
}

async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockfile = await import('proper-lockfile');
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    // stale: a lock not refreshed for 30 s (a killed process) is taken over.
    return await lockfile.lock(dataDir, { lockfilePath: `${dataDir}.lock`, stale: 30_000, update: 5_000, retries: 0 });
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

export async function migrate(database: Database): Promise<void> {
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
