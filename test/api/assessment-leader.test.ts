import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AssessmentMapDto, AssessmentTrendDto, SandboxAccount } from '@finecity/types';
import { actOk, as, auth, handleOk, pick, reportOk, type Session } from '../support/flows.js';
import { startHarness, TestClock, type Harness } from '../support/harness.js';

// The leaders' trend and map (issue 10, item 7) against the real server and database, on a fixed clock:
// days are Beijing days, the figures are the caller's area only, and the map is valid GeoJSON (RFC 7946).
let h: Harness;
let resident: Session;
let inspector: Session;
let dispatcher: Session;
let districtLeader: Session;
let otherLeader: Session;
let cityLeader: Session;
let grid: SandboxAccount;
let districtCode: string;
let otherDistrict: string;

const beijing = (t: string) => h.clock.set(`${t}+08:00`);
const at = () => ({ lat: grid.lat!, lng: grid.lng! });
const trend = (s: Session, q: string) => h.request.get(`/api/v1/assessment/trend${q}`).set(auth(s));
const map = (s: Session, q = '') => h.request.get(`/api/v1/assessment/map${q}`).set(auth(s));

async function closed(): Promise<void> {
  const c = await reportOk(h, resident, at());
  await actOk(h, dispatcher, c.id, 'register');
  await actOk(h, dispatcher, c.id, 'dispatch', { orgNodeCode: grid.orgNodeCode });
  await actOk(h, inspector, c.id, 'sign');
  await handleOk(h, inspector, c.id);
  await actOk(h, dispatcher, c.id, 'verify', { passed: true });
}

beforeAll(async () => {
  h = await startHarness({ clock: new TestClock(new Date('2026-11-03T02:00:00Z')) });
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  districtCode = grid.orgNodeCode!.slice(0, 6);
  resident = await as(h, pick(h, 'resident'));
  inspector = await as(h, grid);
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === districtCode));
  districtLeader = await as(h, pick(h, 'leader', (a) => a.orgNodeCode === districtCode));
  const other = pick(h, 'leader', (a) => a.orgNodeCode!.length === 6 && !a.orgNodeCode!.endsWith('00') && a.orgNodeCode !== districtCode);
  otherDistrict = other.orgNodeCode!;
  otherLeader = await as(h, other);
  cityLeader = await as(h, pick(h, 'leader', (a) => a.orgNodeCode!.endsWith('00') && a.orgNodeCode!.length === 6));

  // 11月3日 10:00: two reports; 11月4日 10:00 one more, closed the same day; 11月4日 23:30: one more (still the 4th in Beijing).
  beijing('2026-11-03T10:00:00');
  await reportOk(h, resident, at());
  await reportOk(h, resident, at());
  beijing('2026-11-04T10:00:00');
  await closed();
  beijing('2026-11-04T23:30:00');
  await reportOk(h, resident, at());
  beijing('2026-11-05T09:00:00');
}, 120000);
afterAll(async () => {
  await h?.close();
});

describe('GET /api/v1/assessment/trend', () => {
  it('counts reported and closed cases per Beijing day of the month, up to today, zeros included', async () => {
    const res = await trend(districtLeader, '?period=month&at=2026-11');
    expect(res.status).toBe(200);
    const t = res.body as AssessmentTrendDto;
    expect(t).toMatchObject({ period: 'month', at: '2026-11', label: '2026年11月', bucket: 'day', scope: { code: districtCode, level: 'district' } });
    expect(t.points.map((p) => [p.label, p.reported, p.closed])).toEqual([
      ['11月1日', 0, 0], ['11月2日', 0, 0], ['11月3日', 2, 0], ['11月4日', 2, 1], ['11月5日', 0, 0],
    ]);
    expect(t.points[0]!.date).toBe('2026-11-01');
    expect(t.totals).toEqual({ reported: 4, closed: 1 });
  });

  it('defaults to the current month and goes by week (from Monday) for a year, by day for a quarter', async () => {
    expect(((await trend(districtLeader, '')).body as AssessmentTrendDto).at).toBe('2026-11');
    const year = (await trend(districtLeader, '?period=year&at=2026')).body as AssessmentTrendDto;
    expect(year.bucket).toBe('week');
    expect(year.points[0]).toMatchObject({ date: '2026-01-01' });
    expect(year.points.find((p) => p.date === '2026-11-02')).toMatchObject({ reported: 4, closed: 1 });
    expect(year.points[year.points.length - 1]!.date).toBe('2026-11-02');
    expect(year.totals).toEqual({ reported: 4, closed: 1 });
    const quarter = (await trend(districtLeader, '?period=quarter&at=2026-Q4')).body as AssessmentTrendDto;
    expect(quarter.points).toHaveLength(31 + 5);
  });

  it('counts only the caller\'s area: another district sees none, the city sees all, a node inside narrows it', async () => {
    expect(((await trend(otherLeader, '?period=month')).body as AssessmentTrendDto).totals).toEqual({ reported: 0, closed: 0 });
    expect(((await trend(cityLeader, '?period=month')).body as AssessmentTrendDto).totals).toEqual({ reported: 4, closed: 1 });
    const street = grid.orgNodeCode!.slice(0, 9);
    expect(((await trend(cityLeader, `?period=month&orgNodeCode=${street}`)).body as AssessmentTrendDto)).toMatchObject({ scope: { code: street, level: 'street' }, totals: { reported: 4, closed: 1 } });
    const outside = await trend(districtLeader, `?orgNodeCode=${otherDistrict}`);
    expect(outside.status).toBe(404);
    expect(outside.body.error.message).toMatch(/不在本辖区/);
    expect((await trend(resident, '')).status).toBe(403);
    expect((await h.request.get('/api/v1/assessment/trend')).status).toBe(401);
  });

  it('refuses an unknown period, an at that does not match it and a period not yet begun, in Chinese', async () => {
    const day = await trend(districtLeader, '?period=day');
    expect(day.status).toBe(400);
    expect(JSON.stringify(day.body.error)).toMatch(/周期应为月、季或年/);
    const mismatch = await trend(districtLeader, '?period=quarter&at=2026-11');
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.message).toMatch(/应形如 2026-Q4/);
    const future = await trend(districtLeader, '?period=month&at=2026-12');
    expect(future.status).toBe(422);
    expect(future.body.error.message).toMatch(/尚未开始/);
  });
});

