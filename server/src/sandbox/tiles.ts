import sharp from 'sharp';

/**
 * The sandbox's offline base map: 256-px XYZ tiles in Web Mercator (EPSG:3857, the "slippy map" scheme of
 * https://wiki.openstreetmap.org/wiki/Slippy_map_tilenames) drawn from FineCity's own outlines, so the demo
 * and the tests need no internet. Muted greys only: the app draws its own coloured overlays on top. This is
 * not a base map for a public service (no roads, no 审图号); production sets MAP_TILE_URL.
 */

export type TileLevel = 'district' | 'street' | 'community' | 'grid';
/** MultiPolygon coordinates, WGS-84 [lng, lat]. */
export type TileShape = [number, number][][][];

export interface TileFeature {
  level: TileLevel;
  shape: TileShape;
}

export const TILE_SIZE = 256;
/** Deepest zoom served with content; deeper valid tiles are blank. */
export const TILE_MAX_ZOOM = 18;
/** Any valid XYZ zoom up to this is accepted (a blank tile beyond TILE_MAX_ZOOM); above it, 400. */
export const TILE_ZOOM_LIMIT = 22;

/** From which zoom each level is drawn, and how. */
const STYLE: Record<TileLevel, { minZoom: number; stroke: string; width: number; dash?: string }> = {
  district: { minZoom: 0, stroke: '#7b8594', width: 2, dash: '6 3' },
  street: { minZoom: 11, stroke: '#9aa3b1', width: 1.5 },
  community: { minZoom: 13, stroke: '#b3bbc7', width: 1 },
  grid: { minZoom: 15, stroke: '#d0d6de', width: 0.75 },
};
const DRAW_ORDER: TileLevel[] = ['grid', 'community', 'street', 'district'];
const BACKGROUND = '#e6ebf0';
const LAND = '#f6f5f1';

export interface TileKey {
  z: number;
  x: number;
  y: number;
}

/** z/x/y as integers inside the XYZ scheme, or null (a 400). */
export function parseTileKey(z: string, x: string, y: string): TileKey | null {
  if (![z, x, y].every((s) => /^\d{1,8}$/.test(s))) return null;
  const k = { z: Number(z), x: Number(x), y: Number(y) };
  if (k.z > TILE_ZOOM_LIMIT) return null;
  const n = 2 ** k.z;
  return k.x < n && k.y < n ? k : null;
}

/** A WGS-84 point in global pixels at zoom z (spherical Mercator). */
function project(lng: number, lat: number, z: number): [number, number] {
  const scale = TILE_SIZE * 2 ** z;
  const clamped = Math.max(-85.05112878, Math.min(85.05112878, lat));
  const phi = (clamped * Math.PI) / 180;
  return [((lng + 180) / 360) * scale, ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * scale];
}

/** The tile's bounds in WGS-84 degrees: [west, south, east, north]. */
export function tileBounds({ z, x, y }: TileKey): [number, number, number, number] {
  const n = 2 ** z;
  const lng = (i: number) => (i / n) * 360 - 180;
  const lat = (j: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * j) / n))) * 180) / Math.PI;
  return [lng(x), lat(y + 1), lng(x + 1), lat(y)];
}

interface Indexed extends TileFeature {
  bbox: [number, number, number, number];
}

function bboxOf(shape: TileShape): [number, number, number, number] {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const poly of shape) for (const ring of poly) for (const [lng, lat] of ring) {
    if (lng < w) w = lng;
    if (lng > e) e = lng;
    if (lat < s) s = lat;
    if (lat > n) n = lat;
  }
  return [w, s, e, n];
}

const meets = (a: number[], b: number[]) => a[0]! <= b[2]! && b[0]! <= a[2]! && a[1]! <= b[3]! && b[1]! <= a[3]!;

