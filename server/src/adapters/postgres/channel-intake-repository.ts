import { sql } from 'drizzle-orm';
import type { ChannelIntakeStore, UnlocatedCase } from '../../usecases/channels/intake-ports.js';
import { rowsOf } from './case-repository.js';
import type { DbOrTx } from './database.js';

/** Nonces are pruned by about one claim in this many (and at most once a minute): the table stays small without a job. */
const PRUNE_EVERY = 64;

/** Channel intake's tables (issue 11): channel_tickets, channel_nonces, companies; the 待定位 queue on cases. */
export function pgChannelIntakeStore(db: DbOrTx): ChannelIntakeStore {
  let claims = 0;
  let prunedAt = 0;
  const pruneNonces = async (now: Date, before: Date): Promise<void> => {
    if (++claims % PRUNE_EVERY !== 0 || now.getTime() - prunedAt <= 60_000) return;
    prunedAt = now.getTime();
    await db.execute(sql`delete from channel_nonces where seen_at < ${before}::timestamptz`);
  };
  return {
    async findTicket(channelId, ticketNo) {
      const res = await db.execute(sql`
        select t.case_id as "caseId", c.case_no as "caseNo", t.request_hash as "requestHash", c.location_pending as "locationPending"
        from channel_tickets t join cases c on c.id = t.case_id
        where t.channel_id = ${channelId} and t.ticket_no = ${ticketNo}`);
      return rowsOf<{ caseId: string; caseNo: string; requestHash: string; locationPending: boolean }>(res)[0] ?? null;
    },

    async claimNonce(channelId, nonce, now, since) {
      // A nonce seen before `since` is stale and may be claimed again (its row is refreshed); one seen
      // after is a replay: the conditional upsert then updates nothing and returns no row.
      const res = await db.execute(sql`
        insert into channel_nonces (channel_id, nonce, seen_at) values (${channelId}, ${nonce}, ${now}::timestamptz)
        on conflict (channel_id, nonce) do update set seen_at = excluded.seen_at where channel_nonces.seen_at < ${since}::timestamptz
        returning 1 as ok`);
      await pruneNonces(now, since);
      return rowsOf(res).length > 0;
    },

    pruneNonces,

    async companyExists(companyId) {
      const res = await db.execute(sql`select 1 as ok from companies where id = ${companyId}`);
      return rowsOf(res).length > 0;
    },

    async centroidUnder(path) {
      const res = await db.execute(sql`
        select avg(centroid_lat) as lat, avg(centroid_lng) as lng from org_nodes
        where level = 'grid' and centroid_lat is not null and path like ${`${path}%`}`);
      const r = rowsOf<{ lat: number | string | null; lng: number | string | null }>(res)[0];
      return r && r.lat !== null && r.lng !== null ? { lat: Number(r.lat), lng: Number(r.lng) } : null;
    },

    async unlocated(underPath, page) {
      const where = sql`c.location_pending and c.location_path like ${`${underPath}%`}`;
      const [res, count] = await Promise.all([
        db.execute(sql`
          select c.id as "caseId", c.case_no as "caseNo", c.description as "content", c.address, c.source,
            t.channel_id as "channelId", t.ticket_no as "ticketNo", t.received_at as "receivedAt", c.created_at as "createdAt"
          from cases c left join channel_tickets t on t.case_id = c.id
          where ${where}
          order by c.created_at, c.id
          limit ${page.limit} offset ${page.offset}`),
        db.execute(sql`select count(*)::int as n from cases c where ${where}`),
      ]);
      const rows = rowsOf<Record<string, unknown>>(res).map((r) => ({
        ...r,
        receivedAt: r.receivedAt === null || r.receivedAt === undefined ? null : new Date(r.receivedAt as string),
        createdAt: new Date(r.createdAt as string),
      })) as unknown as UnlocatedCase[];
      return { rows, total: Number(rowsOf<{ n: number }>(count)[0]?.n ?? 0) };
    },

    async pin(caseId, version, at, event, now) {
      // One statement: the versioned update only while still 待定位, and its event at the new version.
      const res = await db.execute(sql`
        with u as (
          update cases set lat = ${at.lat}::float8, lng = ${at.lng}::float8, grid_code = ${at.gridCode}::text, community_code = ${at.communityCode}::text,
            street_code = ${at.streetCode}::text, district_code = ${at.districtCode}::text, location_path = ${at.locationPath}::text,
            location_pending = false, version = version + 1, updated_at = ${now}::timestamptz
          where id = ${caseId}::uuid and version = ${version}::int and location_pending
          returning id, version, state),
        e as (insert into case_events (case_id, seq, action, from_state, to_state, actor_id, actor_role, at, note, data)
              select u.id, u.version, 'locate', u.state, u.state, ${event.actorId}::uuid, ${event.actorRole}::text, ${now}::timestamptz, ${event.note}::text,
                ${JSON.stringify(event.data)}::jsonb from u)
        select id from u`);
      return rowsOf(res).length > 0;
    },
  };
}
