import { describe, expect, it } from '@jest/globals';
import { calendarConfigFrom, dayOf, makeCalendar, uncoveredYears, type CalendarConfig } from './calendar.js';

// 2026 dates from 国务院办公厅关于2026年部分节假日安排的通知 (see config/holidays.json):
// 国庆 10-01..10-07 off, 09-20 (Sun) and 10-10 (Sat) worked.
const CFG: CalendarConfig = {
  holidays: new Set(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']),
  workdays: new Set(['2026-09-20', '2026-10-10']),
  workingHours: [
    ['08:30', '12:00'],
    ['13:00', '17:30'],
  ],
  coveredYears: new Set([2026]),
};
const cal = makeCalendar(CFG);
const at = (local: string): Date => new Date(`${local}+08:00`);

describe('natural time', () => {
  it('adds 24 hours round the clock, weekends and holidays included', () => {
    expect(cal.addHours('natural', at('2026-09-30T22:15:00'), 24)).toEqual(at('2026-10-01T22:15:00'));
  });

  it('measures elapsed hours as plain wall-clock time', () => {
    expect(cal.elapsedHours('natural', at('2026-10-01T00:00:00'), at('2026-10-04T06:30:00'))).toBe(78.5);
  });
});

describe('working time', () => {
  it('skips the weekend', () => {
    // Fri 2026-11-27 16:00: 1.5 h left that day, then Monday morning.
    expect(cal.addHours('working', at('2026-11-27T16:00:00'), 4)).toEqual(at('2026-11-30T11:00:00'));
  });

  it('skips the 国庆 2026 holiday week', () => {
    // Wed 09-30 16:30: 1 h that day; 10-01..10-07 off; Thu 10-08 3.5 h + 3.5 h.
    expect(cal.addHours('working', at('2026-09-30T16:30:00'), 8)).toEqual(at('2026-10-08T16:30:00'));
  });

  it('counts a 调休 Saturday as a working day', () => {
    // Fri 10-09 17:00: 0.5 h; Sat 10-10 is worked.
    expect(cal.addHours('working', at('2026-10-09T17:00:00'), 2)).toEqual(at('2026-10-10T10:00:00'));
  });

  it('counts a 调休 Sunday as a working day', () => {
    expect(cal.addHours('working', at('2026-09-19T10:00:00'), 1)).toEqual(at('2026-09-20T09:30:00'));
  });

  it('starts counting at the next working period when reported at night', () => {
    expect(cal.addHours('working', at('2026-11-24T22:00:00'), 1)).toEqual(at('2026-11-25T09:30:00'));
  });

  it('starts counting after lunch when reported during the lunch break', () => {
    expect(cal.addHours('working', at('2026-11-24T12:30:00'), 1)).toEqual(at('2026-11-24T14:00:00'));
  });

  it('ends a deadline at the end of a period, not at the start of the next one', () => {
    expect(cal.addHours('working', at('2026-11-24T08:30:00'), 3.5)).toEqual(at('2026-11-24T12:00:00'));
  });

  it('returns the start itself for zero hours', () => {
    expect(cal.addHours('working', at('2026-11-28T03:00:00'), 0)).toEqual(at('2026-11-28T03:00:00'));
  });

  it('handles several hundred working hours without stepping by the minute', () => {
    // 400 h = 50 working days of 8 h.
    const due = cal.addHours('working', at('2026-11-02T08:30:00'), 400);
    expect(cal.elapsedHours('working', at('2026-11-02T08:30:00'), due)).toBe(400);
    expect(due.getTime()).toBeGreaterThan(at('2027-01-01T00:00:00').getTime());
  });

  it('measures elapsed working hours as the inverse of addHours', () => {
    const starts = ['2026-09-18T11:59:00', '2026-09-30T16:30:00', '2026-10-09T23:00:00', '2026-11-27T12:10:00'];
    for (const s of starts) {
      for (const h of [0.25, 1, 3.5, 7, 8, 24, 72, 123.75]) {
        const start = at(s);
        expect(cal.elapsedHours('working', start, cal.addHours('working', start, h))).toBeCloseTo(h, 9);
      }
    }
  });

  it('gives 0 elapsed hours when the end is not after the start, or lies in rest time only', () => {
    expect(cal.elapsedHours('working', at('2026-11-24T10:00:00'), at('2026-11-24T09:00:00'))).toBe(0);
    expect(cal.elapsedHours('working', at('2026-11-28T08:00:00'), at('2026-11-29T20:00:00'))).toBe(0);
    expect(cal.elapsedHours('working', at('2026-11-24T12:05:00'), at('2026-11-24T12:55:00'))).toBe(0);
  });

  it('refuses negative hours', () => {
    expect(() => cal.addHours('working', at('2026-11-24T10:00:00'), -1)).toThrow(RangeError);
  });
});

describe('working days', () => {
  it('knows weekdays, weekends, holidays and 调休 workdays', () => {
    expect(cal.isWorkingDay('2026-11-24')).toBe(true);
    expect(cal.isWorkingDay('2026-11-28')).toBe(false);
    expect(cal.isWorkingDay('2026-10-01')).toBe(false);
    expect(cal.isWorkingDay('2026-10-10')).toBe(true);
  });

  it('reports which years its holiday calendar covers', () => {
    expect(cal.isCovered('2026-05-01')).toBe(true);
    expect(cal.isCovered('2027-05-01')).toBe(false);
    expect(uncoveredYears(CFG, [2026, 2027])).toEqual([2027]);
  });

  it('gives the Asia/Shanghai calendar day of an instant', () => {
    expect(dayOf(new Date('2026-09-30T16:30:00Z'))).toBe('2026-10-01');
  });

  it('rejects malformed days and working hours', () => {
    expect(() => cal.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => makeCalendar({ ...CFG, workingHours: [['13:00', '12:00']] })).toThrow(RangeError);
    expect(() => makeCalendar({ ...CFG, workingHours: [] })).toThrow(RangeError);
    expect(() => makeCalendar({ ...CFG, workdays: new Set(['2026-10-01']) })).toThrow(RangeError);
  });

  it('builds its config from the holidays.json shape', () => {
    const cfg = calendarConfigFrom({ timezone: 'Asia/Shanghai', years: { '2026': { holidays: ['2026-10-01'], workdays: ['2026-10-10'] } } }, CFG.workingHours);
    expect([...cfg.coveredYears]).toEqual([2026]);
    expect(makeCalendar(cfg).isWorkingDay('2026-10-10')).toBe(true);
  });
});
