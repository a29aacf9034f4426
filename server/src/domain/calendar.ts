// Working-time calendar for the SLA clocks. The standards distinguish 自然时 (every hour counts) from
// 工作时 (only working hours on working days, with public holidays and 调休 working weekends), as the
// 处置时限 of CJ/T 315-2009 and GB/T 30428.8 count them. Holidays come from the State Council notices in
// config/holidays.json.
//
// Asia/Shanghai is UTC+8 all year with no DST: days are counted by shanghai-time.ts, no date library.
import { beijingDayIndex as dayIndexOf, beijingMidnight } from './shanghai-time.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A scan that finds no working time in ten years means a broken config, not a long deadline. */
const MAX_DAYS_SCANNED = 3660;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK_PATTERN = /^(\d{2}):(\d{2})$/;

export type CalendarKind = 'natural' | 'working';

export interface CalendarConfig {
  /** Rest days (YYYY-MM-DD, Asia/Shanghai) published as holidays, weekend days inside a period included. */
  holidays: ReadonlySet<string>;
  /** 调休: weekend days that are working days. */
  workdays: ReadonlySet<string>;
  /** Working periods of a working day, local time "HH:MM" (end may be "24:00"), sorted, not overlapping. */
  workingHours: readonly (readonly [string, string])[];
  /** Years for which the holiday notice is loaded; in any other year only weekends are rest days. */
  coveredYears: ReadonlySet<number>;
}

export interface Calendar {
  /** natural: start + hours. working: the instant at which `hours` working hours have been counted. */
  addHours(kind: CalendarKind, start: Date, hours: number): Date;
  /** Hours between start and end as counted in `kind`; 0 if end <= start. Inverse of addHours. */
  elapsedHours(kind: CalendarKind, start: Date, end: Date): number;
  /** A 调休 workday, or a Monday–Friday that is not a holiday. `day` is YYYY-MM-DD in Asia/Shanghai. */
  isWorkingDay(day: string): boolean;
  /**
   * False when the holiday notice for the day's year is not loaded: the answer of isWorkingDay is then
   * a guess from weekends alone, and deadlines in that year ignore public holidays.
   */
  isCovered(day: string): boolean;
}

/** The holidays.json shape (documented in config/README.md). */
export interface HolidayFile {
  timezone: string;
  years: Readonly<Record<string, { holidays: readonly string[]; workdays: readonly string[] }>>;
}

interface Period {
  startMs: number;
  endMs: number;
}

export function makeCalendar(cfg: CalendarConfig): Calendar {
  const periods = parsePeriods(cfg.workingHours);
  assertNoClash(cfg);
  const isWorkingIndex = (index: number): boolean => workingOn(cfg, index);
  return {
    addHours(kind, start, hours) {
      const ms = hoursToMs(hours);
      const from = start.getTime();
      return new Date(kind === 'natural' ? from + ms : addWorkingMs(periods, isWorkingIndex, from, ms));
    },
    elapsedHours(kind, start, end) {
      const from = start.getTime();
      const to = end.getTime();
      if (to <= from) return 0;
      const ms = kind === 'natural' ? to - from : elapsedWorkingMs(periods, isWorkingIndex, from, to);
      return ms / HOUR_MS;
    },
    isWorkingDay: (day) => isWorkingIndex(parseDay(day)),
    isCovered(day) {
      parseDay(day); // validates the format
      return cfg.coveredYears.has(Number(day.slice(0, 4)));
    },
  };
}

/** Builds the calendar config from holidays.json and the working hours of time-limits.json. */
export function calendarConfigFrom(file: HolidayFile, workingHours: CalendarConfig['workingHours']): CalendarConfig {
  if (file.timezone !== 'Asia/Shanghai') throw new RangeError(`only Asia/Shanghai is supported, got ${file.timezone}`);
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  const coveredYears = new Set<number>();
  for (const [year, lists] of Object.entries(file.years)) {
    coveredYears.add(Number(year));
    lists.holidays.forEach((d) => holidays.add(dayString(parseDay(d))));
    lists.workdays.forEach((d) => workdays.add(dayString(parseDay(d))));
  }
  return { holidays, workdays, workingHours, coveredYears };
}

