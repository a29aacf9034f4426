import type { CalendarDay, CalendarYearBody, CalendarYearDto } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { AuditEntry } from './audit.js';
import { isCityAdmin } from './admin-scope.js';

/**
 * The working calendar as admin data: each year's rest days (法定节假日, weekend days inside a holiday
 * period included) and 调休 working weekends, as the State Council publishes them each November
 * (国务院办公厅关于某年部分节假日安排的通知). The SLA clock counts 工作时 on it (domain/calendar.ts).
 */
export interface StoredCalendarYear {
  year: number;
  holidays: CalendarDay[];
  workdays: CalendarDay[];
  updatedAt: Date;
}

/** The stored calendar (port), one row per year. */
export interface WorkingCalendarStore {
  all(): Promise<StoredCalendarYear[]>;
  year(year: number): Promise<StoredCalendarYear | null>;
  /**
   * Replaces one year's lists (creating the year if new) and writes the audit line `audit(before)` in the
   * same transaction; the year is locked meanwhile, so `before` is what the change replaced.
   */
  replace(year: number, lists: CalendarYearBody, by: string, at: Date, audit: (before: StoredCalendarYear | null) => AuditEntry): Promise<StoredCalendarYear>;
  /** Re-reads the stored years into this process's SLA clock: clocks started from now on use them. */
  reload(): Promise<void>;
}

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;
const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function store(deps: Deps): WorkingCalendarStore {
  if (!deps.calendar) throw new AppError('service.unavailable', '工作日历暂不可用');
  return deps.calendar;
}

function requireCityAdmin(deps: Deps, user: CurrentUser): void {
  if (!isCityAdmin(user, deps.org)) throw new AppError('auth.forbidden', '只有市级管理员可以维护工作日历');
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new AppError('calendar.invalid', `年份应在 ${MIN_YEAR} 至 ${MAX_YEAR} 之间`, { fields: [{ field: 'year', message: `年份应在 ${MIN_YEAR} 至 ${MAX_YEAR} 之间` }] });
  }
}

const present = (year: number, y: StoredCalendarYear | null): CalendarYearDto => ({
  year, stored: !!y, holidays: y?.holidays ?? [], workdays: y?.workdays ?? [], updatedAt: y ? y.updatedAt.toISOString() : null,
});

export async function getCalendarYear(deps: Deps, user: CurrentUser, year: number): Promise<CalendarYearDto> {
  requireCityAdmin(deps, user);
  checkYear(year);
  return present(year, await store(deps).year(year));
}

export async function putCalendarYear(deps: Deps, user: CurrentUser, year: number, body: CalendarYearBody): Promise<CalendarYearDto> {
  requireCityAdmin(deps, user);
  checkYear(year);
  const problems = calendarProblems(year, body);
  if (problems.length) throw new AppError('calendar.invalid', `工作日历有 ${problems.length} 处错误，请修改后再保存`, { fields: problems });
  const lists: CalendarYearBody = { holidays: sortDays(body.holidays), workdays: sortDays(body.workdays) };
  const at = deps.clock.now();
  const saved = await store(deps).replace(year, lists, user.id, at, (before) => ({
    at, actorId: user.id, actorRole: 'admin', action: 'calendar.update', entityType: 'calendar', entityId: String(year), orgNodeCode: user.orgNodeCode,
    before: before ? { holidays: before.holidays, workdays: before.workdays } : null, after: lists,
  }));
  await store(deps).reload();
  return present(year, saved);
}

/** Day index (days since 1970-01-01) of a YYYY-MM-DD, or null when it is not a real date. */
function dayIndex(date: string): number | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).toISOString().slice(0, 10) === date ? t / DAY_MS : null;
}

const isWeekend = (index: number): boolean => {
  const weekday = (((index + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return weekday === 0 || weekday === 6;
};

/**
 * Every problem of a year's lists, as {field, message} (Chinese, for the admin's form):
 * dates are real days of that year, listed once; no day is both a rest day and a working day;
 * a 调休 working day is a Saturday or Sunday (weekdays are working days anyway); a weekend day is a
 * rest day only inside a holiday period: consecutive rest days of one name that include a weekday.
 */
export function calendarProblems(year: number, body: CalendarYearBody): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const indexes = { holidays: new Map<number, number>(), workdays: new Map<number, number>() };
  for (const list of ['holidays', 'workdays'] as const) {
    body[list].forEach((d, i) => {
      const field = `${list}[${i}].date`;
      const index = dayIndex(d.date);
      if (index === null) return problems.push({ field, message: `“${d.date}”不是有效日期（格式 2031-01-01）` });
      if (Number(d.date.slice(0, 4)) !== year) return problems.push({ field, message: `${d.date} 不在 ${year} 年内` });
      if (indexes[list].has(index)) return problems.push({ field, message: `${d.date} 重复列出` });
      indexes[list].set(index, i);
      if (list === 'workdays' && !isWeekend(index)) problems.push({ field, message: `${d.date} 是周一至周五，本来就是工作日，不需要列为调休上班日` });
      return undefined;
    });
  }
  for (const [index, i] of indexes.workdays) {
    if (indexes.holidays.has(index)) problems.push({ field: `workdays[${i}].date`, message: `${body.workdays[i]!.date} 同时被列为休息日和调休上班日` });
  }
  // Holiday periods: runs of consecutive rest days with one name.
  const ordered = [...indexes.holidays.entries()].sort((a, b) => a[0] - b[0]);
  let run: [number, number][] = [];
  const closeRun = (): void => {
    if (run.length && !run.some(([index]) => !isWeekend(index))) {
      for (const [, i] of run) {
        problems.push({ field: `holidays[${i}].date`, message: `${body.holidays[i]!.date} 是周末，只有作为节假日连休的一部分（与同名的工作日假期相连）才需列出` });
      }
    }
    run = [];
  };
  for (const [index, i] of ordered) {
    const last = run[run.length - 1];
    if (last && (index !== last[0] + 1 || body.holidays[last[1]]!.name.trim() !== body.holidays[i]!.name.trim())) closeRun();
    run.push([index, i]);
  }
  closeRun();
  return problems;
}

function sortDays(days: readonly CalendarDay[]): CalendarDay[] {
  return [...days].map((d) => ({ date: d.date, name: d.name.trim() })).sort((a, b) => a.date.localeCompare(b.date));
}
