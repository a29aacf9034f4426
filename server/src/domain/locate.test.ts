import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildLocator, pointInPolygon, pointInRing, type LngLat, type OrgNodeSeed } from './locate.js';

const square = (w: number, s: number, e: number, n: number): LngLat[] => [[w, s], [e, s], [e, n], [w, n], [w, s]];

// A toy tree: district 100001 (0..10 × 0..10) holds two grids side by side, one of them in a street
// managed by pilot zone PZ-T; district 100002 has two parts, the first with a hole; no grids there.
const TOY: OrgNodeSeed[] = [
  { code: '100000', parentCode: null, level: 'city', name: '测试市' },
  { code: '100001', parentCode: '100000', level: 'district', name: '甲区', boundary: [[square(0, 0, 10, 10)]] },
  {
    code: '100002',
    parentCode: '100000',
    level: 'district',
    name: '乙区',
    boundary: [[square(20, 0, 30, 10), square(24, 4, 26, 6)], [square(40, 0, 41, 1)]],
  },
  { code: 'PZ-T', parentCode: '100000', level: 'district', name: '试验园区' },
  { code: '100001001', parentCode: '100001', level: 'street', name: '一街道' },
  { code: '100001002', parentCode: 'PZ-T', level: 'street', name: '二街道' },
  { code: '10000100101', parentCode: '100001001', level: 'community', name: '一街道第1社区' },
  { code: '10000100201', parentCode: '100001002', level: 'community', name: '二街道第1社区' },
  { code: '100001001010001', parentCode: '10000100101', level: 'grid', name: '一街道第1社区网格01', polygon: square(1, 1, 2, 2) },
  { code: '100001002010001', parentCode: '10000100201', level: 'grid', name: '二街道第1社区网格01', polygon: square(2, 1, 3, 2) },
];

describe('point in polygon', () => {
  it('counts a point on an edge shared by two squares in exactly one of them', () => {
    const left = square(1, 1, 2, 2);
    const right = square(2, 1, 3, 2);
    for (const [x, y] of [[2, 1.5], [2, 1], [1.5, 2], [2, 2]] as const)
      expect(Number(pointInRing(x, y, left)) + Number(pointInRing(x, y, right))).toBeLessThanOrEqual(1);
    expect(Number(pointInRing(2, 1.5, left)) + Number(pointInRing(2, 1.5, right))).toBe(1);
  });

  it('treats inner rings as holes', () => {
    const rings = [square(20, 0, 30, 10), square(24, 4, 26, 6)];
    expect(pointInPolygon(21, 1, rings)).toBe(true);
    expect(pointInPolygon(25, 5, rings)).toBe(false);
  });
});

describe('buildLocator on a toy tree', () => {
  const locator = buildLocator(TOY);

  it('resolves a point inside a grid to all four codes', () => {
    expect(locator.locate(1.5, 1.5)).toEqual({
      gridCode: '100001001010001',
      communityCode: '10000100101',
      streetCode: '100001001',
      districtCode: '100001',
    });
  });

  it('reports the pilot zone as the district of a grid in a street it manages', () => {
    expect(locator.locate(1.5, 2.5)).toMatchObject({ gridCode: '100001002010001', streetCode: '100001002', districtCode: 'PZ-T' });
  });

  it('puts a point on the edge between two grids in one of them', () => {
    expect(locator.locate(1.5, 2)?.gridCode).toMatch(/^10000100[12]010001$/);
  });

  it('returns the district alone outside every grid but inside its boundary', () => {
    expect(locator.locate(8, 8)).toEqual({ gridCode: null, communityCode: null, streetCode: null, districtCode: '100001' });
    expect(locator.locate(0.5, 40.5)).toEqual({ gridCode: null, communityCode: null, streetCode: null, districtCode: '100002' });
  });

  it('returns null outside every district, in a boundary hole, and for non-finite input', () => {
    expect(locator.locate(15, 15)).toBeNull();
    expect(locator.locate(5, 25)).toBeNull();
    expect(locator.locate(Number.NaN, 1)).toBeNull();
  });

  it('works with districts only (no grids) and rejects a grid without a district ancestor', () => {
    expect(buildLocator(TOY.filter((n) => n.level !== 'grid')).locate(1.5, 1.5)?.districtCode).toBe('100001');
    const orphan: OrgNodeSeed = { code: 'X', parentCode: 'nowhere', level: 'grid', name: 'x', polygon: square(0, 0, 1, 1) };
    expect(() => buildLocator([orphan])).toThrow(/no district ancestor/);
  });
});

