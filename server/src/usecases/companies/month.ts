import type { CompanyMissedDto, CompanyMonthDto, MissedCaseDto, ScorecardRowDto } from '@finecity/types';
import { askedPeriod, type PeriodBounds } from '../../domain/assessment/periods.js';
import { AppError } from '../../domain/errors.js';
import { beijingDate } from '../../domain/shanghai-time.js';
import type { CurrentUser, Deps } from '../deps.js';
import { cityRoot, computeScorecard } from '../assessment/scorecards.js';
import { requireCompanyReader } from './admin.js';
import { requireCompanyAccess } from './patrol.js';
import type { CompanyRecord, MissedRow } from './ports.js';

/**
 * 月评估 of a company (issue 11, item 4) as its monthly page shows it, and the 执法部门 cross-check list of
 * every company's 漏查. The figures are the scorecard engine's company level: the published snapshot when
 * the month is published, else live figures.
 */
type MonthDeps = Pick<Deps, 'companies' | 'org' | 'clock' | 'assessment' | 'policy' | 'snapshots' | 'categories'>;

const SOURCE_LABELS: Record<string, string> = {
  enforcement: '执法巡查', miniprogram: '市民（小程序）', official_account: '市民（公众号）', open311: '市民（开放接口）', hotline_12345: '12345热线',
};

function monthBounds(deps: Pick<Deps, 'clock'>, month: string): PeriodBounds {
  return askedPeriod('month', month, deps.clock.now());
}

/** The period counted so far: a month in progress up to now. */
function counted(deps: Pick<Deps, 'clock'>, b: PeriodBounds): PeriodBounds {
  return { ...b, end: new Date(Math.min(b.end.getTime(), deps.clock.now().getTime() + 1)) };
}

export function missedDto(deps: Pick<Deps, 'org' | 'categories'>, m: MissedRow): MissedCaseDto {
  return {
    caseId: m.caseId, caseNo: m.caseNo, categoryCode: m.categoryCode, categoryName: deps.categories.get(m.categoryCode)?.name ?? m.categoryCode,
    gridCode: m.gridCode, gridName: deps.org.get(m.gridCode)?.name ?? m.gridCode, reportedAt: m.createdAt.toISOString(), source: m.source,
    sourceLabel: SOURCE_LABELS[m.source] ?? m.source,
  };
}

async function companyRows(deps: MonthDeps, b: PeriodBounds): Promise<{ rows: ScorecardRowDto[]; published: boolean }> {
  const snap = await deps.snapshots.find('month', b.at);
  if (snap?.rows.company) return { rows: snap.rows.company, published: true };
  return { rows: await computeScorecard(deps, counted(deps, b), 'company', cityRoot(deps).code), published: false };
}

/** Days of [start, end) that fall in the contract, as Beijing dates. */
function contractDays(c: CompanyRecord, b: PeriodBounds): string[] {
  const days: string[] = [];
  for (let t = b.start.getTime(); t < b.end.getTime(); t += 86_400_000) {
    const d = beijingDate(new Date(t));
    if (c.contractStart <= d && d <= c.contractEnd) days.push(d);
  }
  return days;
}

export async function companyMonth(deps: MonthDeps, user: CurrentUser, companyId: string, month: string): Promise<CompanyMonthDto> {
  requireCompanyAccess(user, companyId);
  const c = await deps.companies.get(companyId);
  if (!c) throw new AppError('company.not_found', '第三方巡查公司不存在', { companyId });
  const b = monthBounds(deps, month);
  const { rows, published } = await companyRows(deps, b);
  const row = rows.find((r) => r.orgNodeCode === companyId);
  const live = counted(deps, b);
  const days = contractDays(c, live);
  const visits = days.length ? await deps.companies.visits(companyId, days[0]!, days.at(-1)!) : [];
  const finds = await deps.companies.findsByGrid(companyId, live.start, live.end);
  const missed = await deps.companies.missed(companyId, live.start, live.end, deps.policy.assessment.companyMissWindowHours);
  const i = row?.indicators;
  return {
    companyId, name: c.name, month: b.at, label: b.label, published,
    finds: i?.companyFinds ?? 0, confirmed: i?.companyConfirmed ?? 0, validRate: i?.companyValidRate ?? null, closed: i?.companyClosed ?? 0,
    coverageRate: i?.coverageRate ?? null, missed: i?.missed ?? 0, missRate: i?.missRate ?? null, score: row?.score ?? null, rank: row?.rank ?? null,
    grids: c.gridCodes.map((code) => ({
      gridCode: code, gridName: deps.org.get(code)?.name ?? code,
      daysVisited: new Set(visits.filter((v) => v.gridCode === code).map((v) => v.day)).size, daysDue: days.length,
      finds: finds.find((f) => f.gridCode === code)?.finds ?? 0,
    })),
    missedCases: missed.map((m) => missedDto(deps, m)),
  };
}

/** 执法部门 cross-check: each company's 漏查 of the month with the cases. */
export async function missedByCompany(deps: MonthDeps, user: CurrentUser, month: string): Promise<CompanyMissedDto> {
  requireCompanyReader(user);
  const b = counted(deps, monthBounds(deps, month));
  const out: CompanyMissedDto['companies'] = [];
  for (const c of await deps.companies.list()) {
    const cases = (await deps.companies.missed(c.id, b.start, b.end, deps.policy.assessment.companyMissWindowHours)).map((m) => missedDto(deps, m));
    out.push({ companyId: c.id, name: c.name, missed: cases.length, cases });
  }
  return { month: b.at, companies: out };
}
