import type { AssessmentLevel, ScorecardDto, ScorecardRowDto } from '@finecity/types';
import type { PeriodBounds } from '../../domain/assessment/periods.js';
import {
  barsOf, bottom, byRank, chartHeight, footer, heading, overdueLines, patrolLines, pct, rankedUnit, rankingChart, totals, totalsLine, unitLines,
  type OverdueCase, type PatrolGrid, type RankedUnit, type ReportKind,
} from '../../domain/assessment/report-text.js';
import type { Deps } from '../deps.js';
import { categoryName, placeOf } from '../notifications/plan.js';
import type { NotifyDeps } from '../notifications/ports.js';
import type { OrgNode } from '../repositories.js';
import { cityRoot, computeScorecard, publishPeriod, scorecardWorkbook } from './scorecards.js';

/**
 * What each report says to each group (issue 10, item 3): the city group reads the whole city ranked by
 * district; a district group reads its own streets. Every group gets the same workbook (the city's figures:
 * rankings are public, 公示).
 */
export interface GroupReport {
  group: string;
  text: string;
  chart: { option: Record<string, unknown>; width: number; height: number };
}

export interface ReportContent {
  groups: GroupReport[];
  workbook: { name: string; bytes: Buffer };
}

const OVERDUE_LISTED = 10;
const LISTED = 10;
/** A system reader for case lists: sees by area only (no reporter matches this id). */
const NOBODY = '00000000-0000-0000-0000-000000000000';

/** The city and each district: the groups a report goes to. */
export function reportScopes(app: Pick<Deps, 'org'>): OrgNode[] {
  return [cityRoot(app), ...app.org.all().filter((n) => n.level === 'district')];
}

const parentName = (app: Pick<Deps, 'org'>, code: string): string => app.org.get(app.org.get(code)?.parentCode ?? '')?.name ?? '';
const under = (app: Pick<Deps, 'org'>, rows: ScorecardRowDto[], scope: OrgNode): ScorecardRowDto[] =>
  rows.filter((r) => app.org.get(r.orgNodeCode)?.path.startsWith(scope.path));

/** The period's district and street rows: the published snapshot when there is one, else live figures. */
async function rankings(app: Deps, bounds: PeriodBounds, publish: boolean): Promise<{ district: ScorecardRowDto[]; street: ScorecardRowDto[]; published: number }> {
  let snap = await app.snapshots.find(bounds.period, bounds.at);
  if (!snap && publish) {
    await publishPeriod(app, bounds, { userId: null });
    snap = await app.snapshots.find(bounds.period, bounds.at);
  }
  const city = cityRoot(app).code;
  const level = async (l: AssessmentLevel) => snap?.rows[l] ?? computeScorecard(app, bounds, l, city);
  return { district: await level('district'), street: await level('street'), published: snap?.version ?? 0 };
}

async function workbook(app: Deps, kind: ReportKind, bounds: PeriodBounds, rows: Partial<Record<AssessmentLevel, ScorecardRowDto[]>>, version: number): Promise<ReportContent['workbook']> {
  const cards: ScorecardDto[] = Object.entries(rows).map(([level, r]) => ({
    period: bounds.period, at: bounds.at, level: level as AssessmentLevel, formulaVersion: app.policy.assessment.formulaVersion,
    version, published: version > 0, publishedAt: null, reason: null, label: bounds.label, rows: r ?? [],
  }));
  return { name: `${bounds.label}${TITLE_FILE[kind]}.xlsx`, bytes: await scorecardWorkbook(app, cards) };
}
const TITLE_FILE: Record<ReportKind, string> = { daily: '日报告', weekly: '周巡查', monthly: '月评比', quarterly: '季奖励', yearly: '年排名' };

function chartOf(title: string, subtitle: string, units: RankedUnit[], metric: 'score' | 'onTimeRate' = 'score'): GroupReport['chart'] {
  const ranked = byRank(units);
  const items = ranked.map((u) => ({ name: u.name, value: metric === 'score' ? u.score : u.onTimeRate }));
  return { option: rankingChart(title, subtitle, items, metric === 'score' ? '综合指标值' : '按期结案率(%)'), width: 900, height: chartHeight(barsOf(items)) };
}

