import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { pointInPolygon, pointInRing, type LngLat, type OrgLevel, type OrgNodeSeed } from './locate.js';

// Checks the generated seed config/org-tree.json (server/scripts/generate-org-seed.ts).
interface Tree {
  generatedBy: string;
  coordinateSystem: string;
  notes: string[];
  lattice: { centre: { lat: number; lng: number }; cellDegrees: { lng: number; lat: number } };
  nodes: OrgNodeSeed[];
}
const tree = JSON.parse(readFileSync(new URL('../../../config/org-tree.json', import.meta.url), 'utf8')) as Tree;
const nodes = tree.nodes;
const byCode = new Map(nodes.map((n) => [n.code, n] as const));
const ofLevel = (level: OrgLevel): OrgNodeSeed[] => nodes.filter((n) => n.level === level);
const grids = ofLevel('grid');
const CENTRAL = ['210202', '210203', '210204', '210211'];
const GB_DIVISIONS = ['210202', '210203', '210204', '210211', '210212', '210213', '210214', '210224', '210281', '210283'];
const PARENT_LEVEL: Record<OrgLevel, OrgLevel | null> = { city: null, district: 'city', street: 'district', community: 'street', grid: 'community' };

// Lattice position of a grid, from its south-west corner.
const { lattice } = tree;
const posOf = (g: OrgNodeSeed): [number, number] => {
  const [w, s] = g.polygon![0]!;
  return [Math.round((w - lattice.centre.lng) / lattice.cellDegrees.lng + 0.5), Math.round((s - lattice.centre.lat) / lattice.cellDegrees.lat + 0.5)];
};
const key = ([i, j]: [number, number]): string => `${i},${j}`;
const STEPS = [[1, 0], [-1, 0], [0, 1], [0, -1]] as const;

/** Number of 4-connected components among lattice positions. */
function componentCount(positions: [number, number][]): number {
  const left = new Set(positions.map(key));
  let count = 0;
  for (const p of positions) {
    if (!left.delete(key(p))) continue;
    count++;
    const stack = [p];
    while (stack.length > 0) {
      const [i, j] = stack.pop()!;
      for (const [di, dj] of STEPS) if (left.delete(key([i + di, j + dj]))) stack.push([i + di, j + dj]);
    }
  }
  return count;
}

function childrenOf(code: string): OrgNodeSeed[] {
  return nodes.filter((n) => n.parentCode === code);
}

describe('org tree: shape and counts', () => {
  it('is WGS-84, made by the generator, with exactly the five levels', () => {
    expect(tree.coordinateSystem).toBe('WGS-84');
    expect(tree.generatedBy).toBe('server/scripts/generate-org-seed.ts');
    expect(new Set(nodes.map((n) => n.level))).toEqual(new Set(['city', 'district', 'street', 'community', 'grid']));
  });

  it('has one city 大连市, the ten GB/T 2260 divisions with boundaries, and PZ- zones without', () => {
    expect(ofLevel('city')).toEqual([{ code: '210200', parentCode: null, level: 'city', name: '大连市' }]);
    const districts = ofLevel('district');
    expect(districts.filter((d) => d.boundary).map((d) => d.code).sort()).toEqual(GB_DIVISIONS);
    for (const d of districts.filter((x) => !x.boundary)) expect(d.code).toMatch(/^PZ-[A-Z]{2,5}$/);
    expect(byCode.get('PZ-GXQ')?.name).toBe('大连高新技术产业园区');
  });

  it('has exactly 540 communities and 1345 grids', () => {
    expect(ofLevel('community')).toHaveLength(540);
    expect(grids).toHaveLength(1345);
  });

  it('has unique codes, and every parent exists one level up and comes first', () => {
    expect(byCode.size).toBe(nodes.length);
    const index = new Map(nodes.map((n, k) => [n.code, k] as const));
    for (const [k, n] of nodes.entries()) {
      if (n.parentCode === null) continue;
      expect(byCode.get(n.parentCode)?.level).toBe(PARENT_LEVEL[n.level]);
      expect(index.get(n.parentCode)!).toBeLessThan(k);
    }
  });
});

describe('org tree: codes and names', () => {
  it('gives streets 9-digit codes whose prefix is their host division', () => {
    for (const s of ofLevel('street')) {
      expect(s.code).toMatch(/^\d{9}$/);
      expect(GB_DIVISIONS).toContain(s.code.slice(0, 6));
      if (!s.parentCode!.startsWith('PZ-')) expect(s.code.slice(0, 6)).toBe(s.parentCode);
      expect(s.name).toMatch(/街道$/);
    }
    expect(byCode.get('210211016')).toMatchObject({ name: '凌水街道', parentCode: 'PZ-GXQ' });
  });

  it('codes communities street+2 and grids community+4 digits, with matching generated names', () => {
    for (const c of ofLevel('community')) {
      const street = byCode.get(c.parentCode!)!;
      expect(c.code).toMatch(new RegExp(`^${street.code}\\d{2}$`));
      expect(c.name).toBe(`${street.name}第${Number(c.code.slice(9))}社区`);
    }
    for (const g of grids) {
      const community = byCode.get(g.parentCode!)!;
      expect(g.code).toMatch(new RegExp(`^${community.code}\\d{4}$`));
      expect(g.name).toBe(`${community.name}网格${g.code.slice(13)}`);
      expect(GB_DIVISIONS).toContain(g.code.slice(0, 6));
    }
  });

  it('gives every grid its two inspectors A and B', () => {
    for (const g of grids) expect(g.inspectors).toEqual([`${g.code}A`, `${g.code}B`]);
  });
});

