import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type SQL } from 'drizzle-orm';
import type { SandboxAccount } from '@finecity/types';
import { pgAssessmentQueries } from '../../server/src/adapters/postgres/assessment-queries.js';
import { accountabilityRecords } from '../../server/src/adapters/postgres/schema.js';
import { ZERO_COUNTS, type RawCounts } from '../../server/src/domain/assessment/indicators.js';
import type { AssessmentQueries, CountingRules } from '../../server/src/usecases/assessment/ports.js';
import { startHarness, type Harness } from '../support/harness.js';
import { actOk, as, handleOk, pick, reportOk, type Session } from '../support/flows.js';

// The indicator engine's raw counts for October 2026 in Beijing time, [10-01 00:00+08, 11-01 00:00+08), over a
// handful of cases built through the API with a hand-moved clock. Every expected figure is counted by hand
// from the story below.
const OCTOBER = { start: new Date('2026-10-01T00:00:00+08:00'), end: new Date('2026-11-01T00:00:00+08:00') };
const RULES: CountingRules = {
  satisfiedAtLeast: 4,
  responseMinutes: { A: 15, B: 30 },
};

let h: Harness;
let q: AssessmentQueries;
let resident: Session;
let city: Session;
let inspA: Session;
let inspB: Session;
let insp2: Session;
let dept: Session;
let g1: SandboxAccount;
let g2: SandboxAccount;
let supervisedDue: Date;

/** Beijing wall time → the test clock. */
const at = (beijing: string) => h.clock.set(`${beijing}+08:00`);
const place = (a: SandboxAccount) => ({ lat: a.lat!, lng: a.lng! });
const district = (code: string) => code.slice(0, 6);
const street = (code: string) => code.slice(0, 9);
const community = (code: string) => code.slice(0, 11);

beforeAll(async () => {
  h = await startHarness();
  q = pgAssessmentQueries(h.database.db);
  g1 = pick(h, 'inspector', (a) => a.duty === 'A');
  g2 = pick(h, 'inspector', (a) => a.duty === 'A' && district(a.orgNodeCode!) !== district(g1.orgNodeCode!));
  resident = await as(h, pick(h, 'resident'));
  city = await as(h, pick(h, 'city'));
  inspA = await as(h, g1);
  inspB = await as(h, pick(h, 'inspector', (a) => a.duty === 'B' && a.orgNodeCode === g1.orgNodeCode));
  insp2 = await as(h, g2);
  dept = await as(h, pick(h, 'department', (a) => !a.orgNodeCode!.startsWith('QS-')));
  await story();
});
afterAll(async () => {
  await h?.close();
});

