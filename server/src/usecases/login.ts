import { eq } from 'drizzle-orm';
import type { Role } from '@finecity/types';
import { orgNodes, users } from '../adapters/postgres/schema.js';
import type { CurrentUser, Deps } from './deps.js';

/**
 * Mini-program login: the wx.login code goes to code2Session; the openid it returns is the identity.
 * A first-time openid becomes a resident. Staff accounts exist already, bound to their openid.
 */
export async function loginWithWeChat(deps: Deps, code: string): Promise<CurrentUser> {
  const { openid } = await deps.wechat.code2Session(code);
  const existing = await deps.db.select({ id: users.id }).from(users).where(eq(users.openid, openid));
  if (existing[0]) return (await loadUser(deps, existing[0].id))!;
  const created = await deps.db
    .insert(users)
    .values({ openid, name: '微信用户', roles: ['resident'] })
    .onConflictDoNothing({ target: users.openid })
    .returning({ id: users.id });
  const id = created[0]?.id ?? (await deps.db.select({ id: users.id }).from(users).where(eq(users.openid, openid)))[0]!.id;
  return (await loadUser(deps, id))!;
}

export async function loadUser(deps: Deps, id: string): Promise<CurrentUser | null> {
  const rows = await deps.db
    .select({ u: users, path: orgNodes.path })
    .from(users)
    .leftJoin(orgNodes, eq(orgNodes.code, users.orgNodeCode))
    .where(eq(users.id, id));
  const r = rows[0];
  if (!r) return null;
  return { id: r.u.id, name: r.u.name, roles: r.u.roles as Role[], orgNodeCode: r.u.orgNodeCode, orgPath: r.path ?? null, dutySlot: r.u.dutySlot === 'A' || r.u.dutySlot === 'B' ? r.u.dutySlot : null };
}
