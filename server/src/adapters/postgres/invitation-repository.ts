import crypto from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Role } from '@finecity/types';
import type { InviteCodes, StaffAccountStore, StaffMember, StaffSms } from '../../usecases/admin/invitations.js';
import type { SmsProvider } from '../sms/sms-channel.js';
import type { DbOrTx } from './database.js';
import { cases, staffInvitations, staffInviteAttempts, users } from './schema.js';

const member = {
  id: users.id, name: users.name, mobile: users.mobile, roles: users.roles, orgNodeCode: users.orgNodeCode,
  dutySlot: users.dutySlot, status: users.status, openid: users.openid,
};
type Row = { id: string; name: string; mobile: string | null; roles: string[]; orgNodeCode: string | null; dutySlot: string | null; status: string; openid: string | null };

const asMember = (r: Row): StaffMember => ({
  ...r,
  roles: r.roles as Role[],
  dutySlot: r.dutySlot === 'A' || r.dutySlot === 'B' ? r.dutySlot : null,
  status: r.status as StaffMember['status'],
});

const live = and(isNull(staffInvitations.usedAt), isNull(staffInvitations.revokedAt));

/** Invitations, activation attempts and bindings on one connection or transaction. */
export function pgStaffAccountStore(db: DbOrTx): StaffAccountStore {
  return {
    async memberForUpdate(id) {
      const rows = await db.select(member).from(users).where(eq(users.id, id)).for('update');
      return rows[0] ? asMember(rows[0]) : null;
    },
    async membersForUpdate(ids) {
      if (!ids.length) return [];
      return (await db.select(member).from(users).where(inArray(users.id, ids)).orderBy(users.id).for('update')).map(asMember);
    },
    async revokeInvitations(userId, at) {
      const rows = await db.update(staffInvitations).set({ revokedAt: at }).where(and(eq(staffInvitations.userId, userId), live)).returning({ id: staffInvitations.id });
      return rows.length;
    },
    async insertInvitation(i) {
      // The partial unique index (live hashes) refuses a code another live invitation holds: draw again.
      const rows = await db
        .insert(staffInvitations)
        .values({ userId: i.userId, codeHash: i.codeHash, expiresAt: i.expiresAt, createdAt: i.at, createdBy: i.createdBy })
        .onConflictDoNothing()
        .returning({ id: staffInvitations.id });
      return rows[0]?.id ?? null;
    },
    async markSms(ids, status) {
      for (let i = 0; i < ids.length; i += 1000) await db.update(staffInvitations).set({ smsStatus: status }).where(inArray(staffInvitations.id, ids.slice(i, i + 1000)));
    },
    async liveInvitationForUpdate(codeHash) {
      const rows = await db
        .select({ id: staffInvitations.id, userId: staffInvitations.userId, expiresAt: staffInvitations.expiresAt })
        .from(staffInvitations)
        .where(and(eq(staffInvitations.codeHash, codeHash), live))
        .for('update');
      return rows[0] ?? null;
    },
    async useInvitation(id, openid, at) {
      await db.update(staffInvitations).set({ usedAt: at, usedByOpenid: openid }).where(eq(staffInvitations.id, id));
    },
    async attemptsForUpdate(openid, at) {
      // The upsert takes the row lock: one openid's attempts are decided one at a time, across processes too.
      const rows = await db
        .insert(staffInviteAttempts)
        .values({ openid, failures: 0, updatedAt: at })
        .onConflictDoUpdate({ target: staffInviteAttempts.openid, set: { updatedAt: sql`${staffInviteAttempts.updatedAt}` } })
        .returning({ failures: staffInviteAttempts.failures, lockedUntil: staffInviteAttempts.lockedUntil });
      return rows[0]!;
    },
    async recordFailure(openid, at, lock) {
      const rows = await db
        .update(staffInviteAttempts)
        .set({
          failures: sql`${staffInviteAttempts.failures} + 1`,
          lockedUntil: sql`case when ${staffInviteAttempts.failures} + 1 >= ${lock.max} then ${lock.until.toISOString()}::timestamptz else ${staffInviteAttempts.lockedUntil} end`,
          updatedAt: at,
        })
        .where(eq(staffInviteAttempts.openid, openid))
        .returning({ failures: staffInviteAttempts.failures });
      return rows[0]?.failures ?? lock.max;
    },
    async holderOfOpenid(openid) {
      const rows = await db.select(member).from(users).where(eq(users.openid, openid)).for('update');
      return rows[0] ? asMember(rows[0]) : null;
    },
    async staffByMobileForUpdate(mobile) {
      const rows = await db
        .select(member)
        .from(users)
        .where(and(inArray(users.mobile, [mobile, `+86${mobile}`, `86${mobile}`]), inArray(users.status, ['invited', 'active']), sql`not (${users.roles} @> array['resident']::text[])`))
        .for('update');
      return rows.map(asMember);
    },
    async bind(userId, openid, at) {
      const rows = await db
        .update(users)
        .set({ openid, status: 'active' })
        .where(and(eq(users.id, userId), isNull(users.openid), inArray(users.status, ['invited', 'active'])))
        .returning({ id: users.id });
      if (rows.length) await db.update(staffInvitations).set({ revokedAt: at }).where(and(eq(staffInvitations.userId, userId), live));
      return rows.length === 1;
    },
    async deactivate(userId, at) {
      await db.update(users).set({ status: 'deactivated', deactivatedAt: at }).where(eq(users.id, userId));
      await db.update(staffInvitations).set({ revokedAt: at }).where(and(eq(staffInvitations.userId, userId), live));
    },
    async activeInspectors(gridCode) {
      const rows = await db
        .select(member)
        .from(users)
        .where(and(eq(users.orgNodeCode, gridCode), eq(users.status, 'active'), sql`'inspector' = any(${users.roles})`));
      return rows.map(asMember);
    },
    async openCasesHeldBy(unitCode) {
      const rows = await db
        .select({ id: cases.id })
        .from(cases)
        .where(and(eq(cases.responsibleCode, unitCode), inArray(cases.state, ['dispatched', 'in_progress'])))
        .orderBy(cases.id);
      return rows.map((r) => r.id);
    },
  };
}

/** Six random digits; stored as HMAC-SHA256(secret, code), deterministic so a code is found by its hash. */
export function hmacInviteCodes(secret: string): InviteCodes {
  return {
    generate: () => String(crypto.randomInt(0, 1_000_000)).padStart(6, '0'),
    hash: (code) => crypto.createHmac('sha256', secret).update(`staff-invite:${code}`).digest('hex'),
  };
}

/** The activation SMS through the SMS provider the notifications use (same gateway, same client). */
export function providerStaffSms(provider: SmsProvider, templateCode: string): StaffSms {
  return {
    async sendInvite(phone, params, outId) {
      const r = await provider.send({ phone, templateCode, params, outId });
      return r.ok ? { ok: true } : { ok: false, code: r.code };
    },
  };
}