/** Open cases under the scope past their deadline, the earliest first. */
async function overdue(app: Deps, notify: NotifyDeps, scope: OrgNode, now: Date): Promise<{ list: OverdueCase[]; total: number }> {
  const running = await app.caseQueries.running({ userId: NOBODY, areaPath: scope.path, heldPath: null }, { underPath: scope.path }, 500);
  const late = running.filter((c) => c.dueAt && c.dueAt.getTime() < now.getTime());
  const list = late.slice(0, OVERDUE_LISTED).map((c) => ({
    caseNo: c.caseNo, category: categoryName(notify, c.categoryCode), place: placeOf(notify, c), dueAt: c.dueAt!,
    holder: c.responsibleCode ? (app.org.get(c.responsibleCode)?.name ?? null) : null,
  }));
  return { list, total: late.length };
}

/** 日报告: yesterday's totals, the bottom five streets, the overdue list; chart: the ranking by 综合指标值. */
export async function dailyReport(app: Deps, notify: NotifyDeps, bounds: PeriodBounds): Promise<ReportContent> {
  const now = app.clock.now();
  const { district, street } = await rankings(app, bounds, false);
  const groups: GroupReport[] = [];
  for (const scope of reportScopes(app)) {
    const isCity = scope.level === 'city';
    const own = isCity ? district : district.filter((r) => r.orgNodeCode === scope.code);
    const streets = under(app, street, scope).map((r) => rankedUnit(r, isCity ? parentName(app, r.orgNodeCode) : undefined));
    const late = await overdue(app, notify, scope, now);
    const units = isCity ? district.map((r) => rankedUnit(r)) : streets;
    const text = [
      heading('daily', scope.name, bounds.label), totalsLine(totals(own)), '',
      '**排名靠后的五个街道**', ...(bottom(streets, 5).length ? unitLines(bottom(streets, 5)) : ['无（当日没有可排名的街道）']), '',
      ...overdueLines(late.list, late.total, now), '', footer(now, 'XLSX'),
    ].join('\n');
    groups.push({ group: scope.code, text, chart: chartOf(`${scope.name}${isCity ? '各区' : '各街道'}综合指标值排名`, bounds.label, units) });
  }
  return { groups, workbook: await workbook(app, 'daily', bounds, { district, street }, 0) };
}

/** 月评比: publishes the month; the district and street rankings, 红榜 and 黑榜 (config lists). */
export async function monthlyReport(app: Deps, bounds: PeriodBounds, publish: boolean): Promise<ReportContent> {
  const now = app.clock.now();
  const { district, street, published } = await rankings(app, bounds, publish);
  const lists = app.policy.assessment.lists;
  const streets = street.map((r) => rankedUnit(r, parentName(app, r.orgNodeCode)));
  const red = byRank(streets.filter((u) => u.rank !== null && (u.score ?? 0) >= lists.red.minScore)).slice(0, lists.red.top);
  const black = bottom(streets.filter((u) => (u.score ?? 100) < lists.black.maxScore), lists.black.bottom);
  const groups = reportScopes(app).map((scope) => {
    const isCity = scope.level === 'city';
    const units = isCity ? district.map((r) => rankedUnit(r)) : under(app, street, scope).map((r) => rankedUnit(r));
    const text = [
      heading('monthly', scope.name, bounds.label), published ? `> 已公示（第 ${published} 版）` : '> 尚未公示', '',
      `**${isCity ? '各区' : '本区各街道'}排名**`, ...unitLines(byRank(units).slice(0, isCity ? 20 : LISTED)), '',
      `**红榜**（综合指标值前 ${lists.red.top} 名且不低于 ${lists.red.minScore} 分的街道）`, ...(red.length ? unitLines(red) : ['本月无']), '',
      `**黑榜**（综合指标值后 ${lists.black.bottom} 名且低于 ${lists.black.maxScore} 分的街道）`, ...(black.length ? unitLines(black) : ['本月无']), '',
      footer(now, 'XLSX'),
    ].join('\n');
    return { group: scope.code, text, chart: chartOf(`${scope.name}${isCity ? '各区' : '各街道'}月度综合指标值排名`, bounds.label, units) };
  });
  return { groups, workbook: await workbook(app, 'monthly', bounds, { district, street }, published) };
}

