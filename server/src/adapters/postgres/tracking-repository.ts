import { and, asc, count, desc, eq, isNotNull, ne, sql } from 'drizzle-orm';
import type { CaseState } from '@finecity/types';
import type { CallCentreReads, PlaceRow } from '../../usecases/channels/call-centre-ports.js';
import { rowsOf } from './case-repository.js';
import type { Db } from './database.js';
import { caseComments, caseEvents, casePhotos, cases, channelTickets } from './schema.js';

/** The call centre's channel and the origin of tickets filed at its console (usecases/channels/hotline.ts). */
const CALL_CENTRE = and(eq(channelTickets.channelId, '12319'), eq(channelTickets.origin, 'console'));

/** The call centre's list and the public tracking page's reads. */
export function pgCallCentreReads(db: Db): CallCentreReads {
  return {
    async filedBy(operatorId, page) {
      const where = and(CALL_CENTRE, eq(cases.reporterId, operatorId));
      const [rows, [total]] = await Promise.all([
        db
          .select({
            caseId: cases.id, caseNo: cases.caseNo, ticketNo: channelTickets.ticketNo, callerName: channelTickets.callerName, callerPhone: channelTickets.callerPhone,
            categoryCode: cases.categoryCode, state: cases.state, address: cases.address, districtCode: cases.districtCode, streetCode: cases.streetCode,
            locationPending: cases.locationPending, urgent: channelTickets.urgent, createdAt: cases.createdAt,
          })
          .from(channelTickets)
          .innerJoin(cases, eq(cases.id, channelTickets.caseId))
          .where(where)
          .orderBy(desc(cases.createdAt), desc(cases.caseNo))
          .limit(page.limit)
          .offset(page.offset),
        db.select({ n: count() }).from(channelTickets).innerJoin(cases, eq(cases.id, channelTickets.caseId)).where(where),
      ]);
      return { items: rows.map((r) => ({ ...r, state: r.state as CaseState })), total: Number(total?.n ?? 0) };
    },

    async byTrackingHash(tokenHash) {
      const [c] = await db
        .select({
          id: cases.id, caseNo: cases.caseNo, categoryCode: cases.categoryCode, state: cases.state, districtCode: cases.districtCode, streetCode: cases.streetCode,
          locationPending: cases.locationPending, createdAt: cases.createdAt,
        })
        .from(cases)
        // A call-centre caller's token (channel_tickets), or any case's current link (case_tracking_tokens, issue 13).
        .where(sql`${cases.id} in (select case_id from channel_tickets where tracking_token_hash = ${tokenHash}
          union all select case_id from case_tracking_tokens where token_hash = ${tokenHash})`)
        .limit(1);
      if (!c) return null;
      const [steps, replies, photos] = await Promise.all([
        db
          .select({ action: caseEvents.action, toState: caseEvents.toState, at: caseEvents.at })
          .from(caseEvents)
          .where(and(eq(caseEvents.caseId, c.id), sql`${caseEvents.fromState} is distinct from ${caseEvents.toState}`))
          .orderBy(asc(caseEvents.seq)),
        // Public replies are staff's: a resident's own comments are public too, but never on a call-centre case.
        db
          .select({ body: caseComments.body, at: caseComments.createdAt })
          .from(caseComments)
          .where(and(eq(caseComments.caseId, c.id), eq(caseComments.public, true), ne(caseComments.authorRole, 'resident')))
          .orderBy(asc(caseComments.createdAt), asc(caseComments.id)),
        // Published photos only (issue 13: staff decide, for faces and number plates), as the public case page.
        db
          .select({ id: casePhotos.id, kind: casePhotos.kind })
          .from(casePhotos)
          .where(and(eq(casePhotos.caseId, c.id), isNotNull(casePhotos.publishedAt)))
          .orderBy(asc(casePhotos.eventSeq), asc(casePhotos.createdAt)),
      ]);
      const { id: _id, ...rest } = c;
      return {
        ...rest, state: c.state as CaseState, steps: steps.map((s) => ({ ...s, toState: s.toState as CaseState })), replies,
        photos: photos.map((p) => ({ id: p.id, kind: p.kind === 'after' ? ('after' as const) : ('before' as const) })),
      };
    },

    async placesBelow(parentCode) {
      const res = await db.execute(sql`
        select n.code, n.name, n.level, avg(g.centroid_lat) as lat, avg(g.centroid_lng) as lng
        from org_nodes n
        left join org_nodes g on g.level = 'grid' and g.centroid_lat is not null and g.centroid_lng is not null and g.path like n.path || '%'
        where n.parent_code = ${parentCode} and n.level in ('district', 'street', 'community', 'grid')
        group by n.code, n.name, n.level
        order by n.code`);
      type Row = { code: string; name: string; level: PlaceRow['level']; lat: number | string | null; lng: number | string | null };
      return rowsOf<Row>(res).map((r) => ({ code: r.code, name: r.name, level: r.level, point: r.lat === null || r.lng === null ? null : { lat: Number(r.lat), lng: Number(r.lng) } }));
    },
  };
}
