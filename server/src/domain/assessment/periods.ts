import type { AssessmentPeriod } from '@finecity/types';
import { AppError } from '../errors.js';
import { beijingParts, fromBeijing } from '../shanghai-time.js';

/** One assessment period: [start, end) in Beijing time, its `at` key and the label people read. */
export interface PeriodBounds {
  period: AssessmentPeriod;
  at: string;
  start: Date;
  end: Date;
  label: string;
}

const FORMATS: Record<AssessmentPeriod, { re: RegExp; example: string }> = {
  day: { re: /^(\d{4})-(\d{2})-(\d{2})$/, example: '2026-11-30' },
  week: { re: /^(\d{4})-W(\d{2})$/, example: '2026-W48' },
  month: { re: /^(\d{4})-(\d{2})$/, example: '2026-11' },
  quarter: { re: /^(\d{4})-Q([1-4])$/, example: '2026-Q4' },
  year: { re: /^(\d{4})$/, example: '2026' },
};

const pad = (n: number): string => String(n).padStart(2, '0');

/** Monday of ISO week 1 of `isoYear`, as a Beijing calendar date (ISO 8601: the week with the year's first Thursday). */
function isoWeekOneMonday(isoYear: number): { y: number; m: number; d: number } {
  const jan4 = new Date(Date.UTC(isoYear, 0, 4));
  const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000);
  return { y: monday.getUTCFullYear(), m: monday.getUTCMonth() + 1, d: monday.getUTCDate() };
}

/** Weeks in an ISO year: 53 when it starts or (in a leap year) ends on a Thursday. */
function isoWeeksIn(year: number): number {
  const dec28 = new Date(Date.UTC(year, 11, 28));
  const jan4 = new Date(Date.UTC(year, 0, 4));
  return Math.round((dec28.getTime() - jan4.getTime()) / (7 * 86_400_000) + ((jan4.getUTCDay() + 6) % 7) / 7 - ((dec28.getUTCDay() + 6) % 7) / 7) + 1;
}

function invalid(period: AssessmentPeriod, at: string): AppError {
  return new AppError('assessment.period_invalid', `时间“${at}”与周期不符，应形如 ${FORMATS[period].example}`, { fields: [{ field: 'at', message: `应形如 ${FORMATS[period].example}` }] });
}

/** Parses `at` for a period (YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY-Qn, YYYY) into Beijing-time bounds. */
export function periodBounds(period: AssessmentPeriod, at: string): PeriodBounds {
  const m = FORMATS[period].re.exec(at);
  if (!m) throw invalid(period, at);
  const y = Number(m[1]);
  if (y < 2000 || y > 2100) throw invalid(period, at);
  switch (period) {
    case 'day': {
      const mo = Number(m[2]);
      const d = Number(m[3]);
      const start = fromBeijing(y, mo, d);
      const p = beijingParts(start);
      if (p.month !== mo || p.day !== d) throw invalid(period, at);
      return { period, at, start, end: fromBeijing(y, mo, d + 1), label: `${y}年${mo}月${d}日` };
    }
    case 'week': {
      const w = Number(m[2]);
      if (w < 1 || w > isoWeeksIn(y)) throw invalid(period, at);
      const one = isoWeekOneMonday(y);
      const start = fromBeijing(one.y, one.m, one.d + (w - 1) * 7);
      const end = fromBeijing(one.y, one.m, one.d + w * 7);
      const a = beijingParts(start);
      const b = beijingParts(new Date(end.getTime() - 1));
      return { period, at, start, end, label: `${y}年第${w}周（${a.month}月${a.day}日—${b.month}月${b.day}日）` };
    }
    case 'month': {
      const mo = Number(m[2]);
      if (mo < 1 || mo > 12) throw invalid(period, at);
      return { period, at, start: fromBeijing(y, mo, 1), end: fromBeijing(y, mo + 1, 1), label: `${y}年${mo}月` };
    }
    case 'quarter': {
      const q = Number(m[2]);
      return { period, at, start: fromBeijing(y, (q - 1) * 3 + 1, 1), end: fromBeijing(y, q * 3 + 1, 1), label: `${y}年第${'一二三四'[q - 1]}季度` };
    }
    case 'year':
      return { period, at, start: fromBeijing(y, 1, 1), end: fromBeijing(y + 1, 1, 1), label: `${y}年` };
  }
}

/** The `at` key of the period that contains the instant (Beijing time). */
export function periodAt(period: AssessmentPeriod, instant: Date): string {
  const p = beijingParts(instant);
  switch (period) {
    case 'day':
      return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
    case 'week': {
      // ISO week: the Thursday of this week decides the year.
      const dayIdx = Math.floor(Date.UTC(p.year, p.month - 1, p.day) / 86_400_000);
      const thursday = new Date((dayIdx - ((p.weekday + 6) % 7) + 3) * 86_400_000);
      const isoYear = thursday.getUTCFullYear();
      const one = isoWeekOneMonday(isoYear);
      const week = Math.round((thursday.getTime() - Date.UTC(one.y, one.m - 1, one.d)) / (7 * 86_400_000)) + 1;
      return `${isoYear}-W${pad(week)}`;
    }
    case 'month':
      return `${p.year}-${pad(p.month)}`;
    case 'quarter':
      return `${p.year}-Q${Math.floor((p.month - 1) / 3) + 1}`;
    case 'year':
      return String(p.year);
  }
}

/** The period just before the one that contains the instant: what a scheduled report covers (yesterday, last week …). */
export function previousPeriod(period: AssessmentPeriod, instant: Date): PeriodBounds {
  const current = periodBounds(period, periodAt(period, instant));
  return periodBounds(period, periodAt(period, new Date(current.start.getTime() - 1)));
}

/**
 * The bounds of a period a person asked for: refused when it has not started yet. A period in progress is
 * allowed and counted up to now (live, never published).
 */
export function askedPeriod(period: AssessmentPeriod, at: string, now: Date): PeriodBounds {
  const b = periodBounds(period, at);
  if (b.start.getTime() > now.getTime()) {
    throw new AppError('assessment.future_period', `“${b.label}”尚未开始，没有考核数据`, { fields: [{ field: 'at', message: '不能查询未来的周期' }] });
  }
  return b;
}

/** True once the period is over: only then can it be published. */
export const periodEnded = (b: PeriodBounds, now: Date): boolean => b.end.getTime() <= now.getTime();
