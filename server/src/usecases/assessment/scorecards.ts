import type { AssessmentLevel, AssessmentPeriod, OrgLevel, PublicRankingsDto, ScorecardDto, ScorecardRowDto } from '@finecity/types';
import { ASSESSMENT_LEVEL_LABELS } from '@finecity/types';
import { indicatorsOf, withoutCompanyIndicators, ZERO_COUNTS, type RawCounts } from '../../domain/assessment/indicators.js';
import { askedPeriod, periodBounds, periodEnded, type PeriodBounds } from '../../domain/assessment/periods.js';
import { compositeScore, rank } from '../../domain/assessment/score.js';
import { AppError } from '../../domain/errors.js';
import { isSquad } from '../../domain/squad-clock.js';
import type { CurrentUser, Deps } from '../deps.js';
import { nodeInScope } from '../org-units.js';
import type { OrgNode } from '../repositories.js';
import type { CountingRules, PublishedSnapshot } from './ports.js';
export { scorecardWorkbook } from './scorecard-workbook.js';

/**
 * Scorecards (issue 10, items 1–2): live figures per unit and level, published snapshots that never change
 * (a correction is a new version), the public rankings (公示) and, in scorecard-workbook.ts, the XLSX.
 * Ranks are city-wide: a street's leader sees their grids with the rank they hold among all grids of the city.
 */

type ScorecardDeps = Pick<Deps, 'org' | 'assessment' | 'policy'> & Partial<Pick<Deps, 'companies'>>;

/** The levels a publication freezes: every area level, departments, squads, inspector posts and companies. */
export const PUBLISHED_LEVELS: readonly AssessmentLevel[] = ['district', 'street', 'community', 'grid', 'department', 'squad', 'inspector', 'company'];

/** Area levels from the top; a caller reads levels at or below their own node's. */
const AREA_DEPTH: Partial<Record<AssessmentLevel | OrgLevel, number>> = { city: 0, district: 1, street: 2, community: 3, grid: 4 };


export function countingRules(policy: Deps['policy']): CountingRules {
  const a = policy.assessment;
  return { satisfiedAtLeast: a.satisfiedAtLeast, responseMinutes: a.responseMinutes, companyMissWindowHours: a.companyMissWindowHours };
}

/** The units a level lists under a node: code and name (inspector posts are `<grid>:<A|B>`). */
function unitsOf(deps: Pick<Deps, 'org'>, level: AssessmentLevel, root: OrgNode): { code: string; name: string }[] {
  const under = deps.org.all().filter((n) => n.path.startsWith(root.path));
  const named = (ns: OrgNode[]) => ns.map((n) => ({ code: n.code, name: n.name }));
  switch (level) {
    case 'department':
      return named(under.filter((n) => n.level === 'department' && !isSquad(n.unitType)));
    case 'squad':
      return named(under.filter((n) => n.level === 'department' && isSquad(n.unitType)));
    case 'inspector':
      return under.filter((n) => n.level === 'grid').flatMap((g) => (['A', 'B'] as const).map((p) => ({ code: `${g.code}:${p}`, name: `${g.name} ${p}岗` })));
    case 'company':
      return [];
    default:
      return named(under.filter((n) => n.level === level));
  }
}

/** The city node: the root of every published ranking. */
export function cityRoot(deps: Pick<Deps, 'org'>): OrgNode {
  const city = deps.org.all().find((n) => n.level === 'city');
  if (!city) throw new AppError('org.not_found', '组织架构中没有市级单位');
  return city;
}

/**
 * Every unit of `level` under `rootCode` over the period (units without activity get zero counts): the
 * indicators, the 综合指标值 with the configured weights (squads': squadWeights) and the rank by the tie rule.
 */
