import type { AssessmentTrendDto, TrendPeriod, TrendPointDto } from '@finecity/types';
import { askedPeriod, periodAt } from '../../domain/assessment/periods.js';
import { beijingDayIndex, beijingMidnight, beijingParts } from '../../domain/shanghai-time.js';
import type { CurrentUser, Deps } from '../deps.js';
import { requireLeaderView } from './leader-scope.js';
import type { DayCounts } from './leader-ports.js';

const pad = (n: number): string => String(n).padStart(2, '0');

/** A Beijing day index as YYYY-MM-DD and as people read it (11月3日). */
function dayNames(index: number): { date: string; label: string } {
  const p = beijingParts(new Date(beijingMidnight(index)));
  return { date: `${p.year}-${pad(p.month)}-${pad(p.day)}`, label: `${p.month}月${p.day}日` };
}

/** The Monday on or before a Beijing day (1970-01-01, day 0, was a Thursday). */
const mondayOf = (index: number): number => index - ((index + 3) % 7);

/**
 * Buckets from `first` to `last` (Beijing day indexes, inclusive): one per day, or one per week starting
 * Monday; a week that began before the period is cut at the period's first day. Days with nothing count 0.
 */
export function bucketTrend(rows: DayCounts[], first: number, last: number, bucket: 'day' | 'week'): TrendPointDto[] {
  const keyOf = (d: number) => (bucket === 'day' ? d : Math.max(mondayOf(d), first));
  const points = new Map<number, TrendPointDto>();
  for (let d = first; d <= last; d += 1) {
    const k = keyOf(d);
    if (!points.has(k)) points.set(k, { ...dayNames(k), reported: 0, closed: 0 });
  }
  for (const r of rows) {
    const p = points.get(keyOf(r.day));
    if (!p) continue;
    p.reported += r.reported;
    p.closed += r.closed;
  }
  return [...points.values()];
}

/**
 * The trend of reported and closed cases in the caller's area (or a node inside it) over a month, quarter or
 * year (Beijing time): per day, per week for a year. Counted where the problem is, like the dashboard.
 */
export async function assessmentTrend(
  deps: Pick<Deps, 'org' | 'clock' | 'leader'>, user: CurrentUser, q: { period: TrendPeriod; at?: string; orgNodeCode?: string },
): Promise<AssessmentTrendDto> {
  const node = requireLeaderView(deps, user, q.orgNodeCode);
  const now = deps.clock.now();
  const bounds = askedPeriod(q.period, q.at ?? periodAt(q.period, now), now);
  const end = bounds.end.getTime() < now.getTime() ? bounds.end : now;
  const rows = await deps.leader.trend.dailyCounts({ path: node.path, by: node.level === 'department' ? 'holder' : 'location' }, { start: bounds.start, end });
  const points = bucketTrend(rows, beijingDayIndex(bounds.start.getTime()), beijingDayIndex(end.getTime() - 1), q.period === 'year' ? 'week' : 'day');
  return {
    period: q.period,
    at: bounds.at,
    label: bounds.label,
    bucket: q.period === 'year' ? 'week' : 'day',
    scope: { code: node.code, name: node.name, level: node.level },
    points,
    totals: { reported: points.reduce((n, p) => n + p.reported, 0), closed: points.reduce((n, p) => n + p.closed, 0) },
    asOf: now.toISOString(),
  };
}
