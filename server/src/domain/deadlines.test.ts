import { describe, expect, it } from '@jest/globals';
// The domain stays pure; only this test reads the committed policy files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { calendarConfigFrom, makeCalendar, type HolidayFile } from './calendar.js';
import {
  clockStatus,
  computeDeadlines,
  extendDeadline,
  nationalClock,
  resolveClock,
  warningTimes,
  type TimeLimitPolicy,
} from './deadlines.js';

const CONFIG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'config');
const readConfig = <T>(name: string): T => JSON.parse(readFileSync(path.join(CONFIG_DIR, name), 'utf8')) as T;

const POLICY: TimeLimitPolicy = {
  warn: { yellow: 0.5, red: 0.8 },
  workingHours: [
    ['08:30', '12:00'],
    ['13:00', '17:30'],
  ],
  defaults: {
    dalian: { calendar: 'natural', hours: { simple: 24, complex: 72, urgent: 4 } },
    national: { calendar: 'working', hours: { simple: 24, complex: 80, urgent: 8 } },
  },
  byBigClass: { '09': { national: { hours: { complex: 40 } }, dalian: { hours: { simple: 12 } } } },
  byCategory: { '09005': { dalian: { hours: { simple: 6 }, calendar: 'working' } } },
};
const cal = makeCalendar({
  holidays: new Set(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']),
  workdays: new Set(['2026-09-20', '2026-10-10']),
  workingHours: POLICY.workingHours,
  coveredYears: new Set([2026]),
});
const at = (local: string): Date => new Date(`${local}+08:00`);
const START = at('2026-11-24T10:00:00'); // a Tuesday

describe('computeDeadlines', () => {
  it('gives a simple case 24 natural hours on the Dalian clock and 3 working days on the national one', () => {
    const d = computeDeadlines(POLICY, cal, '06010', 'simple', START);
    expect(d).toEqual({
      startedAt: START,
      dueAt: at('2026-11-25T10:00:00'),
      calendar: 'natural',
      nationalDueAt: at('2026-11-27T10:00:00'),
      nationalCalendar: 'working',
      hours: 24,
      nationalHours: 24,
    });
  });

  it('gives a complex case 72 natural hours', () => {
    expect(computeDeadlines(POLICY, cal, '06010', 'complex', START).dueAt).toEqual(at('2026-11-27T10:00:00'));
  });

  it('gives an urgent case the 城管110 4 hours, at night too', () => {
    const d = computeDeadlines(POLICY, cal, '01001', 'urgent', at('2026-10-03T23:00:00'));
    expect(d.dueAt).toEqual(at('2026-10-04T03:00:00'));
    expect(d.nationalDueAt).toEqual(at('2026-10-08T17:30:00')); // 8 working hours after the 国庆 week
  });

  it('lets a category override beat its big class, and the big class beat the defaults', () => {
    expect(resolveClock(POLICY, '06010', 'dalian')).toEqual(POLICY.defaults.dalian);
    expect(resolveClock(POLICY, '09006', 'dalian')).toEqual({ calendar: 'natural', hours: { simple: 12, complex: 72, urgent: 4 } });
    expect(resolveClock(POLICY, '09005', 'dalian')).toEqual({ calendar: 'working', hours: { simple: 6, complex: 72, urgent: 4 } });
    expect(resolveClock(POLICY, '09005', 'national').hours.complex).toBe(40);
    expect(computeDeadlines(POLICY, cal, '09005', 'simple', START).dueAt).toEqual(at('2026-11-24T17:00:00'));
  });
});

describe('clockStatus', () => {
  const d = computeDeadlines(POLICY, cal, '06010', 'simple', START); // 24 natural hours
  const after = (h: number): Date => new Date(START.getTime() + h * 3_600_000);

  it('is green before half the time is used', () => {
    expect(clockStatus(cal, d, after(11.9))).toEqual({ level: 'green', used: 11.9 / 24 });
  });

  it('turns yellow at 50 %, red at 80 % and overdue at 100 %', () => {
    expect(clockStatus(cal, d, after(12)).level).toBe('yellow');
    expect(clockStatus(cal, d, after(19.1)).level).toBe('yellow');
    expect(clockStatus(cal, d, after(19.2)).level).toBe('red');
    expect(clockStatus(cal, d, after(24))).toEqual({ level: 'overdue', used: 1 });
    expect(clockStatus(cal, d, after(36))).toEqual({ level: 'overdue', used: 1.5 });
  });

  it('measures a working-time clock in working hours', () => {
    const national = nationalClock(d); // 24 working hours from Tue 10:00
    expect(clockStatus(cal, national, at('2026-11-25T10:00:00'))).toEqual({ level: 'green', used: 8 / 24 });
    expect(clockStatus(cal, national, at('2026-11-25T22:00:00')).level).toBe('yellow'); // 14.5 h
    expect(clockStatus(cal, national, at('2026-11-27T10:00:00')).level).toBe('overdue');
  });

  it('agrees with warningTimes at each instant', () => {
    for (const clock of [d, nationalClock(d), nationalClock(computeDeadlines(POLICY, cal, '01001', 'complex', at('2026-09-30T12:34:56.789')))]) {
      const w = warningTimes(cal, clock);
      const justBefore = (t: Date): Date => new Date(t.getTime() - 1);
      expect(clockStatus(cal, clock, justBefore(w.yellowAt)).level).toBe('green');
      expect(clockStatus(cal, clock, w.yellowAt).level).toBe('yellow');
      expect(clockStatus(cal, clock, justBefore(w.redAt)).level).toBe('yellow');
      expect(clockStatus(cal, clock, w.redAt).level).toBe('red');
      expect(clockStatus(cal, clock, w.overdueAt).level).toBe('overdue');
    }
  });
});

describe('warningTimes', () => {
  it('puts yellow, red and overdue at 50 %, 80 % and 100 % of a natural clock', () => {
    const d = computeDeadlines(POLICY, cal, '06010', 'simple', START);
    expect(warningTimes(cal, d)).toEqual({
      yellowAt: at('2026-11-24T22:00:00'),
      redAt: at('2026-11-25T05:12:00'),
      overdueAt: at('2026-11-25T10:00:00'),
    });
  });

  it('counts the thresholds of a working clock in working hours', () => {
    const w = warningTimes(cal, nationalClock(computeDeadlines(POLICY, cal, '06010', 'simple', START)));
    // 24 working hours from Tue 10:00 (6.5 h on Tue, 8 h a day after): 12 h = Wed 15:00, 19.2 h = Thu 14:12.
    expect(w).toEqual({ yellowAt: at('2026-11-25T15:00:00'), redAt: at('2026-11-26T14:12:00'), overdueAt: at('2026-11-27T10:00:00') });
  });
});

describe('extendDeadline', () => {
  const d = computeDeadlines(POLICY, cal, '06010', 'complex', START);

  it('moves the Dalian due date by the approved hours and keeps the national one', () => {
    const e = extendDeadline(cal, d, 48);
    expect(e.dueAt).toEqual(at('2026-11-29T10:00:00'));
    expect(e.hours).toBe(120);
    expect(e.nationalDueAt).toEqual(d.nationalDueAt);
    expect(clockStatus(cal, e, at('2026-11-27T12:00:00')).level).toBe('yellow');
  });

  it('counts an extension in working hours on a working-time clock', () => {
    const w = computeDeadlines(POLICY, cal, '09005', 'simple', START); // due Tue 17:00 working
    expect(extendDeadline(cal, w, 8).dueAt).toEqual(at('2026-11-25T17:00:00'));
  });

  it('refuses a non-positive extension', () => {
    expect(() => extendDeadline(cal, d, 0)).toThrow(RangeError);
  });
});

describe('the committed policy files', () => {
  interface CategoriesFile {
    standardRef: string;
    categories: { code: string; kind: string; department: string; confusableWith: string[]; urgent: boolean }[];
    departments: { code: string; name: string }[];
  }
  const categories = readConfig<CategoriesFile>('categories.json');
  const policy = readConfig<TimeLimitPolicy>('time-limits.json');
  const holidays = readConfig<HolidayFile>('holidays.json');

  it('holds the 250 matters of GB/T 47678.5-2026 with unique codes', () => {
    expect(categories.standardRef).toBe('GB/T 47678.5-2026');
    expect(categories.categories).toHaveLength(250);
    expect(new Set(categories.categories.map((c) => c.code)).size).toBe(250);
    expect(categories.categories.every((c) => c.kind === 'matter' && /^\d{5}$/.test(c.code))).toBe(true);
  });

  it('names only existing departments and existing confusable codes', () => {
    const departments = new Set(categories.departments.map((d) => d.code));
    const codes = new Set(categories.categories.map((c) => c.code));
    for (const c of categories.categories) {
      expect(departments.has(c.department)).toBe(true);
      c.confusableWith.forEach((other) => expect(codes.has(other)).toBe(true));
    }
  });

  it('has holiday lists that a calendar accepts, 调休 days on weekends only', () => {
    const calendar = makeCalendar(calendarConfigFrom(holidays, policy.workingHours));
    for (const year of Object.values(holidays.years)) {
      year.workdays.forEach((day) => expect([0, 6]).toContain(new Date(`${day}T00:00:00Z`).getUTCDay()));
      year.holidays.forEach((day) => expect(calendar.isWorkingDay(day)).toBe(false));
    }
    expect(calendar.isCovered('2026-10-01')).toBe(true);
  });

  it('gives every matter and complexity a deadline after its start', () => {
    const calendar = makeCalendar(calendarConfigFrom(holidays, policy.workingHours));
    for (const c of categories.categories) {
      for (const complexity of ['simple', 'complex', 'urgent'] as const) {
        const d = computeDeadlines(policy, calendar, c.code, complexity, START);
        expect(d.dueAt.getTime()).toBeGreaterThan(START.getTime());
        expect(d.nationalDueAt.getTime()).toBeGreaterThan(START.getTime());
      }
    }
  });
});