/** Seven cases around October; comments say what each contributes. */
async function story(): Promise<void> {
  // c1 (grid 1, resident): signed by A after 10 min (responded), closed on time, rated 5 in October, supervised with a due time it met.
  at('2026-10-05T09:00:00');
  const c1 = await reportOk(h, resident, place(g1));
  at('2026-10-05T09:05:00');
  await actOk(h, city, c1.id, 'register');
  at('2026-10-05T09:10:00');
  await actOk(h, city, c1.id, 'dispatch', { complexity: 'simple' });
  at('2026-10-05T09:20:00');
  await actOk(h, inspA, c1.id, 'sign');
  at('2026-10-05T09:30:00');
  supervisedDue = new Date('2026-10-05T18:00:00+08:00');
  await actOk(h, city, c1.id, 'supervise', { note: '请尽快处置', dueAt: supervisedDue.toISOString() });
  at('2026-10-05T10:00:00');
  await handleOk(h, inspA, c1.id);
  at('2026-10-05T11:00:00');
  await actOk(h, city, c1.id, 'verify', { passed: true });
  at('2026-10-05T12:00:00');
  await actOk(h, resident, c1.id, 'rate', { score: 5 });

  // c2 (grid 1, A's patrol report): B signs after 40 min (late for B's 30), A fixes it himself, one rework,
  // closed late at 23:59 on the last day (in), supervised without a due time.
  at('2026-10-10T08:00:00');
  const c2 = await reportOk(h, inspA, place(g1));
  at('2026-10-10T08:05:00');
  await actOk(h, city, c2.id, 'register');
  at('2026-10-10T08:10:00');
  await actOk(h, city, c2.id, 'dispatch', { complexity: 'simple' });
  at('2026-10-10T08:50:00');
  await actOk(h, inspB, c2.id, 'sign');
  at('2026-10-10T08:55:00');
  await actOk(h, city, c2.id, 'supervise', { note: '群众反映强烈' });
  at('2026-10-10T09:00:00');
  await handleOk(h, inspA, c2.id);
  at('2026-10-10T09:30:00');
  await actOk(h, city, c2.id, 'verify', { passed: false, note: '未清理干净' });
  at('2026-10-10T10:00:00');
  await handleOk(h, inspA, c2.id);
  at('2026-10-31T23:59:00');
  await actOk(h, city, c2.id, 'verify', { passed: true });

  // c3 / c4 (grid 2, resident): reported at 23:59 Oct 31 (in) and 00:00 Nov 1 (out); neither registered.
  at('2026-10-31T23:59:00');
  await reportOk(h, resident, place(g2));
  at('2026-11-01T00:00:00');
  await reportOk(h, resident, place(g2));

  // c5 (grid 1, resident): reported 23:59 Sep 30 (out), registered at 00:00 Oct 1 (in), handled by a
  // department after an approved extension, closed on time, rated at 00:00 Nov 1 (out).
  at('2026-09-30T23:59:00');
  const c5 = await reportOk(h, resident, place(g1));
  at('2026-10-01T00:00:00');
  await actOk(h, city, c5.id, 'register');
  at('2026-10-01T00:05:00');
  await actOk(h, city, c5.id, 'dispatch', { orgNodeCode: dept.account.orgNodeCode, complexity: 'simple' });
  at('2026-10-01T00:10:00');
  await actOk(h, dept, c5.id, 'sign');
  at('2026-10-01T01:00:00');
  await actOk(h, dept, c5.id, 'request-extension', { hours: 24, note: '需协调' });
  at('2026-10-01T01:30:00');
  await actOk(h, city, c5.id, 'decide-extension', { approved: true });
  at('2026-10-01T02:00:00');
  await handleOk(h, dept, c5.id);
  at('2026-10-01T03:00:00');
  await actOk(h, city, c5.id, 'verify', { passed: true });
  at('2026-11-01T00:00:00');
  await actOk(h, resident, c5.id, 'rate', { score: 3 });

  // c6 (grid 2): rejected. c7 (grid 2): dispatched, returned by the grid, dispatched again, never signed.
  at('2026-10-15T10:00:00');
  const c6 = await reportOk(h, resident, place(g2));
  at('2026-10-15T10:05:00');
  await actOk(h, city, c6.id, 'reject', { note: '不属于城管范围' });
  at('2026-10-20T10:00:00');
  const c7 = await reportOk(h, resident, place(g2));
  await actOk(h, city, c7.id, 'register');
  at('2026-10-20T10:10:00');
  await actOk(h, city, c7.id, 'dispatch', { complexity: 'simple' });
  at('2026-10-20T10:20:00');
  await actOk(h, insp2, c7.id, 'return', { note: '不在本网格' });
  at('2026-10-20T10:30:00');
  await actOk(h, city, c7.id, 'dispatch', { complexity: 'simple' });

  // c8 (grid 2): dispatched at 23:55 Oct 31, signed by post A at 00:05 Nov 1: an October response, within 15 min.
  at('2026-10-31T23:40:00');
  const c8 = await reportOk(h, resident, place(g2));
  await actOk(h, city, c8.id, 'register');
  at('2026-10-31T23:55:00');
  await actOk(h, city, c8.id, 'dispatch', { complexity: 'simple' });
  at('2026-11-01T00:05:00');
  await actOk(h, insp2, c8.id, 'sign');

  // 问责: one naming grid 1's community (counts for it and the regions above, not the grid), one naming the
  // department, and one in November (out).
  const by = (await one<{ id: string }>(sql`select id from users where openid = ${city.account.openid}`)).id;
  await h.database.db.insert(accountabilityRecords).values([
    { orgNodeCode: community(g1.orgNodeCode!), kind: '通报', note: '超期', createdBy: by, createdAt: new Date('2026-10-31T23:59:00+08:00') },
    { orgNodeCode: dept.account.orgNodeCode!, kind: '约谈', note: '返工', createdBy: by, createdAt: new Date('2026-10-12T10:00:00+08:00') },
    { orgNodeCode: community(g1.orgNodeCode!), kind: '通报', note: '下月', createdBy: by, createdAt: new Date('2026-11-01T00:00:00+08:00') },
  ]);
}

