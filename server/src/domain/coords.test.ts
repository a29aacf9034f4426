import { describe, expect, it } from '@jest/globals';
import { gcj02ToWgs84, wgs84ToGcj02 } from './coords.js';

/** Metres between two nearby points (equirectangular; plenty at this scale). */
function metres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const k = 111_320;
  return Math.hypot((a.lat - b.lat) * k, (a.lng - b.lng) * k * Math.cos((a.lat * Math.PI) / 180));
}

describe('GCJ-02 and WGS-84', () => {
  const zhongshanSquare = { lat: 38.9187, lng: 121.6444 }; // 中山广场, Dalian (WGS-84)

  it('shifts a Dalian point by a few hundred metres, as the published obfuscation does', () => {
    const g = wgs84ToGcj02(zhongshanSquare);
    const d = metres(zhongshanSquare, g);
    expect(d).toBeGreaterThan(200);
    expect(d).toBeLessThan(800);
    // In north-east China the GCJ-02 point lies east and south-east of the true one.
    expect(g.lng).toBeGreaterThan(zhongshanSquare.lng);
  });

  it('brings a GCJ-02 point back to its WGS-84 origin within a centimetre', () => {
    for (const p of [zhongshanSquare, { lat: 38.8, lng: 121.2 }, { lat: 39.6, lng: 122.2 }, { lat: 22.54, lng: 113.95 }]) {
      expect(metres(gcj02ToWgs84(wgs84ToGcj02(p)), p)).toBeLessThan(0.01);
    }
  });

  it('leaves points outside China unchanged', () => {
    const tokyo = { lat: 35.68, lng: 139.76 };
    expect(gcj02ToWgs84(tokyo)).toEqual(tokyo);
    expect(wgs84ToGcj02(tokyo)).toEqual(tokyo);
  });
});
