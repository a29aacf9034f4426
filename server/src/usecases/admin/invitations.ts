import type { Role } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import { formatBeijing } from '../../domain/shanghai-time.js';
import type { CurrentUser, Deps } from '../deps.js';
import { requireAdminOver } from './admin-scope.js';
import type { AuditEntry } from './audit.js';
import type { StaffRecord } from './staff-ports.js';

/** An activation code is valid this long (7 days) and single use. */
export const INVITE_TTL_MS = 7 * 24 * 3600_000;
/** Wrong codes one WeChat identity may send before it is locked out for an invitation's lifetime. */
export const INVITE_MAX_FAILURES = 5;
/** Invitation SMS in flight at once (a roster import may create thousands of people). */
const SMS_CONCURRENCY = 8;

export type { StaffStatus } from './staff-ports.js';

/** A staff record as activation and deactivation need it (read under lock): the roster's record with the bound openid. */
export interface StaffMember extends Omit<StaffRecord, 'wecomUserid'> {
  openid: string | null;
}

/** Invitations, activation attempts and bindings; inside `uow.run` as TxPorts.staffAccounts. */
export interface StaffAccountStore {
  memberForUpdate(id: string): Promise<StaffMember | null>;
  membersForUpdate(ids: string[]): Promise<StaffMember[]>;
  /** Revokes the person's live invitations; answers how many. */
  revokeInvitations(userId: string, at: Date): Promise<number>;
  /** A new live invitation; null when its code hash is live already (draw another code). */
  insertInvitation(i: { userId: string; codeHash: string; expiresAt: Date; createdBy: string | null; at: Date }): Promise<number | null>;
  /** Records how the SMS of these invitations went: `sent` or the gateway's error code. */
  markSms(invitationIds: number[], status: string): Promise<void>;
  /** The live (unused, unrevoked) invitation with this code hash, locked. */
  liveInvitationForUpdate(codeHash: string): Promise<{ id: number; userId: string; expiresAt: Date } | null>;
  useInvitation(id: number, openid: string, at: Date): Promise<void>;
  /** This openid's failure count and lock, the row locked for the transaction (so attempts are decided one at a time). */
  attemptsForUpdate(openid: string, at: Date): Promise<{ failures: number; lockedUntil: Date | null }>;
  /** One more failure; at `lock.max` the openid is locked until `lock.until`. Answers the new count. */
  recordFailure(openid: string, at: Date, lock: { max: number; until: Date }): Promise<number>;
  /** The user (staff or resident) this mini-program openid is bound to. */
  holderOfOpenid(openid: string): Promise<StaffMember | null>;
  /** Staff records with this mainland mobile that are invited or active (never deactivated), locked. */
  staffByMobileForUpdate(mobile: string): Promise<StaffMember[]>;
  /** Binds the openid and makes the record active; false when the record got an openid meanwhile. */
  bind(userId: string, openid: string, at: Date): Promise<boolean>;
  deactivate(userId: string, at: Date): Promise<void>;
  /** Active grid inspectors of a grid. */
  activeInspectors(gridCode: string): Promise<StaffMember[]>;
  /** Cases a unit holds that wait on its people: dispatched or in progress. */
  openCasesHeldBy(unitCode: string): Promise<string[]>;
}

/** Activation codes: drawn at random, stored as a keyed hash (HMAC-SHA256 with the server's secret). */
export interface InviteCodes {
  generate(): string;
  hash(code: string): string;
}

/** The invitation SMS, through the SMS provider the notifications use. */
export interface StaffSms {
  sendInvite(phone: string, params: { role: string; code: string; expiresAt: string }, outId: string): Promise<{ ok: true } | { ok: false; code: string }>;
}

export interface StaffActivationPorts {
  codes: InviteCodes;
  sms: StaffSms;
}

const ROLE_NAMES: Partial<Record<Role, string>> = {
  inspector: '网格员',
  community: '社区工作人员',
  street: '街道工作人员',
  district: '区级工作人员',
  city: '市级工作人员',
  department: '部门工作人员',
  third_party: '第三方处置人员',
  hotline: '话务员',
  enforcement: '执法队员',
  leader: '领导',
  admin: '管理员',
};

export const roleName = (roles: Role[]): string => roles.map((r) => ROLE_NAMES[r]).find(Boolean) ?? '工作人员';

/** Where the audit line of a person belongs: their unit. */
const auditUnit = (m: Pick<StaffMember, 'orgNodeCode'>) => m.orgNodeCode;