async function countsOf(level: Parameters<AssessmentQueries['rawCounts']>[0], unit: string, rootPath = '/210200/'): Promise<RawCounts> {
  const rows = await q.rawCounts(level, { rootPath, ...OCTOBER }, RULES);
  return rows.find((r) => r.unitCode === unit)?.counts ?? { ...ZERO_COUNTS };
}

const hours = (from: string, to: string) => (new Date(`${to}+08:00`).getTime() - new Date(`${from}+08:00`).getTime()) / 3600_000;

async function one<T>(query: SQL): Promise<T> {
  const res = (await h.database.db.execute(query)) as unknown as { rows: T[] };
  return res.rows[0]!;
}

/** Grid 1's October figures, counted by hand from the story. */
function grid1(): RawCounts {
  return {
    ...ZERO_COUNTS,
    reported: 2, // c1, c2 (c5 came at 23:59 Sep 30)
    validReported: 2,
    registered: 3, // c1, c2, c5 (registered at 00:00 Oct 1)
    due: 3, // all three closed in October
    closed: 3,
    closedOnTime: 2, // c2 closed three weeks after its rework clock
    closedOnTimeNational: 2,
    handled: 4, // c1, c2 twice, c5
    rework: 1,
    dispatched: 3,
    extended: 1,
    // clock start → close: c1 from its dispatch, c2 from its rework, c5 from its dispatch (an extension keeps the start)
    handlingHoursSum: Math.round((hours('2026-10-05T09:10:00', '2026-10-05T11:00:00') + hours('2026-10-10T09:30:00', '2026-10-31T23:59:00') + hours('2026-10-01T00:05:00', '2026-10-01T03:00:00')) * 1000) / 1000,
    handlingCount: 3,
    responseBase: 2, // c1 and c2 went to the grid; c5 to a department
    responded: 1, // A signed c1 after 10 min; B signed c2 after 40 (> 30)
    rated: 1, // c1; c5's rating came at 00:00 Nov 1
    satisfied: 1,
    patrolReports: 1,
    selfHandled: 1,
    publicReports: 1,
    supervised: 2,
    supervisedDecided: 2,
    supervisedOnTime: 1, // c1 closed before its 督办 due time; c2 after its case due time
  };
}

/**
 * Grid 2: c3 at 23:59 Oct 31 in, c4 at 00:00 Nov 1 out, c6 rejected, c7 returned and re-dispatched (its first
 * dispatch unanswered, the second never signed), c8 answered across midnight (due in November).
 */
function grid2(): RawCounts {
  return { ...ZERO_COUNTS, reported: 4, validReported: 2, registered: 2, due: 1, dispatched: 3, returned: 1, responseBase: 3, responded: 1, publicReports: 4 };
}

