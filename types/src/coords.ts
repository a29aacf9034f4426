/**
 * China's GCJ-02 ("Mars coordinates") and WGS-84. Maps inside WeChat (Tencent Maps) show and send
 * GCJ-02; FineCity stores and locates in WGS-84. The obfuscation is the widely published formula on the
 * Krasovsky ellipsoid; this is the one copy for the server, its scripts and the mini-program (the org-seed generator converts
 * the AMap outlines with it). It is defined only inside China: outside a rough bounding box points pass
 * unchanged, as every published implementation does.
 */
export interface LatLng {
  lat: number;
  lng: number;
}

const A = 6378245.0;
const EE = 0.006693421622965943;

function outOfChina(p: LatLng): boolean {
  return p.lng < 72.004 || p.lng > 137.8347 || p.lat < 0.8293 || p.lat > 55.8271;
}

function tLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function tLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** The offset (degrees) that GCJ-02 adds to a WGS-84 point. */
function offset(p: LatLng): LatLng {
  const rad = (p.lat / 180) * Math.PI;
  const sin = Math.sin(rad);
  const m = 1 - EE * sin * sin;
  const sqrtM = Math.sqrt(m);
  const dLat = (tLat(p.lng - 105, p.lat - 35) * 180) / (((A * (1 - EE)) / (m * sqrtM)) * Math.PI);
  const dLng = (tLng(p.lng - 105, p.lat - 35) * 180) / ((A / sqrtM) * Math.cos(rad) * Math.PI);
  return { lat: dLat, lng: dLng };
}

export function wgs84ToGcj02(p: LatLng): LatLng {
  if (outOfChina(p)) return { ...p };
  const d = offset(p);
  return { lat: p.lat + d.lat, lng: p.lng + d.lng };
}

/**
 * GCJ-02 → WGS-84. The formula has no closed inverse: start from gcj − offset(gcj) and refine by
 * fixed-point iteration until wgs + offset(wgs) gives back the input to well under a centimetre.
 */
export function gcj02ToWgs84(p: LatLng): LatLng {
  if (outOfChina(p)) return { ...p };
  let w = { ...p };
  for (let k = 0; k < 6; k++) {
    const d = offset(w);
    w = { lat: p.lat - d.lat, lng: p.lng - d.lng };
  }
  return w;
}

/**
 * Baidu's BD-09, a further offset of GCJ-02 used by Baidu Maps (and partner platforms built on it). The
 * conversion is the widely published one (e.g. https://github.com/wandergis/coordtransform, "bd09togcj02" /
 * "gcj02tobd09"); BD-09 → WGS-84 goes through GCJ-02.
 */
const X_PI = (Math.PI * 3000.0) / 180.0;

export function bd09ToGcj02(p: LatLng): LatLng {
  const x = p.lng - 0.0065;
  const y = p.lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI);
  return { lat: z * Math.sin(theta), lng: z * Math.cos(theta) };
}

export function gcj02ToBd09(p: LatLng): LatLng {
  const z = Math.sqrt(p.lng * p.lng + p.lat * p.lat) + 0.00002 * Math.sin(p.lat * X_PI);
  const theta = Math.atan2(p.lat, p.lng) + 0.000003 * Math.cos(p.lng * X_PI);
  return { lat: z * Math.sin(theta) + 0.006, lng: z * Math.cos(theta) + 0.0065 };
}

export function bd09ToWgs84(p: LatLng): LatLng {
  return gcj02ToWgs84(bd09ToGcj02(p));
}

export function wgs84ToBd09(p: LatLng): LatLng {
  return gcj02ToBd09(wgs84ToGcj02(p));
}

/** A point in any of the three systems partners send, in WGS-84. */
export function toWgs84(p: LatLng, system: 'wgs84' | 'gcj02' | 'bd09'): LatLng {
  if (system === 'gcj02') return gcj02ToWgs84(p);
  if (system === 'bd09') return bd09ToWgs84(p);
  return { ...p };
}

/** The datums a map (or its tiles) can be drawn in. */
export type MapDatum = 'wgs84' | 'gcj02';

/** A WGS-84 point in the datum a map draws in (GCJ-02 for WeChat's map and AMap/Tencent tiles). */
export function fromWgs84(p: LatLng, datum: MapDatum): LatLng {
  return datum === 'gcj02' ? wgs84ToGcj02(p) : { ...p };
}

/** A point picked on a map drawn in `datum`, back in WGS-84. */
export function toWgs84FromMap(p: LatLng, datum: MapDatum): LatLng {
  return datum === 'gcj02' ? gcj02ToWgs84(p) : { ...p };
}

/**
 * GET /api/v1/map/config: the H5 map's base layer. `tileUrl` is an XYZ template ({z}/{x}/{y}, optional {s}
 * for one of `subdomains`); a browser key is already filled in. `datum` is the tiles' datum: overlays
 * (WGS-84 from the API) are shifted into it before they are drawn.
 */
export interface MapConfigDto {
  tileUrl: string;
  subdomains: string[];
  /** The provider's attribution (with its 审图号 where it has one), shown on the map. */
  attribution: string;
  datum: MapDatum;
  minZoom: number;
  maxZoom: number;
  /** True when the tiles are the sandbox's offline outlines (demo and tests, not a base map). */
  sandbox: boolean;
}

/** One outline of GET /api/v1/map/area (GeoJSON geometry, WGS-84 [lng, lat]). */
export interface MapAreaOutlineDto {
  code: string;
  name: string;
  level: 'district' | 'street' | 'community' | 'grid';
  geometry: { type: 'Polygon'; coordinates: [number, number][][] } | { type: 'MultiPolygon'; coordinates: [number, number][][][] };
  /** The caller's own unit (the others are the units directly below it). */
  own: boolean;
}

/** GET /api/v1/map/area: the outlines of the caller's own unit and the area units directly below it. */
export interface MapAreaDto {
  outlines: MapAreaOutlineDto[];
}
