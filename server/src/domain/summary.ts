/**
 * The daily / weekly / monthly report the city and district fine-management groups read at 08:00
 * (DESIGN.md "Assessment"). Pure: figures in, markdown out, so the content is testable on a fixed clock.
 */
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
  const local = new Date(now.getTime() + 8 * 3600_000);
  const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - 8 * 3600_000;
  const day = 24 * 3600_000;
  let start = midnight - day;
  if (period === 'weekly') start = midnight - 7 * day;
  if (period === 'monthly') {
    const prev = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1));
    start = prev.getTime() - 8 * 3600_000;
  }
  const fmt = (t: number) => new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
  const label = period === 'daily' ? fmt(start) : period === 'weekly' ? `${fmt(start)} 至 ${fmt(midnight - day)}` : fmt(start).slice(0, 7);
  return { start: new Date(start), end: new Date(midnight), label };
}

/**
 * Start of the current Asia/Shanghai calendar period containing `now` (the dashboard's "this day / week
 * (from Monday) / month / quarter / year so far").
 */
export function periodStart(period: 'day' | 'week' | 'month' | 'quarter' | 'year', now: Date): Date {
  const local = new Date(now.getTime() + 8 * 3600_000);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  let utc = Date.UTC(y, m, local.getUTCDate());
  if (period === 'week') utc -= ((local.getUTCDay() + 6) % 7) * 24 * 3600_000;
  if (period === 'month') utc = Date.UTC(y, m, 1);
  if (period === 'quarter') utc = Date.UTC(y, m - (m % 3), 1);
  if (period === 'year') utc = Date.UTC(y, 0, 1);
  return new Date(utc - 8 * 3600_000);
}
