import { pointInPolygon } from '../../src/domain/locate.js';
import type { LngLat, MultiPolygon } from './echarts-geo.js';
import { components, type Cell } from './partition.js';

/**
 * A regular lattice of square cells, equal in metres, on a local equirectangular projection
 * centred on the city centre. In degrees every cell is the same axis-aligned rectangle, so
 * neighbouring cells share their edges exactly: the lattice tiles with no gaps or overlaps.
 */

export interface LatticeSpec {
  centre: { lat: number; lng: number };
  cellMetres: number;
}

export interface LatticeCell {
  /** Column (east +) and row (north +); cell (0, 0) is centred on the city centre. */
  i: number;
  j: number;
  districtCode: string;
  /** Closed ring, counter-clockwise, 6-decimal coordinates. */
  ring: LngLat[];
  centroid: { lat: number; lng: number };
}

export interface DistrictShape {
  code: string;
  polygons: MultiPolygon;
}

const EARTH_RADIUS_M = 6371008.8;

export const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/** Cell size in degrees: [dLng, dLat]. */
export function cellDegrees(spec: LatticeSpec): [number, number] {
  const mPerDegLat = (EARTH_RADIUS_M * Math.PI) / 180;
  const mPerDegLng = mPerDegLat * Math.cos((spec.centre.lat * Math.PI) / 180);
  return [spec.cellMetres / mPerDegLng, spec.cellMetres / mPerDegLat];
}

/** Edge coordinates are computed from the integer index only, so shared edges are identical. */
function edges(spec: LatticeSpec, i: number, j: number): [number, number, number, number] {
  const [dLng, dLat] = cellDegrees(spec);
  const x = (k: number): number => round6(spec.centre.lng + (k - 0.5) * dLng);
  const y = (k: number): number => round6(spec.centre.lat + (k - 0.5) * dLat);
  return [x(i), y(j), x(i + 1), y(j + 1)];
}

export function cellRing(spec: LatticeSpec, i: number, j: number): LngLat[] {
  const [w, s, e, n] = edges(spec, i, j);
  return [[w, s], [e, s], [e, n], [w, n], [w, s]];
}

function cellCentroid(spec: LatticeSpec, i: number, j: number): { lat: number; lng: number } {
  const [w, s, e, n] = edges(spec, i, j);
  return { lat: round6((s + n) / 2), lng: round6((w + e) / 2) };
}

function indexRange(spec: LatticeSpec, districts: readonly DistrictShape[]): [number, number, number, number] {
  const [dLng, dLat] = cellDegrees(spec);
  let minI = Infinity, minJ = Infinity, maxI = -Infinity, maxJ = -Infinity;
  for (const d of districts)
    for (const polygon of d.polygons)
      for (const [lng, lat] of polygon[0] ?? []) {
        const i = (lng - spec.centre.lng) / dLng;
        const j = (lat - spec.centre.lat) / dLat;
        minI = Math.min(minI, Math.floor(i));
        maxI = Math.max(maxI, Math.ceil(i));
        minJ = Math.min(minJ, Math.floor(j));
        maxJ = Math.max(maxJ, Math.ceil(j));
      }
  return [minI, minJ, maxI, maxJ];
}

/** The first district (in the given order) whose boundary contains the point. */
function districtAt(districts: readonly DistrictShape[], lng: number, lat: number): string | undefined {
  for (const d of districts) for (const rings of d.polygons) if (pointInPolygon(lng, lat, rings)) return d.code;
  return undefined;
}

/** Cells outside the largest connected block, of the whole set and of each district's share. */
function detachedCells<T extends Cell & { districtCode: string }>(cells: readonly T[]): T[] {
  const out = components(cells).slice(1).flat();
  for (const code of new Set(cells.map((c) => c.districtCode)))
    out.push(...components(cells.filter((c) => c.districtCode === code)).slice(1).flat());
  return out;
}

/**
 * The first `count` candidates such that they, and each district's share of them, form one
 * connected block: fragments cut off at the rim (a strip of coast across a bay, a lone cell of
 * one district beside another) are dropped and the next candidates taken instead.
 */
function connectedNearest<T extends Cell & { districtCode: string }>(sorted: readonly T[], count: number): T[] {
  const dropped = new Set<T>();
  for (;;) {
    const chosen = sorted.filter((c) => !dropped.has(c)).slice(0, count);
    if (chosen.length < count) throw new Error(`only ${chosen.length} connected lattice cells inside the districts`);
    const detached = detachedCells(chosen);
    if (detached.length === 0) return chosen;
    for (const c of detached) dropped.add(c);
  }
}

/**
 * The `count` cells nearest the centre (ties broken by row, then column) among those whose
 * centre lies inside one of the districts, as one connected block; each cell belongs to the
 * district containing its centre.
 */
export function selectCells(spec: LatticeSpec, districts: readonly DistrictShape[], count: number): LatticeCell[] {
  const [minI, minJ, maxI, maxJ] = indexRange(spec, districts);
  const candidates: { i: number; j: number; districtCode: string; d2: number }[] = [];
  for (let j = minJ; j <= maxJ; j++)
    for (let i = minI; i <= maxI; i++) {
      const c = cellCentroid(spec, i, j);
      const districtCode = districtAt(districts, c.lng, c.lat);
      if (districtCode) candidates.push({ i, j, districtCode, d2: i * i + j * j });
    }
  candidates.sort((a, b) => a.d2 - b.d2 || a.j - b.j || a.i - b.i);
  return connectedNearest(candidates, count).map(({ i, j, districtCode }) => ({
    i,
    j,
    districtCode,
    ring: cellRing(spec, i, j),
    centroid: cellCentroid(spec, i, j),
  }));
}
