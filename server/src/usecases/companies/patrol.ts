import type { CoverageDto, PatrolCheckinDto } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import { beijingDate } from '../../domain/shanghai-time.js';
import type { CurrentUser, Deps } from '../deps.js';
import { pressedAt } from '../inspector/pressed-at.js';
import { requireCompanyReader } from './admin.js';

/**
 * 日巡查 (issue 11, item 4): an inspector checks in on site; the point is located to its grid. A company's
 * inspector may check in only in a grid of the contract. Coverage is computed per grid per day.
 */
type PatrolDeps = Pick<Deps, 'companies' | 'org' | 'clock' | 'locator'>;

const CHECKIN_ROLES = new Set(['third_party', 'inspector', 'enforcement']);
const DAY_MS = 86_400_000;

/** [start, end) of a Beijing day 'YYYY-MM-DD'. */
export const beijingDayBounds = (day: string) => {
  const start = new Date(`${day}T00:00:00+08:00`);
  return { start, end: new Date(start.getTime() + DAY_MS) };
};

export async function checkIn(deps: PatrolDeps, user: CurrentUser, p: { lat: number; lng: number; at?: string }): Promise<PatrolCheckinDto> {
  if (!user.roles.some((r) => CHECKIN_ROLES.has(r))) throw new AppError('auth.forbidden', '只有巡查人员可以签到');
  const where = deps.locator.locate(p.lat, p.lng);
  const grid = where?.gridCode ? deps.org.get(where.gridCode) : undefined;
  if (!grid) throw new AppError('location.outside_service_area', '当前位置不在任何网格内，无法签到', { lat: p.lat, lng: p.lng });
  const company = user.company ?? null;
  if (company && !company.gridCodes.has(grid.code)) {
    throw new AppError('patrol.outside_contract', `“${grid.name}”不在${company.name}的合同网格内`, { gridCode: grid.code });
  }
  // When the inspector pressed: an offline check-in arrives later through the phone's outbox (issue 12).
  const now = pressedAt(deps.clock.now(), p.at);
  const day = beijingDate(now);
  const { id } = await deps.companies.checkIn({ userId: user.id, companyId: company?.id ?? null, gridCode: grid.code, day, at: now, lat: p.lat, lng: p.lng });
  return { id, gridCode: grid.code, gridName: grid.name, day, at: now.toISOString(), companyId: company?.id ?? null };
}

/** The company's own staff, or the readers of companies (admins, city and district platforms, leaders, enforcement). */
export function requireCompanyAccess(user: CurrentUser, companyId: string): void {
  if (user.company?.id === companyId) return;
  requireCompanyReader(user);
}

export async function coverage(deps: PatrolDeps, user: CurrentUser, companyId: string, day?: string): Promise<CoverageDto> {
  requireCompanyAccess(user, companyId);
  const c = await deps.companies.get(companyId);
  if (!c) throw new AppError('company.not_found', '第三方巡查公司不存在', { companyId });
  const asked = day ?? beijingDate(deps.clock.now());
  const { start, end } = beijingDayBounds(asked);
  const visits = await deps.companies.visits(companyId, asked, asked);
  const finds = await deps.companies.findsByGrid(companyId, start, end);
  const inContract = c.contractStart <= asked && asked <= c.contractEnd;
  const grids = c.gridCodes.map((code) => {
    const checkins = visits.find((v) => v.gridCode === code)?.checkins ?? 0;
    return { gridCode: code, gridName: deps.org.get(code)?.name ?? code, visited: checkins > 0, checkins, finds: finds.find((f) => f.gridCode === code)?.finds ?? 0 };
  });
  return { companyId, day: asked, inContract, grids, visited: grids.filter((g) => g.visited).length, contracted: inContract ? grids.length : 0 };
}
