import { AppError } from '../../domain/errors.js';
import type { CurrentUser, Deps } from '../deps.js';
import { sendInvitations } from './invitations.js';

const MOBILE = /^1[3-9]\d{9}$/;

/**
 * Going live starts with one person who may administer: `npm run admin:invite` makes them (an `admin` at
 * the city node, or at the unit given) and sends their activation SMS; everything after that is done in the
 * admin pages. Re-running it for the same mobile re-sends the code. It refuses a mobile that belongs to
 * someone who is not an admin, so a typo cannot promote a stranger.
 */
export async function inviteAdmin(deps: Deps, input: { name: string; mobile: string; orgNodeCode?: string }): Promise<{ userId: string; created: boolean; sent: boolean }> {
  const name = input.name.trim();
  if (!name || name.length > 40) throw new AppError('request.invalid', '请填写管理员姓名（不超过 40 字）');
  if (!MOBILE.test(input.mobile)) throw new AppError('request.invalid', '手机号应为 11 位中国大陆手机号');
  const unit = input.orgNodeCode ? deps.org.get(input.orgNodeCode) : deps.org.all().find((n) => n.level === 'city');
  if (!unit) throw new AppError('org.unknown', '单位编码不存在', { orgNodeCode: input.orgNodeCode });
  const now = deps.clock.now();
  const { userId, created } = await deps.uow.run(async (tx) => {
    await tx.staff.lockRoster();
    const [held] = await tx.staff.byMobiles([input.mobile]);
    if (held) {
      if (!held.roles.includes('admin')) throw new AppError('auth.forbidden', '该手机号属于一位非管理员用户，请在人员管理中调整其角色');
      return { userId: held.id, created: false };
    }
    const [id] = await tx.staff.create([{ name, mobile: input.mobile, roles: ['admin'], orgNodeCode: unit.code, dutySlot: null, wecomUserid: null }]);
    await tx.audit.record({
      at: now, actorId: null, actorRole: 'system', action: 'staff.bootstrap_admin', entityType: 'user', entityId: id!, orgNodeCode: unit.code,
      before: null, after: { name, roles: ['admin'], orgNodeCode: unit.code }, note: 'npm run admin:invite',
    });
    return { userId: id!, created: true };
  });
  // The invitation is recorded as the new admin's own (there is no other person to name; the line above
  // says it came from the command line).
  const self: CurrentUser = { id: userId, name, openid: null, roles: ['admin'], orgNodeCode: unit.code, orgPath: unit.path, dutySlot: null };
  const { sent } = await sendInvitations(deps, [userId], self, { resend: !created });
  return { userId, created, sent: sent > 0 };
}