/** RFC 7946: WGS-84 [lng, lat] inside Dalian, linear rings closed with at least four positions. */
function expectValidGeoJson(fc: AssessmentMapDto): void {
  expect(fc.type).toBe('FeatureCollection');
  for (const f of fc.features) {
    expect(f.type).toBe('Feature');
    expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const ring of polygons.flat()) {
      expect(ring.length).toBeGreaterThanOrEqual(4);
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      for (const [lng, lat] of ring) {
        expect(lng).toBeGreaterThan(120.8);
        expect(lng).toBeLessThan(123.8);
        expect(lat).toBeGreaterThan(38.5);
        expect(lat).toBeLessThan(40.4);
      }
    }
  }
}

describe('GET /api/v1/assessment/map', () => {
  it('gives the city\'s districts as GeoJSON with what is open and overdue in each', async () => {
    const res = await map(cityLeader);
    expect(res.status).toBe(200);
    const fc = res.body as AssessmentMapDto;
    expectValidGeoJson(fc);
    expect(fc.scope).toMatchObject({ level: 'city', open: 3 });
    expect(fc.canGoUp).toBe(false);
    expect(fc.features.length).toBeGreaterThanOrEqual(4);
    expect(fc.features.every((f) => f.properties.level === 'district' && f.id === f.properties.code)).toBe(true);
    const mine = fc.features.find((f) => f.properties.code === districtCode)!;
    expect(mine.properties).toMatchObject({ open: 3, overdue: 0, hasChildren: true });
    expect(fc.features.filter((f) => f.properties.code !== districtCode).every((f) => f.properties.open === 0)).toBe(true);
    // A phone gets simplified outlines: the whole city in well under 200 KB.
    expect(JSON.stringify(fc).length).toBeLessThan(200_000);
  });

  it('drills from a district to its streets (outlines joined from their grids) and down to one grid', async () => {
    const streets = (await map(cityLeader, `?orgNodeCode=${districtCode}`)).body as AssessmentMapDto;
    expectValidGeoJson(streets);
    expect(streets.canGoUp).toBe(true);
    expect(streets.scope).toMatchObject({ code: districtCode, parentCode: expect.any(String), open: 3 });
    expect(streets.features.length).toBeGreaterThan(2);
    const street = streets.features.find((f) => f.properties.code === grid.orgNodeCode!.slice(0, 9))!;
    expect(street.properties).toMatchObject({ level: 'street', open: 3, hasChildren: true });
    const communities = (await map(cityLeader, `?orgNodeCode=${street.properties.code}`)).body as AssessmentMapDto;
    expectValidGeoJson(communities);
    expect(communities.features.find((f) => f.properties.code === grid.orgNodeCode!.slice(0, 11))?.properties.open).toBe(3);
    const one = (await map(districtLeader, `?orgNodeCode=${grid.orgNodeCode}`)).body as AssessmentMapDto;
    expect(one.features.map((f) => [f.properties.code, f.properties.level, f.properties.open, f.properties.hasChildren])).toEqual([[grid.orgNodeCode, 'grid', 3, false]]);
  });

  it('keeps to the caller\'s area and counts overdue cases once their deadline has passed', async () => {
    expect((await map(districtLeader, `?orgNodeCode=${otherDistrict}`)).status).toBe(404);
    const own = (await map(districtLeader)).body as AssessmentMapDto;
    expect(own.canGoUp).toBe(false);
    expect(own.scope.code).toBe(districtCode);
    expect((await map(resident)).status).toBe(403);
    expect((await map(districtLeader, '?orgNodeCode=%3Cscript%3E')).status).toBe(400);
    beijing('2026-11-20T09:00:00');
    const c = await reportOk(h, resident, at());
    await actOk(h, dispatcher, c.id, 'register');
    await actOk(h, dispatcher, c.id, 'dispatch', { orgNodeCode: grid.orgNodeCode, complexity: 'simple' });
    beijing('2026-11-27T09:00:00');
    const later = (await map(cityLeader)).body as AssessmentMapDto;
    expect(later.features.find((f) => f.properties.code === districtCode)!.properties).toMatchObject({ open: 4, overdue: 1 });
    expect(later.scope).toMatchObject({ open: 4, overdue: 1 });
  });
});