/** One SVG path for a shape, in the tile's pixels (rounded to 0.1 px; sub-pixel detail is dropped). */
function pathOf(shape: TileShape, key: TileKey): string {
  const ox = key.x * TILE_SIZE;
  const oy = key.y * TILE_SIZE;
  let d = '';
  for (const poly of shape) for (const ring of poly) {
    let last = '';
    ring.forEach(([lng, lat], i) => {
      const [px, py] = project(lng, lat, key.z);
      const pt = `${Math.round((px - ox) * 10) / 10} ${Math.round((py - oy) * 10) / 10}`;
      if (pt === last) return;
      d += `${i === 0 ? 'M' : 'L'}${pt}`;
      last = pt;
    });
    d += 'Z';
  }
  return d;
}

/** The SVG of one tile: background, land (the districts), then the outlines of the levels shown at this zoom. */
export function tileSvg(features: readonly Indexed[], key: TileKey): string | null {
  const b = tileBounds(key);
  // A margin of a few pixels, so strokes on the tile's edge are drawn on both tiles.
  const m = ((b[2] - b[0]) / TILE_SIZE) * 4;
  const box = [b[0] - m, b[1] - m, b[2] + m, b[3] + m];
  const hits = key.z <= TILE_MAX_ZOOM ? features.filter((f) => key.z >= STYLE[f.level].minZoom && meets(f.bbox, box)) : [];
  if (!hits.length) return null;
  const land = hits.filter((f) => f.level === 'district').map((f) => pathOf(f.shape, key)).join('');
  const lines = DRAW_ORDER.map((level) => {
    const s = STYLE[level];
    const d = hits.filter((f) => f.level === level).map((f) => pathOf(f.shape, key)).join('');
    return d ? `<path d="${d}" fill="none" stroke="${s.stroke}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} stroke-linejoin="round"/>` : '';
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${TILE_SIZE}" height="${TILE_SIZE}" viewBox="0 0 ${TILE_SIZE} ${TILE_SIZE}">`
    + `<rect width="${TILE_SIZE}" height="${TILE_SIZE}" fill="${BACKGROUND}"/>`
    + (land ? `<path d="${land}" fill="${LAND}" fill-rule="evenodd"/>` : '')
    + `${lines}</svg>`;
}

export interface TileRenderer {
  /** A tile's PNG and whether it came from the cache. Valid keys only (parseTileKey). */
  render(key: TileKey): Promise<{ png: Buffer; cached: boolean; ms: number }>;
  /** Tiles held in memory. */
  size(): number;
}

/**
 * Renders tiles from the outlines `load` gives (called once, on the first tile), keeps up to `capacity`
 * PNGs in memory (least recently used dropped first) and shares one render between concurrent requests.
 */
export function createTileRenderer(load: () => Promise<TileFeature[]>, capacity = 2000): TileRenderer {
  let features: Promise<Indexed[]> | null = null;
  const cache = new Map<string, Promise<Buffer>>();
  let blank: Promise<Buffer> | null = null;
  const loadOnce = () => {
    features ??= load().then((fs) => fs.map((f) => ({ ...f, bbox: bboxOf(f.shape) })).filter((f) => Number.isFinite(f.bbox[0])));
    // A failed load is tried again on the next tile.
    features.catch(() => { features = null; });
    return features;
  };
  const blankPng = () => {
    blank ??= sharp({ create: { width: TILE_SIZE, height: TILE_SIZE, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    return blank;
  };
  return {
    async render(key) {
      const started = performance.now();
      const id = `${key.z}/${key.x}/${key.y}`;
      const hit = cache.get(id);
      if (hit) {
        cache.delete(id);
        cache.set(id, hit);
        return { png: await hit, cached: true, ms: performance.now() - started };
      }
      const job = loadOnce().then((fs) => {
        const svg = tileSvg(fs, key);
        return svg ? sharp(Buffer.from(svg)).png({ compressionLevel: 6, palette: true }).toBuffer() : blankPng();
      });
      cache.set(id, job);
      job.catch(() => cache.delete(id));
      while (cache.size > capacity) cache.delete(cache.keys().next().value as string);
      return { png: await job, cached: false, ms: performance.now() - started };
    },
    size: () => cache.size,
  };
}
