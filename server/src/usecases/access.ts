import type { Role } from '@finecity/types';
import type { CaseRow } from '../adapters/postgres/case-repo.js';
import { isFollower } from '../adapters/postgres/case-repo.js';
import type { DbOrTx } from '../adapters/postgres/database.js';
import { availableActions } from '../domain/case-machine.js';
import type { CaseAction } from '@finecity/types';
import { AppError } from '../domain/errors.js';
import { POLICY, canSee, grantFor, scopeHolds, type Permission, type ScopeFacts } from '../domain/authorization.js';
import { toSnapshot } from '../adapters/postgres/case-repo.js';
import type { CurrentUser } from './deps.js';

export async function scopeFacts(db: DbOrTx, user: CurrentUser, row: CaseRow): Promise<ScopeFacts> {
  const p = user.orgPath;
  const heldInArea = !!p && !!row.responsiblePath?.startsWith(p);
  const inArea = heldInArea || (!!p && row.locationPath.startsWith(p));
  const own = row.reporterId === user.id || (await isFollower(db, row.id, user.id));
  return { isReporterOrFollower: own, inArea, heldInArea };
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

export function allowedActions(user: CurrentUser, facts: ScopeFacts, row: CaseRow, now: Date): CaseAction[] {
  return availableActions(toSnapshot(row), now).filter((a) => grantFor(user.roles, a, facts));
}
