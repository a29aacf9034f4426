import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq } from 'drizzle-orm';
import type { CaseDto, OrgUnitDto, SandboxAccount, StatsOverviewDto } from '@finecity/types';
import { orgNodes } from '../../server/src/adapters/postgres/schema.js';
import { smallJpeg } from '../support/fixtures.js';
import { act, actOk, as, auth, footprint, getCase, pick, reportOk, type Session } from '../support/flows.js';
import { startHarness, type Harness } from '../support/harness.js';

// The dispatcher's unit picker, the leader's figures, the console's deadline filters and the
// inspector's on-site check-in — all against the real server and database.
let h: Harness;
let resident: Session;
let inspector: Session;
let dispatcher: Session;
let districtLeader: Session;
let cityLeader: Session;
let grid: SandboxAccount;
let districtCode: string;

beforeAll(async () => {
  h = await startHarness();
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  districtCode = grid.orgNodeCode!.slice(0, 6);
  resident = await as(h, pick(h, 'resident'));
  inspector = await as(h, grid);
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === districtCode));
  districtLeader = await as(h, pick(h, 'leader', (a) => a.orgNodeCode === districtCode));
  cityLeader = await as(h, pick(h, 'leader', (a) => a.orgNodeCode!.endsWith('00') && a.orgNodeCode!.length === 6));
});
afterAll(async () => {
  await h?.close();
});

const at = () => ({ lat: grid.lat!, lng: grid.lng! });
const units = (s: Session, parent?: string) => h.request.get(`/api/v1/org/units${parent ? `?parent=${parent}` : ''}`).set(auth(s));
const stats = (s: Session, query = '') => h.request.get(`/api/v1/stats/overview${query}`).set(auth(s));
const list = async (s: Session, query: string) => {
  const res = await h.request.get(`/api/v1/cases${query}`).set(auth(s));
  expect(res.status).toBe(200);
  return res.body as { items: CaseDto[]; total: number };
};

async function dispatched(body: Record<string, unknown> = {}): Promise<CaseDto> {
  const c = await reportOk(h, resident, at());
  await actOk(h, dispatcher, c.id, 'register');
  return actOk(h, dispatcher, c.id, 'dispatch', body);
}