export async function computeScorecard(deps: ScorecardDeps, bounds: PeriodBounds, level: AssessmentLevel, rootCode: string): Promise<ScorecardRowDto[]> {
  const root = deps.org.get(rootCode);
  if (!root) throw new AppError('org.not_found', '单位不存在', { orgNodeCode: rootCode });
  const counted = await deps.assessment.rawCounts(level, { rootPath: root.path, start: bounds.start, end: bounds.end }, countingRules(deps.policy));
  const byUnit = new Map<string, RawCounts>(counted.map((u) => [u.unitCode, u.counts]));
  const units = level === 'company' && deps.companies ? (await deps.companies.list()).map((c) => ({ code: c.id, name: c.name })) : unitsOf(deps, level, root);
  // Units the tree does not list keep the code the counts came with.
  const known = new Set(units.map((u) => u.code));
  for (const u of counted) if (!known.has(u.unitCode)) units.push({ code: u.unitCode, name: u.unitCode });
  const a = deps.policy.assessment;
  const weights = level === 'squad' ? a.squadWeights : level === 'company' ? a.companyWeights : a.weights;
  const rows = units.map((u) => {
    const all = indicatorsOf(byUnit.get(u.code) ?? ZERO_COUNTS);
    const indicators = level === 'company' ? all : withoutCompanyIndicators(all);
    return { orgNodeCode: u.code, name: u.name, indicators, score: compositeScore(indicators, weights) };
  });
  return rank(rows).map((r) => ({ orgNodeCode: r.orgNodeCode, name: r.name, indicators: r.indicators, score: r.score, rank: r.rank }));
}

export interface ScorecardQuery {
  period: AssessmentPeriod;
  at: string;
  level: AssessmentLevel;
  orgNodeCode?: string;
  version?: number;
}

/** Roles that read scorecards: those with area read over the tree (authorization.ts POLICY), not handlers. */
const READERS = new Set(['leader', 'city', 'district', 'street', 'community']);

/** The node the caller reads under, refused when the level lies above it. */
function scopeFor(deps: Pick<Deps, 'org'>, user: CurrentUser, level: AssessmentLevel, orgNodeCode?: string): OrgNode {
  if (!user.roles.some((r) => READERS.has(r))) throw new AppError('auth.forbidden', '当前账号不能查看考核结果');
  let node: OrgNode;
  try {
    node = nodeInScope(deps, user, orgNodeCode);
  } catch (err) {
    if (err instanceof AppError && err.code === 'org.not_found') throw new AppError('assessment.level_out_of_scope', '所选单位不在本辖区', { orgNodeCode });
    throw err;
  }
  const depth = AREA_DEPTH[level];
  const own = AREA_DEPTH[node.level];
  const areaAbove = depth !== undefined && (own === undefined || depth < own);
  const cityOnly = level === 'company' && node.level !== 'city';
  if (areaAbove || cityOnly || node.level === 'department') {
    throw new AppError('assessment.level_out_of_scope', `不能查看${ASSESSMENT_LEVEL_LABELS[level]}层级的考核结果`, { level });
  }
  return node;
}

/** Keeps the rows of units under the node (inspector posts by their grid). */
function rowsUnder(deps: Pick<Deps, 'org'>, rows: ScorecardRowDto[], node: OrgNode): ScorecardRowDto[] {
  return rows.filter((r) => {
    const unit = deps.org.get(r.orgNodeCode.split(':')[0]!);
    return unit ? unit.path.startsWith(node.path) : node.level === 'city';
  });
}

/**
 * A scorecard of the caller's area: the published snapshot (latest, or `version`) when the period has one,
 * else live figures (version 0), counted city-wide so that ranks match what a publication would show.
 */
export async function readScorecard(deps: Deps, user: CurrentUser, q: ScorecardQuery): Promise<ScorecardDto> {
  const node = scopeFor(deps, user, q.level, q.orgNodeCode);
  const now = deps.clock.now();
  const bounds = askedPeriod(q.period, q.at, now);
  const snap = await deps.snapshots.find(q.period, bounds.at, q.version);
  if (q.version !== undefined && !snap) throw new AppError('assessment.not_published', `${bounds.label}没有第 ${q.version} 版公布结果`, { version: q.version });
  const frozen = snap?.rows[q.level];
  const base = { period: q.period, at: bounds.at, level: q.level, label: bounds.label };
  if (snap && frozen) {
    return {
      ...base, formulaVersion: snap.formulaVersion, version: snap.version, published: true,
      publishedAt: snap.publishedAt.toISOString(), reason: snap.reason, rows: rowsUnder(deps, frozen, node),
    };
  }
  // A period in progress is counted up to and including now (never published).
  const live = { ...bounds, end: new Date(Math.min(bounds.end.getTime(), now.getTime() + 1)) };
  const rows = await computeScorecard(deps, live, q.level, cityRoot(deps).code);
  return { ...base, formulaVersion: deps.policy.assessment.formulaVersion, version: 0, published: false, publishedAt: null, reason: null, rows: rowsUnder(deps, rows, node) };
}