describe('the indicator engine counts a month in Beijing time', () => {
  it('counts grids by where the problem is, with the period boundaries at 00:00 Beijing', async () => {
    expect(await countsOf('grid', g1.orgNodeCode!)).toEqual(grid1());
    expect(await countsOf('grid', g2.orgNodeCode!)).toEqual(grid2());
  });

  it('adds 问责 records to the unit they name and the regions above it', async () => {
    expect(await countsOf('community', community(g1.orgNodeCode!))).toEqual({ ...grid1(), accountability: 1 });
    expect(await countsOf('street', street(g1.orgNodeCode!))).toEqual({ ...grid1(), accountability: 1 });
    expect(await countsOf('street', street(g2.orgNodeCode!))).toEqual(grid2());
    expect(await countsOf('district', district(g1.orgNodeCode!))).toEqual({ ...grid1(), accountability: 1 });
    expect(await countsOf('district', district(g2.orgNodeCode!))).toEqual(grid2());
    const city = await q.rawCounts('district', { rootPath: '/210200/', ...OCTOBER }, RULES);
    expect(city.map((r) => r.unitCode)).toEqual([district(g1.orgNodeCode!), district(g2.orgNodeCode!)].sort());
  });

  it('counts departments by the unit holding the case', async () => {
    expect(await countsOf('department', dept.account.orgNodeCode!)).toEqual({
      ...ZERO_COUNTS,
      registered: 1, due: 1, closed: 1, closedOnTime: 1, closedOnTimeNational: 1, handled: 1, dispatched: 1, extended: 1,
      handlingHoursSum: Math.round(hours('2026-10-01T00:05:00', '2026-10-01T03:00:00') * 1000) / 1000, handlingCount: 1, accountability: 1,
    });
  });

  it('counts inspector posts by the acting or reporting inspector, and responses by the post on duty', async () => {
    const onDuty = async (gridCode: string, beijing: string) =>
      (await one<{ slot: string }>(sql`select data->'onDuty'->>'slot' as slot from case_events
        where action = 'dispatch' and data->>'to' = ${gridCode} and at = ${`${beijing}+08:00`}::timestamptz`)).slot;
    const c1Slot = await onDuty(g1.orgNodeCode!, '2026-10-05T09:10:00');
    const c2Slot = await onDuty(g1.orgNodeCode!, '2026-10-10T08:10:00');
    const c7Slots = [await onDuty(g2.orgNodeCode!, '2026-10-20T10:10:00'), await onDuty(g2.orgNodeCode!, '2026-10-20T10:30:00')];
    const c8Slot = await onDuty(g2.orgNodeCode!, '2026-10-31T23:55:00');
    const rows = await q.rawCounts('inspector', { rootPath: '/210200/', ...OCTOBER }, RULES);
    const get = (post: string) => rows.find((r) => r.unitCode === post)?.counts ?? { ...ZERO_COUNTS };
    const response = (slot: string) => ({
      responseBase: (c1Slot === slot ? 1 : 0) + (c2Slot === slot ? 1 : 0),
      responded: c1Slot === slot ? 1 : 0,
    });
    expect(get(`${g1.orgNodeCode}:A`)).toEqual({ ...ZERO_COUNTS, reported: 1, validReported: 1, patrolReports: 1, selfHandled: 1, handled: 3, ...response('A') });
    expect(get(`${g1.orgNodeCode}:B`)).toEqual({ ...ZERO_COUNTS, ...response('B') });
    for (const slot of ['A', 'B']) {
      const base = [...c7Slots, c8Slot].filter((s) => s === slot).length;
      expect(get(`${g2.orgNodeCode}:${slot}`)).toEqual({ ...ZERO_COUNTS, responseBase: base, responded: c8Slot === slot ? 1 : 0 });
    }
  });

  it('keeps to the subtree asked for', async () => {
    const path = `/210200/${district(g2.orgNodeCode!)}/${street(g2.orgNodeCode!)}/`;
    const grids = await q.rawCounts('grid', { rootPath: path, ...OCTOBER }, RULES);
    expect(grids.map((r) => r.unitCode)).toEqual([g2.orgNodeCode]);
    const posts = await q.rawCounts('inspector', { rootPath: path, ...OCTOBER }, RULES);
    expect(posts.every((r) => r.unitCode.startsWith(`${g2.orgNodeCode}:`))).toBe(true);
  });
});
