import type { CalendarDay, CalendarRecomputeDto, CalendarYearBody, CalendarYearDto, CaseState } from '@finecity/types';
import { calendarConfigFrom, makeCalendar, type Calendar, type CalendarKind, type HolidayFile } from '../../domain/calendar.js';
import { recomputeClock, type ClockRecomputation } from '../../domain/case-machine.js';
import type { CaseClock } from '../../domain/case-model.js';
import { clockStatus } from '../../domain/deadlines.js';
import { AppError } from '../../domain/errors.js';
import { fromBeijing } from '../../domain/shanghai-time.js';
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

/** An open case whose clock runs in working time on at least one of its two clocks, as a re-computation reads it. */
export interface RunningWorkingClock {
  caseId: string;
  caseNo: string;
  version: number;
  state: CaseState;
  clock: CaseClock;
  clockAlert: string | null;
  overdueAt: Date | null;
}

/** What a re-computation writes for one case. */
export interface ClockMove {
  clock: CaseClock;
  /** The deadline alert level and overdue instant the moved clock keeps (timers and the sweep raise them again). */
  clockAlert: string | null;
  overdueAt: Date | null;
  event: ClockRecomputation['event'];
  effects: ClockRecomputation['effects'];
}

/** The ports of a calendar save that re-computes running clocks, inside the save's transaction and lock. */
export interface CalendarRecomputeTx {
  /** Every stored year other than `year`, as stored now (under the calendar's lock). */
  otherYears(year: number): Promise<StoredCalendarYear[]>;
  /**
   * Open, not suspended cases with a running clock, one of whose clocks counts working time and spans part
   * of [from, to) (started before `to`, due at or after `from`); locked for update, earliest deadline first.
   */
  runningWorkingClocks(from: Date, to: Date): Promise<RunningWorkingClock[]>;
  /**
   * One case's clock moved: the versioned update (deadlines, alert, version + 1), its case event (seq = the
   * new version) and its outbox rows (the re-armed timers), as a case decision writes them.
   */
  moveClock(c: RunningWorkingClock, move: ClockMove, actor: { id: string; role: 'admin' }, at: Date): Promise<void>;
}

