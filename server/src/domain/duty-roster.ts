import type { DutyRuleKind, DutySlot } from '@finecity/types';
import { beijingDate, beijingDayOfMonth } from './shanghai-time.js';

/**
 * The A/B inspector rota, pure. Each district has a default rule; a grid may override the slot on a given
 * Beijing date, and a named person may cover post A or B of a grid for a date range (leave). The tables
 * hold the data; this module only evaluates it. Dates are Beijing calendar days, 'YYYY-MM-DD'.
 */

/** The rule of a district with none stored: today's behaviour. */
export const DEFAULT_DUTY_RULE: DutyRuleKind = 'alternate_days';

export const otherSlot = (s: DutySlot): DutySlot => (s === 'A' ? 'B' : 'A');

/**
 * ISO 8601 week number of a calendar date (weeks start on Monday; week 1 holds the year's first
 * Thursday): https://en.wikipedia.org/wiki/ISO_week_date#Calculating_the_week_number_of_a_given_date
 */
export function isoWeek(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  const weekday = t.getUTCDay() || 7; // Monday 1 … Sunday 7
  t.setUTCDate(t.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

/** The slot a rule puts on duty on a Beijing date. */
export function slotByRule(rule: DutyRuleKind, day: string): DutySlot {
  if (rule === 'a_only') return 'A';
  if (rule === 'alternate_weeks') return isoWeek(day) % 2 === 0 ? 'A' : 'B';
  return Number(day.slice(8, 10)) % 2 === 0 ? 'A' : 'B';
}

/** A/B rotation by the default rule: A on even days of the month (Asia/Shanghai), B on odd days. */
export function onDutySlot(now: Date): DutySlot {
  return beijingDayOfMonth(now) % 2 === 0 ? 'A' : 'B';
}

/** The inspector who is not on duty now by the default rule. */
export function offDutySlot(now: Date): DutySlot {
  return otherSlot(onDutySlot(now));
}

/** A grid's date override: on `day`, `slot` is on duty whatever the rule says. */
export interface DutyOverride {
  day: string;
  slot: DutySlot;
  /** When it was set: of two for one day, the later wins. */
  setAt: Date;
}

/** Someone covering post A or B of a grid from `from` to `to` (inclusive). */
export interface DutySubstitute<P = unknown> {
  post: DutySlot;
  from: string;
  to: string;
  setAt: Date;
  person: P;
}

/** What decides a grid's rota on a day. */
export interface GridRota<P> {
  rule: DutyRuleKind;
  overrides: readonly DutyOverride[];
  substitutes: readonly DutySubstitute<P>[];
  /** The inspectors holding each post (users.duty_slot). */
  holders: Readonly<Record<DutySlot, readonly P[]>>;
}

export interface PostOnDay<P> {
  slot: DutySlot;
  people: { person: P; substitute: boolean }[];
}

export interface DutyDay<P> {
  day: string;
  /** The slot on duty, and where it came from. */
  slot: DutySlot;
  source: 'rule' | 'override';
  onDuty: PostOnDay<P>;
  offDuty: PostOnDay<P>;
}

/** Who holds `post` on `day`: the latest substitute covering that day, else the post's own inspectors. */
export function postOnDay<P>(rota: GridRota<P>, post: DutySlot, day: string): PostOnDay<P> {
  const covering = rota.substitutes.filter((s) => s.post === post && s.from <= day && day <= s.to);
  const latest = covering.reduce<DutySubstitute<P> | null>((a, s) => (!a || s.setAt > a.setAt ? s : a), null);
  if (latest) return { slot: post, people: [{ person: latest.person, substitute: true }] };
  return { slot: post, people: rota.holders[post].map((person) => ({ person, substitute: false })) };
}

/** The rota of one grid on one Beijing date. */
export function dutyOnDay<P>(rota: GridRota<P>, day: string): DutyDay<P> {
  const override = rota.overrides.filter((o) => o.day === day).reduce<DutyOverride | null>((a, o) => (!a || o.setAt > a.setAt ? o : a), null);
  const slot = override?.slot ?? slotByRule(rota.rule, day);
  return { day, slot, source: override ? 'override' : 'rule', onDuty: postOnDay(rota, slot, day), offDuty: postOnDay(rota, otherSlot(slot), day) };
}

/** The Beijing date of an instant (the rota's day). */
export const dutyDay = (at: Date): string => beijingDate(at);

/** 'YYYY-MM' → its days, or null when it is no valid month. */
export function monthDays(month: string): string[] | null {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const n = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return Array.from({ length: n }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
}

/** A real calendar date 'YYYY-MM-DD'. */
export function isDay(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return t.getUTCFullYear() === Number(m[1]) && t.getUTCMonth() + 1 === Number(m[2]) && t.getUTCDate() === Number(m[3]);
}

/** Days from `from` to `to`, both counted (2026-12-01..2026-12-01 is 1). */
export function daysInclusive(from: string, to: string): number {
  const d = (s: string) => Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)));
  return Math.round((d(to) - d(from)) / 86_400_000) + 1;
}
