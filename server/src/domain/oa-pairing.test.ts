import { describe, expect, it } from '@jest/globals';
import { bindCodeIn, consumedBy, decidePair, fillText, halfToKeep, pairKey, type LocationHalf, type PhotoHalf } from './oa-pairing.js';

const t0 = new Date('2026-11-25T02:00:00Z');
const min = (m: number) => new Date(t0.getTime() + m * 60_000);
const photo = (at = t0, mediaId = 'MEDIA_1'): PhotoHalf => ({ kind: 'photo', mediaId, picUrl: null, at });
const place = (at = t0): LocationHalf => ({ kind: 'location', lat: 38.9, lng: 121.6, label: '中山路', at });
const WINDOW = 10 * 60_000;

describe('pairing a photo and a location', () => {
  it('pairs them in either order within the window', () => {
    expect(decidePair(photo(), place(min(3)), WINDOW)).toMatchObject({ kind: 'pair', photo: photo(), location: place(min(3)) });
    expect(decidePair(place(), photo(min(10)), WINDOW)).toMatchObject({ kind: 'pair', photo: photo(min(10)), location: place() });
  });

  it('waits when nothing is pending, when the same kind comes again, or when the pending half is too old', () => {
    expect(decidePair(null, photo(), WINDOW)).toEqual({ kind: 'wait', half: photo(), dropped: 'none' });
    expect(decidePair(photo(), photo(min(1), 'MEDIA_2'), WINDOW)).toMatchObject({ kind: 'wait', dropped: 'same_kind' });
    expect(decidePair(photo(), place(min(11)), WINDOW)).toEqual({ kind: 'wait', half: place(min(11)), dropped: 'stale' });
  });

  it('names a pair the same way whichever half came first, and recognises either half again', () => {
    const key = pairKey(photo(), place(min(2)));
    expect(key).toBe(`oa:MEDIA_1|${Math.floor(min(2).getTime() / 1000)}`);
    expect(consumedBy(['other', key], photo(min(5)))).toBe(key);
    expect(consumedBy([key], place(new Date(min(2).getTime() + 400)))).toBe(key);
    expect(consumedBy([key], photo(t0, 'MEDIA_2'))).toBeNull();
    expect(consumedBy([key], place(min(3)))).toBeNull();
  });

  it('keeps the good half when a pair is refused', () => {
    const pair = { photo: photo(), location: place() };
    expect(halfToKeep('photo.corrupt', pair)).toBe(pair.location);
    expect(halfToKeep('location.outside_service_area', pair)).toBe(pair.photo);
    expect(halfToKeep('auth.forbidden', pair)).toBeNull();
  });
});

describe('bind codes in a text message', () => {
  it('reads "绑定 123456", full-width digits and the bare code', () => {
    for (const t of ['绑定 123456', '绑定123456', ' 123456 ', '绑定：１２３４５６', 'BIND 123456']) expect(bindCodeIn(t)).toBe('123456');
  });

  it('ignores anything else', () => {
    for (const t of ['12345', '1234567', '绑定', '路边有垃圾 123456', '']) expect(bindCodeIn(t)).toBeNull();
  });
});

describe('reply texts', () => {
  it('fills known placeholders and leaves unknown ones', () => {
    expect(fillText('已受理，案件编号 {caseNo}{x}', { caseNo: 'DL20261125-000001' })).toBe('已受理，案件编号 DL20261125-000001{x}');
  });
});
