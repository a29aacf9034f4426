import type { CaseAction, CaseState, Role } from '@finecity/types';
import { availableActions } from '../domain/case-machine.js';
import type { CaseSnapshot } from '../domain/case-model.js';
import { AppError } from '../domain/errors.js';
import { POLICY, canSee, grantFor, scopeHolds, type Permission, type ScopeFacts } from '../domain/authorization.js';
import type { CurrentUser } from './deps.js';
import type { CaseRecord, CaseVisibility } from './repositories.js';

/** Where a case stands relative to the caller; `follows` comes with the case's own read. */
export function scopeFacts(user: CurrentUser, row: Pick<CaseRecord, 'reporterId' | 'locationPath' | 'responsiblePath' | 'responsibleCode'> & { gridCode?: string | null }, follows: boolean): ScopeFacts {
  const p = user.orgPath;
  const heldInArea = !!p && !!row.responsiblePath?.startsWith(p);
  const inArea = heldInArea || (!!p && row.locationPath.startsWith(p));
  const heldByOwnUnit = heldInArea && row.responsibleCode !== null && row.responsibleCode === user.orgNodeCode;
  // A third-party company reads the grids of its contract (issue 11); the grid is the location path's last node.
  const grid = row.gridCode ?? row.locationPath.split('/').filter(Boolean).at(-1) ?? '';
  const inContract = !!user.company && user.company.gridCodes.has(grid);
  const contractVerifies = inContract && !!user.company?.active && !!user.company?.mayVerify;
  return { isReporterOrFollower: row.reporterId === user.id || follows, inArea, heldInArea, heldByOwnUnit, inContract, contractVerifies };
}

/** 404 when the case is outside the caller's scope (its existence must not leak), 403 when in scope but not allowed. */
export function authorize(user: CurrentUser, facts: ScopeFacts, permission: Permission): Role {
  if (!canSee(user.roles, facts)) throw new AppError('case.not_found', '案件不存在');
  const role = user.roles.find((r) => {
    const scope = POLICY[r][permission];
    return scope !== undefined && scopeHolds(scope, facts);
  });
  if (!role) throw new AppError('auth.forbidden', '无权执行该操作', { permission });
  return role;
}

export function allowedActions(user: CurrentUser, facts: ScopeFacts, row: CaseRecord, now: Date): CaseAction[] {
  return availableActions(toSnapshot(row), now).filter((a) => grantFor(user.roles, a, facts));
}

/** What the case lists may show the caller (the same table, as paths). */
export function visibilityOf(user: CurrentUser): CaseVisibility {
  const scopes = new Set(user.roles.map((r) => POLICY[r]['case.read']));
  return {
    userId: user.id,
    areaPath: user.orgPath && scopes.has('area') ? user.orgPath : null,
    heldPath: user.orgPath && scopes.has('held') ? user.orgPath : null,
    gridCodes: user.company && scopes.has('contract') ? [...user.company.gridCodes] : null,
  };
}

export function toSnapshot(r: CaseRecord): CaseSnapshot {
  return {
    id: r.id,
    state: r.state as CaseState,
    version: r.version,
    reporterId: r.reporterId,
    categoryCode: r.categoryCode,
    complexity: r.complexity as CaseSnapshot['complexity'],
    responsibleCode: r.responsibleCode,
    pendingExtension: r.pendingExtension ?? null,
    reworkCount: r.reworkCount,
    extendedHours: r.extendedHours,
    ratingScore: r.ratingScore,
    closedAt: r.closedAt,
  };
}

/** The Dalian clock a case carries (what the SLA clock colours), or null before dispatch. */
export function dalianClock(r: CaseRecord): { startedAt: Date; dueAt: Date; calendar: 'natural' | 'working' } | null {
  if (!r.dueAt || !r.clockStartedAt) return null;
  return { startedAt: r.clockStartedAt, dueAt: r.dueAt, calendar: (r.clockCalendar ?? 'natural') as 'natural' | 'working' };
}
