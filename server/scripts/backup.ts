// npm run backup [-- --out <file.tar>]: one tar archive holding a consistent snapshot of the database and every
// photo file, with a manifest (time, mode, counts of cases, photos and events, each photo's SHA-256).
//
// PGlite (no DATABASE_URL): PGlite has exactly one owner process (README, "PGlite has exactly one owner"), so
// the backup runs with the server stopped: it takes the data folder's lock like `npm start` does (and stops at
// once with a clear message while the server holds it), dumps the folder with PGlite's dumpDataDir
// (https://pglite.dev/docs/api#dumpdatadir) and copies the photos, which nothing can change meanwhile.
// PostgreSQL (DATABASE_URL): online. A REPEATABLE READ transaction exports its snapshot, pg_dump (custom format)
// dumps exactly that snapshot (--snapshot, https://www.postgresql.org/docs/15/app-pgdump.html) and the manifest's
// counts are read in it too; the photo folder is listed after the dump, so every photo row in the dump has its
// file in the archive (a photo file is written before the row that names it commits).
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { openPglite, type Database } from '../src/adapters/postgres/database.js';
import { formatBeijing } from '../src/domain/shanghai-time.js';

const run = promisify(execFile);

export const BACKUP_FORMAT = 'finecity-backup';

export interface PhotoFile {
  /** Relative to the photo folder, with forward slashes (ab/cd/<uuid>.jpg). */
  path: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  version: 1;
  /** When the snapshot was taken (ISO 8601, UTC) and the same in Beijing time for people. */
  createdAt: string;
  createdAtBeijing: string;
  mode: 'pglite' | 'postgres';
  /** The database file inside the archive: database.tar.gz (PGlite data folder) or database.dump (pg_dump -Fc). */
  database: string;
  counts: { cases: number; photos: number; events: number; photoFiles: number };
  photoFiles: PhotoFile[];
}

export interface BackupSource {
  /** PGlite: an open database (a test's), or the data folder to open (the server must be stopped). */
  pglite?: { database: Database } | { dataDir: string };
  /** PostgreSQL: the connection URL. */
  databaseUrl?: string;
  photoDir: string;
  /** The archive to write (.tar). */
  out: string;
}

/** The manifest's counts, read in the snapshot that is dumped. */
export const COUNTS_TEXT = 'select (select count(*) from cases) as cases, (select count(*) from case_photos) as photos, (select count(*) from case_events) as events';

export function countsOf(row: Record<string, unknown> | undefined): { cases: number; photos: number; events: number } {
  return { cases: Number(row?.cases ?? 0), photos: Number(row?.photos ?? 0), events: Number(row?.events ?? 0) };
}

