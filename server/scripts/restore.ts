// npm run restore -- <backup.tar>: restores an archive written by npm run backup into a fresh place, and never
// over data: PGlite mode needs an absent or empty data folder (DATA_DIR/pglite) and photo folder; PostgreSQL
// mode needs an empty database (DATABASE_URL: no table outside the system schemas) and an empty photo folder.
// It checks what it restored: the manifest's counts of cases, photos and events against the restored
// database, and every photo file's SHA-256.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { openPglite } from '../src/adapters/postgres/database.js';
import { BACKUP_FORMAT, COUNTS_TEXT, countsOf, listFiles, sha256File, type Manifest } from './backup.js';

const run = promisify(execFile);

export interface RestoreTarget {
  /** PGlite: the data folder to create (DATA_DIR/pglite). */
  pgliteDir?: string;
  /** PostgreSQL: an empty database. */
  databaseUrl?: string;
  photoDir: string;
}

function nonEmpty(dir: string): boolean {
  return fs.existsSync(dir) && fs.readdirSync(dir).length > 0;
}

async function userTables(url: string): Promise<number> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>(`
      select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm', 'S') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'`);
    return Number(r.rows[0]!.n);
  } finally {
    await c.end();
  }
}

async function countsIn(target: RestoreTarget): Promise<ReturnType<typeof countsOf>> {
  if (target.databaseUrl) {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: target.databaseUrl });
    await c.connect();
    try {
      return countsOf((await c.query(COUNTS_TEXT)).rows[0]);
    } finally {
      await c.end();
    }
  }
  const database = await openPglite(target.pgliteDir!);
  try {
    return countsOf((await database.db.execute(sql.raw(COUNTS_TEXT)) as unknown as { rows: Record<string, unknown>[] }).rows[0]);
  } finally {
    await database.close();
  }
}

/** Restores `archive` into `target`; returns the archive's manifest once every check passed. */
export async function restore(archive: string, target: RestoreTarget): Promise<Manifest> {
  if (!fs.existsSync(archive)) throw new Error(`${archive} does not exist`);
  const parent = path.dirname(path.resolve(target.photoDir));
  fs.mkdirSync(parent, { recursive: true });
  const stage = fs.mkdtempSync(path.join(parent, '.finecity-restore-'));
  try {
    await run('tar', ['-xf', path.resolve(archive), '-C', stage, '--no-same-owner']);
    const manifestFile = path.join(stage, 'manifest.json');
    if (!fs.existsSync(manifestFile)) throw new Error(`${archive} is not a FineCity backup (no manifest.json)`);
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
    if (manifest.format !== BACKUP_FORMAT || manifest.version !== 1) throw new Error(`${archive} is not a FineCity backup of a known version`);
    // Refuse before writing anything.
    if (manifest.mode === 'postgres' && !target.databaseUrl) throw new Error('this backup is of a PostgreSQL database: set DATABASE_URL to an empty database');
    if (manifest.mode === 'pglite' && !target.pgliteDir) throw new Error('this backup is of a PGlite data folder: unset DATABASE_URL and point DATA_DIR at a fresh folder');
    if (nonEmpty(target.photoDir)) throw new Error(`the photo folder ${target.photoDir} is not empty: restore into a fresh place`);
    if (target.databaseUrl) {
      const n = await userTables(target.databaseUrl);
      if (n > 0) throw new Error(`the database of DATABASE_URL is not empty (${n} tables, views or sequences): restore into a new, empty database (createdb)`);
    } else if (nonEmpty(target.pgliteDir!)) {
      throw new Error(`the data folder ${target.pgliteDir} is not empty: restore into a fresh DATA_DIR`);
    }
    // Photos: every file, checked against the manifest.
    for (const f of manifest.photoFiles) {
      const from = path.join(stage, 'photos', f.path);
      if (path.relative(path.join(stage, 'photos'), from).startsWith('..')) throw new Error(`bad photo path in the manifest: ${f.path}`);
      if (!fs.existsSync(from) || sha256File(from) !== f.sha256) throw new Error(`photo ${f.path} is missing or damaged in the archive`);
      const to = path.join(target.photoDir, f.path);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.renameSync(from, to);
    }
    fs.mkdirSync(target.photoDir, { recursive: true });
    // The database.
    const dump = path.join(stage, manifest.database);
    if (manifest.mode === 'postgres') {
      await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', '--dbname', target.databaseUrl!, dump], { maxBuffer: 64 * 1024 * 1024 });
    } else {
      const database = await openPglite(target.pgliteDir!, { loadDataDir: await fs.openAsBlob(dump) });
      await database.close();
    }
    const got = await countsIn(target);
    const want = manifest.counts;
    if (got.cases !== want.cases || got.photos !== want.photos || got.events !== want.events) {
      throw new Error(`restored counts differ from the manifest: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
    }
    if (listFiles(target.photoDir).length !== want.photoFiles) throw new Error('restored photo files differ from the manifest');
    return manifest;
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const archive = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (!archive) throw new Error('usage: npm run restore -- <backup.tar>   (into DATA_DIR, or DATABASE_URL, and PHOTO_DIR)');
  const { loadConfig } = await import('../src/config.js');
  const config = loadConfig();
  const manifest = await restore(archive, {
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { pgliteDir: path.join(config.dataDir, 'pglite') }),
    photoDir: config.photoDir,
  });
  const c = manifest.counts;
  process.stdout.write(`FineCity restored (${manifest.mode}) from the backup of ${manifest.createdAtBeijing} 北京时间: ${c.cases} cases, ${c.events} events, ${c.photos} photo rows, ${c.photoFiles} photo files\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err: unknown) => {
    process.stderr.write(`restore failed: ${(err as Error)?.message ?? err}\n`);
    process.exit(1);
  });
}
