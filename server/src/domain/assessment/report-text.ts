/**
 * The scheduled reports' words and charts (issue 10, item 3; policy 大政办发〔2018〕125号: 日报告、周巡查、月评比、
 * 季奖励、年排名, results made public). Pure: rows in, WeCom markdown and an ECharts option out, so each report's
 * content is testable on a fixed clock. People read names, Beijing times and percentages; never codes.
 */
import type { ScorecardRowDto } from '@finecity/types';
import { formatBeijing } from '../shanghai-time.js';

/** The report kinds, in the policy's order; each is one schedule in config/assessment.json. */
export const REPORT_KINDS = ['daily', 'weekly', 'monthly', 'quarterly', 'yearly'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_TITLES: Record<ReportKind, string> = { daily: '日报告', weekly: '周巡查', monthly: '月评比', quarterly: '季奖励', yearly: '年排名' };

/** One ranked unit as a report names it: its own name, and its parent's for a street in a city-wide list. */
export interface RankedUnit {
  name: string;
  parent?: string;
  score: number | null;
  rank: number | null;
  onTimeRate: number | null;
  closed: number;
}

export interface OverdueCase {
  caseNo: string;
  category: string;
  place: string;
  dueAt: Date;
  holder: string | null;
}

export interface PatrolGrid {
  name: string;
  street: string;
  found: number;
  patrolReports: number;
  checkedIn: boolean;
}

export const pct = (r: number | null): string => (r === null ? '—' : `${r.toFixed(1)}%`);
const score = (s: number | null): string => (s === null ? '—' : s.toFixed(1));
const who = (u: RankedUnit): string => (u.parent ? `${u.name}（${u.parent}）` : u.name);

export function rankedUnit(r: ScorecardRowDto, parent?: string): RankedUnit {
  return { name: r.name, ...(parent ? { parent } : {}), score: r.score, rank: r.rank, onTimeRate: r.indicators.onTimeRate ?? null, closed: r.indicators.closed ?? 0 };
}

/** Totals of a set of rows: sums, and the on-time rate weighted by closed cases (its denominator). */
export function totals(rows: readonly ScorecardRowDto[]): { reported: number; closed: number; overdue: number; onTimeRate: number | null } {
  const sum = (k: 'reported' | 'closed' | 'overdue') => rows.reduce((s, r) => s + (r.indicators[k] ?? 0), 0);
  const closed = sum('closed');
  const onTime = rows.reduce((s, r) => s + ((r.indicators.onTimeRate ?? 0) * (r.indicators.closed ?? 0)) / 100, 0);
  return { reported: sum('reported'), closed, overdue: sum('overdue'), onTimeRate: closed ? Math.round((onTime / closed) * 1000) / 10 : null };
}

/** Ranked first (by rank; unranked last, then by name), the order every list and chart uses. */
export function byRank(units: readonly RankedUnit[]): RankedUnit[] {
  return [...units].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.name.localeCompare(b.name, 'zh-CN'));
}

/** The last `n` ranked units, lowest first (units with no score are not ranked, so not listed). */
export function bottom(units: readonly RankedUnit[], n: number): RankedUnit[] {
  return byRank(units.filter((u) => u.rank !== null)).reverse().slice(0, n);
}

export function heading(kind: ReportKind, scope: string, label: string): string {
  return `### ${scope}城市精细化管理${REPORT_TITLES[kind]}（${label}）`;
}

export function totalsLine(t: ReturnType<typeof totals>): string {
  return `> 上报 **${t.reported}** 件，结案 **${t.closed}** 件，按期结案率 **${pct(t.onTimeRate)}**，超期 **${t.overdue}** 件`;
}

export function unitLines(units: readonly RankedUnit[]): string[] {
  return units.map((u, i) => `${i + 1}. ${who(u)}，综合指标值 ${score(u.score)}，按期结案率 ${pct(u.onTimeRate)}${u.rank ? `，第 ${u.rank} 名` : ''}`);
}

