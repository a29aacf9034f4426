import type { DutyRuleKind, DutySlot } from '@finecity/types';
import { DEFAULT_DUTY_RULE, dutyDay, dutyOnDay, offDutySlot, onDutySlot, type DutyDay, type GridRota, type PostOnDay } from '../domain/duty-roster.js';
import type { AuditLog } from './admin/audit.js';
import type { OrgDirectory } from './repositories.js';

/**
 * The duty rota's ports. The tables (adapters/postgres/duty-repository.ts) hold the district rules, the
 * grids' date overrides and the substitutes; domain/duty-roster.ts evaluates them. Rows are never deleted:
 * a change supersedes the current row, which stays readable.
 */

/** Someone who can be on duty. */
export interface DutyPerson {
  id: string;
  name: string;
  mobile: string | null;
}

export interface StoredDutyRule {
  districtCode: string;
  rule: DutyRuleKind;
  setAt: Date;
  setByName: string | null;
}

export interface StoredOverride {
  id: number;
  gridCode: string;
  day: string;
  slot: DutySlot;
  setAt: Date;
  setByName: string | null;
}

export interface StoredSubstitute {
  id: number;
  gridCode: string;
  post: DutySlot;
  person: DutyPerson;
  from: string;
  to: string;
  setAt: Date;
  setByName: string | null;
}

/** A staff member as the rota checks them (a substitute must be active staff). */
export interface DutyStaff {
  id: string;
  name: string;
  status: string;
  roles: string[];
  orgNodeCode: string | null;
}

/** The writes of one rota change, in one transaction with its audit line. */
export interface DutyWrites {
  audit: AuditLog;
  /** Supersedes the district's current rule with `rule`; answers the rule it replaced. */
  setRule(districtCode: string, rule: DutyRuleKind, by: string, at: Date): Promise<DutyRuleKind | null>;
  /** Supersedes the grid's current override of `day`, then sets `slot` (null: back to the rule); answers the slot it replaced. */
  setOverride(gridCode: string, day: string, slot: DutySlot | null, by: string, at: Date): Promise<DutySlot | null>;
  addSubstitute(s: { gridCode: string; post: DutySlot; userId: string; from: string; to: string }, by: string, at: Date): Promise<number>;
  /** Supersedes a current substitute of the grid; answers it as it was, or null when there is none. */
  cancelSubstitute(gridCode: string, id: number, by: string, at: Date): Promise<{ post: DutySlot; userId: string; from: string; to: string } | null>;
}

export interface DutyStore {
  /** The current (not superseded) rules of these districts; a district with none has no row. */
  rules(districtCodes: string[]): Promise<StoredDutyRule[]>;
  /**
   * Current overrides and substitutes of the grids whose path starts with `path`, in force on some day from
   * `from` to `to` (inclusive), at most `limit` of each, earliest first.
   */
  inRange(path: string, from: string, to: string, limit: number): Promise<{ overrides: StoredOverride[]; substitutes: StoredSubstitute[] }>;
  /** The grid's inspectors holding post A or B (users.duty_slot), deactivated ones left out. */
  holders(gridCode: string): Promise<(DutyPerson & { slot: DutySlot })[]>;
  staff(userId: string): Promise<DutyStaff | null>;
  /** The grid a case was reported in (read before a dispatch's transaction). */
  gridOfCase(caseId: string): Promise<string | null>;
  change<T>(work: (w: DutyWrites) => Promise<T>): Promise<T>;
}

export interface OnDutyPerson extends DutyPerson {
  post: DutySlot;
  substitute: boolean;
}

export interface OnDuty {
  slot: DutySlot;
  people: OnDutyPerson[];
}

/** Who is on duty in a grid: what notifications and the login's duty flag ask, per message. */
export interface DutyRoster {
  /** The post on duty at `at` and who holds it (the substitute, when one covers it). */
  onDuty(gridCode: string, at: Date): Promise<OnDuty>;
  /** The other post (the A/B failover's target) and who holds it. */
  offDuty(gridCode: string, at: Date): Promise<OnDuty>;
  /**
   * Before a dispatch's transaction: who is on duty in the grid the dispatch goes to (`targetCode`, else
   * the case's grid). Null when the target is not a grid.
   */
  forDispatch(caseId: string, targetCode: string | undefined, at: Date): Promise<{ gridCode: string; slot: DutySlot; userIds: string[] } | null>;
  /** The grid's rota over a span of days (the admin view), uncached. */
  days(gridCode: string, days: string[]): Promise<DutyDay<DutyPerson>[]>;
  /** Forgets what is cached (a rota change in this process). */
  invalidate(): void;
}

/** The district a unit lies in (the unit itself when it is one), from the in-memory tree. */
export function districtOf(org: OrgDirectory, code: string): string | null {
  const node = org.get(code);
  if (!node) return null;
  const segments = node.path.split('/').filter(Boolean);
  return segments.map((c) => org.get(c)).find((n) => n?.level === 'district')?.code ?? null;
}

