import { describe, expect, it } from '@jest/globals';
import { daysInclusive, dutyDay, dutyOnDay, isDay, isoWeek, monthDays, offDutySlot, onDutySlot, slotByRule, type GridRota } from './duty-roster.js';

const rota = (over: Partial<GridRota<string>> = {}): GridRota<string> => ({
  rule: 'alternate_days', overrides: [], substitutes: [], holders: { A: ['a'], B: ['b'] }, ...over,
});

describe('duty rules', () => {
  it('alternate_days: A on even days of the month, B on odd days (Beijing date)', () => {
    expect(slotByRule('alternate_days', '2026-12-02')).toBe('A');
    expect(slotByRule('alternate_days', '2026-12-31')).toBe('B');
    expect(slotByRule('alternate_days', '2027-01-01')).toBe('B'); // odd after odd across the month's end
    expect(onDutySlot(new Date('2026-11-26T17:00:00Z'))).toBe('B'); // 27th, 01:00 Beijing
    expect(offDutySlot(new Date('2026-11-26T17:00:00Z'))).toBe('A');
    expect(dutyDay(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12-01'); // 00:30 Beijing is the next day
  });

  it('alternate_weeks: A on even ISO weeks', () => {
    expect(isoWeek('2026-01-01')).toBe(1); // a Thursday
    expect(isoWeek('2027-01-01')).toBe(53); // a Friday: week 53 of 2026
    expect(isoWeek('2026-12-02')).toBe(49);
    expect(isoWeek('2026-12-07')).toBe(50); // Monday
    expect(slotByRule('alternate_weeks', '2026-12-06')).toBe('B'); // Sunday of week 49
    expect(slotByRule('alternate_weeks', '2026-12-07')).toBe('A');
    expect(slotByRule('alternate_weeks', '2026-12-13')).toBe('A');
  });

  it('a_only: A every day', () => {
    expect(['2026-12-01', '2026-12-02', '2026-12-07'].map((d) => slotByRule('a_only', d))).toEqual(['A', 'A', 'A']);
  });
});

describe('a grid on a day', () => {
  it('follows the rule, then the latest override of the day', () => {
    expect(dutyOnDay(rota(), '2026-12-03')).toMatchObject({ slot: 'B', source: 'rule', onDuty: { slot: 'B', people: [{ person: 'b', substitute: false }] }, offDuty: { slot: 'A' } });
    const r = rota({
      overrides: [
        { day: '2026-12-03', slot: 'A', setAt: new Date('2026-12-01T00:00:00Z') },
        { day: '2026-12-03', slot: 'B', setAt: new Date('2026-11-30T00:00:00Z') },
      ],
    });
    expect(dutyOnDay(r, '2026-12-03')).toMatchObject({ slot: 'A', source: 'override', offDuty: { slot: 'B', people: [{ person: 'b' }] } });
    expect(dutyOnDay(r, '2026-12-05').source).toBe('rule');
  });

  it('puts the latest substitute covering the day on the post, inclusive of both ends', () => {
    const r = rota({
      substitutes: [
        { post: 'A', from: '2026-12-02', to: '2026-12-10', setAt: new Date('2026-11-01T00:00:00Z'), person: 'x' },
        { post: 'A', from: '2026-12-04', to: '2026-12-04', setAt: new Date('2026-11-02T00:00:00Z'), person: 'y' },
      ],
    });
    expect(dutyOnDay(r, '2026-12-02').onDuty.people).toEqual([{ person: 'x', substitute: true }]);
    expect(dutyOnDay(r, '2026-12-04').onDuty.people).toEqual([{ person: 'y', substitute: true }]);
    expect(dutyOnDay(r, '2026-12-10').onDuty.people).toEqual([{ person: 'x', substitute: true }]);
    expect(dutyOnDay(r, '2026-12-12').onDuty.people).toEqual([{ person: 'a', substitute: false }]);
    expect(dutyOnDay(r, '2026-12-03').offDuty.people).toEqual([{ person: 'x', substitute: true }]); // B day: A's cover is the failover
  });
});

describe('dates', () => {
  it('lists a month and checks dates', () => {
    expect(monthDays('2028-02')).toHaveLength(29);
    expect(monthDays('2026-12')![30]).toBe('2026-12-31');
    expect(monthDays('2026-13')).toBeNull();
    expect(monthDays('2026-1')).toBeNull();
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2028-02-29')).toBe(true);
    expect(daysInclusive('2026-12-01', '2026-12-01')).toBe(1);
    expect(daysInclusive('2026-12-01', '2027-03-02')).toBe(92);
  });
});
