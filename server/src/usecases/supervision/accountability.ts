import type { AccountabilityBody, AccountabilityDto, Role } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { AccountabilityRecord } from './ports.js';

/**
 * 问责 (Dalian 2018-125: leaders 调度、督办、问责): 通报, 约谈 … recorded against a unit, optionally naming
 * cases, by the city and district platforms inside their own subtree. Counted in the unit's scorecard.
 */
const RECORDERS: readonly Role[] = ['city', 'district'];
/** Who may read a unit's records (within their subtree). */
const READERS: readonly Role[] = ['city', 'district', 'street', 'community', 'leader', 'admin'];

export async function recordAccountability(deps: Deps, user: CurrentUser, input: AccountabilityBody): Promise<AccountabilityDto> {
  const role = user.roles.find((r) => RECORDERS.includes(r));
  if (!role || !user.orgPath) throw new AppError('auth.forbidden', '只有市、区平台可以记录问责');
  const unit = deps.org.get(input.orgNodeCode);
  if (!unit) throw new AppError('accountability.invalid', '问责单位不存在', { field: 'orgNodeCode' });
  if (!unit.path.startsWith(user.orgPath)) throw new AppError('auth.forbidden', '只能对本辖区内的单位问责', { field: 'orgNodeCode' });
  const caseNos = [...new Set(input.caseNos ?? [])];
  return deps.uow.run(async (tx) => {
    const now = deps.clock.now();
    // A case outside the caller's area is reported like one that does not exist (its existence must not leak).
    const found = (await tx.accountability.casesByNo(caseNos)).filter((c) => c.locationPath.startsWith(user.orgPath!) || !!c.responsiblePath?.startsWith(user.orgPath!));
    const unknown = caseNos.filter((no) => !found.some((c) => c.caseNo === no));
    if (unknown.length) throw new AppError('accountability.invalid', `案件编号不存在：${unknown.join('、')}`, { field: 'caseNos', unknown });
    const { id } = await tx.accountability.insert({ orgNodeCode: unit.code, kind: input.kind, note: input.note, caseIds: found.map((c) => c.id), createdBy: user.id, at: now });
    const after = { kind: input.kind, note: input.note, caseNos: [...caseNos].sort() };
    await tx.audit.record({ at: now, actorId: user.id, actorRole: role, action: 'accountability.create', entityType: 'accountability', entityId: id, orgNodeCode: unit.code, before: null, after, note: input.note });
    return present(deps, { id, orgNodeCode: unit.code, kind: input.kind, note: input.note, caseNos: after.caseNos, byName: user.name, at: now });
  });
}

export async function listAccountability(deps: Deps, user: CurrentUser, q: { orgNodeCode?: string; page: number; pageSize: number }) {
  if (!user.orgPath || !user.roles.some((r) => READERS.includes(r))) throw new AppError('auth.forbidden', '无权查看问责记录');
  const code = q.orgNodeCode ?? user.orgNodeCode!;
  const unit = deps.org.get(code);
  if (!unit) throw new AppError('accountability.invalid', '单位不存在', { field: 'orgNodeCode' });
  if (!unit.path.startsWith(user.orgPath)) throw new AppError('auth.forbidden', '只能查看本辖区单位的问责记录', { field: 'orgNodeCode' });
  const { items, total } = await deps.uow.run((tx) => tx.accountability.list(unit.path, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize }));
  return { items: items.map((r) => present(deps, r)), total, page: q.page, pageSize: q.pageSize };
}

function present(deps: Deps, r: AccountabilityRecord): AccountabilityDto {
  return { id: r.id, orgNodeCode: r.orgNodeCode, orgNodeName: deps.org.get(r.orgNodeCode)?.name ?? r.orgNodeCode, kind: r.kind, note: r.note, caseNos: r.caseNos, byName: r.byName, at: r.at.toISOString() };
}
