import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { createTileRenderer, parseTileKey, tileBounds, tileSvg, type TileFeature } from './tiles.js';

/** A 400-m square grid at Zhongshan Square, Dalian (WGS-84). */
const square: TileFeature = { level: 'grid', shape: [[[[121.642, 38.917], [121.646, 38.917], [121.646, 38.9205], [121.642, 38.9205], [121.642, 38.917]]]] };
const district: TileFeature = { level: 'district', shape: [[[[121.5, 38.8], [121.8, 38.8], [121.8, 39.0], [121.5, 39.0], [121.5, 38.8]]]] };

describe('sandbox tiles', () => {
  it('takes only z/x/y inside the XYZ scheme', () => {
    expect(parseTileKey('0', '0', '0')).toEqual({ z: 0, x: 0, y: 0 });
    expect(parseTileKey('15', '27455', '12663')).toEqual({ z: 15, x: 27455, y: 12663 });
    for (const [z, x, y] of [['1', '2', '0'], ['1', '0', '2'], ['23', '0', '0'], ['-1', '0', '0'], ['1.5', '0', '0'], ['x', '0', '0'], ['', '0', '0']]) {
      expect(parseTileKey(z!, x!, y!)).toBeNull();
    }
  });

  it('knows a tile\'s bounds (the slippy-map formulas)', () => {
    const [w, s, e, n] = tileBounds({ z: 1, x: 1, y: 0 });
    expect([w, e]).toEqual([0, 180]);
    expect(s).toBeCloseTo(0, 9);
    expect(n).toBeCloseTo(85.0511287798, 6);
  });

  it('draws a grid only from zoom 15, and nothing where there is nothing', () => {
    const idx = [square, district].map((f) => ({ ...f, bbox: f === square ? [121.642, 38.917, 121.646, 38.9205] as [number, number, number, number] : [121.5, 38.8, 121.8, 39.0] as [number, number, number, number] }));
    const at = (z: number) => {
      const n = 2 ** z;
      const r = (38.9187 * Math.PI) / 180;
      return { z, x: Math.floor(((121.6444 + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n) };
    };
    expect(tileSvg(idx, at(16))).toContain('stroke="#d0d6de"');
    expect(tileSvg(idx, at(12))).not.toContain('stroke="#d0d6de"');
    expect(tileSvg(idx, at(12))).toContain('stroke-dasharray');
    expect(tileSvg(idx, { z: 10, x: 0, y: 0 })).toBeNull();
  });

  it('renders a 256-px PNG once and serves it from memory after', async () => {
    let loads = 0;
    const r = createTileRenderer(async () => { loads++; return [square, district]; });
    const key = { z: 16, x: 54911, y: 25327 };
    const [a, b] = await Promise.all([r.render(key), r.render(key)]);
    expect(loads).toBe(1);
    expect(b.cached).toBe(true);
    expect(Buffer.compare(a.png, b.png)).toBe(0);
    const meta = await sharp(a.png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 256, 256]);
    expect(r.size()).toBe(1);
  });
});
