import { describe, expect, it } from '@jest/globals';
import { addDays, beijingDate, beijingDayIndex, beijingDayStart, beijingMidnight, beijingParts, formatBeijing, fromBeijing, isBeijingMidnight, shanghaiDay, startOfBeijing } from './shanghai-time.js';

const at = (local: string): Date => new Date(`${local}+08:00`);

describe('Beijing time', () => {
  it('writes an instant for people in Beijing time', () => {
    expect(formatBeijing(new Date('2026-12-03T05:57:12.327Z'))).toBe('2026-12-03 13:57');
    expect(formatBeijing(new Date('2026-12-03T05:57:12.327Z'), { seconds: true })).toBe('2026-12-03 13:57:12');
  });

  it('puts an instant after 16:00 UTC on the next Beijing day', () => {
    const d = new Date('2026-12-31T16:30:00Z');
    expect(beijingDate(d)).toBe('2027-01-01');
    expect(shanghaiDay(d)).toBe('20270101');
    expect(beijingParts(d)).toMatchObject({ year: 2027, month: 1, day: 1, hour: 0, minute: 30, weekday: 5 });
  });

  it('turns wall-clock fields back into the instant', () => {
    expect(fromBeijing(2026, 12, 3, 13, 57)).toEqual(at('2026-12-03T13:57'));
    expect(fromBeijing(2026, 13, 1)).toEqual(at('2027-01-01T00:00')); // months roll over
  });

  it('counts Beijing days from midnight to midnight', () => {
    const i = beijingDayIndex(at('2026-11-25T23:59').getTime());
    expect(beijingDayIndex(at('2026-11-26T00:00').getTime())).toBe(i + 1);
    expect(new Date(beijingMidnight(i + 1))).toEqual(at('2026-11-26T00:00'));
  });

  it('finds the start of the Beijing day, week (Monday), month, quarter and year', () => {
    const now = at('2026-11-25T10:00'); // a Wednesday
    expect(startOfBeijing('day', now)).toEqual(at('2026-11-25T00:00'));
    expect(startOfBeijing('week', now)).toEqual(at('2026-11-23T00:00'));
    expect(startOfBeijing('week', at('2026-11-29T23:00'))).toEqual(at('2026-11-23T00:00')); // Sunday
    expect(startOfBeijing('week', at('2026-12-02T01:00'))).toEqual(at('2026-11-30T00:00')); // week across months
    expect(startOfBeijing('month', now)).toEqual(at('2026-11-01T00:00'));
    expect(startOfBeijing('quarter', now)).toEqual(at('2026-10-01T00:00'));
    expect(startOfBeijing('year', new Date('2026-12-31T16:30:00Z'))).toEqual(at('2027-01-01T00:00'));
  });

  it('starts a Beijing day at 16:00 UTC the day before, steps whole days across months and years, and knows midnight', () => {
    expect(beijingDayStart('2026-12-01')).toEqual(new Date('2026-11-30T16:00:00Z'));
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-11-15', -45)).toBe('2026-10-01');
    expect(isBeijingMidnight(at('2026-12-01T00:00'))).toBe(true);
    expect(isBeijingMidnight(new Date('2026-12-01T00:00:00Z'))).toBe(false); // 08:00 in Beijing
    expect(beijingDate(new Date(beijingDayStart('2026-12-01').getTime() - 1))).toBe('2026-11-30');
  });
});
