/**
 * The daily / weekly / monthly report the city and district fine-management groups read at 08:00.
 * Pure: figures in, markdown out, so the content is testable on a fixed clock.
 */
import { beijingDate, startOfBeijing } from './shanghai-time.js';

export interface UnitFigures {
  code: string;
  name: string;
  created: number;
  closed: number;
  closedOnTime: number;
  overdue: number;
}

export type Period = 'daily' | 'weekly' | 'monthly';
const TITLE: Record<Period, string> = { daily: '日报', weekly: '周报', monthly: '月度排名' };

export function onTimeRate(f: Pick<UnitFigures, 'closed' | 'closedOnTime'>): number | null {
  return f.closed === 0 ? null : f.closedOnTime / f.closed;
}

const pct = (r: number | null) => (r === null ? '—' : `${(Math.round(r * 1000) / 10).toFixed(1)}%`);

/** Units ranked by on-time closure rate, then by fewer overdue, then by name (stable). */
export function rank(units: readonly UnitFigures[]): UnitFigures[] {
  return [...units].sort((a, b) => (onTimeRate(b) ?? -1) - (onTimeRate(a) ?? -1) || a.overdue - b.overdue || a.code.localeCompare(b.code));
}

export function renderSummary(period: Period, label: string, scopeName: string, units: readonly UnitFigures[]): string {
  const total = units.reduce((s, u) => ({ ...s, created: s.created + u.created, closed: s.closed + u.closed, closedOnTime: s.closedOnTime + u.closedOnTime, overdue: s.overdue + u.overdue }), {
    code: '', name: '', created: 0, closed: 0, closedOnTime: 0, overdue: 0,
  });
  const lines = [
    `### ${scopeName}城市精细化管理${TITLE[period]}（${label}）`,
    `> 新增 **${total.created}** 件，办结 **${total.closed}** 件，超期 **${total.overdue}** 件，按期结案率 **${pct(onTimeRate(total))}**`,
  ];
  if (units.length > 1) {
    lines.push('', '| 排名 | 单位 | 新增 | 办结 | 超期 | 按期结案率 |', '|---|---|---|---|---|---|');
    rank(units).forEach((u, i) => lines.push(`| ${i + 1} | ${u.name} | ${u.created} | ${u.closed} | ${u.overdue} | ${pct(onTimeRate(u))} |`));
  }
  return lines.join('\n');
}

/** [start, end) of the period that ended at the most recent Asia/Shanghai midnight before `now`. */
export function periodBounds(period: Period, now: Date): { start: Date; end: Date; label: string } {
  const end = startOfBeijing('day', now);
  const day = 24 * 3_600_000; // Beijing days are all 24 h long (no daylight saving)
  const start =
    period === 'daily' ? new Date(end.getTime() - day)
    : period === 'weekly' ? new Date(end.getTime() - 7 * day)
    : startOfBeijing('month', new Date(startOfBeijing('month', now).getTime() - 1));
  const label =
    period === 'daily' ? beijingDate(start)
    : period === 'weekly' ? `${beijingDate(start)} 至 ${beijingDate(new Date(end.getTime() - day))}`
    : beijingDate(start).slice(0, 7);
  return { start, end, label };
}
