/**
 * Asia/Shanghai wall-clock time for people. China has observed no daylight saving since 1991, so Beijing
 * time is UTC+8 all year (IANA tz database, zone Asia/Shanghai: https://data.iana.org/time-zones/tz-link.html).
 * Pure: every function takes the instant; none reads a clock.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 24 * 3_600_000;

const pad = (n: number): string => String(n).padStart(2, '0');

/** An instant's Beijing wall-clock fields. */
export interface BeijingParts {
  year: number;
  /** 1–12. */
  month: number;
  /** Day of the month, 1–31. */
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

/** The instant as Beijing wall-clock fields. */
export function beijingParts(d: Date): BeijingParts {
  const t = new Date(d.getTime() + SHANGHAI_OFFSET_MS);
  return {
    year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate(),
    hour: t.getUTCHours(), minute: t.getUTCMinutes(), second: t.getUTCSeconds(), weekday: t.getUTCDay(),
  };
}

/** The instant at which a Beijing wall-clock date and time occurs (month 1–12; out-of-range values roll over). */
export function fromBeijing(year: number, month: number, day: number, hour = 0, minute = 0): Date {
  return new Date(Date.UTC(year, month - 1, day, hour, minute) - SHANGHAI_OFFSET_MS);
}

/** '2026-12-03 13:57' ('2026-12-03 13:57:12' with seconds): the date and time in Beijing, as a message or page shows it. */
export function formatBeijing(d: Date, opts: { seconds?: boolean } = {}): string {
  const f = beijingParts(d);
  return `${f.year}-${pad(f.month)}-${pad(f.day)} ${pad(f.hour)}:${pad(f.minute)}${opts.seconds ? `:${pad(f.second)}` : ''}`;
}

/** '2026-12-03': the Beijing calendar day. */
export function beijingDate(d: Date): string {
  const f = beijingParts(d);
  return `${f.year}-${pad(f.month)}-${pad(f.day)}`;
}

/** 00:00 Beijing time of a 'YYYY-MM-DD' calendar day. */
export function beijingDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS);
}

/** The calendar day `n` days after (n < 0: before) a 'YYYY-MM-DD' day, as 'YYYY-MM-DD'. */
export function addDays(day: string, n: number): string {
  const t = new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** Whether the instant is 00:00 Beijing time (a period boundary). */
export function isBeijingMidnight(d: Date): boolean {
  return (d.getTime() + SHANGHAI_OFFSET_MS) % DAY_MS === 0;
}

/** '20261203': the Beijing calendar day as a key (case numbers are counted per day). */
export function shanghaiDay(d: Date): string {
  return beijingDate(d).replaceAll('-', '');
}

/** The day of the month in Beijing time (1–31). */
export function beijingDayOfMonth(d: Date): number {
  return beijingParts(d).day;
}

/** Days since 1970-01-01 of the Beijing calendar day the instant falls on. */
export function beijingDayIndex(epochMs: number): number {
  return Math.floor((epochMs + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** The instant of Beijing midnight that starts day `index` (as counted by beijingDayIndex). */
export function beijingMidnight(index: number): number {
  return index * DAY_MS - SHANGHAI_OFFSET_MS;
}

export type BeijingPeriod = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** Start of the Beijing calendar day, week (from Monday), month, quarter or year that contains `d`. */
export function startOfBeijing(period: BeijingPeriod, d: Date): Date {
  const { year, month, day, weekday } = beijingParts(d);
  switch (period) {
    case 'day':
      return fromBeijing(year, month, day);
    case 'week':
      return fromBeijing(year, month, day - ((weekday + 6) % 7));
    case 'month':
      return fromBeijing(year, month, 1);
    case 'quarter':
      return fromBeijing(year, month - ((month - 1) % 3), 1);
    case 'year':
      return fromBeijing(year, 1, 1);
  }
}