/** Every file under `root`, relative, sorted. */
export function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !e.name.includes('.tmp')) out.push(path.relative(root, p).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

export function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Copies the photos into the staging folder (a hard link when on the same file system) and describes each. */
function stagePhotos(photoDir: string, stage: string): PhotoFile[] {
  const out: PhotoFile[] = [];
  for (const rel of listFiles(photoDir)) {
    const from = path.join(photoDir, rel);
    const to = path.join(stage, 'photos', rel);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    try {
      fs.linkSync(from, to);
    } catch {
      fs.copyFileSync(from, to);
    }
    out.push({ path: rel, bytes: fs.statSync(to).size, sha256: sha256File(to) });
  }
  return out;
}

async function dumpPglite(source: NonNullable<BackupSource['pglite']>, stage: string): Promise<{ counts: ReturnType<typeof countsOf>; at: Date }> {
  let database: Database;
  let owned = false;
  if ('database' in source) database = source.database;
  else {
    try {
      database = await openPglite(source.dataDir);
      owned = true;
    } catch (err) {
      const msg = (err as Error).message;
      if (/already owned/.test(msg)) throw new Error(`${msg}\nnpm run backup on PGlite needs the server stopped: stop npm start, run the backup, start it again.`, { cause: err });
      throw err;
    }
  }
  try {
    const at = new Date();
    const counts = countsOf((await database.db.execute(sql.raw(COUNTS_TEXT)) as unknown as { rows: Record<string, unknown>[] }).rows[0]);
    const client = (database.db as unknown as { $client: { dumpDataDir(c?: 'auto' | 'gzip' | 'none'): Promise<Blob> } }).$client;
    const dump = await client.dumpDataDir('gzip');
    fs.writeFileSync(path.join(stage, 'database.tar.gz'), Buffer.from(await dump.arrayBuffer()));
    return { counts, at };
  } finally {
    if (owned) await database.close();
  }
}

async function dumpPostgres(url: string, stage: string): Promise<{ counts: ReturnType<typeof countsOf>; at: Date }> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('begin isolation level repeatable read read only');
    const snapshot = (await c.query<{ id: string }>('select pg_export_snapshot() as id')).rows[0]!.id;
    const at = new Date();
    const counts = countsOf((await c.query(COUNTS_TEXT)).rows[0]);
    await run('pg_dump', ['--format=custom', `--snapshot=${snapshot}`, '--no-owner', '--no-privileges', '--file', path.join(stage, 'database.dump'), url], { maxBuffer: 64 * 1024 * 1024 });
    await c.query('commit');
    return { counts, at };
  } finally {
    await c.end();
  }
}

/** Writes the archive; returns its manifest. */
export async function backup(src: BackupSource): Promise<Manifest> {
  const out = path.resolve(src.out);
  if (fs.existsSync(out)) throw new Error(`${out} exists already: choose a new file name (a backup never overwrites one)`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const stage = fs.mkdtempSync(path.join(path.dirname(out), '.finecity-backup-'));
  try {
    const mode = src.databaseUrl ? 'postgres' : 'pglite';
    const { counts, at } = src.databaseUrl ? await dumpPostgres(src.databaseUrl, stage) : await dumpPglite(src.pglite!, stage);
    // After the dump: every photo a dumped row names is on disk by now.
    const photoFiles = stagePhotos(src.photoDir, stage);
    const manifest: Manifest = {
      format: BACKUP_FORMAT, version: 1, createdAt: at.toISOString(), createdAtBeijing: formatBeijing(at), mode,
      database: mode === 'postgres' ? 'database.dump' : 'database.tar.gz',
      counts: { ...counts, photoFiles: photoFiles.length }, photoFiles,
    };
    fs.writeFileSync(path.join(stage, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const members = ['manifest.json', manifest.database, ...(photoFiles.length ? ['photos'] : [])];
    const tmp = `${out}.partial`;
    await run('tar', ['-cf', tmp, '-C', stage, ...members]);
    fs.renameSync(tmp, out);
    return manifest;
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

/** DATA_DIR/backups/finecity-<Beijing yyyymmddhhmm>.tar: beside the data, ignored by git (.data/); copy archives off the machine. */
function defaultName(dataDir: string): string {
  const t = formatBeijing(new Date()).replace(/[-: ]/g, '').slice(0, 12);
  return path.join(dataDir, 'backups', `finecity-${t}.tar`);
}

async function main(): Promise<void> {
  const { loadConfig } = await import('../src/config.js');
  const config = loadConfig();
  const i = process.argv.indexOf('--out');
  const out = i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : defaultName(config.dataDir);
  const manifest = await backup({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { pglite: { dataDir: path.join(config.dataDir, 'pglite') } }),
    photoDir: config.photoDir, out,
  });
  const c = manifest.counts;
  process.stdout.write(`FineCity backup (${manifest.mode}) written to ${path.resolve(out)}\n  ${manifest.createdAtBeijing} 北京时间: ${c.cases} cases, ${c.events} events, ${c.photos} photo rows, ${c.photoFiles} photo files\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err: unknown) => {
    process.stderr.write(`backup failed: ${(err as Error)?.message ?? err}\n`);
    process.exit(1);
  });
}
