import { describe, expect, it } from '@jest/globals';
import { CASE_STATES, OPEN_STATES, type CaseState } from '@finecity/types';
import { distanceM, findDuplicates, searchBox, windowStart, type DupCase, type DuplicateRules } from './duplicates.js';

type Point = { lat: number; lng: number };

// Independent reference: metres per degree of latitude on the IUGG mean-radius sphere (2πR/360, R = 6371.0088 km).
const M_PER_DEG_LAT = 111_195;
/** A point `northM` metres north and `eastM` metres east of p (flat approximation, fine for a few hundred metres). */
const offset = (p: Point, northM: number, eastM: number): Point => ({
  lat: p.lat + northM / M_PER_DEG_LAT,
  lng: p.lng + eastM / (M_PER_DEG_LAT * Math.cos((p.lat * Math.PI) / 180)),
});

/** The point at exactly `r` metres from p (by distanceM) in the direction of `bearingDeg`. */
function onCircle(p: Point, r: number, bearingDeg: number): Point {
  const b = (bearingDeg * Math.PI) / 180;
  const approx = offset(p, r * Math.cos(b), r * Math.sin(b));
  const k = r / distanceM(p, approx);
  return { lat: p.lat + (approx.lat - p.lat) * k, lng: p.lng + (approx.lng - p.lng) * k };
}

const ZHONGSHAN_SQUARE: Point = { lat: 38.9146, lng: 121.6441 };
const HOUR = 3600_000;
const NOW = new Date('2026-11-27T10:00:00+08:00');
const RULES: DuplicateRules = { distanceM: 50, windowHours: 24 };

const report = { id: 'new', categoryCode: '01001', ...ZHONGSHAN_SQUARE, createdAt: NOW };

let seq = 0;
function candidate(northM: number, over: Partial<DupCase> = {}): DupCase {
  seq += 1;
  return {
    id: `c${seq}`,
    caseNo: `DL20261127-${String(seq).padStart(6, '0')}`,
    categoryCode: report.categoryCode,
    ...offset(ZHONGSHAN_SQUARE, northM, 0),
    createdAt: new Date(NOW.getTime() - HOUR),
    state: 'registered',
    ...over,
  };
}

const ids = (found: { caseId: string }[]): string[] => found.map((f) => f.caseId);

describe('distanceM', () => {
  it('one degree of latitude is about 111.2 km (±0.5 %)', () => {
    const d = distanceM({ lat: 38, lng: 121.6 }, { lat: 39, lng: 121.6 });
    expect(Math.abs(d - 111_200) / 111_200).toBeLessThan(0.005);
  });

  it('one degree of longitude shrinks with the cosine of the latitude', () => {
    const atEquator = distanceM({ lat: 0, lng: 10 }, { lat: 0, lng: 11 });
    const at60 = distanceM({ lat: 60, lng: 10 }, { lat: 60, lng: 11 });
    expect(Math.abs(atEquator - 111_200) / 111_200).toBeLessThan(0.005);
    expect(at60 / atEquator).toBeCloseTo(0.5, 3);
  });

  it('two points 30 m north and 40 m east of each other are 50 m apart', () => {
    expect(distanceM(ZHONGSHAN_SQUARE, offset(ZHONGSHAN_SQUARE, 30, 40))).toBeCloseTo(50, 1);
  });

  it('is zero for the same point and symmetric', () => {
    const b = offset(ZHONGSHAN_SQUARE, -120, 75);
    expect(distanceM(ZHONGSHAN_SQUARE, ZHONGSHAN_SQUARE)).toBe(0);
    expect(distanceM(ZHONGSHAN_SQUARE, b)).toBeCloseTo(distanceM(b, ZHONGSHAN_SQUARE), 9);
  });

  it('is stable for antipodal points (half the circumference)', () => {
    const d = distanceM({ lat: 0, lng: 0 }, { lat: 0, lng: 180 });
    expect(Math.abs(d - 20_015_000) / 20_015_000).toBeLessThan(0.005);
  });
});

