// The H5 map's configuration (GET /api/v1/map/config) and the sandbox's offline outline tiles
// (GET /sandbox/tiles/{z}/{x}/{y}.png): valid PNGs of FineCity's own outlines, 400 on a tile that does not
// exist, a blank tile outside the outlines, and the in-memory cache.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import type { MapAreaDto, MapConfigDto } from '@finecity/types';
import { startHarness, type Harness } from '../support/harness.js';
import { as, auth, pick } from '../support/flows.js';

/** The XYZ tile holding a WGS-84 point (https://wiki.openstreetmap.org/wiki/Slippy_map_tilenames). */
function tileOf(lat: number, lng: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return { x: Math.floor(((lng + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n) };
}
const ZHONGSHAN = { lat: 38.9187, lng: 121.6444 }; // 中山广场, inside the gridded central city

const png = (res: { body: unknown }) => res.body as Buffer;
/** Distinct colours of a decoded tile (a blank tile has one, transparent). */
async function pixels(buf: Buffer): Promise<{ width: number; height: number; colours: number; opaque: boolean }> {
  const { data, info } = await sharp(buf).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const seen = new Set<number>();
  let opaque = false;
  for (let i = 0; i < data.length; i += 4) {
    seen.add(data.readUInt32BE(i));
    if (data[i + 3]! > 0) opaque = true;
  }
  return { width: info.width, height: info.height, colours: seen.size, opaque };
}

describe('the sandbox map (default: no MAP_TILE_URL)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('tells the browser to use the sandbox tiles in WGS-84, with nothing secret', async () => {
    const res = await h.request.get('/api/v1/map/config');
    expect(res.status).toBe(200);
    expect(res.body as MapConfigDto).toEqual({
      tileUrl: '/sandbox/tiles/{z}/{x}/{y}.png', subdomains: [], attribution: expect.stringContaining('沙箱'), datum: 'wgs84', minZoom: 3, maxZoom: 18, sandbox: true,
    });
  });

  it('draws a 256-px PNG of the outlines over central Dalian, and serves it again from memory', async () => {
    const t = tileOf(ZHONGSHAN.lat, ZHONGSHAN.lng, 15);
    const url = `/sandbox/tiles/15/${t.x}/${t.y}.png`;
    const started = performance.now();
    const first = await h.request.get(url).buffer(true);
    const firstMs = performance.now() - started;
    expect(first.status).toBe(200);
    expect(first.type).toBe('image/png');
    expect(first.headers['x-tile-cache']).toBe('miss');
    const p = await pixels(png(first));
    expect(p).toMatchObject({ width: 256, height: 256, opaque: true });
    // Background, land and the grid, community and street lines (antialiased): many shades, not one.
    expect(p.colours).toBeGreaterThan(4);

    const again = await h.request.get(url).buffer(true);
    expect(again.headers['x-tile-cache']).toBe('hit');
    expect(Buffer.compare(png(again), png(first))).toBe(0);

    // A neighbour is rendered fresh (the outlines are loaded once): record its time for the README.
    const next = await h.request.get(`/sandbox/tiles/15/${t.x + 1}/${t.y}.png`).buffer(true);
    expect(next.status).toBe(200);
    const ms = Number(/dur=([\d.]+)/.exec(String(next.headers['server-timing']))?.[1]);
    expect(ms).toBeLessThan(1000);
    process.stdout.write(`sandbox tile: first ${firstMs.toFixed(0)} ms (loads the outlines), next ${ms.toFixed(1)} ms to render\n`);
  });

  it('draws the district outlines at a city-wide zoom', async () => {
    const t = tileOf(ZHONGSHAN.lat, ZHONGSHAN.lng, 10);
    const res = await h.request.get(`/sandbox/tiles/10/${t.x}/${t.y}.png`).buffer(true);
    expect(res.status).toBe(200);
    expect((await pixels(png(res))).colours).toBeGreaterThan(2);
  });

  it('answers a blank, transparent tile outside FineCity\'s outlines and beyond its zoom range', async () => {
    for (const url of ['/sandbox/tiles/3/0/0.png', '/sandbox/tiles/10/0/0.png', `/sandbox/tiles/20/${tileOf(ZHONGSHAN.lat, ZHONGSHAN.lng, 20).x}/${tileOf(ZHONGSHAN.lat, ZHONGSHAN.lng, 20).y}.png`]) {
      const res = await h.request.get(url).buffer(true);
      expect(res.status).toBe(200);
      expect(res.type).toBe('image/png');
      expect(await pixels(png(res))).toEqual({ width: 256, height: 256, colours: 1, opaque: false });
    }
  });

  it('refuses what is not a tile with 400 and a reason in Chinese', async () => {
    for (const bad of ['x/1/1', '1/2/0', '1/0/2', '23/0/0', '-1/0/0', '1.5/0/0', '99999999999/0/0', '3/8/0']) {
      const res = await h.request.get(`/sandbox/tiles/${bad}.png`);
      expect(res.status === 400 || res.status === 404).toBe(true);
      expect(res.status).toBeLessThan(500);
      if (/^\d+\/\d+\/\d+$/.test(bad)) {
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('request.invalid');
        expect(res.body.error.message).toMatch(/瓦片/);
      }
    }
  });
});