// The generated seed (server/scripts/generate-org-seed.ts).
const tree = JSON.parse(readFileSync(new URL('../../../config/org-tree.json', import.meta.url), 'utf8')) as { nodes: OrgNodeSeed[] };
const byCode = new Map(tree.nodes.map((n) => [n.code, n] as const));
const grids = tree.nodes.filter((n) => n.level === 'grid');
const dalian = buildLocator(tree.nodes);

function districtOf(code: string): string | undefined {
  let n = byCode.get(code);
  while (n && n.level !== 'district') n = n.parentCode === null ? undefined : byCode.get(n.parentCode);
  return n?.code;
}

type Box = [number, number, number, number];
const boxOf = (ring: readonly LngLat[]): Box => {
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
};
const inBox = (lng: number, lat: number, [w, s, e, n]: Box): boolean => lng >= w && lng <= e && lat >= s && lat <= n;
const gridBoxes = grids.map((g) => ({ code: g.code, ring: g.polygon!, box: boxOf(g.polygon!) }));
const districtParts = tree.nodes.flatMap((n) => (n.boundary ?? []).map((rings) => ({ code: n.code, rings, box: boxOf(rings[0]!) })));

/** Linear scan with no spatial index (a box pre-check only): the reference for the indexed locator. */
function bruteForce(lat: number, lng: number): string | null {
  const g = gridBoxes.find((b) => inBox(lng, lat, b.box) && pointInRing(lng, lat, b.ring));
  if (g) return g.code;
  const d = districtParts.find((p) => inBox(lng, lat, p.box) && pointInPolygon(lng, lat, p.rings));
  return d ? `district:${d.code}` : null;
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('buildLocator on config/org-tree.json', () => {
  it('locates every grid centroid back to its own grid and ancestors', () => {
    for (const g of grids) {
      const community = byCode.get(g.parentCode!)!;
      expect(dalian.locate(g.centroid!.lat, g.centroid!.lng)).toEqual({
        gridCode: g.code,
        communityCode: community.code,
        streetCode: community.parentCode,
        districtCode: districtOf(g.code),
      });
    }
  });

  it('puts 中山广场 in a 中山区 grid', () => {
    const loc = dalian.locate(38.9206, 121.6386);
    expect(loc?.districtCode).toBe('210202');
    expect(loc?.gridCode).toMatch(/^210202\d{9}$/);
  });

  it('returns null at sea and the bare district in ungridded 金州区 and 旅顺口区', () => {
    expect(dalian.locate(38.8, 121.8)).toBeNull();
    expect(dalian.locate(39.05, 121.78)).toEqual({ gridCode: null, communityCode: null, streetCode: null, districtCode: '210213' });
    expect(dalian.locate(38.82, 121.26)).toMatchObject({ gridCode: null, districtCode: '210212' });
  });

  it('agrees with a linear scan on 5000 random points around the central city', () => {
    const next = rng(20260101);
    for (let k = 0; k < 5000; k++) {
      const lat = 38.78 + next() * 0.32;
      const lng = 121.4 + next() * 0.45;
      const loc = dalian.locate(lat, lng);
      const got = loc === null ? null : (loc.gridCode ?? `district:${loc.districtCode}`);
      expect(got).toBe(bruteForce(lat, lng));
    }
  });
});
