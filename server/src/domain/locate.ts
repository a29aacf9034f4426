import Flatbush from 'flatbush';

/**
 * Point → grid resolution over the five-level org tree (city → district → street → community → grid).
 * Pure: the caller passes the seed nodes (config/org-tree.json); coordinates are WGS-84, [lng, lat].
 */

export type OrgLevel = 'city' | 'district' | 'street' | 'community' | 'grid';
export type LngLat = [number, number];

export interface OrgNodeSeed {
  code: string;
  parentCode: string | null;
  level: OrgLevel;
  name: string;
  /** Grids: one closed ring. */
  polygon?: LngLat[];
  /** Districts: MultiPolygon coordinates. */
  boundary?: LngLat[][][];
  centroid?: { lat: number; lng: number };
  inspectors?: string[];
}

export interface Location {
  gridCode: string | null;
  communityCode: string | null;
  streetCode: string | null;
  districtCode: string;
}

export interface Locator {
  locate(lat: number, lng: number): Location | null;
}

type Ring = readonly (readonly [number, number])[];

/**
 * Even-odd ray casting. Edges are half-open, so a point on an edge shared by two
 * polygons with identical vertices belongs to exactly one of them.
 */
export function pointInRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A polygon given as rings (outer first, then holes): even-odd over all rings. */
export function pointInPolygon(x: number, y: number, rings: readonly Ring[]): boolean {
  let inside = false;
  for (const ring of rings) if (pointInRing(x, y, ring)) inside = !inside;
  return inside;
}

interface Indexed<T> {
  index: Flatbush | null;
  items: T[];
}

function bbox(ring: Ring): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x, y] of ring) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/** Flatbush over the outer rings' bounding boxes (Flatbush refuses an empty index). */
function indexPolygons<T>(items: T[], outer: (item: T) => Ring): Indexed<T> {
  if (items.length === 0) return { index: null, items };
  const index = new Flatbush(items.length);
  for (const item of items) index.add(...bbox(outer(item)));
  index.finish();
  return { index, items };
}

function firstHit<T>(idx: Indexed<T>, x: number, y: number, hit: (item: T) => boolean): T | undefined {
  if (!idx.index) return undefined;
  let found: T | undefined;
  // `collides` stops at the first candidate the filter accepts.
  idx.index.collides(x, y, x, y, (i) => {
    const item = idx.items[i]!;
    if (!hit(item)) return false;
    found = item;
    return true;
  });
  return found;
}

/** Walks up from a grid and returns its community, street and district codes. */
function gridLocation(grid: OrgNodeSeed, byCode: ReadonlyMap<string, OrgNodeSeed>): Location {
  const found: Partial<Record<OrgLevel, string>> = {};
  let node: OrgNodeSeed | undefined = grid;
  for (let hops = 0; node && hops < 8; hops++) {
    found[node.level] ??= node.code;
    node = node.parentCode === null ? undefined : byCode.get(node.parentCode);
  }
  if (!found.district) throw new Error(`grid ${grid.code} has no district ancestor`);
  return {
    gridCode: grid.code,
    communityCode: found.community ?? null,
    streetCode: found.street ?? null,
    districtCode: found.district,
  };
}

interface DistrictPart {
  districtCode: string;
  rings: LngLat[][];
}

function districtParts(nodes: readonly OrgNodeSeed[]): DistrictPart[] {
  const parts: DistrictPart[] = [];
  for (const n of nodes) {
    if (n.level !== 'district' || !n.boundary) continue;
    for (const rings of n.boundary) if (rings[0]) parts.push({ districtCode: n.code, rings });
  }
  return parts;
}

/** Edges as flat records: xi, yi, xj, yj, part (same vertex order as pointInRing). */
function boundaryEdges(parts: readonly DistrictPart[]): Float64Array {
  const out: number[] = [];
  parts.forEach((part, p) => {
    for (const ring of part.rings)
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) out.push(ring[i]![0], ring[i]![1], ring[j]![0], ring[j]![1], p);
  });
  return Float64Array.from(out);
}

const crosses = (e: Float64Array, k: number, x: number, y: number): boolean => {
  const xi = e[k]!, yi = e[k + 1]!, xj = e[k + 2]!, yj = e[k + 3]!;
  return yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi;
};

function indexEdges(e: Float64Array): Flatbush | null {
  if (e.length === 0) return null;
  const index = new Flatbush(e.length / 5);
  for (let k = 0; k < e.length; k += 5)
    index.add(Math.min(e[k]!, e[k + 2]!), Math.min(e[k + 1]!, e[k + 3]!), Math.max(e[k]!, e[k + 2]!), Math.max(e[k + 1]!, e[k + 3]!));
  index.finish();
  return index;
}

/**
 * District boundaries have thousands of vertices, so their edges are indexed, not just their
 * boxes: the polygons whose box holds the point are the candidates, a ray cast east to the end of
 * their boxes visits only the edges it meets, and crossings are counted per polygon (even-odd,
 * exactly as pointInRing). The first candidate polygon (in node order) that holds the point wins.
 */
function districtFinder(nodes: readonly OrgNodeSeed[]): (x: number, y: number) => string | null {
  const parts = districtParts(nodes);
  const e = boundaryEdges(parts);
  const edges = indexEdges(e);
  const boxes = indexPolygons(parts, (p) => p.rings[0]!).index;
  const maxX = parts.map((p) => bbox(p.rings[0]!)[2]);
  const parity = new Uint8Array(parts.length);
  const candidate = new Uint8Array(parts.length);
  return (x, y) => {
    const candidates = boxes?.search(x, y, x, y) ?? [];
    if (!edges || candidates.length === 0) return null;
    let rayEnd = x;
    for (const p of candidates) {
      candidate[p] = 1;
      rayEnd = Math.max(rayEnd, maxX[p]!);
    }
    edges.search(x, y, rayEnd, y, (id) => {
      const p = e[id * 5 + 4]!;
      if (candidate[p] && crosses(e, id * 5, x, y)) parity[p]! ^= 1;
      return false;
    });
    let best = -1;
    for (const p of candidates) {
      if (parity[p] && (best < 0 || p < best)) best = p;
      parity[p] = candidate[p] = 0;
    }
    return best < 0 ? null : parts[best]!.districtCode;
  };
}

export function buildLocator(nodes: readonly OrgNodeSeed[]): Locator {
  const byCode = new Map(nodes.map((n) => [n.code, n] as const));
  const grids = nodes
    .filter((n): n is OrgNodeSeed & { polygon: LngLat[] } => n.level === 'grid' && (n.polygon?.length ?? 0) >= 4)
    .map((g) => ({ ring: g.polygon, location: gridLocation(g, byCode) }));
  const gridIndex = indexPolygons(grids, (g) => g.ring);
  const districtAt = districtFinder(nodes);

  return {
    locate(lat: number, lng: number): Location | null {
      if (!Number.isFinite(lat) || !Number.isFinite(lng)) return null;
      const grid = firstHit(gridIndex, lng, lat, (g) => pointInRing(lng, lat, g.ring));
      if (grid) return { ...grid.location };
      const districtCode = districtAt(lng, lat);
      return districtCode === null ? null : { gridCode: null, communityCode: null, streetCode: null, districtCode };
    },
  };
}
