import { sql } from 'drizzle-orm';
import type { CaseState, PointsKind } from '@finecity/types';
import type { ResidentDataRows, ResidentPrivacyStore } from '../../usecases/residents/privacy-ports.js';
import { DELETED_NAME } from '../../usecases/residents/privacy.js';
import { rowsOf } from './case-repository.js';
import type { Db } from './database.js';

const date = (v: Date | string): Date => new Date(v);

/** A resident's data export and erasure (issue 13, item 5). */
export function pgResidentPrivacy(db: Db): ResidentPrivacyStore {
  return {
    async exportOf(userId) {
      const [account] = rowsOf<{ name: string; mobile: string | null; oaOpenid: string | null; createdAt: Date | string; status: string; roles: string[]; pointsListed: boolean }>(await db.execute(sql`
        select name, mobile, oa_openid as "oaOpenid", created_at as "createdAt", status, roles, points_listed as "pointsListed" from users where id = ${userId}::uuid`));
      if (!account) return null;
      const [credits, reports, following, comments, points] = await Promise.all([
        db.execute(sql`select template_key as "templateKey", credits, long_term as "longTerm" from subscription_credits where user_id = ${userId}::uuid order by template_key`),
        db.execute(sql`
          select case_no as "caseNo", category_code as "categoryCode", description, address, lat, lng, anonymous, state, created_at as "createdAt",
            rating_score as "ratingScore", rating_comment as "ratingComment"
          from cases where reporter_id = ${userId}::uuid order by created_at`),
        db.execute(sql`select c.case_no as "caseNo", f.since from case_followers f join cases c on c.id = f.case_id where f.user_id = ${userId}::uuid order by f.since`),
        db.execute(sql`select c.case_no as "caseNo", m.body, m.created_at as "createdAt" from case_comments m join cases c on c.id = m.case_id where m.author_id = ${userId}::uuid order by m.created_at`),
        db.execute(sql`select c.case_no as "caseNo", p.kind, p.points, p.earned_at as "earnedAt" from resident_points p join cases c on c.id = p.case_id where p.user_id = ${userId}::uuid order by p.earned_at, p.kind`),
      ]);
      const out: ResidentDataRows = {
        account: { ...account, createdAt: date(account.createdAt) },
        credits: rowsOf<{ templateKey: string; credits: number; longTerm: boolean }>(credits).map((c) => ({ ...c, credits: Number(c.credits) })),
        points: {
          listed: account.pointsListed,
          entries: rowsOf<{ caseNo: string; kind: PointsKind; points: number; earnedAt: Date | string }>(points).map((e) => ({ ...e, points: Number(e.points), earnedAt: date(e.earnedAt) })),
        },
        reports: rowsOf<ResidentDataRows['reports'][number] & { createdAt: Date | string }>(reports).map((r) => ({
          ...r, state: r.state as CaseState, lat: Number(r.lat), lng: Number(r.lng), createdAt: date(r.createdAt),
        })),
        following: rowsOf<{ caseNo: string; since: Date | string }>(following).map((f) => ({ caseNo: f.caseNo, since: date(f.since) })),
        comments: rowsOf<{ caseNo: string; body: string; createdAt: Date | string }>(comments).map((c) => ({ ...c, createdAt: date(c.createdAt) })),
      };
      return out;
    },

    async erase(userId, at) {
      return db.transaction(async (tx) => {
        const kept = rowsOf<{ n: number }>(await tx.execute(sql`
          with u as (update cases set reporter_id = null, updated_at = ${at.toISOString()}::timestamptz where reporter_id = ${userId}::uuid returning 1)
          select count(*)::int as n from u`));
        await tx.execute(sql`delete from subscription_credits where user_id = ${userId}::uuid`);
        await tx.execute(sql`delete from resident_points where user_id = ${userId}::uuid`);
        await tx.execute(sql`delete from case_followers where user_id = ${userId}::uuid`);
        await tx.execute(sql`delete from idempotency_keys where user_id = ${userId}::uuid`);
        await tx.execute(sql`delete from oa_bind_codes where user_id = ${userId}::uuid`);
        await tx.execute(sql`delete from oa_pending_reports where oa_openid = (select oa_openid from users where id = ${userId}::uuid)`);
        await tx.execute(sql`delete from oa_followers where user_id = ${userId}::uuid`);
        await tx.execute(sql`
          update users set name = ${DELETED_NAME}, openid = null, mobile = null, oa_openid = null, status = 'deleted', deactivated_at = ${at.toISOString()}::timestamptz
          where id = ${userId}::uuid`);
        return { reportsKept: Number(kept[0]?.n ?? 0) };
      });
    },
  };
}