describe('GET /api/v1/org/units', () => {
  it('lets a district dispatcher drill from streets to communities to grids and dispatch to what it found', async () => {
    const streets = await units(dispatcher);
    expect(streets.status).toBe(200);
    const items = streets.body.items as OrgUnitDto[];
    expect(items.length).toBeGreaterThan(2);
    // Streets first, then the district's quick squad (a handling unit like a department).
    const squad = items[items.length - 1]!;
    expect(squad).toMatchObject({ code: `QS-${districtCode}`, level: 'department', parentCode: districtCode, hasChildren: false, unitType: 'repair_squad', unitTypeLabel: '城管综合服务抢修小分队' });
    expect(squad.name).toMatch(/城管综合服务抢修小分队$/);
    for (const u of items.slice(0, -1)) expect(u).toMatchObject({ level: 'street', parentCode: districtCode, hasChildren: true });
    const street = items.find((u) => u.code === grid.orgNodeCode!.slice(0, 9))!;
    expect(street.name).toMatch(/街道|镇|乡/);

    const communities = (await units(dispatcher, street.code)).body.items as OrgUnitDto[];
    const community = communities.find((u) => u.code === grid.orgNodeCode!.slice(0, 11))!;
    expect(community).toMatchObject({ level: 'community', parentCode: street.code, hasChildren: true });
    const grids = (await units(dispatcher, community.code)).body.items as OrgUnitDto[];
    expect(grids.map((g) => g.code)).toContain(grid.orgNodeCode);
    expect(grids.every((g) => g.level === 'grid' && !g.hasChildren)).toBe(true);

    const c = await reportOk(h, resident, at());
    await actOk(h, dispatcher, c.id, 'register');
    const d = await actOk(h, dispatcher, c.id, 'dispatch', { orgNodeCode: grid.orgNodeCode, complexity: 'simple' });
    expect(d.responsible?.code).toBe(grid.orgNodeCode);
    // 改派 to the quick squad: its handler finds it in the inbox and may sign or return it.
    const toSquad = await actOk(h, dispatcher, c.id, 'dispatch', { orgNodeCode: squad.code });
    expect(toSquad.responsible).toMatchObject({ code: squad.code, level: 'department' });
    const squadStaff = await as(h, pick(h, 'department', (a) => a.orgNodeCode === squad.code));
    const inbox = await h.request.get('/api/v1/tasks').set(auth(squadStaff));
    expect(inbox.body.items.map((x: CaseDto) => x.id)).toEqual([c.id]);
    expect(((await getCase(h, squadStaff, c.id)).body.case as CaseDto).allowedActions).toEqual(expect.arrayContaining(['sign', 'return']));
    // Back to the grid so the rest of this file's story is unchanged.
    await actOk(h, squadStaff, c.id, 'return', { note: '非本队职责' });
    await actOk(h, dispatcher, c.id, 'dispatch', { orgNodeCode: grid.orgNodeCode, complexity: 'simple' });
    // Parked (挂账): its clock no longer runs, so the deadline filters below never list it.
    expect((await actOk(h, dispatcher, c.id, 'suspend', { note: '等待管线单位排期' })).state).toBe('suspended');
  });

  it("names each grid's type, null when none is on file, and no type for other units", async () => {
    const community = grid.orgNodeCode!.slice(0, 11);
    const setType = async (gridType: string | null) => {
      await h.database.db.update(orgNodes).set({ gridType }).where(eq(orgNodes.code, grid.orgNodeCode!));
      await h.deps.org.refresh();
    };
    await setType('海边');
    try {
      const grids = (await units(dispatcher, community)).body.items as OrgUnitDto[];
      expect(grids.find((g) => g.code === grid.orgNodeCode)!.gridType).toBe('海边');
      const others = grids.filter((g) => g.code !== grid.orgNodeCode);
      expect(others.length).toBeGreaterThan(0);
      // The generated demo grids carry no type.
      expect(others.every((g) => g.gridType === null)).toBe(true);
      const above = (await units(dispatcher, community.slice(0, 9))).body.items as OrgUnitDto[];
      expect(above.length).toBeGreaterThan(0);
      expect(above.every((u) => !('gridType' in u))).toBe(true);
    } finally {
      await setType(null);
    }
  });

  it('answers 404 for a unit outside the caller\'s area, 403 for a resident and 400 for a malformed code', async () => {
    const other = (await units(cityLeader)).body.items.find((u: OrgUnitDto) => u.level === 'district' && u.code !== districtCode) as OrgUnitDto;
    expect(other).toBeDefined();
    const outside = await units(dispatcher, other.code);
    expect(outside.status).toBe(404);
    expect(outside.body.error.code).toBe('org.not_found');
    const resi = await units(resident);
    expect(resi.status).toBe(403);
    expect(resi.body.error.code).toBe('auth.forbidden');
    const bad = await units(dispatcher, "x'; drop table cases;--");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('request.invalid');
  });

  it('lists a grid inspector\'s own grid as having nothing below it', async () => {
    const res = await units(inspector);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });
});

