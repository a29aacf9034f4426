import type { ErrorCode, LoginRequest, Role, SandboxAccount } from '@finecity/types';
import { AppError } from '../domain/errors.js';
import type { UserRecord } from './account-repositories.js';
import { INVITE_MAX_FAILURES, INVITE_TTL_MS, type StaffMember } from './admin/invitations.js';
import { companyScopeOf } from './companies/admin.js';
import type { CurrentUser, Deps } from './deps.js';
import type { TxPorts } from './repositories.js';

/**
 * Mini-program login: the wx.login code goes to code2Session; the openid it returns is the identity.
 * A first-time openid becomes a resident; an openid is staff only once it is bound to a staff record,
 * by the SMS activation code (`inviteCode`) or WeChat's verified mobile (`phoneCode`). A deactivated
 * account is refused.
 */
export interface LoginContext {
  /** The client's address, kept in a staff login's audit line. */
  address?: string;
  /** Called before a first-time openid becomes a resident; throws to refuse (the sandbox's per-address cap). */
  beforeEnrol?: () => Promise<void>;
}

export async function loginWithWeChat(deps: Deps, req: LoginRequest, ctx: LoginContext = {}): Promise<CurrentUser> {
  const { openid } = await deps.wechat.code2Session(req.code);
  let user: CurrentUser;
  if (req.inviteCode) user = await activate(deps, openid, { inviteCode: req.inviteCode });
  else if (req.phoneCode) {
    const phone = await deps.wechat.phoneNumber(req.phoneCode);
    if (phone.countryCode !== '86') throw new AppError('auth.phone_unmatched', '仅支持中国大陆手机号激活，请使用短信激活码');
    user = await activate(deps, openid, { mobile: phone.purePhoneNumber });
  } else {
    let record = await deps.users.byOpenid(openid);
    if (!record) {
      await ctx.beforeEnrol?.();
      record = await deps.users.enrolResident(openid, '微信用户');
    }
    user = asCurrentUser(deps, record);
  }
  await auditStaffLogin(deps, user, 'wechat', ctx.address);
  return user;
}

/**
 * A staff member's sign-in is an audit line (`auth.login`: who, when, how, from which address), as a
 * 等保 review asks of privileged accounts (GB/T 22239-2019 8.1.4.3 安全审计); residents' logins are not audited.
 */
export async function auditStaffLogin(deps: Deps, user: CurrentUser, via: 'wechat' | 'wecom', address?: string): Promise<void> {
  if (user.roles.every((r) => r === 'resident')) return;
  await deps.audit.record({
    at: deps.clock.now(), actorId: user.id, actorRole: user.roles[0] ?? 'system', action: 'auth.login', entityType: 'user', entityId: user.id,
    orgNodeCode: user.orgNodeCode, before: null, after: { via, ...(address ? { address } : {}) },
  });
}

/** The caller for one request: one read of the user; the org path comes from the in-memory tree. A deactivated account answers 401. */
export async function loadUser(deps: Deps, id: string, tokenIssuedAtMs?: number): Promise<CurrentUser | null> {
  const user = await deps.users.byId(id);
  if (!user) return null;
  // Logout revoked every token issued up to that instant (the same per-request read that refuses a deactivated account).
  if (tokenIssuedAtMs !== undefined && user.tokensRevokedAt && tokenIssuedAtMs <= user.tokensRevokedAt.getTime()) {
    throw new AppError('auth.invalid_token', '已退出登录，请重新登录');
  }
  const current = asCurrentUser(deps, user);
  // A third-party inspector reads and acts within their company's contract (issue 11).
  return user.companyId ? { ...current, company: await companyScopeOf(deps, user.companyId) } : current;
}

function asCurrentUser(deps: Deps, u: UserRecord): CurrentUser {
  if (u.status === 'deactivated') throw new AppError('auth.deactivated', '该账号已停用，如有疑问请联系管理员');
  if (u.status === 'deleted') throw new AppError('auth.invalid_token', '该账号已注销，请重新登录');
  const orgPath = u.orgNodeCode ? (deps.org.get(u.orgNodeCode)?.path ?? null) : null;
  return { id: u.id, name: u.name, roles: u.roles, orgNodeCode: u.orgNodeCode, orgPath, dutySlot: u.dutySlot, openid: u.openid };
}

type Outcome =
  | { kind: 'bound'; userId: string }
  | { kind: 'fail'; error: AppError };

const refusedRole = (m: StaffMember | null): Role | 'system' => m?.roles[0] ?? 'system';

/**
 * Binds `openid` to a staff record. Everything is decided in one transaction; a refusal commits its
 * audit line (and a wrong code its failure count) and is thrown after the commit.
 *
 * Wrong codes are counted per WeChat identity: `{code, inviteCode}` names no person, so the openid is
 * what can be locked. After 5 wrong codes that openid may not try again for an invitation's lifetime
 * (7 days): every live code stays safe from it, and a real invitee who mistyped asks for a re-send and
 * activates from another WeChat account or by the phone-number button.
 */
