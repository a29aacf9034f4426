import { and, asc, eq, inArray, like, ne, or, sql, type SQL } from 'drizzle-orm';
import { OPEN_STATES, type OrgLevel, type StatsFiguresDto, type StatsOverviewDto, type StatsPeriod } from '@finecity/types';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { cases, orgNodes } from '../adapters/postgres/schema.js';
import { AppError } from '../domain/errors.js';
import { POLICY } from '../domain/authorization.js';
import { startOfBeijing } from '../domain/shanghai-time.js';
import type { CurrentUser, Deps } from './deps.js';
import { nodeInScope } from './org-units.js';

/** The case column naming the unit one level below a node of each level (grids have none below). */
const UNIT_BELOW: Partial<Record<OrgLevel, AnyPgColumn>> = {
  city: cases.districtCode,
  district: cases.streetCode,
  street: cases.communityCode,
  community: cases.gridCode,
};

type Counts = StatsFiguresDto & { todayReported: number; todayClosed: number };

const ZERO: Counts = { reported: 0, closed: 0, closedOnTime: 0, onTimeRate: null, open: 0, overdue: 0, todayReported: 0, todayClosed: 0 };

/** 按期结案率 in %, one decimal. */
const rate = (onTime: number, closed: number): number | null => (closed ? Math.round((onTime / closed) * 1000) / 10 : null);

/**
 * The leader's dashboard: the caller's area (or a node inside it) — today's reports and closures, the
 * period's figures, what is open and overdue now, and the units one level below ranked (DESIGN.md
 * "Assessment"). Counted in SQL, by where the problem is (location), so no case list is shipped to phones.
 */
export async function statsOverview(deps: Deps, user: CurrentUser, q: { period: StatsPeriod; orgNodeCode?: string }): Promise<StatsOverviewDto> {
  if (!user.roles.some((r) => POLICY[r]['case.read'] === 'area')) throw new AppError('auth.forbidden', '当前账号不能查看辖区统计');
  const node = await nodeInScope(deps, user, q.orgNodeCode);
  const now = deps.clock.now();
  const from = startOfBeijing(q.period, now);
  const today = startOfBeijing('day', now);
  const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
  const count = (cond: SQL) => sql<number>`count(*) filter (where ${cond})::int`;
  const closedSince = (d: Date) => sql`${cases.state} = 'closed' and ${cases.closedAt} >= ${ts(d)}`;
  const open = inArray(cases.state, [...OPEN_STATES]);
  const unitCol = UNIT_BELOW[node.level];
  const earliest = from < today ? from : today;
  const inScope = node.level === 'department' ? like(cases.responsiblePath, `${node.path}%`) : like(cases.locationPath, `${node.path}%`);

  const rows = await deps.db
    .select({
      unit: unitCol ? sql<string | null>`${unitCol}` : sql<string | null>`null`,
      reported: count(sql`${cases.createdAt} >= ${ts(from)}`),
      closed: count(closedSince(from)),
      closedOnTime: count(sql`${closedSince(from)} and ${cases.closedAt} <= coalesce(${cases.dueAt}, ${cases.closedAt})`),
      open: count(open),
      overdue: count(and(open, ne(cases.state, 'suspended'), sql`${cases.dueAt} < ${ts(now)}`)!),
      todayReported: count(sql`${cases.createdAt} >= ${ts(today)}`),
      todayClosed: count(closedSince(today)),
    })
    .from(cases)
    .where(and(inScope, or(open, sql`${cases.createdAt} >= ${ts(earliest)}`, sql`${cases.closedAt} >= ${ts(earliest)}`)))
    .groupBy(unitCol ?? sql`1`);

  const total: Counts = { ...ZERO };
  const byUnit = new Map<string, Counts>();
  for (const r of rows) {
    for (const k of ['reported', 'closed', 'closedOnTime', 'open', 'overdue', 'todayReported', 'todayClosed'] as const) total[k] += r[k];
    if (r.unit) byUnit.set(r.unit, r as unknown as Counts);
  }
  const children = unitCol
    ? await deps.db
        .select({ code: orgNodes.code, name: orgNodes.name, level: orgNodes.level })
        .from(orgNodes)
        .where(and(eq(orgNodes.parentCode, node.code), ne(orgNodes.level, 'department')))
        .orderBy(asc(orgNodes.code))
    : [];
  const units = children
    .map((c) => {
      const f = byUnit.get(c.code) ?? ZERO;
      return {
        code: c.code, name: c.name, level: c.level as OrgLevel,
        reported: f.reported, closed: f.closed, closedOnTime: f.closedOnTime, onTimeRate: rate(f.closedOnTime, f.closed), open: f.open, overdue: f.overdue,
      };
    })
    .sort((a, b) => (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) || a.overdue - b.overdue || b.closed - a.closed || a.code.localeCompare(b.code));

  return {
    scope: { code: node.code, name: node.name, level: node.level },
    period: q.period,
    from: from.toISOString(),
    asOf: now.toISOString(),
    today: { reported: total.todayReported, closed: total.todayClosed },
    figures: {
      reported: total.reported, closed: total.closed, closedOnTime: total.closedOnTime, onTimeRate: rate(total.closedOnTime, total.closed),
      open: total.open, overdue: total.overdue,
    },
    units,
  };
}
