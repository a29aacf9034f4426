// The duplicate rule is written twice on purpose: domain/duplicates.ts `findDuplicates` defines it, and
// the report's one statement applies it in SQL (adapters/postgres/case-repository.ts). This file holds the
// two equal on a spread of cases: near and far, inside and outside the window, open and closed, other
// categories, and more candidates than the limit.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CaseDto, SandboxAccount } from '@finecity/types';
import { findDuplicates, type DupCase } from '../../server/src/domain/duplicates.js';
import { startHarness, TestClock, type Harness } from '../support/harness.js';
import { actOk, as, getCase, pick, reportOk, type Session } from '../support/flows.js';


let h: Harness;
let resident: Session;
let dispatcher: Session;
let grid: SandboxAccount;
const clock = new TestClock(new Date('2026-11-25T02:00:00Z'));

beforeAll(async () => {
  h = await startHarness({ clock });
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  resident = await as(h, pick(h, 'resident'));
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
});
afterAll(async () => {
  await h?.close();
});

/** A point `north` and `east` metres from the grid's centroid (flat approximation, fine at this scale). */
function offset(north: number, east: number): { lat: number; lng: number } {
  const lat = grid.lat! + north / 111_195;
  return { lat, lng: grid.lng! + east / (111_195 * Math.cos((grid.lat! * Math.PI) / 180)) };
}

async function asDupCase(id: string): Promise<DupCase> {
  const loaded = await h.deps.cases.load(id, '00000000-0000-0000-0000-000000000000');
  const r = loaded!.row;
  return { id: r.id, caseNo: r.caseNo, categoryCode: r.categoryCode, lat: r.lat, lng: r.lng, createdAt: r.createdAt, state: r.state as DupCase['state'] };
}

async function reportAround(distances: number[], label: string): Promise<CaseDto[]> {
  const out: CaseDto[] = [];
  for (const [i, d] of distances.entries()) {
    const angle = ((i * 137.5 + distances.length) * Math.PI) / 180;
    out.push(await reportOk(h, resident, { ...offset(d * Math.cos(angle), d * Math.sin(angle)), description: `${label} ${i}` }));
    clock.advanceHours(0.01);
  }
  return out;
}

async function expectSameAsDomain(made: CaseDto[]): Promise<number> {
  const fresh = await reportOk(h, resident, { ...offset(0, 0), description: '新的上报' });
  const seen = (await getCase(h, dispatcher, fresh.id)).body.case as CaseDto;
  const candidates = await Promise.all(made.map((c) => asDupCase(c.id)));
  const expected = findDuplicates(await asDupCase(fresh.id), candidates, h.deps.policy.rules.duplicates).slice(0, 20);
  expect(seen.duplicateCandidates!.map((d) => [d.caseId, d.caseNo, d.distanceM])).toEqual(expected.map((d) => [d.caseId, d.caseNo, d.distanceM]));
  made.push(fresh);
  return expected.length;
}

describe('duplicate candidates of a new report', () => {
  const made: CaseDto[] = [];

  it('are exactly what the domain rule finds: the radius, the window, the open states and the category', async () => {
    const rules = h.deps.policy.rules.duplicates;
    // Older than the window by the time of the new report.
    made.push(await reportOk(h, resident, { ...offset(3, 4), description: '窗口之外的旧案件' }));
    clock.advanceHours(rules.windowHours + 1);
    // Inside the radius, and on both sides of its edge.
    made.push(...(await reportAround([3, 9.5, 16, 22.5, 29, 35.5, 42, 48.5, rules.distanceM - 0.3, rules.distanceM + 0.4], '附近案件')));
    // In the search box's corner but outside the circle, and plainly outside.
    made.push(await reportOk(h, resident, { ...offset(rules.distanceM * 0.72, rules.distanceM * 0.72), description: '盒子角上的案件' }));
    made.push(await reportOk(h, resident, { ...offset(0, rules.distanceM * 3), description: '半径之外' }));
    // Another category at the same spot.
    made.push(await reportOk(h, resident, { ...offset(1, 1), categoryCode: '06020', description: '其他类别' }));
    // A case nearby that is no longer open: rejected at registration (无效).
    const closed = await reportOk(h, resident, { ...offset(2, 0), description: '已不在办的案件' });
    await actOk(h, dispatcher, closed.id, 'reject', { note: '重复或无效' });
    made.push(closed);
    clock.advanceHours(0.01);

    expect(await expectSameAsDomain(made)).toBe(9); // the eight inside, and the one just inside the edge
  });

  it('are the nearest 20 when more lie inside the radius', async () => {
    made.push(...(await reportAround(Array.from({ length: 14 }, (_, i) => 1 + i * 3.3), '更多附近案件')));
    expect(await expectSameAsDomain(made)).toBe(20);
  });
});