/** The actor's role for the audit line. */
const actorRole = (u: CurrentUser): Role => (u.roles.includes('admin') ? 'admin' : (u.roles[0] ?? 'resident'));

/**
 * Sends a fresh activation code to each invited person: their live codes are revoked, a new one is stored
 * (hashed), then the SMS goes out after the commit. A send that fails is recorded on the invitation and
 * the admin re-sends; the code is never returned to anyone but the SMS.
 */
export async function sendInvitations(deps: Deps, userIds: string[], actor: CurrentUser, opts: { resend: boolean }): Promise<{ sent: number; failed: number }> {
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + INVITE_TTL_MS);
  const { codes, sms } = deps.staffActivation;
  const outgoing = await deps.uow.run(async (tx) => {
    const members = await tx.staffAccounts.membersForUpdate(userIds);
    const out: { invitationId: number; member: StaffMember; code: string }[] = [];
    const lines: AuditEntry[] = [];
    for (const m of members) {
      if (m.status !== 'invited' || !m.mobile) continue;
      const revoked = await tx.staffAccounts.revokeInvitations(m.id, now);
      let code = '';
      let invitationId: number | null = null;
      for (let i = 0; i < 20 && invitationId === null; i++) {
        code = codes.generate();
        invitationId = await tx.staffAccounts.insertInvitation({ userId: m.id, codeHash: codes.hash(code), expiresAt, createdBy: actor.id, at: now });
      }
      if (invitationId === null) throw new AppError('internal', 'no free activation code');
      lines.push({
        at: now, actorId: actor.id, actorRole: actorRole(actor), action: opts.resend ? 'staff.invite_resend' : 'staff.invite', entityType: 'user', entityId: m.id,
        orgNodeCode: auditUnit(m), before: revoked ? { revokedInvitations: revoked } : null, after: { invitationId, expiresAt: expiresAt.toISOString() },
      });
      out.push({ invitationId, member: m, code });
    }
    for (let i = 0; i < lines.length; i += 1000) await tx.audit.record(lines.slice(i, i + 1000));
    return out;
  });
  // A large import sends a few at a time; each outcome is recorded on its invitation, grouped by outcome.
  const outcomes = new Map<string, number[]>();
  let next = 0;
  const worker = async () => {
    while (next < outgoing.length) {
      const o = outgoing[next++]!;
      const r = await sms.sendInvite(o.member.mobile!, { role: roleName(o.member.roles), code: o.code, expiresAt: formatBeijing(expiresAt) }, `invite-${o.invitationId}`);
      const status = r.ok ? 'sent' : r.code;
      const ids = outcomes.get(status) ?? [];
      ids.push(o.invitationId);
      outcomes.set(status, ids);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SMS_CONCURRENCY, outgoing.length) }, worker));
  if (outcomes.size) {
    await deps.uow.run(async (tx) => {
      for (const [status, ids] of outcomes) await tx.staffAccounts.markSms(ids, status);
    });
  }
  const sent = outcomes.get('sent')?.length ?? 0;
  return { sent, failed: outgoing.length - sent };
}

/** The roster import's hook: the first invitation of the people it created. */
export function staffInvitationsFor(deps: Deps): { inviteNew(userIds: string[], actor: CurrentUser): Promise<void> } {
  return {
    async inviteNew(userIds, actor) {
      if (userIds.length) await sendInvitations(deps, userIds, actor, { resend: false });
    },
  };
}

/** `POST /api/v1/admin/staff/:id/invite`: revoke the old code and send a new one (admin over the person's unit). */
export async function resendInvitation(deps: Deps, actor: CurrentUser, userId: string): Promise<{ expiresAt: Date; smsSent: boolean }> {
  const member = await deps.uow.run((tx) => tx.staffAccounts.memberForUpdate(userId));
  if (!member?.orgNodeCode) throw new AppError('staff.not_found', '工作人员不存在');
  requireAdminOver(actor, deps.org, member.orgNodeCode);
  if (member.status !== 'invited') throw new AppError('staff.not_invitable', member.status === 'active' ? '该工作人员已激活，无需再次邀请' : '该工作人员已停用，不能邀请');
  if (!member.mobile) throw new AppError('staff.not_invitable', '该工作人员没有登记手机号，无法发送激活码');
  const r = await sendInvitations(deps, [userId], actor, { resend: true });
  return { expiresAt: new Date(deps.clock.now().getTime() + INVITE_TTL_MS), smsSent: r.sent === 1 };
}