describe('the caller\'s area outlines (GET /api/v1/map/area)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('gives an inspector their own grid, and a district dispatcher the district with its streets', async () => {
    const inspector = await as(h, pick(h, 'inspector'));
    const mine = (await h.request.get('/api/v1/map/area').set(auth(inspector))).body as MapAreaDto;
    expect(mine.outlines).toHaveLength(1);
    expect(mine.outlines[0]).toMatchObject({ level: 'grid', own: true, geometry: { type: expect.stringMatching(/Polygon$/) } });

    const district = await as(h, pick(h, 'district'));
    const area = (await h.request.get('/api/v1/map/area').set(auth(district))).body as MapAreaDto;
    expect(area.outlines.filter((o) => o.own)).toEqual([expect.objectContaining({ level: 'district' })]);
    const streets = area.outlines.filter((o) => !o.own);
    expect(streets.length).toBeGreaterThan(2);
    expect(streets.every((o) => o.level === 'street' && /[\u4e00-\u9fff]/.test(o.name))).toBe(true);
    // WGS-84 [lng, lat] in Dalian.
    const [lng, lat] = (area.outlines[0]!.geometry.type === 'Polygon' ? area.outlines[0]!.geometry.coordinates[0]![0] : area.outlines[0]!.geometry.coordinates[0]![0]![0])!;
    expect(lng).toBeGreaterThan(120);
    expect(lat).toBeGreaterThan(38);
  });

  it('refuses a resident (403) and nobody (401)', async () => {
    const resident = await as(h, pick(h, 'resident'));
    expect((await h.request.get('/api/v1/map/area').set(auth(resident))).status).toBe(403);
    expect((await h.request.get('/api/v1/map/area')).status).toBe(401);
  });
});

describe('a configured tile provider (MAP_TILE_URL)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: {
        MAP_TILE_URL: 'https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={k}',
        MAP_TILE_KEY: 'browserkey0123',
        MAP_TILE_SUBDOMAINS: '0,1,2,3,4,5,6,7',
        MAP_TILE_DATUM: 'wgs84',
        MAP_TILE_ATTRIBUTION: '天地图',
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('sends the template with the browser key filled in, its hosts, datum and attribution', async () => {
    const res = await h.request.get('/api/v1/map/config');
    expect(res.status).toBe(200);
    const c = res.body as MapConfigDto;
    expect(c.tileUrl).toBe('https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=browserkey0123');
    expect(c).toMatchObject({ subdomains: ['0', '1', '2', '3', '4', '5', '6', '7'], datum: 'wgs84', attribution: '天地图', sandbox: false });
    // Nothing else of the environment travels: no server secret in the answer.
    expect(JSON.stringify(c)).not.toMatch(/secret|AUTH_SECRET|sandbox-/i);
  });
});
