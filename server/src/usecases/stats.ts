import type { OrgLevel, StatsFiguresDto, StatsOverviewDto, StatsPeriod } from '@finecity/types';
import { AppError } from '../domain/errors.js';
import { POLICY } from '../domain/authorization.js';
import { startOfBeijing } from '../domain/shanghai-time.js';
import type { StatsScope } from './account-repositories.js';
import type { CurrentUser, Deps } from './deps.js';
import { nodeInScope } from './org-units.js';

/** The level one below a node of each level, whose units the dashboard ranks (grids have none below). */
const LEVEL_BELOW: Partial<Record<OrgLevel, StatsScope['groupBy']>> = {
  city: 'district',
  district: 'street',
  street: 'community',
  community: 'grid',
};

type Counts = StatsFiguresDto & { todayReported: number; todayClosed: number };

const ZERO: Counts = { reported: 0, closed: 0, closedOnTime: 0, onTimeRate: null, open: 0, overdue: 0, todayReported: 0, todayClosed: 0 };

/** 按期结案率 in %, one decimal. */
const rate = (onTime: number, closed: number): number | null => (closed ? Math.round((onTime / closed) * 1000) / 10 : null);

/**
 * The leader's dashboard: the caller's area (or a node inside it) — today's reports and closures, the
 * period's figures, what is open and overdue now, and the units one level below ranked. Counted in SQL, by where the problem is (location), so no case list is shipped to phones.
 */
export async function statsOverview(deps: Deps, user: CurrentUser, q: { period: StatsPeriod; orgNodeCode?: string }): Promise<StatsOverviewDto> {
  if (!user.roles.some((r) => POLICY[r]['case.read'] === 'area')) throw new AppError('auth.forbidden', '当前账号不能查看辖区统计');
  const node = nodeInScope(deps, user, q.orgNodeCode);
  const now = deps.clock.now();
  const from = startOfBeijing(q.period, now);
  const today = startOfBeijing('day', now);
  const groupBy = LEVEL_BELOW[node.level] ?? null;
  const scope: StatsScope = { path: node.path, by: node.level === 'department' ? 'holder' : 'location', groupBy };
  const rows = await deps.stats.caseCounts(scope, { from, today, now });

  const total: Counts = { ...ZERO };
  const byUnit = new Map<string, Counts>();
  for (const r of rows) {
    for (const k of ['reported', 'closed', 'closedOnTime', 'open', 'overdue', 'todayReported', 'todayClosed'] as const) total[k] += r[k];
    if (r.unit) byUnit.set(r.unit, { ...r, onTimeRate: null });
  }
  const children = groupBy ? deps.org.children(node.code).filter((c) => c.level !== 'department') : [];
  const units = children
    .map((c) => {
      const f = byUnit.get(c.code) ?? ZERO;
      return {
        code: c.code, name: c.name, level: c.level,
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