/** The years among `years` that the holiday calendar does not cover, for a warning at boot. */
export function uncoveredYears(cfg: Pick<CalendarConfig, 'coveredYears'>, years: readonly number[]): number[] {
  return years.filter((y) => !cfg.coveredYears.has(y));
}

/** The calendar day (YYYY-MM-DD) of an instant in Asia/Shanghai. */
export function dayOf(at: Date): string {
  return dayString(dayIndexOf(at.getTime()));
}

function workingOn(cfg: CalendarConfig, index: number): boolean {
  const day = dayString(index);
  if (cfg.workdays.has(day)) return true;
  if (cfg.holidays.has(day)) return false;
  const weekday = (((index + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return weekday !== 0 && weekday !== 6;
}

function addWorkingMs(periods: readonly Period[], isWorking: (i: number) => boolean, from: number, ms: number): number {
  if (ms === 0) return from;
  let remaining = ms;
  let index = dayIndexOf(from);
  // One step per calendar day (never per minute): several hundred hours is a few months of days.
  for (let n = 0; n < MAX_DAYS_SCANNED; n++, index++) {
    if (!isWorking(index)) continue;
    const midnight = beijingMidnight(index);
    for (const p of periods) {
      const segStart = Math.max(from, midnight + p.startMs);
      const segEnd = midnight + p.endMs;
      if (segEnd <= segStart) continue;
      // Land on the end of a period rather than the start of the next one: the due instant is when
      // the last working minute has passed.
      if (remaining <= segEnd - segStart) return segStart + remaining;
      remaining -= segEnd - segStart;
    }
  }
  throw new RangeError(`no working time found within ${MAX_DAYS_SCANNED} days; check the calendar config`);
}

function elapsedWorkingMs(periods: readonly Period[], isWorking: (i: number) => boolean, from: number, to: number): number {
  let total = 0;
  const last = dayIndexOf(to);
  for (let index = dayIndexOf(from); index <= last; index++) {
    if (!isWorking(index)) continue;
    const midnight = beijingMidnight(index);
    for (const p of periods) {
      total += Math.max(0, Math.min(to, midnight + p.endMs) - Math.max(from, midnight + p.startMs));
    }
  }
  return total;
}

function hoursToMs(hours: number): number {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`hours must be a finite number >= 0, got ${hours}`);
  return Math.round(hours * HOUR_MS);
}

function dayString(index: number): string {
  return new Date(index * DAY_MS).toISOString().slice(0, 10);
}

function parseDay(day: string): number {
  const m = DAY_PATTERN.exec(day);
  const index = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS : NaN;
  if (!Number.isInteger(index) || dayString(index) !== day) throw new RangeError(`not a YYYY-MM-DD day: ${day}`);
  return index;
}

function parseClock(hhmm: string): number {
  const m = CLOCK_PATTERN.exec(hhmm);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || !(minutes <= 24 * 60)) throw new RangeError(`not an HH:MM time of day: ${hhmm}`);
  return minutes * 60_000;
}

function parsePeriods(hours: CalendarConfig['workingHours']): Period[] {
  if (hours.length === 0) throw new RangeError('workingHours is empty');
  const periods = hours.map(([start, end]) => ({ startMs: parseClock(start), endMs: parseClock(end) }));
  periods.forEach((p, i) => {
    const previous = periods[i - 1];
    if (p.endMs <= p.startMs) throw new RangeError(`working period ${i} ends before it starts`);
    if (previous && p.startMs < previous.endMs) throw new RangeError(`working period ${i} overlaps or is out of order`);
  });
  return periods;
}

function assertNoClash(cfg: CalendarConfig): void {
  const both = [...cfg.holidays].filter((d) => cfg.workdays.has(d));
  if (both.length > 0) throw new RangeError(`days listed as both holiday and workday: ${both.join(', ')}`);
}