describe('searchBox', () => {
  const inBox = (box: ReturnType<typeof searchBox>, q: Point): boolean =>
    q.lat >= box.minLat && q.lat <= box.maxLat && q.lng >= box.minLng && q.lng <= box.maxLng;

  it('is centred on the point', () => {
    const box = searchBox(ZHONGSHAN_SQUARE, 200);
    expect((box.minLat + box.maxLat) / 2).toBeCloseTo(ZHONGSHAN_SQUARE.lat, 9);
    expect((box.minLng + box.maxLng) / 2).toBeCloseTo(ZHONGSHAN_SQUARE.lng, 9);
  });

  it.each([50, 200, 1000])('contains every point of the %s m circle (as measured by distanceM)', (r) => {
    const box = searchBox(ZHONGSHAN_SQUARE, r);
    const outside = Array.from({ length: 72 }, (_, i) => i * 5)
      .map((bearing) => ({ bearing, q: onCircle(ZHONGSHAN_SQUARE, r, bearing) }))
      .filter(({ q }) => !inBox(box, q))
      .map(({ bearing }) => bearing);
    expect(outside).toEqual([]);
  });

  it('contains every candidate that findDuplicates would accept (the SQL pre-filter loses nothing)', () => {
    const box = searchBox(report, RULES.distanceM);
    const ring = Array.from({ length: 36 }, (_, i) => {
      const q = onCircle(report, RULES.distanceM - 0.02, i * 10);
      return candidate(0, { ...q });
    });
    const accepted = new Set(ids(findDuplicates(report, ring, RULES)));
    expect(accepted.size).toBe(ring.length);
    expect(ring.filter((c) => accepted.has(c.id) && !inBox(box, c)).map((c) => c.id)).toEqual([]);
  });

  it('is not much larger than the circle (≤ 2 % slack) so the pre-filter stays useful', () => {
    const r = 1000;
    const box = searchBox(ZHONGSHAN_SQUARE, r);
    const north = distanceM(ZHONGSHAN_SQUARE, { lat: box.maxLat, lng: ZHONGSHAN_SQUARE.lng });
    const east = distanceM(ZHONGSHAN_SQUARE, { lat: ZHONGSHAN_SQUARE.lat, lng: box.maxLng });
    expect(north).toBeLessThan(r * 1.02);
    expect(east).toBeLessThan(r * 1.02);
  });
});

describe('findDuplicates', () => {
  it('keeps a same-category open case within the distance and the window, with its distance', () => {
    const c = candidate(20);
    expect(findDuplicates(report, [c], RULES)).toEqual([{ caseId: c.id, caseNo: c.caseNo, distanceM: expect.closeTo(20, 0) }]);
  });

  it.each([...OPEN_STATES])('keeps a candidate in the open state %s', (state) => {
    const c = candidate(10, { state });
    expect(ids(findDuplicates(report, [c], RULES))).toEqual([c.id]);
  });

  it.each(CASE_STATES.filter((s) => !OPEN_STATES.includes(s)))('drops a candidate in the finished state %s', (state: CaseState) => {
    expect(findDuplicates(report, [candidate(10, { state })], RULES)).toEqual([]);
  });

  it('drops other categories', () => {
    expect(findDuplicates(report, [candidate(10, { categoryCode: '01002' })], RULES)).toEqual([]);
  });

  it('drops cases too far away, keeps those just inside', () => {
    const inside = candidate(RULES.distanceM - 1);
    const far = candidate(RULES.distanceM + 5);
    const veryFar = candidate(0, { ...offset(ZHONGSHAN_SQUARE, 0, 3000) });
    expect(ids(findDuplicates(report, [inside, far, veryFar], RULES))).toEqual([inside.id]);
  });

  it('drops cases older than the window, keeps one at its very start', () => {
    const edge = candidate(10, { createdAt: windowStart(NOW, RULES) });
    const old = candidate(10, { createdAt: new Date(NOW.getTime() - (RULES.windowHours + 1) * HOUR) });
    expect(windowStart(NOW, RULES)).toEqual(new Date(NOW.getTime() - RULES.windowHours * HOUR));
    expect(ids(findDuplicates(report, [edge, old], RULES))).toEqual([edge.id]);
  });

  it('drops cases dated after the report, keeps one created at the same instant', () => {
    const future = candidate(10, { createdAt: new Date(NOW.getTime() + 60_000) });
    const same = candidate(10, { createdAt: NOW });
    expect(ids(findDuplicates(report, [future, same], RULES))).toEqual([same.id]);
  });

  it('never offers the report as a duplicate of itself', () => {
    const self = candidate(0, { id: report.id, createdAt: NOW });
    expect(findDuplicates(report, [self], RULES)).toEqual([]);
  });

  it('works for a report without an id yet', () => {
    const { id: _id, ...unsaved } = report;
    const c = candidate(5);
    expect(ids(findDuplicates(unsaved, [c], RULES))).toEqual([c.id]);
  });

  it('sorts by distance, nearest first, and does not reorder its input', () => {
    const c40 = candidate(40);
    const c10 = candidate(0, { ...offset(ZHONGSHAN_SQUARE, 0, -10) });
    const c25 = candidate(-25);
    const input = [c40, c10, c25];
    const found = findDuplicates(report, input, RULES);
    expect(ids(found)).toEqual([c10.id, c25.id, c40.id]);
    expect(found.map((f) => f.distanceM)).toEqual([...found.map((f) => f.distanceM)].sort((a, b) => a - b));
    expect(input).toEqual([c40, c10, c25]);
  });

  it('follows the configured rules', () => {
    const c = candidate(150, { createdAt: new Date(NOW.getTime() - 47 * HOUR) });
    expect(findDuplicates(report, [c], RULES)).toEqual([]);
    expect(ids(findDuplicates(report, [c], { distanceM: 200, windowHours: 48 }))).toEqual([c.id]);
  });
});
