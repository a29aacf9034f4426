import type { SandboxAccount } from '@finecity/types';
import type { UserRecord } from './account-repositories.js';
import type { CurrentUser, Deps } from './deps.js';

/**
 * Mini-program login: the wx.login code goes to code2Session; the openid it returns is the identity.
 * A first-time openid becomes a resident. Staff accounts exist already, bound to their openid.
 */
export async function loginWithWeChat(deps: Deps, code: string): Promise<CurrentUser> {
  const { openid } = await deps.wechat.code2Session(code);
  const user = (await deps.users.byOpenid(openid)) ?? (await deps.users.enrolResident(openid, '微信用户'));
  return asCurrentUser(deps, user);
}

/** The caller for one request: one read of the user; the org path comes from the in-memory tree. */
export async function loadUser(deps: Deps, id: string): Promise<CurrentUser | null> {
  const user = await deps.users.byId(id);
  return user ? asCurrentUser(deps, user) : null;
}

function asCurrentUser(deps: Deps, u: UserRecord): CurrentUser {
  const orgPath = u.orgNodeCode ? (deps.org.get(u.orgNodeCode)?.path ?? null) : null;
  return { id: u.id, name: u.name, roles: u.roles, orgNodeCode: u.orgNodeCode, orgPath, dutySlot: u.dutySlot, openid: u.openid };
}

/** The seeded demo accounts, for the sandbox's login picker. */
export function demoAccounts(deps: Deps): Promise<SandboxAccount[]> {
  return deps.users.demoAccounts();
}
