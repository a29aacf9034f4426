import { AppError } from '../../domain/errors.js';
import { POLICY } from '../../domain/authorization.js';
import type { CurrentUser, Deps } from '../deps.js';
import { nodeInScope } from '../org-units.js';
import type { OrgNode } from '../repositories.js';

/**
 * The node a leader's chart or map looks at: the caller's own node or one below it, for roles that read
 * their whole area (as the dashboard, usecases/stats.ts). Outside the area it does not exist (404).
 */
export function requireLeaderView(deps: Pick<Deps, 'org'>, user: CurrentUser, code: string | undefined): OrgNode {
  if (!user.roles.some((r) => POLICY[r]['case.read'] === 'area')) throw new AppError('auth.forbidden', '当前账号不能查看辖区统计');
  return nodeInScope(deps, user, code);
}