describe('deadline filters, check-in, duty and the leader\'s figures', () => {
  // One story on the harness's clock (Wed 2026-11-25 10:00 Asia/Shanghai): four cases, one closed on
  // time, one red, one overdue with an extension asked for, one just reported.
  let closed: CaseDto;
  let red: CaseDto;
  let late: CaseDto;

  beforeAll(async () => {
    h.clock.set('2026-11-25T02:00:00Z');
    late = await dispatched({ complexity: 'simple' });
    await actOk(h, inspector, late.id, 'sign');
    closed = await dispatched({ complexity: 'simple' });
    h.clock.advanceHours(4);
    red = await dispatched({ complexity: 'simple' });
    h.clock.advanceHours(2);
  });

  it('records an on-site check-in with sign and a far one with handle, in the event data', async () => {
    const signed = await actOk(h, inspector, closed.id, 'sign', { lat: grid.lat! + 0.0003, lng: grid.lng! });
    const signEvent = signed.events!.find((e) => e.action === 'sign')!;
    expect(signEvent.data.checkIn).toMatchObject({ lat: grid.lat! + 0.0003, lng: grid.lng!, onSite: true });
    expect((signEvent.data.checkIn as { distanceM: number }).distanceM).toBeGreaterThan(25);
    expect((signEvent.data.checkIn as { distanceM: number }).distanceM).toBeLessThan(40);

    const res = await h.request
      .post(`/api/v1/cases/${closed.id}/actions/handle`)
      .set(auth(inspector))
      .field('note', '已清理')
      .field('lat', String(grid.lat! + 0.01))
      .field('lng', String(grid.lng!))
      .attach('photos', await smallJpeg({ color: '#22aa44' }), { filename: 'after.jpg', contentType: 'image/jpeg' });
    expect(res.status).toBe(200);
    const handleEvent = (res.body.case as CaseDto).events!.find((e) => e.action === 'handle')!;
    expect(handleEvent.data.checkIn).toMatchObject({ onSite: false });
    expect((handleEvent.data.checkIn as { distanceM: number }).distanceM).toBeGreaterThan(1000);
    closed = await actOk(h, dispatcher, closed.id, 'verify', { passed: true });
    expect(closed.state).toBe('closed');
  });

  it('refuses half a check-in, and a malformed one, without changing the case', async () => {
    const before = await footprint(h);
    const half = await act(h, inspector, red.id, 'sign', { lat: grid.lat! });
    expect(half.status).toBe(400);
    expect(half.body.error.code).toBe('request.invalid');
    const wrong = await act(h, inspector, red.id, 'sign', { lat: '39.0', lng: 121.6 });
    expect(wrong.status).toBe(400);
    const far = await act(h, inspector, red.id, 'sign', { lat: 91, lng: 121.6 });
    expect(far.status).toBe(400);
    const badHandle = await h.request
      .post(`/api/v1/cases/${late.id}/actions/handle`)
      .set(auth(inspector))
      .field('lat', 'north')
      .field('lng', '121.6')
      .attach('photos', await smallJpeg(), { filename: 'after.jpg', contentType: 'image/jpeg' });
    expect(badHandle.status).toBe(400);
    expect(badHandle.body.error.code).toBe('request.invalid');
    expect(await footprint(h)).toEqual(before);
    expect(((await getCase(h, inspector, red.id)).body.case as CaseDto).state).toBe('dispatched');
  });

  it('filters the console by deadline colour and by pending extension, as the SLA clock colours them', async () => {
    h.clock.advanceHours(14); // late: 20 h of 24 used (red); red: 16 h (yellow)
    const redNow = await list(dispatcher, '?due=red,overdue');
    expect(redNow.items.map((c) => c.id)).toEqual([late.id]);
    expect(redNow.items[0]!.deadline!.level).toBe('red');
    expect((await list(dispatcher, '?due=yellow')).items.map((c) => c.id)).toEqual([red.id]);

    await actOk(h, inspector, late.id, 'request-extension', { hours: 24, note: '需要协调物业' });
    h.clock.advanceHours(5); // late: 25 h (overdue); red: 21 h (red)
    await reportOk(h, resident, at()); // reported today, no clock yet: never in a deadline filter
    const urgent = await list(dispatcher, '?due=red,overdue');
    expect(urgent.items.map((c) => c.id)).toEqual([late.id, red.id]);
    expect(urgent.items.map((c) => c.deadline!.level)).toEqual(['overdue', 'red']);
    expect(urgent.total).toBe(2);
    expect((await list(dispatcher, '?due=red,overdue&page=2&pageSize=1')).items.map((c) => c.id)).toEqual([red.id]);
    expect((await list(dispatcher, '?due=overdue')).items.map((c) => c.id)).toEqual([late.id]);
    const ext = await list(dispatcher, '?pendingExtension=true');
    expect(ext.items.map((c) => c.id)).toEqual([late.id]);
    expect(ext.items[0]!.pendingExtension).toEqual({ hours: 24, reason: '需要协调物业' });
    // Another district's dispatcher sees none of it.
    const otherDistrict = pick(h, 'district', (a) => a.orgNodeCode !== districtCode && a.orgNodeCode!.length === 6);
    expect((await list(await as(h, otherDistrict), '?due=red,overdue')).total).toBe(0);
    const bad = await h.request.get('/api/v1/cases?due=purple').set(auth(dispatcher));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('request.invalid');
  });

  it('gives the district leader today\'s and the month\'s figures with the streets ranked', async () => {
    // Now Thu 2026-11-26 11:00 Shanghai: today only `fresh` was reported; nothing closed today.
    const res = await stats(districtLeader);
    expect(res.status).toBe(200);
    const s = res.body as StatsOverviewDto;
    expect(s.scope).toMatchObject({ code: districtCode, level: 'district' });
    expect(s.period).toBe('month');
    expect(s.from).toBe('2026-10-31T16:00:00.000Z');
    expect(s.today).toEqual({ reported: 1, closed: 0 });
    // The first test's case (parked) is in the figures too: 5 reported, 1 closed, 4 open, 1 overdue.
    expect(s.figures).toEqual({ reported: 5, closed: 1, closedOnTime: 1, onTimeRate: 100, open: 4, overdue: 1 });
    const street = s.units.find((u) => u.code === grid.orgNodeCode!.slice(0, 9))!;
    expect(street).toMatchObject({ level: 'street', reported: 5, closed: 1, onTimeRate: 100, open: 4, overdue: 1 });
    expect(s.units[0]!.code).toBe(street.code); // the only street with a closure ranks first
    expect(s.units.every((u) => u.level === 'street')).toBe(true);

    const day = (await stats(districtLeader, '?period=day')).body as StatsOverviewDto;
    expect(day.figures).toMatchObject({ reported: 1, closed: 0, onTimeRate: null, open: 4, overdue: 1 });
    expect(day.from).toBe('2026-11-25T16:00:00.000Z');
    const week = (await stats(districtLeader, '?period=week')).body as StatsOverviewDto;
    expect(week.from).toBe('2026-11-22T16:00:00.000Z'); // Monday 2026-11-23 00:00 Shanghai
  });

  it('gives the city leader the districts, and a drill into one district its streets', async () => {
    const city = (await stats(cityLeader, '?period=year')).body as StatsOverviewDto;
    expect(city.scope.level).toBe('city');
    expect(city.units.every((u) => u.level === 'district')).toBe(true);
    expect(city.units.find((u) => u.code === districtCode)).toMatchObject({ reported: 5, closed: 1, overdue: 1 });
    const drill = (await stats(cityLeader, `?orgNodeCode=${districtCode}`)).body as StatsOverviewDto;
    expect(drill.scope.code).toBe(districtCode);
    expect(drill.figures.reported).toBe(5);
  });

  it('refuses residents, nodes outside the area and unknown periods with stable codes', async () => {
    expect((await stats(resident)).body.error.code).toBe('auth.forbidden');
    const otherDistrict = (await units(cityLeader)).body.items.find((u: OrgUnitDto) => u.level === 'district' && u.code !== districtCode).code;
    const outside = await stats(districtLeader, `?orgNodeCode=${otherDistrict}`);
    expect(outside.status).toBe(404);
    expect(outside.body.error.code).toBe('org.not_found');
    const bad = await stats(districtLeader, '?period=decade');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('request.invalid');
  });

  it('tells an inspector their A/B post and whether it is on duty today', async () => {
    // 2026-11-26 is an even day: A is on duty.
    const me = await h.request.get('/api/v1/me').set(auth(inspector));
    expect(me.body.user.duty).toEqual({ slot: 'A', onDuty: true });
    h.clock.advanceHours(24);
    expect((await h.request.get('/api/v1/me').set(auth(inspector))).body.user.duty).toEqual({ slot: 'A', onDuty: false });
    expect((await h.request.get('/api/v1/me').set(auth(resident))).body.user.duty).toBeNull();
  });
});

describe('an inspector\'s patrol reports', () => {
  it('are recorded with source patrol and listed by the source filter', async () => {
    const found = await reportOk(h, inspector, { ...at(), description: '巡查发现井盖破损', categoryCode: '01002' });
    expect(found.source).toBe('patrol');
    const mine = await list(inspector, '?mine=true&source=patrol');
    expect(mine.items.map((c) => c.id)).toEqual([found.id]);
    expect((await list(resident, '?mine=true&source=patrol')).total).toBe(0);
    expect((await list(resident, '?mine=true&source=miniprogram')).total).toBeGreaterThan(0);
    const bad = await h.request.get('/api/v1/cases?source=fax').set(auth(inspector));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('request.invalid');
  });
});

describe('compression', () => {
  it('compresses JSON for clients that accept gzip and leaves others plain', async () => {
    const gz = await h.request.get('/api/v1/categories').set('Accept-Encoding', 'gzip');
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.categories.length).toBeGreaterThan(100);
    const plain = await h.request.get('/api/v1/categories').set('Accept-Encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.categories.length).toBe(gz.body.categories.length);
  });
});