async function activate(deps: Deps, openid: string, by: { inviteCode: string } | { mobile: string }): Promise<CurrentUser> {
  const now = deps.clock.now();
  const outcome = await deps.uow.run(async (tx): Promise<Outcome> => {
    if ('inviteCode' in by) {
      const attempts = await tx.staffAccounts.attemptsForUpdate(openid, now);
      if (attempts.lockedUntil && attempts.lockedUntil > now) {
        return { kind: 'fail', error: new AppError('auth.invite_locked', '激活码错误次数过多，该微信号已被锁定，请联系管理员') };
      }
      const invitation = await tx.staffAccounts.liveInvitationForUpdate(deps.staffActivation.codes.hash(by.inviteCode));
      if (!invitation) {
        const failures = await tx.staffAccounts.recordFailure(openid, now, { max: INVITE_MAX_FAILURES, until: new Date(now.getTime() + INVITE_TTL_MS) });
        const left = Math.max(0, INVITE_MAX_FAILURES - failures);
        return {
          kind: 'fail',
          error: left
            ? new AppError('auth.invite_invalid', `激活码不正确，还可尝试 ${left} 次`, { attemptsLeft: left })
            : new AppError('auth.invite_locked', '激活码错误次数过多，该微信号已被锁定，请联系管理员'),
        };
      }
      if (invitation.expiresAt <= now) return { kind: 'fail', error: new AppError('auth.invite_invalid', '激活码已过期，请联系管理员重新发送') };
      const member = await tx.staffAccounts.memberForUpdate(invitation.userId);
      const r = await bindMember(tx, member!, openid, now, 'invite_code');
      if (r.kind === 'bound') await tx.staffAccounts.useInvitation(invitation.id, openid, now);
      return r;
    }
    const matches = await tx.staffAccounts.staffByMobileForUpdate(by.mobile);
    const mine = matches.find((m) => m.openid === openid);
    if (mine) return { kind: 'bound', userId: mine.id };
    const unbound = matches.filter((m) => !m.openid);
    if (unbound.length === 1) return bindMember(tx, unbound[0]!, openid, now, 'phone');
    if (unbound.length > 1) return { kind: 'fail', error: new AppError('auth.phone_unmatched', '该手机号对应多名工作人员，请使用短信激活码激活') };
    if (matches.length) return refuse(tx, matches[0]!, openid, now, 'phone', 'already_bound');
    return { kind: 'fail', error: new AppError('auth.phone_unmatched', '未找到该手机号的工作人员记录，请联系管理员或使用短信激活码') };
  });
  if (outcome.kind === 'fail') throw outcome.error;
  deps.users.forget?.(outcome.userId);
  const user = await loadUser(deps, outcome.userId);
  if (!user) throw new AppError('auth.invalid_token', '账号不存在，请重新登录');
  return user;
}

async function bindMember(tx: TxPorts, member: StaffMember, openid: string, now: Date, via: 'invite_code' | 'phone'): Promise<Outcome> {
  if (member.openid === openid) return { kind: 'bound', userId: member.id };
  if (member.status === 'deactivated') return refuse(tx, member, openid, now, via, 'deactivated');
  if (member.openid) return refuse(tx, member, openid, now, via, 'already_bound');
  const holder = await tx.staffAccounts.holderOfOpenid(openid);
  if (holder) return refuse(tx, member, openid, now, via, holder.roles.includes('resident') ? 'openid_is_resident' : 'openid_is_staff', holder);
  if (!(await tx.staffAccounts.bind(member.id, openid, now))) return refuse(tx, member, openid, now, via, 'already_bound');
  await tx.audit.record({
    at: now, actorId: member.id, actorRole: member.roles[0] ?? 'system', action: 'staff.bind', entityType: 'user', entityId: member.id,
    orgNodeCode: member.orgNodeCode, before: { status: member.status, openid: null }, after: { status: 'active', openid, via },
  });
  return { kind: 'bound', userId: member.id };
}

type Refusal = 'already_bound' | 'deactivated' | 'openid_is_resident' | 'openid_is_staff';

const REFUSALS: Record<Refusal, [ErrorCode, string]> = {
  already_bound: ['staff.already_bound', '该工作人员账号已绑定其他微信，如需更换请联系管理员'],
  deactivated: ['staff.already_bound', '该工作人员账号已停用，不能绑定'],
  openid_is_resident: ['staff.openid_in_use', '该微信号已作为市民账号使用，不能再绑定为工作人员；请用本人另一个微信号激活，或联系管理员'],
  openid_is_staff: ['staff.openid_in_use', '该微信号已绑定其他工作人员账号，不能重复绑定'],
};

async function refuse(tx: TxPorts, member: StaffMember, openid: string, now: Date, via: 'invite_code' | 'phone', why: Refusal, holder: StaffMember | null = null): Promise<Outcome> {
  await tx.audit.record({
    at: now, actorId: holder?.id ?? null, actorRole: refusedRole(holder), action: 'staff.bind_refused', entityType: 'user', entityId: member.id,
    orgNodeCode: member.orgNodeCode, before: { status: member.status, bound: !!member.openid }, after: { openid, via, reason: why },
  });
  const [code, message] = REFUSALS[why];
  return { kind: 'fail', error: new AppError(code, message) };
}

/** The seeded demo accounts, for the sandbox's login picker. */
export function demoAccounts(deps: Deps): Promise<SandboxAccount[]> {
  return deps.users.demoAccounts();
}

/**
 * Logout: every token of the caller issued up to now is refused from the next request on, in this process at
 * once and in the others within USER_CACHE_MS (as a deactivation). Token times are wall-clock (the JWT's own).
 */
export async function logout(deps: Deps, user: CurrentUser): Promise<void> {
  await deps.users.revokeTokens(user.id, new Date());
  deps.users.forget?.(user.id);
}
