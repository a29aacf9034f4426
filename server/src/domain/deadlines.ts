// The two SLA clocks of a case: Dalian's (大连标准: simple 24 h / complex 72 h, 《大连市人民政府办公厅关于推进城市精细化管理的实施意见》（大政办发〔2018〕125号）;
// urgent 4 h, 城管110's tier for serious safety hazards) and the national-style 处置时限 (CJ/T 315-2009,
// GB/T 30428.8), each counted in its own natural or working calendar. Limits are data (config/time-limits.json); this module only computes.
import type { ClockLevel, Complexity } from '@finecity/types';
import type { Calendar, CalendarKind } from './calendar.js';

const HOUR_MS = 3_600_000;

export type ClockName = 'dalian' | 'national';

export interface WarnThresholds {
  /** Share of the allowed time at which the case turns yellow (50 % by default, config/time-limits.json). */
  yellow: number;
  /** Share at which it turns red (80 % by default). */
  red: number;
}

export const DEFAULT_WARN: WarnThresholds = Object.freeze({ yellow: 0.5, red: 0.8 });

export interface ClockSpec {
  calendar: CalendarKind;
  hours: Readonly<Record<Complexity, number>>;
}

export interface ClockOverride {
  calendar?: CalendarKind;
  hours?: Readonly<Partial<Record<Complexity, number>>>;
}

export type LimitOverride = Readonly<Partial<Record<ClockName, ClockOverride>>>;

/** Parsed config/time-limits.json (shape documented in config/README.md). */
export interface TimeLimitPolicy {
  warn: WarnThresholds;
  workingHours: readonly (readonly [string, string])[];
  defaults: Readonly<Record<ClockName, ClockSpec>>;
  /** Keyed by the 2-digit big class, e.g. "06". */
  byBigClass: Readonly<Record<string, LimitOverride>>;
  /** Keyed by the 5-digit GB/T 47678.5 code, e.g. "06042". */
  byCategory: Readonly<Record<string, LimitOverride>>;
}

export interface Deadlines {
  startedAt: Date;
  /** Dalian clock: the deadline that drives colours, warnings and escalation. */
  dueAt: Date;
  calendar: CalendarKind;
  /** National clock: reported beside Dalian's (two 按期结案率), never moved by extensions. */
  nationalDueAt: Date;
  nationalCalendar: CalendarKind;
  /** Allowed hours on the Dalian clock, extensions included. */
  hours: number;
  nationalHours: number;
}

export interface RunningClock {
  startedAt: Date;
  dueAt: Date;
  calendar: CalendarKind;
}

export type ClockStatusLevel = Extract<ClockLevel, 'green' | 'yellow' | 'red' | 'overdue'>;

export interface ClockStatus {
  level: ClockStatusLevel;
  /** Elapsed / allowed, both counted in the clock's calendar; 1 = due now, above 1 = overdue. */
  used: number;
}

export interface WarningTimes {
  yellowAt: Date;
  redAt: Date;
  overdueAt: Date;
}

/** The effective limits of one clock for a category: byCategory beats byBigClass beats defaults, per field. */
export function resolveClock(policy: TimeLimitPolicy, categoryCode: string, clock: ClockName): ClockSpec {
  const base = policy.defaults[clock];
  const layers = [policy.byBigClass[categoryCode.slice(0, 2)]?.[clock], policy.byCategory[categoryCode]?.[clock]];
  let calendar = base.calendar;
  const hours: Record<Complexity, number> = { ...base.hours };
  for (const layer of layers) {
    if (!layer) continue;
    calendar = layer.calendar ?? calendar;
    for (const [complexity, value] of Object.entries(layer.hours ?? {}) as [Complexity, number | undefined][]) {
      if (value !== undefined) hours[complexity] = value;
    }
  }
  return { calendar, hours };
}

export function computeDeadlines(
  policy: TimeLimitPolicy,
  calendar: Calendar,
  categoryCode: string,
  complexity: Complexity,
  start: Date,
): Deadlines {
  const dalian = resolveClock(policy, categoryCode, 'dalian');
  const national = resolveClock(policy, categoryCode, 'national');
  const hours = dalian.hours[complexity];
  const nationalHours = national.hours[complexity];
  return {
    startedAt: start,
    dueAt: calendar.addHours(dalian.calendar, start, hours),
    calendar: dalian.calendar,
    nationalDueAt: calendar.addHours(national.calendar, start, nationalHours),
    nationalCalendar: national.calendar,
    hours,
    nationalHours,
  };
}

/** The national clock of a case, in the shape clockStatus and warningTimes take. */
export function nationalClock(d: Deadlines): RunningClock {
  return { startedAt: d.startedAt, dueAt: d.nationalDueAt, calendar: d.nationalCalendar };
}

/**
 * Colour of a running clock at `now`. Overdue from the due instant on (real time, even when the
 * working calendar has stopped counting); yellow and red from the same instants warningTimes returns.
 */
export function clockStatus(calendar: Calendar, d: RunningClock, now: Date, warn: WarnThresholds = DEFAULT_WARN): ClockStatus {
  const allowedMs = elapsedMs(calendar, d.calendar, d.startedAt, d.dueAt);
  const usedMs = elapsedMs(calendar, d.calendar, d.startedAt, now);
  const overdue = now.getTime() >= d.dueAt.getTime();
  const used = allowedMs > 0 ? usedMs / allowedMs : overdue ? 1 : 0;
  if (overdue) return { level: 'overdue', used };
  if (allowedMs === 0) return { level: 'green', used };
  if (usedMs >= thresholdMs(allowedMs, warn.red)) return { level: 'red', used };
  if (usedMs >= thresholdMs(allowedMs, warn.yellow)) return { level: 'yellow', used };
  return { level: 'green', used };
}

/** The instants at which the clock crosses each threshold, for the deadline timers. */
export function warningTimes(calendar: Calendar, d: RunningClock, warn: WarnThresholds = DEFAULT_WARN): WarningTimes {
  const allowedMs = elapsedMs(calendar, d.calendar, d.startedAt, d.dueAt);
  const at = (ratio: number): Date => calendar.addHours(d.calendar, d.startedAt, thresholdMs(allowedMs, ratio) / HOUR_MS);
  return { yellowAt: at(warn.yellow), redAt: at(warn.red), overdueAt: d.dueAt };
}

/**
 * An approved 延期 (the unit applies, the centre approves, the deadline moves): the Dalian due date moves by the approved hours,
 * counted from the current due date in the Dalian clock's calendar. The national clock is left alone
 * [design]: it stays the unextended benchmark, so 按期结案率 on the national clock shows what was done
 * within the standard limit while the extension itself is counted in 延期率.
 */
export function extendDeadline(calendar: Calendar, d: Deadlines, extraHours: number): Deadlines {
  if (!Number.isFinite(extraHours) || extraHours <= 0) {
    throw new RangeError(`an extension must be a positive number of hours, got ${extraHours}`);
  }
  return { ...d, dueAt: calendar.addHours(d.calendar, d.dueAt, extraHours), hours: d.hours + extraHours };
}

function elapsedMs(calendar: Calendar, kind: CalendarKind, start: Date, end: Date): number {
  return Math.round(calendar.elapsedHours(kind, start, end) * HOUR_MS);
}

/** Whole milliseconds, rounded up, so that the instant from warningTimes always reads as crossed. */
function thresholdMs(allowedMs: number, ratio: number): number {
  return Math.ceil(allowedMs * ratio);
}