describe('org tree: grid geometry', () => {
  it('makes every grid an equal lattice rectangle with its centroid in the middle', () => {
    const { lng: dx, lat: dy } = lattice.cellDegrees;
    for (const g of grids) {
      expect(g.polygon).toHaveLength(5);
      const [[w, s], [e, s2], [e2, n], [w2, n2], last] = g.polygon as [LngLat, LngLat, LngLat, LngLat, LngLat];
      expect([s2, e2, w2, n2]).toEqual([s, e, w, n]);
      expect(last).toEqual([w, s]);
      expect(Math.abs(e - w - dx)).toBeLessThan(2e-6);
      expect(Math.abs(n - s - dy)).toBeLessThan(2e-6);
      expect(Math.abs(g.centroid!.lng - (w + e) / 2)).toBeLessThan(1.5e-6);
      expect(Math.abs(g.centroid!.lat - (s + n) / 2)).toBeLessThan(1.5e-6);
    }
  });

  it('never overlaps: distinct positions; edge, corner and random points lie in at most one grid', () => {
    expect(new Set(grids.map((g) => key(posOf(g)))).size).toBe(grids.length);
    // A bounding-box pre-check keeps this linear scan fast; the ring test decides.
    const boxes = grids.map((g) => ({ g, w: g.polygon![0]![0], s: g.polygon![0]![1], e: g.polygon![2]![0], n: g.polygon![2]![1] }));
    const containing = (lng: number, lat: number): string[] =>
      boxes.filter((b) => lng >= b.w && lng <= b.e && lat >= b.s && lat <= b.n && pointInRing(lng, lat, b.g.polygon!)).map((b) => b.g.code);
    for (const g of grids) {
      const [[w, s], , [e, n]] = g.polygon as [LngLat, LngLat, LngLat, ...LngLat[]];
      // South-west corner and west/south edge midpoints are shared with neighbours: they must belong to one grid.
      const probes: LngLat[] = [[w, s], [w, (s + n) / 2], [(w + e) / 2, s]];
      for (const [lng, lat] of probes) expect(containing(lng, lat)).toEqual([g.code]);
    }
    const lngs = grids.flatMap((g) => g.polygon!.map((p) => p[0]));
    const lats = grids.flatMap((g) => g.polygon!.map((p) => p[1]));
    const [w0, w1, s0, s1] = [Math.min(...lngs), Math.max(...lngs), Math.min(...lats), Math.max(...lats)];
    for (let k = 0; k < 10000; k++) {
      const lng = w0 + (((k * 7919) % 9973) / 9973) * (w1 - w0);
      const lat = s0 + (((k * 104729) % 9967) / 9967) * (s1 - s0);
      expect(containing(lng, lat).length).toBeLessThanOrEqual(1);
    }
  });

  it('leaves no interior gaps: every empty lattice position inside the bounding box is reachable from outside', () => {
    const taken = new Set(grids.map((g) => key(posOf(g))));
    const is = grids.map((g) => posOf(g)[0]);
    const js = grids.map((g) => posOf(g)[1]);
    const [i0, i1, j0, j1] = [Math.min(...is) - 1, Math.max(...is) + 1, Math.min(...js) - 1, Math.max(...js) + 1];
    const outside = new Set([key([i0, j0])]);
    const stack: [number, number][] = [[i0, j0]];
    while (stack.length > 0) {
      const [i, j] = stack.pop()!;
      for (const [di, dj] of STEPS) {
        const p: [number, number] = [i + di, j + dj];
        if (p[0] < i0 || p[0] > i1 || p[1] < j0 || p[1] > j1 || taken.has(key(p)) || outside.has(key(p))) continue;
        outside.add(key(p));
        stack.push(p);
      }
    }
    expect(taken.size + outside.size).toBe((i1 - i0 + 1) * (j1 - j0 + 1));
  });

  it('tiles one connected block; each district, street and community is connected too', () => {
    expect(componentCount(grids.map(posOf))).toBe(1);
    for (const code of CENTRAL) expect(componentCount(grids.filter((g) => g.code.startsWith(code)).map(posOf))).toBe(1);
    for (const street of ofLevel('street')) {
      const cells = grids.filter((g) => g.code.startsWith(street.code)).map(posOf);
      if (CENTRAL.includes(street.code.slice(0, 6))) expect(cells.length).toBeGreaterThanOrEqual(5);
      if (cells.length > 0) expect(componentCount(cells)).toBe(1);
    }
    for (const c of ofLevel('community')) {
      const cells = childrenOf(c.code).map(posOf);
      expect(cells.length).toBeGreaterThanOrEqual(1);
      expect(cells.length).toBeLessThanOrEqual(4);
      expect(componentCount(cells)).toBe(1);
    }
  });

  it('only grids the four central districts, each grid centred inside its host division', () => {
    for (const g of grids) {
      const host = byCode.get(g.code.slice(0, 6))!;
      expect(CENTRAL).toContain(host.code);
      expect(host.boundary!.some((rings) => pointInPolygon(g.centroid!.lng, g.centroid!.lat, rings))).toBe(true);
    }
  });
});
