import { describe, expect, it } from '@jest/globals';
import * as shared from '@finecity/types';
import { bd09ToGcj02, bd09ToWgs84, fromWgs84, gcj02ToBd09, gcj02ToWgs84, toWgs84, toWgs84FromMap, wgs84ToBd09, wgs84ToGcj02 } from './coords.js';

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

describe('BD-09', () => {
  // The published reference values of https://github.com/wandergis/coordtransform (README: 天安门, 116.404, 39.915).
  it('matches the published BD-09 ↔ GCJ-02 values', () => {
    const g = bd09ToGcj02({ lat: 39.915, lng: 116.404 });
    expect(g.lng).toBeCloseTo(116.39762729119315, 10);
    expect(g.lat).toBeCloseTo(39.90865673957631, 10);
    const b = gcj02ToBd09({ lat: 39.915, lng: 116.404 });
    expect(b.lng).toBeCloseTo(116.41036949371029, 10);
    expect(b.lat).toBeCloseTo(39.92133699351021, 10);
  });

  it('brings a Dalian BD-09 point back to its WGS-84 origin within a few centimetres', () => {
    const zhongshanSquare = { lat: 38.9187, lng: 121.6444 };
    const bd = wgs84ToBd09(zhongshanSquare);
    // BD-09 lies some hundreds of metres off, further than GCJ-02.
    expect(metres(bd, zhongshanSquare)).toBeGreaterThan(500);
    expect(metres(bd09ToWgs84(bd), zhongshanSquare)).toBeLessThan(0.05);
    expect(metres(toWgs84(bd, 'bd09'), zhongshanSquare)).toBeLessThan(0.05);
    expect(metres(toWgs84(wgs84ToGcj02(zhongshanSquare), 'gcj02'), zhongshanSquare)).toBeLessThan(0.01);
    expect(toWgs84(zhongshanSquare, 'wgs84')).toEqual(zhongshanSquare);
  });
});

describe('one converter for the server and the mini-program', () => {
  it('is the shared types workspace copy', () => {
    expect(wgs84ToGcj02).toBe(shared.wgs84ToGcj02);
    expect(gcj02ToWgs84).toBe(shared.gcj02ToWgs84);
  });

  it('puts a WGS-84 point into a map datum and back', () => {
    const p = { lat: 38.9187, lng: 121.6444 };
    expect(fromWgs84(p, 'wgs84')).toEqual(p);
    expect(fromWgs84(p, 'gcj02')).toEqual(wgs84ToGcj02(p));
    expect(metres(toWgs84FromMap(fromWgs84(p, 'gcj02'), 'gcj02'), p)).toBeLessThan(0.01);
    expect(toWgs84FromMap(p, 'wgs84')).toEqual(p);
  });
});
