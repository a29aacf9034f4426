import { sql, type SQL } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { CaseState } from '@finecity/types';
import type { PublicCaseDetailRows, PublicCaseReads, PublicCaseRow, PublicFilter } from '../../usecases/public/public-ports.js';
import { rowsOf } from './case-repository.js';
import type { Db } from './database.js';

/** Registered cases only: a submitted report is not yet checked by a person; rejected and merged ones are not the city's work. */
const SHOWN = sql`c.state in ('registered','dispatched','in_progress','handled','suspended','closed') and c.merged_into_id is null`;

function where(f: PublicFilter): SQL {
  const parts: SQL[] = [SHOWN];
  if (f.categoryCode) parts.push(sql`c.category_code = ${f.categoryCode}`);
  if (f.status === 'open') parts.push(sql`c.state <> 'closed'`);
  if (f.status === 'closed') parts.push(sql`c.state = 'closed'`);
  if (f.districtCode) parts.push(sql`c.district_code = ${f.districtCode}`);
  if (f.since) parts.push(sql`c.created_at >= ${f.since.toISOString()}::timestamptz`);
  if (f.until) parts.push(sql`c.created_at < ${f.until.toISOString()}::timestamptz`);
  return sql.join(parts, sql` and `);
}

const COLUMNS = sql`
  c.id, c.category_code as "categoryCode", c.state, c.anonymous, c.district_code as "districtCode", c.street_code as "streetCode",
  c.community_code as "communityCode", c.lat, c.lng, s.centroid_lat as "streetLat", s.centroid_lng as "streetLng", c.created_at as "createdAt",
  (select p.id from case_photos p where p.case_id = c.id and p.kind = 'before' and p.published_at is not null order by p.event_seq, p.created_at limit 1) as "thumbPhotoId"`;

type Raw = Omit<PublicCaseRow, 'createdAt' | 'state'> & { state: string; createdAt: Date | string };
const row = (r: Raw): PublicCaseRow => ({
  ...r, state: r.state as CaseState, lat: Number(r.lat), lng: Number(r.lng), createdAt: new Date(r.createdAt),
  streetLat: r.streetLat === null ? null : Number(r.streetLat), streetLng: r.streetLng === null ? null : Number(r.streetLng),
});

/**
 * The public view of the city's work (issue 13, item 3): no reporter, phone, address text or internal note is
 * read here. `countTtlMs` > 0 keeps each filter's count that long (at most 1,000 filters, least recently used
 * go first): the list's answers are cacheable for 30 s anyway, and the count is most of a list's cost.
 */
export function pgPublicCaseReads(db: Db, opts: { countTtlMs?: number } = {}): PublicCaseReads {
  const counts = opts.countTtlMs ? new LRUCache<string, Promise<number>>({ max: 1000, ttl: opts.countTtlMs }) : null;
  return {
    async list(f, page) {
      const rows = await db.execute(sql`select ${COLUMNS} from cases c left join org_nodes s on s.code = c.street_code where ${where(f)}
        order by c.created_at desc, c.id limit ${page.limit} offset ${page.offset}`);
      return rowsOf<Raw>(rows).map(row);
    },

    async count(f, cap) {
      const key = JSON.stringify([f.categoryCode, f.status, f.districtCode, f.since?.getTime(), f.until?.getTime(), cap]);
      const hit = counts?.get(key);
      if (hit) return hit;
      // The promise is kept, so the requests that arrive while a filter is being counted share the one count.
      const n = db.execute(sql`select count(*)::int as n from (select 1 from cases c where ${where(f)} limit ${cap}) x`)
        .then((res) => Number(rowsOf<{ n: number }>(res)[0]?.n ?? 0));
      counts?.set(key, n);
      n.catch(() => counts?.delete(key));
      return n;
    },

    async points(f, limit) {
      const rows = await db.execute(sql`select ${COLUMNS} from cases c left join org_nodes s on s.code = c.street_code where ${where(f)}
        and c.location_pending = false order by c.created_at desc, c.id limit ${limit}`);
      return rowsOf<Raw>(rows).map(row);
    },

    async one(id) {
      const [r] = rowsOf<Raw & { description: string }>(await db.execute(sql`select ${COLUMNS}, c.description from cases c
        left join org_nodes s on s.code = c.street_code where c.id = ${id}::uuid and ${SHOWN}`));
      if (!r) return null;
      const [steps, replies, photos, supporters] = await Promise.all([
        db.execute(sql`select action, to_state as "toState", at from case_events where case_id = ${id}::uuid and from_state is distinct from to_state order by seq`),
        // Staff replies marked public; a resident's own comments are theirs, not the city's answer.
        db.execute(sql`select body, created_at as at from case_comments where case_id = ${id}::uuid and public and author_role <> 'resident' order by created_at`),
        db.execute(sql`select id, kind from case_photos where case_id = ${id}::uuid and published_at is not null order by event_seq, created_at`),
        db.execute(sql`select count(*)::int as n from case_followers f join cases c on c.id = f.case_id where f.case_id = ${id}::uuid and f.user_id is distinct from c.reporter_id`),
      ]);
      const out: PublicCaseDetailRows = {
        row: { ...row(r), description: r.description },
        steps: rowsOf<{ action: string; toState: string; at: Date | string }>(steps).map((s) => ({ action: s.action, toState: s.toState as CaseState, at: new Date(s.at) })),
        replies: rowsOf<{ body: string; at: Date | string }>(replies).map((x) => ({ body: x.body, at: new Date(x.at) })),
        photos: rowsOf<{ id: string; kind: 'before' | 'after' }>(photos),
        supporters: Number(rowsOf<{ n: number }>(supporters)[0]?.n ?? 0),
      };
      return out;
    },

    async setPhotoPublished(caseId, photoId, at) {
      const res = rowsOf<{ id: string }>(await db.execute(sql`update case_photos set published_at = ${at ? at.toISOString() : null}::timestamptz
        where id = ${photoId}::uuid and case_id = ${caseId}::uuid returning id`));
      return res.length > 0;
    },
  };
}
