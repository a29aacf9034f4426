import { and, eq, gte, isNull, like, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { Half } from '../../domain/oa-pairing.js';
import type { OfficialAccountStore } from '../../usecases/account-repositories.js';
import type { DbOrTx } from './database.js';
import { cases, idempotencyKeys, oaBindCodes, oaFollowers, oaPendingReports, users, wechatPushNonces } from './schema.js';

/** The follower's user, if any, read in the statement that writes the follower row. */
const userOf = (oaOpenid: string) => sql`(select ${users.id} from ${users} where ${users.oaOpenid} = ${oaOpenid})`;

function halfOf(row: typeof oaPendingReports.$inferSelect): Half | null {
  if (row.mediaId) return { kind: 'photo', mediaId: row.mediaId, picUrl: row.picUrl, at: row.updatedAt };
  if (row.lat !== null && row.lng !== null) return { kind: 'location', lat: row.lat, lng: row.lng, label: row.label, at: row.updatedAt };
  return null;
}

export function pgOfficialAccountStore(db: DbOrTx): OfficialAccountStore {
  return {
    async noteFollower(oaOpenid, at) {
      await db.insert(oaFollowers).values({ oaOpenid, userId: userOf(oaOpenid), subscribed: true, changedAt: at }).onConflictDoNothing();
    },
    async recordFollow(oaOpenid, subscribed, at) {
      await db
        .insert(oaFollowers)
        .values({ oaOpenid, userId: userOf(oaOpenid), subscribed, changedAt: at })
        .onConflictDoUpdate({ target: oaFollowers.oaOpenid, set: { subscribed, changedAt: at }, setWhere: lte(oaFollowers.changedAt, at) });
    },
    async linkFollower(oaOpenid, userId) {
      await db.update(oaFollowers).set({ userId }).where(and(eq(oaFollowers.oaOpenid, oaOpenid), isNull(oaFollowers.userId)));
    },

    async lockFollower(oaOpenid) {
      await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`oa-pending:${oaOpenid}`}))`);
    },
    async pendingHalf(oaOpenid) {
      const rows = await db.select().from(oaPendingReports).where(eq(oaPendingReports.oaOpenid, oaOpenid));
      return rows[0] ? halfOf(rows[0]) : null;
    },
    async savePending(oaOpenid, half) {
      // The row holds one half; `updatedAt` is when the follower sent it (its CreateTime).
      const values =
        half.kind === 'photo'
          ? { mediaId: half.mediaId, picUrl: half.picUrl, lat: null, lng: null, label: null, updatedAt: half.at }
          : { mediaId: null, picUrl: null, lat: half.lat, lng: half.lng, label: half.label, updatedAt: half.at };
      await db.insert(oaPendingReports).values({ oaOpenid, ...values }).onConflictDoUpdate({ target: oaPendingReports.oaOpenid, set: values });
    },
    async dropPending(oaOpenid, half) {
      const same = half.kind === 'photo' ? eq(oaPendingReports.mediaId, half.mediaId) : and(isNull(oaPendingReports.mediaId), eq(oaPendingReports.updatedAt, half.at));
      await db.delete(oaPendingReports).where(and(eq(oaPendingReports.oaOpenid, oaOpenid), same));
    },
    async dropPendingBefore(before) {
      await db.delete(oaPendingReports).where(lt(oaPendingReports.updatedAt, before));
    },
    async reportsSince(userId, since) {
      return db
        .select({ key: idempotencyKeys.key, caseNo: cases.caseNo })
        .from(idempotencyKeys)
        .innerJoin(cases, eq(cases.id, idempotencyKeys.caseId))
        .where(and(eq(idempotencyKeys.userId, userId), like(idempotencyKeys.key, 'oa:%'), gte(idempotencyKeys.createdAt, since)));
    },

    async clearBindCodes(userId, expiredBefore) {
      await db.delete(oaBindCodes).where(or(and(eq(oaBindCodes.userId, userId), isNull(oaBindCodes.usedAt)), lt(oaBindCodes.expiresAt, expiredBefore)));
    },
    async insertBindCode(code, userId, expiresAt) {
      const inserted = await db.insert(oaBindCodes).values({ code, userId, expiresAt }).onConflictDoNothing().returning({ code: oaBindCodes.code });
      return inserted.length > 0;
    },
    async bindCodeForUpdate(code) {
      const rows = await db
        .select({ userId: oaBindCodes.userId, expiresAt: oaBindCodes.expiresAt, usedAt: oaBindCodes.usedAt, ownerName: users.name, ownerOaOpenid: users.oaOpenid })
        .from(oaBindCodes)
        .innerJoin(users, eq(users.id, oaBindCodes.userId))
        .where(eq(oaBindCodes.code, code))
        .for('update', { of: oaBindCodes });
      return rows[0] ?? null;
    },
    async markBindCodeUsed(code, at) {
      await db.update(oaBindCodes).set({ usedAt: at }).where(eq(oaBindCodes.code, code));
    },
    async bindOpenid(userId, oaOpenid) {
      // From a resident made for this follower, if any, to the staff account.
      await db.update(users).set({ oaOpenid: null }).where(and(eq(users.oaOpenid, oaOpenid), ne(users.id, userId)));
      await db.update(users).set({ oaOpenid }).where(eq(users.id, userId));
      await db.update(oaFollowers).set({ userId: null }).where(and(eq(oaFollowers.userId, userId), ne(oaFollowers.oaOpenid, oaOpenid)));
      await db.update(oaFollowers).set({ userId }).where(eq(oaFollowers.oaOpenid, oaOpenid));
    },

    async nonceSeen(nonce, timestamp) {
      const rows = await db.select({ n: wechatPushNonces.nonce }).from(wechatPushNonces).where(and(eq(wechatPushNonces.nonce, nonce), eq(wechatPushNonces.timestamp, timestamp)));
      return rows.length > 0;
    },
    async rememberNonce(nonce, timestamp, at) {
      await db.insert(wechatPushNonces).values({ nonce, timestamp, receivedAt: at }).onConflictDoNothing();
    },
    async forgetNoncesBefore(before) {
      await db.delete(wechatPushNonces).where(lt(wechatPushNonces.receivedAt, before));
    },
  };
}
