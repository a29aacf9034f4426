import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CONSOLE_QUEUES, type BatchItemResult, type CaseDto, type QueueCountsDto, type SandboxAccount } from '@finecity/types';
import { onDutySlot } from '../../server/src/domain/duty-roster.js';
import { startHarness, type Harness } from '../support/harness.js';
import { actOk, as, auth, getCase, pick, reportOk, type Session } from '../support/flows.js';

// The dispatcher's desk console (issue 12, part 3): queue counts, the SLA sort, date filters, paging and
// batch register / dispatch, each item a single action of its own.

let h: Harness;
let grid: SandboxAccount;
let resident: Session;
let district: Session;
let otherDistrict: Session;
let otherResidentCase: CaseDto;

const districtOf = (a: SandboxAccount) => a.orgNodeCode!.slice(0, 6);
const at = () => ({ lat: grid.lat!, lng: grid.lng! });

beforeAll(async () => {
  h = await startHarness();
  grid = pick(h, 'inspector', (a) => a.duty === onDutySlot(h.clock.now()));
  resident = await as(h, pick(h, 'resident'));
  district = await as(h, pick(h, 'district', (a) => a.orgNodeCode === districtOf(grid)));
  const other = pick(h, 'district', (a) => a.orgNodeCode !== districtOf(grid));
  otherDistrict = await as(h, other);
  const otherGrid = pick(h, 'inspector', (a) => districtOf(a) === other.orgNodeCode);
  otherResidentCase = await reportOk(h, resident, { lat: otherGrid.lat!, lng: otherGrid.lng! });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const batch = (s: Session, body: unknown) => h.request.post('/api/v1/cases/batch').set(auth(s)).send(body as object);
const list = async (s: Session, query: string) => {
  const res = await h.request.get(`/api/v1/cases?${query}`).set(auth(s));
  expect(res.status).toBe(200);
  return res.body as { items: CaseDto[]; total: number };
};
const counts = async (s: Session) => {
  const res = await h.request.get('/api/v1/cases/queue-counts').set(auth(s));
  expect(res.status).toBe(200);
  return (res.body as QueueCountsDto).counts;
};
/** Distinct reports: the duplicate rule would fold identical ones at one spot into candidates only, which is fine too. */
let n = 0;
const fresh = () => reportOk(h, resident, { ...at(), description: `控制台批量测试 ${++n} 号：路边有暴露垃圾` });

describe('POST /api/v1/cases/batch', () => {
  it('registers each case in its own action: mixed success and failure, in order, one failure stopping nothing', async () => {
    const [a, b, c] = [await fresh(), await fresh(), await fresh()];
    await actOk(h, district, b.id, 'register');
    const res = await batch(district, { action: 'register', items: [{ caseId: a.id }, { caseId: b.id }, { caseId: otherResidentCase.id }, { caseId: c.id, version: c.version }] });
    expect(res.status).toBe(200);
    const results = res.body.results as BatchItemResult[];
    expect(results.map((r) => [r.caseId, r.ok, r.status])).toEqual([
      [a.id, true, 'registered'],
      [b.id, false, null],
      [otherResidentCase.id, false, null],
      [c.id, true, 'registered'],
    ]);
    expect(results[0]!.caseNo).toBe(a.caseNo);
    expect(results[1]!.error?.code).toBe('case.transition_not_allowed');
    // Out of the district's scope: the same answer a single action gives (no hint that it exists).
    expect(results[2]!.error?.code).toBe('case.not_found');
    // Each success is a real single action: its event and version, as POST …/actions/register leaves them.
    const after = await getCase(h, district, a.id);
    expect(after.body.case.state).toBe('registered');
    expect(after.body.case.events.at(-1)).toMatchObject({ action: 'register', fromState: 'submitted', toState: 'registered' });
    expect(after.body.case.version).toBe(a.version + 1);
    // The other district's case was left as it was.
    expect((await getCase(h, otherDistrict, otherResidentCase.id)).body.case.state).toBe('submitted');
  });

  it('dispatches each case to its own grid in one step, refusing a case changed since it was read (version)', async () => {
    const [a, b, c] = [await fresh(), await fresh(), await fresh()];
    for (const x of [a, b, c]) await actOk(h, district, x.id, 'register');
    const bNow = (await getCase(h, district, b.id)).body.case as CaseDto;
    const res = await batch(district, {
      action: 'dispatch',
      items: [
        { caseId: a.id },
        { caseId: b.id, version: bNow.version - 1 },
        { caseId: c.id, version: (await getCase(h, district, c.id)).body.case.version, body: { complexity: 'complex' } },
      ],
    });
    expect(res.status).toBe(200);
    const results = res.body.results as BatchItemResult[];
    expect(results.map((r) => [r.ok, r.status, r.error?.code])).toEqual([
      [true, 'dispatched', undefined],
      [false, null, 'case.version_conflict'],
      [true, 'dispatched', undefined],
    ]);
    const ca = (await getCase(h, district, a.id)).body.case as CaseDto;
    expect(ca.responsible?.code).toBe(grid.orgNodeCode);
    const cc = (await getCase(h, district, c.id)).body.case as CaseDto;
    expect(cc.complexity).toBe('complex');
    expect((await getCase(h, district, b.id)).body.case.state).toBe('registered');
    // A dispatch to a unit outside the caller's subtree fails for that item only.
    const d = await fresh();
    await actOk(h, district, d.id, 'register');
    const e = await fresh();
    await actOk(h, district, e.id, 'register');
    const res2 = await batch(district, { action: 'dispatch', items: [{ caseId: d.id, body: { orgNodeCode: '210203' } }, { caseId: e.id }] });
    expect((res2.body.results as BatchItemResult[]).map((r) => [r.ok, r.error?.code])).toEqual([[false, 'dispatch.target_invalid'], [true, undefined]]);
  });

  it('answers 4xx to bad bodies and writes nothing', async () => {
    const a = await fresh();
    const cases: [unknown, number][] = [
      [{ action: 'verify', items: [{ caseId: a.id }] }, 400],
      [{ action: 'register', items: [] }, 400],
      [{ action: 'register' }, 400],
      [{ action: 'register', items: [{ caseId: 'nope' }] }, 400],
      [{ action: 'register', items: [{ caseId: a.id }, { caseId: a.id }] }, 400],
      [{ action: 'register', items: Array.from({ length: 101 }, (_, i) => ({ caseId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` })) }, 400],
      [{ action: 'dispatch', items: [{ caseId: a.id, body: { orgNodeCode: 12 } }] }, 400],
      [{ action: 'register', items: [{ caseId: a.id, body: { score: 5 } }] }, 400],
      [{ action: 'register', items: [{ caseId: a.id, version: 'x' }] }, 400],
      [{ action: 'register', items: [{ caseId: a.id }], extra: true }, 400],
      ['not json', 415],
    ];
    for (const [body, status] of cases) {
      const res = await batch(district, body);
      expect([JSON.stringify(body).slice(0, 80), res.status]).toEqual([JSON.stringify(body).slice(0, 80), status]);
      expect(res.body.error?.message).toBeTruthy();
    }
    expect((await h.request.post('/api/v1/cases/batch').send({ action: 'register', items: [{ caseId: a.id }] })).status).toBe(401);
    expect((await getCase(h, district, a.id)).body.case.state).toBe('submitted');
  });
});

describe('GET /api/v1/cases/queue-counts', () => {
  it('counts every console queue exactly as its list totals, in the caller\'s scope, and moves with actions', async () => {
    const before = await counts(district);
    for (const q of CONSOLE_QUEUES) {
      const qs = new URLSearchParams(Object.entries(q.query).map(([k, v]): [string, string] => [k, Array.isArray(v) ? v.join(',') : String(v)])).toString();
      expect([q.key, before[q.key]]).toEqual([q.key, (await list(district, `${qs}&pageSize=1`)).total]);
    }
    const a = await fresh();
    expect((await counts(district)).incoming).toBe(before.incoming + 1);
    await batch(district, { action: 'register', items: [{ caseId: a.id }] });
    const after = await counts(district);
    expect([after.incoming, after.registered]).toEqual([before.incoming, before.registered + 1]);
    // The other district does not count this district's cases.
    const theirs = await counts(otherDistrict);
    expect(theirs.all).toBe((await list(otherDistrict, 'pageSize=1')).total);
    expect(theirs.all).toBeLessThan(after.all + 1000);
  });
});

describe('GET /api/v1/org/units?q= (the dispatch picker\'s type-ahead)', () => {
  it('finds grids and communities anywhere in the caller\'s area by name or code, and nothing outside it', async () => {
    const units = async (s: Session, q: string) => {
      const res = await h.request.get(`/api/v1/org/units?q=${encodeURIComponent(q)}`).set(auth(s));
      expect(res.status).toBe(200);
      return res.body.items as { code: string; name: string; level: string }[];
    };
    const byCode = await units(district, grid.orgNodeCode!);
    expect(byCode.map((u) => u.code)).toEqual([grid.orgNodeCode]);
    const community = grid.orgNodeCode!.slice(0, 11);
    const below = await units(district, community);
    expect(below[0]!.code).toBe(community);
    expect(below.every((u) => u.code.startsWith(community))).toBe(true);
    expect(below.length).toBeGreaterThan(1);
    const byName = await units(district, byCode[0]!.name);
    expect(byName.map((u) => u.code)).toContain(grid.orgNodeCode);
    expect(await units(otherDistrict, grid.orgNodeCode!)).toEqual([]);
    expect((await h.request.get(`/api/v1/org/units?q=${'x'.repeat(31)}`).set(auth(district))).status).toBe(400);
  });
});

describe('GET /api/v1/cases: SLA sort, dates and paging', () => {
  const RANK: Record<string, number> = { overdue: 0, red: 1, yellow: 2, green: 3 };
  it('sorts by SLA colour, then due time, then the cases with no clock; every case reachable page by page', async () => {
    const a = await fresh();
    await actOk(h, district, a.id, 'register');
    await actOk(h, district, a.id, 'dispatch', {});
    h.clock.advanceHours(30); // a simple case's 24 h clock is overdue by now
    const b = await fresh();
    await actOk(h, district, b.id, 'register');
    await actOk(h, district, b.id, 'dispatch', {});
    const all = await list(district, 'pageSize=100');
    const pages: CaseDto[] = [];
    for (let page = 1; ; page++) {
      const p = await list(district, `sort=sla&pageSize=3&page=${page}`);
      expect(p.total).toBe(all.total);
      pages.push(...p.items);
      if (p.items.length < 3) break;
    }
    expect(pages.map((c) => c.id).sort()).toEqual(all.items.map((c) => c.id).sort());
    const ranks = pages.map((c) => (c.deadline && !['closed', 'rejected', 'merged', 'suspended', 'handled'].includes(c.state) && c.deadline.level in RANK ? RANK[c.deadline.level]! : 4));
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
    expect(pages.findIndex((c) => c.id === a.id)).toBeLessThan(pages.findIndex((c) => c.id === b.id));
    expect(pages.find((c) => c.id === a.id)!.deadline!.level).toBe('overdue');
  });

  it('filters by the Beijing dates of the report, both days included, and refuses impossible ones', async () => {
    const a = await fresh();
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(a.createdAt));
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const prev = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect((await list(district, `from=${day}&to=${day}&q=${a.caseNo}`)).total).toBe(1);
    expect((await list(district, `from=${next}&q=${a.caseNo}`)).total).toBe(0);
    expect((await list(district, `to=${prev}&q=${a.caseNo}`)).total).toBe(0);
    for (const bad of ['from=2026-02-30', 'to=20261203', `from=${next}&to=${day}`, 'sort=oldest']) {
      expect([bad, (await h.request.get(`/api/v1/cases?${bad}`).set(auth(district))).status]).toEqual([bad, 400]);
    }
  });
});