/**
 * Publishes a period that is over: every published level for the whole city, frozen as the next version.
 * A second publication is a correction and needs a reason; earlier versions stay readable.
 */
export async function publishPeriod(deps: Deps, bounds: PeriodBounds, actor: { userId: string | null }, reason?: string): Promise<{ version: number }> {
  const now = deps.clock.now();
  if (!periodEnded(bounds, now)) throw new AppError('assessment.period_not_over', `${bounds.label}尚未结束，结束后才能公布`);
  const why = reason?.trim() || null;
  const city = cityRoot(deps).code;
  const rows: PublishedSnapshot['rows'] = {};
  for (const level of PUBLISHED_LEVELS) rows[level] = await computeScorecard(deps, bounds, level, city);
  for (let attempt = 0; attempt < 3; attempt++) {
    const latest = await deps.snapshots.find(bounds.period, bounds.at);
    if (latest && !why) throw new AppError('assessment.reason_required', `${bounds.label}已公布过（第 ${latest.version} 版），更正须填写原因`, { fields: [{ field: 'reason', message: '请填写更正原因' }] });
    const saved = await deps.snapshots.append(
      { period: bounds.period, at: bounds.at, formulaVersion: deps.policy.assessment.formulaVersion, publishedAt: now, publishedBy: actor.userId, reason: why, rows },
      latest?.version ?? 0,
    );
    if (saved) return { version: saved.version };
  }
  throw new AppError('case.version_conflict', '其他人正在公布该周期，请稍后重试');
}

/** 公示: the latest published district and street rankings of a month, quarter or year; names, scores and ranks only. */
export async function publicRankings(deps: Pick<Deps, 'org' | 'snapshots'>, period: 'month' | 'quarter' | 'year', at: string): Promise<PublicRankingsDto> {
  const bounds = periodBounds(period, at);
  const snap = await deps.snapshots.find(period, bounds.at);
  if (!snap) throw new AppError('assessment.not_published', `${bounds.label}的考核结果尚未公布`);
  const pub = (r: ScorecardRowDto) => ({ name: r.name, score: r.score, rank: r.rank });
  const districtOf = (code: string): string => {
    const parent = deps.org.get(deps.org.get(code)?.parentCode ?? '');
    return parent?.name ?? '';
  };
  return {
    period, at: bounds.at, label: bounds.label, version: snap.version, publishedAt: snap.publishedAt.toISOString(),
    districts: (snap.rows.district ?? []).map(pub),
    streets: (snap.rows.street ?? []).map((r) => ({ ...pub(r), district: districtOf(r.orgNodeCode) })),
    // 发现量、复核量、办结量 are made public (大政办发〔2018〕125号, third-party inspection).
    ...(snap.rows.company ? { companies: snap.rows.company.map((r) => ({ ...pub(r), finds: r.indicators.companyFinds, confirmed: r.indicators.companyConfirmed, closed: r.indicators.companyClosed })) } : {}),
  };
}

/**
 * A person publishes (or corrects) a period: city platform staff or a city admin only, since a publication
 * ranks the whole city. The audit log records each version.
 */
export async function publishAsked(deps: Deps, user: CurrentUser, q: { period: AssessmentPeriod; at: string; reason?: string }): Promise<{ version: number }> {
  const cityNode = cityRoot(deps);
  const role = user.roles.find((r) => r === 'city' || r === 'admin');
  if (!role || user.orgNodeCode !== cityNode.code) throw new AppError('auth.forbidden', '只有市级平台或市级管理员可以公布考核结果');
  const bounds = askedPeriod(q.period, q.at, deps.clock.now());
  const out = await publishPeriod(deps, bounds, { userId: user.id }, q.reason);
  await deps.audit.record({
    at: deps.clock.now(), actorId: user.id, actorRole: role, action: 'assessment.publish', entityType: 'assessment_snapshot',
    entityId: null, orgNodeCode: cityNode.code, before: null, after: { period: q.period, at: bounds.at, version: out.version }, note: q.reason?.trim() || null,
  });
  return out;
}
