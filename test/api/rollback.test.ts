import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'drizzle-orm';
import type { CaseDto, SandboxAccount } from '@finecity/types';
import { smallJpeg } from '../support/fixtures.js';
import { startHarness, type Harness } from '../support/harness.js';
import { act, actOk, as, auth, pick, report, reportOk, type Session } from '../support/flows.js';
import { ReportUnconfirmed } from '../../server/src/usecases/repositories.js';

// A failure inside a transaction leaves nothing behind. The fault is a real database error raised by a
// trigger this file creates (and drops) with SQL on its own database, after the request's earlier writes
// have run: PL/pgSQL RAISE (https://www.postgresql.org/docs/current/plpgsql-errors-and-messages.html) aborts
// the transaction, as a full disk or a lost connection would. The footprint is every table's row count,
// the case's own row, and every file under the photo folder (temporary files included).

let h: Harness;
let resident: Session;
let dispatcher: Session;
let inspector: Session;
let grid: SandboxAccount;
let tables: string[];

type Rows<T> = { rows: T[] };
const rowsOf = async <T>(q: ReturnType<typeof sql>): Promise<T[]> => ((await h.database.db.execute(q)) as unknown as Rows<T>).rows;

interface Footprint {
  counts: Record<string, number>;
  files: string[];
}
async function footprint(): Promise<Footprint> {
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t] = (await rowsOf<{ n: number }>(sql.raw(`select count(*)::int as n from "${t}"`)))[0]!.n;
  const files = (fs.readdirSync(h.photoDir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => `${e.parentPath.slice(h.photoDir.length)}/${e.name}`)
    .sort();
  return { counts, files };
}
/** What changed between two footprints: the tables whose counts moved (by how much) and the files added. */
function delta(a: Footprint, b: Footprint): { rows: Record<string, number>; filesAdded: number; filesRemoved: number } {
  const rows = Object.fromEntries(tables.filter((t) => a.counts[t] !== b.counts[t]).map((t) => [t, b.counts[t]! - a.counts[t]!]));
  return { rows, filesAdded: b.files.filter((f) => !a.files.includes(f)).length, filesRemoved: a.files.filter((f) => !b.files.includes(f)).length };
}
const caseRow = async (id: string) => (await rowsOf<{ row: Record<string, unknown> }>(sql`select to_jsonb(c) as row from cases c where c.id = ${id}::uuid`))[0]?.row;

/**
 * Makes every write to `table` fail with a database error, after the statement's rows were written
 * (`after insert … for each row`), or before a statement that follows earlier statements of the same
 * transaction (`before … for each statement`). Dropped after each test.
 */
async function failWritesTo(table: string, timing: 'after insert on %s for each row' | 'before insert or delete on %s for each statement'): Promise<void> {
  await h.database.db.execute(sql.raw(`create or replace function finecity_test_fault() returns trigger language plpgsql as $$
    begin raise exception 'injected fault on %', tg_table_name; end $$`));
  await h.database.db.execute(sql.raw(`create trigger finecity_test_fault ${timing.replace('%s', `"${table}"`)} execute function finecity_test_fault()`));
  faulted.push(table);
}
const faulted: string[] = [];
async function clearFaults(): Promise<void> {
  for (const t of faulted.splice(0)) await h.database.db.execute(sql.raw(`drop trigger if exists finecity_test_fault on "${t}"`));
}

beforeAll(async () => {
  h = await startHarness();
  tables = (await rowsOf<{ t: string }>(sql`select tablename as t from pg_tables where schemaname = 'public' order by tablename`)).map((r) => r.t);
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  resident = await as(h, pick(h, 'resident'));
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
  inspector = await as(h, grid);
});
afterEach(clearFaults);
afterAll(async () => {
  await clearFaults();
  await h?.close();
});

const at = () => ({ lat: grid.lat!, lng: grid.lng! });

describe('a report that fails inside its transaction', () => {
  it('leaves no case, event, photo row, outbox row, key or photo file, and the retry with the same Idempotency-Key files it once', async () => {
    const photos = [await smallJpeg(), await smallJpeg({ color: '#aa2233' }), await smallJpeg({ color: '#2233aa' })];
    const key = crypto.randomUUID();
    const before = await footprint();
    // The photos are on disk, and the case, its event and the key are inserted by the same statement as their rows.
    await failWritesTo('case_photos', 'after insert on %s for each row');
    const failed = await report(h, resident, { ...at(), photos, key });
    expect([failed.status, failed.body.error?.code]).toEqual([500, 'internal']);
    expect(await footprint()).toEqual(before);

    await clearFaults();
    const retried = await report(h, resident, { ...at(), photos, key });
    expect([retried.status, retried.headers['idempotent-replayed']]).toEqual([201, undefined]);
    const again = await report(h, resident, { ...at(), photos, key });
    expect([again.status, again.headers['idempotent-replayed'], again.body.case.id]).toEqual([201, 'true', retried.body.case.id]);
    // One case with its submit event, three photo rows and three photos (full + thumbnail each), one key.
    const d = delta(before, await footprint());
    expect(d).toMatchObject({ filesAdded: 6, filesRemoved: 0 });
    expect(d.rows).toMatchObject({ cases: 1, case_events: 1, case_photos: 3, idempotency_keys: 1 });
  });
});

