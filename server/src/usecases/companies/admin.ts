import { COMPANY_ID_PATTERN, type CompanyDto, type CompanyInput } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import { beijingDate } from '../../domain/shanghai-time.js';
import { isCityAdmin, requireAdmin } from '../admin/admin-scope.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { CompanyRecord, CompanyScope } from './ports.js';

/**
 * The company entity (issue 11, item 4): a city admin creates or updates a company and its contract (period,
 * patrol hours, whether it may verify, contracted grids) and attaches third-party staff to it. Every change is
 * in the audit log.
 */
type CompanyDeps = Pick<Deps, 'companies' | 'org' | 'clock' | 'audit'>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function isActive(c: Pick<CompanyRecord, 'contractStart' | 'contractEnd'>, now: Date): boolean {
  const today = beijingDate(now);
  return c.contractStart <= today && today <= c.contractEnd;
}

export function toCompanyDto(c: CompanyRecord, now: Date): CompanyDto {
  return { ...c, active: isActive(c, now) };
}

/** What a company inspector's requests carry: contracted grids, the verify switch, whether the contract is in force. */
export async function companyScopeOf(deps: Pick<Deps, 'companies' | 'clock'>, companyId: string): Promise<CompanyScope | null> {
  const c = await deps.companies.contract(companyId);
  if (!c) return null;
  return { id: c.id, name: c.name, gridCodes: new Set(c.gridCodes), mayVerify: c.mayVerify, active: isActive(c, deps.clock.now()) };
}

function requireCityAdmin(deps: Pick<Deps, 'org'>, user: CurrentUser): void {
  requireAdmin(user);
  if (!isCityAdmin(user, deps.org)) throw new AppError('auth.forbidden', '只有市级管理员可以管理第三方巡查公司');
}

/** Readers of companies: admins, the city and district platforms, leaders and enforcement. */
export function requireCompanyReader(user: CurrentUser): void {
  if (!user.roles.some((r) => r === 'admin' || r === 'city' || r === 'district' || r === 'leader' || r === 'enforcement')) {
    throw new AppError('auth.forbidden', '当前账号不能查看第三方巡查公司');
  }
}

function validate(deps: Pick<Deps, 'org'>, input: CompanyInput): Required<CompanyInput> {
  const fields: { field: string; message: string }[] = [];
  const bad = (field: string, message: string) => fields.push({ field, message });
  if (!COMPANY_ID_PATTERN.test(input.id)) bad('id', '公司编码须为 2–20 位小写字母或数字');
  if (!input.name.trim()) bad('name', '请填写公司名称');
  if (!DAY.test(input.contractStart) || Number.isNaN(Date.parse(input.contractStart))) bad('contractStart', '合同开始日期格式应为 2026-01-01');
  if (!DAY.test(input.contractEnd) || Number.isNaN(Date.parse(input.contractEnd))) bad('contractEnd', '合同结束日期格式应为 2026-12-31');
  if (input.contractStart > input.contractEnd) bad('contractEnd', '合同结束日期不能早于开始日期');
  const from = input.patrolFrom ?? '08:00';
  const to = input.patrolTo ?? '18:00';
  if (!HHMM.test(from)) bad('patrolFrom', '巡查开始时间格式应为 08:00');
  if (!HHMM.test(to)) bad('patrolTo', '巡查结束时间格式应为 18:00');
  if (HHMM.test(from) && HHMM.test(to) && from >= to) bad('patrolTo', '巡查结束时间须晚于开始时间');
  const grids = [...new Set(input.gridCodes)];
  grids.forEach((code, i) => {
    if (deps.org.get(code)?.level !== 'grid') bad(`gridCodes.${i}`, `网格编码 ${code} 不存在`);
  });
  if (fields.length) throw new AppError('company.invalid', fields[0]!.message, { fields });
  return { id: input.id, name: input.name.trim(), contractStart: input.contractStart, contractEnd: input.contractEnd, mayVerify: input.mayVerify ?? false, patrolFrom: from, patrolTo: to, gridCodes: grids };
}

export async function saveCompany(deps: CompanyDeps, user: CurrentUser, input: CompanyInput): Promise<{ created: boolean; company: CompanyDto }> {
  requireCityAdmin(deps, user);
  const clean = validate(deps, input);
  const now = deps.clock.now();
  const before = await deps.companies.get(clean.id);
  const created = await deps.companies.save(clean, now);
  const after = (await deps.companies.get(clean.id))!;
  await deps.audit.record({
    at: now, actorId: user.id, actorRole: 'admin', action: created ? 'company.create' : 'company.update', entityType: 'company', entityId: clean.id,
    orgNodeCode: user.orgNodeCode, before, after: clean,
  });
  return { created, company: toCompanyDto(after, now) };
}

export async function listCompanies(deps: CompanyDeps, user: CurrentUser): Promise<CompanyDto[]> {
  requireCompanyReader(user);
  const now = deps.clock.now();
  return (await deps.companies.list()).map((c) => toCompanyDto(c, now));
}

export async function getCompany(deps: CompanyDeps, user: CurrentUser, id: string): Promise<CompanyDto> {
  requireCompanyReader(user);
  const c = await deps.companies.get(id);
  if (!c) throw new AppError('company.not_found', '第三方巡查公司不存在', { id });
  return toCompanyDto(c, deps.clock.now());
}

/** Attaches a third-party staff member to a company (companyId null detaches). */
export async function assignCompany(deps: CompanyDeps & Pick<Deps, 'users'>, user: CurrentUser, userId: string, companyId: string | null): Promise<void> {
  requireCityAdmin(deps, user);
  if (companyId && !(await deps.companies.get(companyId))) throw new AppError('company.not_found', '第三方巡查公司不存在', { companyId });
  const staff = await deps.users.byId(userId);
  if (!staff || !staff.roles.includes('third_party')) throw new AppError('staff.not_found', '没有该第三方采集员', { userId });
  await deps.companies.assignUser(userId, companyId);
  deps.users.forget?.(userId);
  await deps.audit.record({
    at: deps.clock.now(), actorId: user.id, actorRole: 'admin', action: 'company.assign', entityType: 'user', entityId: userId,
    orgNodeCode: staff.orgNodeCode, before: { companyId: staff.companyId ?? null }, after: { companyId },
  });
}

/** A company inspector's own company (the mini-program's patrol and monthly pages). */
export async function myCompany(deps: CompanyDeps, user: CurrentUser): Promise<CompanyDto> {
  const id = user.company?.id;
  const c = id ? await deps.companies.get(id) : null;
  if (!c) throw new AppError('company.not_found', '当前账号未归属第三方巡查公司');
  return toCompanyDto(c, deps.clock.now());
}
