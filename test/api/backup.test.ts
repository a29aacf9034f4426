// npm run backup / npm run restore (server/scripts/backup.ts, restore.ts): cases with photos and events are backed
// up, restored into a fresh place (a new PGlite data folder, or a new empty PostgreSQL database), and every case,
// photo row, photo file (same bytes) and event is found there; restoring over data is refused.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import lockfile from 'proper-lockfile';
import { asc, sql } from 'drizzle-orm';
import { openPglite, openPostgres, type Database } from '../../server/src/adapters/postgres/database.js';
import { caseEvents, casePhotos, cases } from '../../server/src/adapters/postgres/schema.js';
import { backup, listFiles } from '../../server/scripts/backup.js';
import { restore } from '../../server/scripts/restore.js';
import { startHarness, type Harness } from '../support/harness.js';
import { readTemplateInfo, withDatabase } from '../support/template.js';
import { actOk, as, pick, reportOk } from '../support/flows.js';

let h: Harness;
let work: string;
const created: string[] = [];
const serverUrl = readTemplateInfo().serverUrl ?? null;

beforeAll(async () => {
  h = await startHarness();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-backup-test-'));
  const resident = await as(h, pick(h, 'resident'));
  const grid = pick(h, 'inspector');
  const dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
  for (let i = 0; i < 3; i++) {
    const c = await reportOk(h, resident, { lat: grid.lat!, lng: grid.lng!, description: `备份测试 ${i}` });
    created.push(c.id);
    if (i > 0) await actOk(h, dispatcher, c.id, 'register');
    if (i > 1) await actOk(h, dispatcher, c.id, 'dispatch', {});
  }
});
afterAll(async () => {
  await h?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function snapshotOf(db: Database['db']) {
  return {
    cases: await db.select().from(cases).orderBy(asc(cases.id)),
    photos: await db.select().from(casePhotos).orderBy(asc(casePhotos.id)),
    events: await db.select().from(caseEvents).orderBy(asc(caseEvents.id)),
  };
}

const bytes = (dir: string) => Object.fromEntries(listFiles(dir).map((f) => [f, crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')]));

describe('backup and restore', () => {
  it('restores every case, photo (same bytes) and event into a fresh place, and refuses to restore over data', async () => {
    const kind = h.database.kind;
    const dbName = kind === 'postgres' ? ((await h.database.db.execute(sql`select current_database() as n`)) as unknown as { rows: { n: string }[] }).rows[0]!.n : null;
    const archive = path.join(work, 'finecity.tar');
    const manifest = await backup({
      ...(kind === 'postgres' ? { databaseUrl: withDatabase(serverUrl!, dbName!) } : { pglite: { database: h.database } }),
      photoDir: h.photoDir, out: archive,
    });
    const before = await snapshotOf(h.database.db);
    // The test's own cases are there, with their photos (full and thumbnail files) and events.
    expect(before.cases.map((c) => c.id)).toEqual(expect.arrayContaining(created));
    const ours = before.photos.filter((p) => created.includes(p.caseId));
    expect(ours.length).toBeGreaterThanOrEqual(3);
    expect(before.events.filter((e) => created.includes(e.caseId)).length).toBeGreaterThanOrEqual(created.length + 3);
    expect(manifest.mode).toBe(kind);
    expect(manifest.counts).toEqual({ cases: before.cases.length, photos: before.photos.length, events: before.events.length, photoFiles: listFiles(h.photoDir).length });
    expect(listFiles(h.photoDir).length).toBe(before.photos.length * 2); // <id>.jpg and <id>.thumb.webp
    expect([fs.existsSync(archive), fs.existsSync(`${archive}.partial`)]).toEqual([true, false]);

    // A backup never overwrites an archive.
    await expect(backup({ pglite: { database: h.database }, photoDir: h.photoDir, out: archive })).rejects.toThrow(/exists already/);

    const photoDir = path.join(work, 'restored-photos');
    const pgliteDir = path.join(work, 'restored-data', 'pglite');
    let target: { databaseUrl: string } | { pgliteDir: string };
    let dropTarget = async (): Promise<void> => {};
    if (kind === 'postgres') {
      const name = `finecity_restore_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
      const { default: pg } = await import('pg');
      const admin = new pg.Client({ connectionString: serverUrl! });
      await admin.connect();
      await admin.query(`create database "${name}"`);
      await admin.end();
      target = { databaseUrl: withDatabase(serverUrl!, name) };
      dropTarget = async () => {
        const a = new pg.Client({ connectionString: serverUrl! });
        await a.connect();
        await a.query(`drop database if exists "${name}" with (force)`);
        await a.end();
      };
    } else target = { pgliteDir };
    try {
      const restored = await restore(archive, { ...target, photoDir });
      expect(restored.counts).toEqual(manifest.counts);
      const database = 'databaseUrl' in target ? await openPostgres(target.databaseUrl, 2) : await openPglite(target.pgliteDir);
      try {
        const after = await snapshotOf(database.db);
        expect(after.cases).toEqual(before.cases);
        expect(after.photos).toEqual(before.photos);
        expect(after.events).toEqual(before.events);
      } finally {
        await database.close();
      }
      expect(bytes(photoDir)).toEqual(bytes(h.photoDir));
      for (const p of ours) expect(fs.readFileSync(path.join(photoDir, p.id.slice(0, 2), p.id.slice(2, 4), `${p.id}.jpg`)).equals(fs.readFileSync(path.join(h.photoDir, p.id.slice(0, 2), p.id.slice(2, 4), `${p.id}.jpg`)))).toBe(true);

      // Restoring again over what is now there is refused, and writes nothing.
      const emptyPhotos = path.join(work, 'empty-photos');
      await expect(restore(archive, { ...target, photoDir: emptyPhotos })).rejects.toThrow(/not empty/);
      await expect(restore(archive, { ...target, photoDir })).rejects.toThrow(/not empty/);
      expect(fs.existsSync(emptyPhotos) ? fs.readdirSync(emptyPhotos) : []).toEqual([]);
    } finally {
      await dropTarget();
    }
  });

  it('will not back up a PGlite data folder its server holds', async () => {
    // What npm start holds while it runs: the data folder's lock (adapters/postgres/database.ts, proper-lockfile).
    const dir = path.join(work, 'held', 'pglite');
    fs.mkdirSync(dir, { recursive: true });
    const release = await lockfile.lock(dir, { lockfilePath: `${dir}.lock` });
    try {
      await expect(backup({ pglite: { dataDir: dir }, photoDir: path.join(work, 'none'), out: path.join(work, 'held.tar') })).rejects.toThrow(/needs the server stopped/);
      expect(fs.existsSync(path.join(work, 'held.tar'))).toBe(false);
    } finally {
      await release();
    }
  });
});
