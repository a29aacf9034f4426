import { AppError } from '../domain/errors.js';
import type { AuditEntry } from './admin/audit.js';
import type { UserRecord } from './account-repositories.js';
import type { CurrentUser, Deps } from './deps.js';
import { auditStaffLogin, loadUser } from './login.js';

/**
 * WeCom (企业微信) web sign-in for the H5 console. The browser comes back from WeCom's OAuth page with a
 * code (https://developer.work.weixin.qq.com/document/path/91022); the server exchanges it for the member's
 * userid (cgi-bin/auth/getuserinfo, https://developer.work.weixin.qq.com/document/path/91023) and signs in
 * the staff member whose roster entry carries that userid.
 */

/** What a code stands for: a member of the corp (userid) or a WeChat user outside it (openid). */
export type WeComIdentity = { userid: string } | { openid: string };

/** The WeCom OAuth API. Throws auth.wecom_code_invalid (40029) or auth.wecom_unavailable. */
export interface WeComOAuth {
  identify(code: string): Promise<WeComIdentity>;
}

export type { StaffStatus } from './admin/staff-ports.js';
import type { StaffStatus } from './admin/staff-ports.js';

/** A staff member found by WeCom userid, with their lifecycle status. */
export interface WecomStaffRecord {
  user: UserRecord;
  status: StaffStatus;
}

/** People as WeCom sign-in sees them (users.wecom_userid). */
export interface WecomStaffDirectory {
  byWecomUserid(userid: string): Promise<WecomStaffRecord | null>;
  /**
   * An invited staff member becomes active, and `audit` is written in the same transaction. False when
   * the member was no longer invited (a concurrent sign-in won): nothing is written then.
   */
  activate(userId: string, audit: AuditEntry): Promise<boolean>;
  /** Staff who have a WeCom userid, by name (the sandbox's OAuth page lists them). */
  withWecomUserid(limit: number): Promise<{ userid: string; name: string; orgNodeCode: string | null }[]>;
}

/** WeCom sign-in as wired by the composition root; absent when WeCom is not configured. */
export interface WeComSignIn {
  oauth: WeComOAuth;
  staff: WecomStaffDirectory;
  corpId: string;
  agentId: string | null;
}

export async function loginWithWeCom(deps: Deps, signIn: WeComSignIn | null, code: string, address?: string): Promise<CurrentUser> {
  if (!signIn) throw new AppError('auth.wecom_not_configured', '本系统未开通企业微信登录，请联系管理员');
  const identity = await signIn.oauth.identify(code);
  if (!('userid' in identity)) throw new AppError('auth.wecom_not_member', '您不是本单位企业微信成员，请联系管理员开通账号');
  const found = await signIn.staff.byWecomUserid(identity.userid);
  if (!found) throw new AppError('auth.wecom_not_member', '您的企业微信账号尚未登记为工作人员，请联系管理员添加');
  if (found.status === 'deactivated') throw new AppError('auth.wecom_user_deactivated', '您的账号已停用，如有疑问请联系管理员');
  if (found.status === 'invited') {
    const u = found.user;
    await signIn.staff.activate(u.id, {
      at: deps.clock.now(), actorId: u.id, actorRole: u.roles[0] ?? 'system', action: 'staff.bind', entityType: 'user', entityId: u.id,
      orgNodeCode: u.orgNodeCode, before: { status: 'invited' }, after: { status: 'active', wecomUserid: identity.userid }, note: '企业微信首次登录',
    });
    deps.users.forget?.(u.id);
  }
  const user = await loadUser(deps, found.user.id);
  if (!user) throw new AppError('auth.wecom_not_member', '您的企业微信账号尚未登记为工作人员，请联系管理员添加');
  await auditStaffLogin(deps, user, 'wecom', address);
  return user;
}

/** Staff who have a WeCom userid, with their unit's name (the sandbox's OAuth page). */
export async function wecomMembers(deps: Deps, signIn: WeComSignIn | null): Promise<{ userid: string; name: string; unit: string | null }[]> {
  if (!signIn) return [];
  const rows = await signIn.staff.withWecomUserid(500);
  return rows.map((r) => ({ userid: r.userid, name: r.name, unit: r.orgNodeCode ? (deps.org.get(r.orgNodeCode)?.name ?? null) : null }));
}
