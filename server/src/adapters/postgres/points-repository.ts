import { sql, type SQL } from 'drizzle-orm';
import type { PointsKind } from '@finecity/types';
import type { MonthlyRow, PointsEntryRow, PointsLedger, PointsRules, PointsStore } from '../../usecases/residents/points-ports.js';
import { rowsOf } from './case-repository.js';
import type { Db, DbOrTx } from './database.js';

/** Residents' own channels: a patrol find, a partner ticket or a company's report earns nobody points. */
const RESIDENT_SOURCES = sql`('miniprogram', 'official_account')`;

/**
 * The credit of the cases `which` selects, from their events (one statement, used both per case and for the
 * full rebuild): `registered` at the first register event of a case that is not rejected or merged, and
 * `first_finder` when, in addition, no earlier open case of the category was within the duplicate rule when it
 * was reported (case_duplicate_candidates holds none).
 */
function creditOf(which: SQL, rules: PointsRules): SQL {
  return sql`
    insert into resident_points (case_id, kind, user_id, points, district_code, earned_at)
    select c.id, k.kind, c.reporter_id, k.points, c.district_code, r.at
    from cases c
    join lateral (select min(e.at) as at from case_events e where e.case_id = c.id and e.action = 'register') r on r.at is not null
    cross join (values ('registered', ${rules.registered}::int), ('first_finder', ${rules.firstFinder}::int)) as k(kind, points)
    where ${which}
      and c.reporter_id is not null and c.source in ${RESIDENT_SOURCES} and c.state not in ('rejected', 'merged')
      and k.points > 0
      and (k.kind = 'registered' or not exists (select 1 from case_duplicate_candidates d where d.case_id = c.id))`;
}

export function pgPointsLedger(db: DbOrTx): PointsLedger {
  return {
    async refreshCase(caseId, rules) {
      await db.execute(sql`delete from resident_points where case_id = ${caseId}::uuid`);
      await db.execute(creditOf(sql`c.id = ${caseId}::uuid`, rules));
    },
  };
}

export function pgPointsStore(db: Db): PointsStore {
  return {
    async entriesOf(userId) {
      return rowsOf<Omit<PointsEntryRow, 'earnedAt'> & { earnedAt: Date | string }>(await db.execute(sql`
        select p.case_id as "caseId", c.case_no as "caseNo", c.category_code as "categoryCode", p.kind, p.points, p.earned_at as "earnedAt"
        from resident_points p join cases c on c.id = p.case_id
        where p.user_id = ${userId}::uuid order by p.earned_at desc, p.kind`)).map((r) => ({ ...r, kind: r.kind as PointsKind, points: Number(r.points), earnedAt: new Date(r.earnedAt) }));
    },
    async listed(userId) {
      const [row] = rowsOf<{ listed: boolean }>(await db.execute(sql`select points_listed as listed from users where id = ${userId}::uuid`));
      return row?.listed ?? false;
    },
    async setListed(userId, listed) {
      await db.execute(sql`update users set points_listed = ${listed} where id = ${userId}::uuid`);
    },
    async monthly(from, to, districtCode, perDistrict) {
      const district = districtCode ? sql`and p.district_code = ${districtCode}` : sql``;
      return rowsOf<Omit<MonthlyRow, 'lastEarnedAt'> & { lastEarnedAt: Date | string }>(await db.execute(sql`
        select "districtCode", "userId", name, points, "lastEarnedAt" from (
          select p.district_code as "districtCode", p.user_id as "userId", u.name, sum(p.points)::int as points, max(p.earned_at) as "lastEarnedAt",
            row_number() over (partition by p.district_code order by sum(p.points) desc, max(p.earned_at), p.user_id) as rank
          from resident_points p join users u on u.id = p.user_id
          where p.earned_at >= ${from.toISOString()}::timestamptz and p.earned_at < ${to.toISOString()}::timestamptz ${district}
            and u.points_listed and u.status = 'active'
          group by p.district_code, p.user_id, u.name
        ) ranked
        where rank <= ${perDistrict}
        order by "districtCode", rank`)).map((r) => ({ ...r, points: Number(r.points), lastEarnedAt: new Date(r.lastEarnedAt) }));
    },
    async totals() {
      const rows = rowsOf<{ userId: string; total: number }>(await db.execute(sql`select user_id as "userId", sum(points)::int as total from resident_points group by user_id`));
      return new Map(rows.map((r) => [r.userId, Number(r.total)]));
    },
    async rebuild(rules) {
      return db.transaction(async (tx) => {
        await tx.execute(sql`delete from resident_points`);
        await tx.execute(creditOf(sql`true`, rules));
        const [n] = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from resident_points`));
        return Number(n?.n ?? 0);
      });
    },
  };
}