describe('a report committed but not confirmed on disk', () => {
  it('keeps its photo files with its rows, fails with 500, and the retry with the same Idempotency-Key answers that case', async () => {
    const photos = [await smallJpeg({ color: '#22aa33' })];
    const key = crypto.randomUUID();
    const before = await footprint();
    // The flush barrier fails after the report's statement committed (a lost connection, PostgreSQL going down).
    const cases = h.deps.cases as { insertReport: typeof h.deps.cases.insertReport };
    const real = cases.insertReport;
    cases.insertReport = async (...args) => {
      await real.apply(h.deps.cases, args);
      throw new ReportUnconfirmed(new Error('connection terminated at the flush barrier'));
    };
    let failed;
    try {
      failed = await report(h, resident, { ...at(), photos, key });
    } finally {
      cases.insertReport = real;
    }
    expect([failed.status, failed.body.error?.code]).toEqual([500, 'internal']);
    const d = delta(before, await footprint());
    expect(d).toMatchObject({ filesAdded: 2, filesRemoved: 0 }); // the photo and its thumbnail
    expect(d.rows).toMatchObject({ cases: 1, case_photos: 1, idempotency_keys: 1 });
    const retried = await report(h, resident, { ...at(), photos, key });
    expect([retried.status, retried.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(retried.body.case.photos).toHaveLength(1);
    expect(delta(before, await footprint())).toEqual(d);
  });
});

describe('an action that fails inside its transaction', () => {
  it('register: the case update and event written before the points statement failed are undone; the retry registers once', async () => {
    const c = await reportOk(h, resident, at());
    const row = await caseRow(c.id);
    const before = await footprint();
    // Registering credits the reporter's points in a second statement, after the case, event and outbox were written.
    await failWritesTo('resident_points', 'before insert or delete on %s for each statement');
    const failed = await act(h, dispatcher, c.id, 'register', { note: '属实' });
    expect([failed.status, failed.body.error?.code]).toEqual([500, 'internal']);
    expect(await footprint()).toEqual(before);
    expect(await caseRow(c.id)).toEqual(row);

    await clearFaults();
    const done = await actOk(h, dispatcher, c.id, 'register', { note: '属实' });
    expect([done.state, done.version]).toEqual(['registered', c.version + 1]);
    const retried = await act(h, dispatcher, c.id, 'register', { note: '属实' });
    expect([retried.status, retried.body.error?.code]).toEqual([409, 'case.transition_not_allowed']);
    expect(delta(before, await footprint()).rows).toMatchObject({ case_events: 1 });
  });

  it('dispatch: nothing of the dispatch stays when its outbox rows fail; the retry dispatches once', async () => {
    const c = await reportOk(h, resident, at());
    const registered = await actOk(h, dispatcher, c.id, 'register');
    const row = await caseRow(c.id);
    const before = await footprint();
    await failWritesTo('outbox', 'after insert on %s for each row');
    const failed = await act(h, dispatcher, c.id, 'dispatch', {});
    expect([failed.status, failed.body.error?.code]).toEqual([500, 'internal']);
    expect(await footprint()).toEqual(before);
    expect(await caseRow(c.id)).toEqual(row);

    await clearFaults();
    const done = await actOk(h, dispatcher, c.id, 'dispatch', {});
    expect([done.state, done.version, done.responsible?.code]).toEqual(['dispatched', registered.version + 1, grid.orgNodeCode]);
    const d = delta(before, await footprint());
    expect(d).toMatchObject({ filesAdded: 0, filesRemoved: 0 });
    expect(d.rows).toMatchObject({ case_events: 1 });
  });

  it('handle with photos: the photo files written before the failed insert are removed with the rows; the retry handles once', async () => {
    const c = await reportOk(h, resident, at());
    await actOk(h, dispatcher, c.id, 'register');
    await actOk(h, dispatcher, c.id, 'dispatch', {});
    const signed = await actOk(h, inspector, c.id, 'sign');
    const row = await caseRow(c.id);
    const after = [await smallJpeg({ color: '#22aa44' }), await smallJpeg({ color: '#44aa22' })];
    const handle = () => {
      let req = h.request.post(`/api/v1/cases/${c.id}/actions/handle`).set(auth(inspector)).field('note', '已清理完毕');
      after.forEach((p, i) => {
        req = req.attach('photos', p, { filename: `after${i}.jpg`, contentType: 'image/jpeg' });
      });
      return req;
    };
    const before = await footprint();
    // The photos are on disk and the case row updated by the time their rows are inserted.
    await failWritesTo('case_photos', 'after insert on %s for each row');
    const failed = await handle();
    expect([failed.status, failed.body.error?.code]).toEqual([500, 'internal']);
    expect(await footprint()).toEqual(before);
    expect(await caseRow(c.id)).toEqual(row);

    await clearFaults();
    const done = await handle();
    expect([done.status, (done.body.case as CaseDto).state, (done.body.case as CaseDto).version]).toEqual([200, 'handled', signed.version + 1]);
    const retried = await handle();
    expect([retried.status, retried.body.error?.code]).toEqual([409, 'case.transition_not_allowed']);
    const d = delta(before, await footprint());
    expect(d).toMatchObject({ filesAdded: 4, filesRemoved: 0 });
    expect(d.rows).toMatchObject({ case_events: 1, case_photos: 2 });
  });
});