/** The stored calendar (port), one row per year. */
export interface WorkingCalendarStore {
  all(): Promise<StoredCalendarYear[]>;
  year(year: number): Promise<StoredCalendarYear | null>;
  /**
   * Replaces one year's lists (creating the year if new) and writes the audit line `audit(before, recomputed)`
   * in the same transaction; the year is locked meanwhile, so `before` is what the change replaced. With
   * `recompute`, that runs after the write and before the audit line, in the same transaction and lock.
   */
  replace<R = never>(
    year: number, lists: CalendarYearBody, by: string, at: Date,
    audit: (before: StoredCalendarYear | null, recomputed: R | null) => AuditEntry,
    recompute?: (before: StoredCalendarYear | null, tx: CalendarRecomputeTx) => Promise<R>,
  ): Promise<StoredCalendarYear>;
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

/**
 * PUT /api/v1/admin/calendar/:year. Clocks started from now on use the new lists. With `recompute`, the
 * running working-time clocks of open cases are moved onto them too, in the save's transaction: each keeps its
 * start and its allowed working hours (counted on the calendar being replaced), and gets the deadline those
 * hours reach on the new one. A case whose deadline moves gets a `clock.recomputed` event, its timers re-armed
 * and its version bumped; the audit line says a re-computation was asked and how many cases moved.
 */
export async function putCalendarYear(deps: Deps, user: CurrentUser, year: number, body: CalendarYearBody, opts: { recompute?: boolean } = {}): Promise<CalendarYearDto> {
  requireCityAdmin(deps, user);
  checkYear(year);
  const problems = calendarProblems(year, body);
  if (problems.length) throw new AppError('calendar.invalid', `工作日历有 ${problems.length} 处错误，请修改后再保存`, { fields: problems });
  const lists: CalendarYearBody = { holidays: sortDays(body.holidays), workdays: sortDays(body.workdays) };
  const at = deps.clock.now();
  const out: { recomputed: CalendarRecomputeDto | null } = { recomputed: null };
  const saved = await store(deps).replace<CalendarRecomputeDto>(
    year, lists, user.id, at,
    (before, r) => ({
      at, actorId: user.id, actorRole: 'admin', action: 'calendar.update', entityType: 'calendar', entityId: String(year), orgNodeCode: user.orgNodeCode,
      before: before ? { holidays: before.holidays, workdays: before.workdays } : null,
      after: r ? { ...lists, recompute: { requested: true, examined: r.examined, changed: r.changed, caseNos: r.cases.map((c) => c.caseNo) } } : lists,
      ...(r ? { note: `按新日历重新计算在办案件时限：检查 ${r.examined} 件，调整 ${r.changed} 件` } : {}),
    }),
    opts.recompute
      ? async (before, tx) => (out.recomputed = await recomputeRunningClocks(deps, user, year, before, lists, tx, at))
      : undefined,
  );
  await store(deps).reload();
  return out.recomputed ? { ...present(year, saved), recomputed: out.recomputed } : present(year, saved);
}

/** The answer lists at most this many moved cases; `changed` counts them all. */
const RECOMPUTE_LISTED = 200;
const ALERT_RANK: Record<string, number> = { yellow: 1, red: 2, overdue: 3, double: 4 };

async function recomputeRunningClocks(
  deps: Deps, user: CurrentUser, year: number, before: StoredCalendarYear | null, lists: CalendarYearBody, tx: CalendarRecomputeTx, now: Date,
): Promise<CalendarRecomputeDto> {
  const others = await tx.otherYears(year);
  const hours = deps.policy.timeLimits.workingHours;
  const oldCal = makeCalendar(calendarConfigFrom(holidayFile(before ? [...others, before] : others), hours));
  const newCal = makeCalendar(calendarConfigFrom(holidayFile([...others, { year, ...lists }]), hours));
  const running = await tx.runningWorkingClocks(fromBeijing(year, 1, 1), fromBeijing(year + 1, 1, 1));
  const moved: (CalendarRecomputeDto['cases'][number] & { at: number })[] = [];
  for (const c of running) {
    const next = movedClock(oldCal, newCal, c.clock);
    const dalianMoved = next.dueAt.getTime() !== c.clock.dueAt.getTime();
    const nationalMoved = next.nationalDueAt.getTime() !== c.clock.nationalDueAt.getTime();
    if (!dalianMoved && !nationalMoved) continue;
    const { event, effects } = recomputeClock(c.state, c.clock, next, year);
    const alert = dalianMoved ? alertAfterMove(deps, newCal, c, next, now) : { clockAlert: c.clockAlert, overdueAt: c.overdueAt };
    await tx.moveClock(c, { clock: next, ...alert, event, effects }, { id: user.id, role: 'admin' }, now);
    moved.push({
      caseId: c.caseId, caseNo: c.caseNo, dueAtBefore: c.clock.dueAt.toISOString(), dueAtAfter: next.dueAt.toISOString(), at: next.dueAt.getTime(),
      ...(nationalMoved ? { nationalDueAtBefore: c.clock.nationalDueAt.toISOString(), nationalDueAtAfter: next.nationalDueAt.toISOString() } : {}),
    });
  }
  moved.sort((a, b) => a.at - b.at);
  return { examined: running.length, changed: moved.length, cases: moved.slice(0, RECOMPUTE_LISTED).map(({ at: _at, ...rest }) => rest) };
}

/** Same start, same allowed working hours (on the old calendar), the deadline they reach on the new one; natural time stays. */
function movedClock(oldCal: Calendar, newCal: Calendar, c: CaseClock): CaseClock {
  const move = (kind: CalendarKind, due: Date): Date => (kind === 'working' ? newCal.addHours('working', c.startedAt, oldCal.elapsedHours('working', c.startedAt, due)) : due);
  return { ...c, dueAt: move(c.calendar, c.dueAt), nationalDueAt: move(c.nationalCalendar, c.nationalDueAt) };
}

/**
 * The alert a moved Dalian clock keeps: as a restarted clock, it loses a warning level the new deadline has
 * not reached yet (and its overdue mark when the new deadline lies ahead); a level it has reached is kept,
 * so the re-armed timers do not warn the same people twice. Raising a level is left to the timers and the sweep.
 */
function alertAfterMove(deps: Deps, newCal: Calendar, c: RunningWorkingClock, next: CaseClock, now: Date): { clockAlert: string | null; overdueAt: Date | null } {
  const status = clockStatus(newCal, next, now, deps.policy.timeLimits.warn).level;
  const doubleAt = next.dueAt.getTime() + (next.dueAt.getTime() - next.startedAt.getTime());
  const level = now.getTime() >= doubleAt ? 'double' : status === 'green' ? null : status;
  const kept = (ALERT_RANK[level ?? ''] ?? 0) < (ALERT_RANK[c.clockAlert ?? ''] ?? 0) ? level : c.clockAlert;
  return { clockAlert: kept, overdueAt: next.dueAt.getTime() > now.getTime() ? null : c.overdueAt };
}

function holidayFile(years: readonly Pick<StoredCalendarYear, 'year' | 'holidays' | 'workdays'>[]): HolidayFile {
  return {
    timezone: 'Asia/Shanghai',
    years: Object.fromEntries(years.map((y) => [String(y.year), { holidays: y.holidays.map((d) => d.date), workdays: y.workdays.map((d) => d.date) }])),
  };
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