/** A grid's rota data for the days from `from` to `to`. */
export async function loadGridRota(store: DutyStore, org: OrgDirectory, gridCode: string, from: string, to: string): Promise<GridRota<DutyPerson>> {
  const district = districtOf(org, gridCode);
  const path = org.get(gridCode)?.path ?? `/${gridCode}/`;
  const [rules, range, holders] = await Promise.all([
    district ? store.rules([district]) : Promise.resolve([]),
    store.inRange(path, from, to, 1000),
    store.holders(gridCode),
  ]);
  const person = (p: DutyPerson): DutyPerson => ({ id: p.id, name: p.name, mobile: p.mobile });
  return {
    rule: rules[0]?.rule ?? DEFAULT_DUTY_RULE,
    overrides: range.overrides.filter((o) => o.gridCode === gridCode),
    substitutes: range.substitutes.filter((s) => s.gridCode === gridCode).map((s) => ({ post: s.post, from: s.from, to: s.to, setAt: s.setAt, person: s.person })),
    holders: { A: holders.filter((h) => h.slot === 'A').map(person), B: holders.filter((h) => h.slot === 'B').map(person) },
  };
}

const onDutyOf = (p: PostOnDay<DutyPerson>): OnDuty => ({ slot: p.slot, people: p.people.map((x) => ({ ...x.person, post: p.slot, substitute: x.substitute })) });

/**
 * The rota as notifications read it: a grid's day is read once (rule, overrides, substitutes, holders)
 * and kept in this process for `ttlMs`; a rota change made here calls `invalidate()`. Another process
 * (a worker on PostgreSQL) sees a change within `ttlMs`.
 */
export function cachedDutyRoster(store: DutyStore, org: OrgDirectory, opts: { ttlMs: number; maxEntries?: number; now?: () => number }): DutyRoster {
  const now = opts.now ?? (() => Date.now());
  const max = opts.maxEntries ?? 5000;
  const cache = new Map<string, { until: number; day: Promise<DutyDay<DutyPerson>> }>();
  // A case's grid never changes after the report: kept so a repeated dispatch reads nothing.
  const caseGrids = new Map<string, string | null>();
  const dayOf = (gridCode: string, at: Date): Promise<DutyDay<DutyPerson>> => {
    const day = dutyDay(at);
    const key = `${gridCode}|${day}`;
    const hit = cache.get(key);
    if (hit && hit.until > now()) return hit.day;
    if (cache.size >= max) cache.clear();
    const loaded = loadGridRota(store, org, gridCode, day, day).then((rota) => dutyOnDay(rota, day));
    cache.set(key, { until: now() + opts.ttlMs, day: loaded });
    loaded.catch(() => cache.delete(key));
    return loaded;
  };
  return {
    async onDuty(gridCode, at) {
      return onDutyOf((await dayOf(gridCode, at)).onDuty);
    },
    async offDuty(gridCode, at) {
      return onDutyOf((await dayOf(gridCode, at)).offDuty);
    },
    async forDispatch(caseId, targetCode, at) {
      let gridCode = targetCode ?? caseGrids.get(caseId);
      if (gridCode === undefined) {
        gridCode = await store.gridOfCase(caseId);
        if (caseGrids.size >= max) caseGrids.clear();
        caseGrids.set(caseId, gridCode);
      }
      if (!gridCode || org.get(gridCode)?.level !== 'grid') return null;
      const d = onDutyOf((await dayOf(gridCode, at)).onDuty);
      return { gridCode, slot: d.slot, userIds: d.people.map((p) => p.id) };
    },
    async days(gridCode, days) {
      if (!days.length) return [];
      const rota = await loadGridRota(store, org, gridCode, days[0]!, days[days.length - 1]!);
      return days.map((d) => dutyOnDay(rota, d));
    },
    invalidate() {
      cache.clear();
    },
  };
}

/**
 * The people on the post on duty (`on`) or on the other post (`off`, the A/B failover) of a grid at `at`,
 * for notifications: the rota when it is wired, else the default rule and the post's own inspectors.
 */
export async function dutyPeople(
  d: { duty?: DutyRoster; recipients: { onDuty(gridCode: string, slot: DutySlot): Promise<{ id: string; mobile: string | null }[]> } },
  gridCode: string,
  at: Date,
  which: 'on' | 'off',
): Promise<{ id: string; mobile: string | null }[]> {
  if (d.duty) return (await (which === 'on' ? d.duty.onDuty(gridCode, at) : d.duty.offDuty(gridCode, at))).people;
  return d.recipients.onDuty(gridCode, which === 'on' ? onDutySlot(at) : offDutySlot(at));
}
