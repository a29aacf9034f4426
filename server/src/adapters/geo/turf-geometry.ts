import { area, bbox, bboxClip, booleanValid, buffer, centerOfMass, difference, featureCollection, intersect, kinks, multiPolygon, polygon, union } from '@turf/turf';
import { AppError } from '../../domain/errors.js';
import type { GeometryProblem, GridGeometry, LngLat, Shape } from '../../usecases/admin/org-import.js';

/**
 * The grid import's geometry on Turf (https://turfjs.org, v7): GeoJSON per RFC 7946 (WGS-84 [lng, lat],
 * closed linear rings of at least four positions, §3.1.6), areas on a sphere of the WGS-84 mean radius.
 */

/** Dalian's extent with a margin: the district outlines span 120.97–123.51 °E, 38.72–40.20 °N (config/org-tree.json). */
export const DALIAN_BBOX: readonly [number, number, number, number] = [120.8, 38.5, 123.8, 40.4];

type Feat = ReturnType<typeof multiPolygon>;
const feature = (s: Shape): Feat => multiPolygon(s);

function shapeOf(f: { geometry: { type: string; coordinates: unknown } } | null): Shape | null {
  if (!f) return null;
  if (f.geometry.type === 'Polygon') return [f.geometry.coordinates as LngLat[][]];
  if (f.geometry.type === 'MultiPolygon') return f.geometry.coordinates as Shape;
  return null;
}

/** Polygon clipping can fail on degenerate input: the import then says so instead of failing with a 500. */
function guarded<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    throw new AppError('import.invalid_file', `网格图形无法计算（${what}），请检查是否有重复点或极窄的图形`, { reason: String((err as Error).message ?? err).slice(0, 200) });
  }
}

function positionOf(p: unknown): LngLat | null {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3) return null;
  const [x, y] = p as unknown[];
  return typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y) ? [x, y] : null;
}

function check(geometry: unknown): { shape: Shape } | { problems: GeometryProblem[] } {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null;
  const invalid = (message: string) => ({ problems: [{ kind: 'geometry.invalid' as const, message }] });
  if (!g || typeof g !== 'object' || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) return invalid('图形应为 Polygon 或 MultiPolygon');
  if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return invalid('图形没有坐标');
  const rawParts = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as unknown[];
  const problems: GeometryProblem[] = [];
  const shape: Shape = [];
  let outside = false;
  for (const rawPart of rawParts) {
    if (!Array.isArray(rawPart) || rawPart.length === 0) return invalid('多边形没有环');
    const part: LngLat[][] = [];
    for (const rawRing of rawPart) {
      if (!Array.isArray(rawRing)) return invalid('环应为坐标数组');
      const ring: LngLat[] = [];
      for (const raw of rawRing) {
        const p = positionOf(raw);
        if (!p) return invalid('坐标应为 [经度, 纬度] 数字');
        if (p[0] < DALIAN_BBOX[0] || p[0] > DALIAN_BBOX[2] || p[1] < DALIAN_BBOX[1] || p[1] > DALIAN_BBOX[3]) outside = true;
        ring.push(p);
      }
      if (ring.length < 4) return invalid('每个环至少要有 4 个点（首尾相同）');
      const [first, last] = [ring[0]!, ring[ring.length - 1]!];
      if (first[0] !== last[0] || first[1] !== last[1]) problems.push({ kind: 'geometry.unclosed_ring', message: '环未闭合：首尾两点应相同' });
      part.push(ring);
    }
    shape.push(part);
  }
  if (outside) problems.push({ kind: 'geometry.outside_dalian', message: '坐标不在大连市范围内（应为 WGS-84 经纬度，经度在前）' });
  if (problems.length) return { problems };
  const crossings = shape.reduce((n, part) => n + kinks(polygon(part)).features.length, 0);
  if (crossings > 0) return { problems: [{ kind: 'geometry.self_intersection', message: `边界自相交（${crossings} 处），如“8”字形` }] };
  const valid = ((): boolean => {
    try {
      return booleanValid(feature(shape));
    } catch {
      return false;
    }
  })();
  if (!valid || area(feature(shape)) <= 0) return invalid('多边形无效（洞在外环之外、部件互相重叠或面积为零）');
  return { shape };
}

/** Parts of a clipped shape that are still polygons (bboxClip leaves empty rings where a part misses the box). */
function polygonsOf(coords: unknown, type: string): Shape | null {
  const parts = (type === 'Polygon' ? [coords] : coords) as LngLat[][][];
  const kept = parts.map((p) => p.filter((r) => r.length >= 4)).filter((p) => p.length > 0 && p[0]!.length >= 4);
  return kept.length ? kept : null;
}

export function turfGridGeometry(): GridGeometry {
  // An outline widened once per import (the rows are read afresh for each import).
  const widened = new WeakMap<Shape, Map<number, Shape>>();
  const widen = (outline: Shape, marginM: number): Shape => {
    if (marginM <= 0) return outline;
    const byMargin = widened.get(outline) ?? new Map<number, Shape>();
    widened.set(outline, byMargin);
    let out = byMargin.get(marginM);
    if (!out) {
      const b = guarded('外扩', () => buffer(feature(outline), marginM, { units: 'meters' }));
      out = (b && shapeOf(b as never)) ?? outline;
      byMargin.set(marginM, out);
    }
    return out;
  };
  return {
    check,
    area: (s) => area(feature(s)),
    bbox: (s) => bbox(feature(s)) as [number, number, number, number],
    intersection: (a, b) => guarded('求交', () => shapeOf(intersect(featureCollection([feature(a), feature(b)])))),
    difference: (a, b) => guarded('求差', () => shapeOf(difference(featureCollection([feature(a), feature(b)])))),
    areaOutside(shape, outline, marginM) {
      // Only the outline near the grid matters: clipping it to the grid's box first makes the difference
      // of two small polygons instead of one with thousands of vertices (about 40 times faster).
      const [w, s, e, n] = bbox(feature(shape));
      const eps = 1e-6;
      const clipped = bboxClip(feature(widen(outline, marginM)), [w - eps, s - eps, e + eps, n + eps]);
      const near = polygonsOf(clipped.geometry.coordinates, clipped.geometry.type);
      if (!near) return area(feature(shape));
      const out = guarded('求差', () => shapeOf(difference(featureCollection([feature(shape), feature(near)]))));
      return out ? area(feature(out)) : 0;
    },
    union(shapes) {
      if (shapes.length === 0) return null;
      if (shapes.length === 1) return shapes[0]!;
      return guarded('合并', () => shapeOf(union(featureCollection(shapes.map(feature)))));
    },
    holes(s) {
      const holes = s.flatMap((part) => part.slice(1).map((ring) => [ring]));
      return holes.length ? holes : null;
    },
    centroid(s) {
      const [lng, lat] = centerOfMass(feature(s)).geometry.coordinates as [number, number];
      return { lat, lng };
    },
  };
}
