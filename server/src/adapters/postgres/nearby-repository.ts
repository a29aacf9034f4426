import { sql } from 'drizzle-orm';
import { OPEN_STATES, type CaseState } from '@finecity/types';
import type { NearbyRow, NearbyStore } from '../../usecases/residents/nearby-ports.js';
import { rowsOf } from './case-repository.js';
import type { Db } from './database.js';

const OPEN = sql.join(OPEN_STATES.map((s) => sql`${s}`), sql`, `);

/** Supporters: followers other than the reporter (merged duplicates' reporters and 我也遇到). */
const SUPPORTERS = sql`(select count(*)::int from case_followers f where f.case_id = c.id and f.user_id is distinct from c.reporter_id)`;

/** Residents' nearby list and 我也遇到 (issue 13, item 2), on the duplicate box index cases(category_code, lat). */
export function pgNearbyStore(db: Db): NearbyStore {
  return {
    async openInBox(q) {
      const rows = rowsOf<{
        id: string; categoryCode: string; lat: number; lng: number; state: string; createdAt: Date | string; reporterId: string | null;
        publishedPhotoId: string | null; supporters: number; callerFollows: boolean;
      }>(await db.execute(sql`
        select c.id, c.category_code as "categoryCode", c.lat, c.lng, c.state, c.created_at as "createdAt", c.reporter_id as "reporterId",
          (select p.id from case_photos p where p.case_id = c.id and p.kind = 'before' and p.published_at is not null order by p.event_seq, p.created_at limit 1) as "publishedPhotoId",
          ${SUPPORTERS} as supporters,
          exists (select 1 from case_followers f where f.case_id = c.id and f.user_id = ${q.callerId}::uuid) as "callerFollows"
        from cases c
        where c.category_code = ${q.categoryCode}
          and c.lat between ${q.box.minLat} and ${q.box.maxLat}
          and c.lng between ${q.box.minLng} and ${q.box.maxLng}
          and c.created_at >= ${q.since.toISOString()}::timestamptz
          and c.state in (${OPEN})
          and c.merged_into_id is null
        order by c.created_at desc
        limit ${q.limit}`));
      return rows.map((r): NearbyRow => ({
        ...r, state: r.state as CaseState, createdAt: new Date(r.createdAt), lat: Number(r.lat), lng: Number(r.lng), supporters: Number(r.supporters),
      }));
    },

    async followTarget(caseId) {
      const [row] = rowsOf<{ state: string; reporterId: string | null; mergedIntoId: string | null }>(await db.execute(sql`
        select state, reporter_id as "reporterId", merged_into_id as "mergedIntoId" from cases where id = ${caseId}::uuid`));
      return row ? { state: row.state as CaseState, reporterId: row.reporterId, mergedIntoId: row.mergedIntoId } : null;
    },

    async follow(caseId, userId, at) {
      // One statement: the insert (a no-op when already following, and for the case's own reporter, who hears
      // of it as its reporter) and the count after it; the statement's snapshot does not see its own insert,
      // hence + ins.
      const [row] = rowsOf<{ added: number; supporters: number }>(await db.execute(sql`
        with ins as (
          insert into case_followers (case_id, user_id, since)
          select c.id, ${userId}::uuid, ${at.toISOString()}::timestamptz from cases c where c.id = ${caseId}::uuid and c.reporter_id is distinct from ${userId}::uuid
          on conflict do nothing returning user_id
        )
        select (select count(*)::int from ins) as added,
          (select count(*)::int from case_followers f join cases c on c.id = f.case_id
            where f.case_id = ${caseId}::uuid and f.user_id is distinct from c.reporter_id)
          + (select count(*)::int from ins) as supporters`));
      return { added: Number(row?.added ?? 0) > 0, supporters: Number(row?.supporters ?? 0) };
    },
  };
}
