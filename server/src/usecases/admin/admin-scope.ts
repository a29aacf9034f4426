import { AppError } from '../../domain/errors.js';
import type { CurrentUser } from '../deps.js';
import type { OrgDirectory } from '../repositories.js';

/**
 * Who may administer what. An `admin` manages the subtree of their own unit: the city admin (at the
 * city node) everything, a district admin that district's people, grids and rota.
 */
export function requireAdmin(user: CurrentUser): { path: string; orgNodeCode: string } {
  if (!user.roles.includes('admin') || !user.orgPath || !user.orgNodeCode) throw new AppError('auth.forbidden', '只有管理员可以执行此操作');
  return { path: user.orgPath, orgNodeCode: user.orgNodeCode };
}

/** The admin may manage the unit `code` (and so what belongs to it). Unknown units are a 422, others' a 403. */
export function requireAdminOver(user: CurrentUser, org: OrgDirectory, code: string): void {
  const { path } = requireAdmin(user);
  const node = org.get(code);
  if (!node) throw new AppError('org.unknown', '单位编码不存在', { orgNodeCode: code });
  if (!node.path.startsWith(path)) throw new AppError('auth.forbidden', '该单位不在您的管理范围内', { orgNodeCode: code });
}

/** Whether the admin's scope is the whole city (city admins manage categories, limits and the calendar). */
export function isCityAdmin(user: CurrentUser, org: OrgDirectory): boolean {
  return !!user.orgNodeCode && user.roles.includes('admin') && org.get(user.orgNodeCode)?.level === 'city';
}