/** 季奖励 / 年排名: publishes the period; the units that earn the reward by config (level, top N, on-time rate). */
export async function rewardReport(app: Deps, kind: 'quarterly' | 'yearly', bounds: PeriodBounds, publish: boolean): Promise<ReportContent> {
  const now = app.clock.now();
  const { district, street, published } = await rankings(app, bounds, publish);
  const rule = app.policy.assessment.reward[kind === 'quarterly' ? 'quarter' : 'year'];
  const levelRows = rule.level === 'district' ? district : rule.level === 'street' ? street : await computeScorecard(app, bounds, rule.level, cityRoot(app).code);
  const ranked = levelRows.map((r) => rankedUnit(r, rule.level === 'district' ? undefined : parentName(app, r.orgNodeCode)));
  const winners = byRank(ranked.filter((u) => u.rank !== null && (u.onTimeRate ?? 0) >= rule.minOnTimeRate)).slice(0, rule.top);
  const groups = reportScopes(app).map((scope) => {
    const isCity = scope.level === 'city';
    const units = isCity ? district.map((r) => rankedUnit(r)) : under(app, street, scope).map((r) => rankedUnit(r));
    const text = [
      heading(kind, scope.name, bounds.label), published ? `> 已公示（第 ${published} 版）` : '> 尚未公示', '',
      `**获奖单位**（综合指标值前 ${rule.top} 名且按期结案率不低于 ${pct(rule.minOnTimeRate)}）`, ...(winners.length ? unitLines(winners) : ['本期无单位达到奖励条件']), '',
      `**${isCity ? '各区' : '本区各街道'}排名**`, ...unitLines(byRank(units).slice(0, isCity ? 20 : LISTED)), '',
      footer(now, 'XLSX'),
    ].join('\n');
    return { group: scope.code, text, chart: chartOf(`${scope.name}${isCity ? '各区' : '各街道'}综合指标值排名`, bounds.label, units) };
  });
  return { groups, workbook: await workbook(app, kind, bounds, { district, street }, published) };
}

/** 周巡查: patrol coverage, problems found per grid, grids with no inspector check-in; chart: coverage by unit. */
export async function weeklyReport(app: Deps, bounds: PeriodBounds): Promise<ReportContent> {
  const now = app.clock.now();
  const city = cityRoot(app);
  const figures = app.patrol ? await app.patrol.byGrid({ rootPath: city.path, start: bounds.start, end: bounds.end }) : [];
  const grids = figures.map((f) => {
    const street = app.org.get(app.org.get(f.gridCode)?.path.split('/').filter(Boolean)[2] ?? '');
    return { code: f.gridCode, path: app.org.get(f.gridCode)?.path ?? '', name: app.org.get(f.gridCode)?.name ?? '', street: street?.name ?? '', found: f.found, patrolReports: f.patrolReports, checkedIn: f.checkIns > 0 || f.patrolReports > 0 };
  });
  const groups = reportScopes(app).map((scope) => {
    const mine: PatrolGrid[] = grids.filter((g) => g.path.startsWith(scope.path));
    const childLevel = scope.level === 'city' ? 'district' : 'street';
    const units = app.org.all().filter((n) => n.level === childLevel && n.path.startsWith(scope.path)).map((n) => {
      const gs = grids.filter((g) => g.path.startsWith(n.path));
      const covered = gs.filter((g) => g.checkedIn).length;
      return { name: n.name, value: gs.length ? Math.round((covered / gs.length) * 1000) / 10 : null };
    }).sort((a, b) => (b.value ?? -1) - (a.value ?? -1));
    const text = [heading('weekly', scope.name, bounds.label), ...patrolLines(mine, LISTED), '', footer(now, 'XLSX')].join('\n');
    return { group: scope.code, text, chart: { option: rankingChart(`${scope.name}${scope.level === 'city' ? '各区' : '各街道'}巡查覆盖率`, bounds.label, units, '覆盖率(%)'), width: 900, height: chartHeight(barsOf(units)) } };
  });
  const bytes = await app.sheets.write([{
    name: '网格巡查',
    columns: [{ header: '区', width: 16 }, { header: '街道', width: 18 }, { header: '网格', width: 24 }, { header: '发现问题', width: 10 }, { header: '巡查上报', width: 10 }, { header: '网格员签到', width: 12 }],
    rows: grids.map((g) => [parentName(app, app.org.get(g.code)?.path.split('/').filter(Boolean)[2] ?? ''), g.street, g.name, g.found, g.patrolReports, g.checkedIn ? '有' : '无']),
  }]);
  return { groups, workbook: { name: `${bounds.label}周巡查.xlsx`, bytes } };
}