export function overdueLines(list: readonly OverdueCase[], total: number, now: Date): string[] {
  if (!total) return ['**超期案件**：无'];
  const hours = (c: OverdueCase) => Math.max(1, Math.floor((now.getTime() - c.dueAt.getTime()) / 3_600_000));
  const lines = list.map((c) => `- ${c.caseNo}，${c.category}，${c.place}，时限 ${formatBeijing(c.dueAt)}，已超 ${hours(c)} 小时${c.holder ? `，承办：${c.holder}` : ''}`);
  return [`**超期案件**（共 ${total} 件${total > list.length ? `，列出最早的 ${list.length} 件` : ''}）`, ...lines];
}

export function patrolLines(grids: readonly PatrolGrid[], listMax: number): string[] {
  const covered = grids.filter((g) => g.checkedIn || g.patrolReports > 0).length;
  const coverage = grids.length ? Math.round((covered / grids.length) * 1000) / 10 : null;
  const missing = grids.filter((g) => !g.checkedIn);
  const busiest = [...grids].filter((g) => g.found > 0).sort((a, b) => b.found - a.found || a.name.localeCompare(b.name, 'zh-CN')).slice(0, listMax);
  return [
    `> 网格 **${grids.length}** 个，巡查覆盖 **${covered}** 个，覆盖率 **${pct(coverage)}**；发现问题 **${grids.reduce((s, g) => s + g.found, 0)}** 件，其中巡查上报 **${grids.reduce((s, g) => s + g.patrolReports, 0)}** 件`,
    '',
    '**各网格发现问题**（前 ' + listMax + ' 名）',
    ...(busiest.length ? busiest.map((g, i) => `${i + 1}. ${g.name}（${g.street}），${g.found} 件，巡查上报 ${g.patrolReports} 件`) : ['本周无']),
    '',
    `**无网格员签到的网格**（${missing.length} 个）`,
    missing.length ? missing.slice(0, listMax).map((g) => `${g.name}（${g.street}）`).join('、') + (missing.length > listMax ? ` 等 ${missing.length} 个` : '') : '无',
  ];
}

export function footer(now: Date, file: string): string {
  return `<font color="comment">${formatBeijing(now)} 生成；图表与明细表（${file}）随后发出</font>`;
}

/**
 * An ECharts bar chart of a ranking (https://echarts.apache.org/en/option.html#series-bar), best on top. Units
 * with no figure (nothing to rank) are left out rather than drawn as 0, which would read as a result.
 */
export function rankingChart(title: string, subtitle: string, items: readonly { name: string; value: number | null }[], unit: string): Record<string, unknown> {
  const shown = items.filter((i) => i.value !== null).slice(0, 30).reverse(); // the category axis lists bottom-up
  const none = shown.length ? [] : [{ type: 'text', left: 'center', top: 'middle', style: { text: '本期没有可排名的单位', fontSize: 20, fill: '#999' } }];
  return {
    title: { text: title, subtext: subtitle, left: 'center', textStyle: { fontSize: 22 }, subtextStyle: { fontSize: 14 } },
    graphic: none,
    grid: { left: 24, right: 56, top: 80, bottom: 48, containLabel: true },
    xAxis: { type: 'value', name: unit, nameLocation: 'middle', nameGap: 28, min: 0 },
    yAxis: { type: 'category', data: shown.map((i) => i.name), axisLabel: { fontSize: 14 } },
    series: [{ type: 'bar', data: shown.map((i) => i.value ?? 0), label: { show: true, position: 'right', fontSize: 13 }, itemStyle: { color: '#2f7ed8' }, barMaxWidth: 28 }],
  };
}

/** Chart height for `n` bars: enough room per bar, within the robot's image limits. */
export const chartHeight = (n: number): number => Math.min(1600, Math.max(360, 120 + Math.min(n, 30) * 36));

/** How many bars a ranking chart draws: the units that have a figure. */
export const barsOf = (items: readonly { value: number | null }[]): number => items.filter((i) => i.value !== null).length;
