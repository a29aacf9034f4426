import { sql, type SQL } from 'drizzle-orm';
import type { Open311CaseRow, Open311KeyRecord, Open311Query, Open311Store } from '../../usecases/open311/ports.js';
import { pgAuditLog } from './audit-repository.js';
import { rowsOf } from './case-repository.js';
import type { Db } from './database.js';

interface RawKey {
  id: string;
  name: string;
  keyPrefix: string;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: Date | string;
  revokedAt: Date | string | null;
}

const toKey = (r: RawKey): Open311KeyRecord => ({
  id: r.id, name: r.name, keyPrefix: r.keyPrefix, createdBy: r.createdBy, createdByName: r.createdByName ?? null,
  createdAt: new Date(r.createdAt), revokedAt: r.revokedAt ? new Date(r.revokedAt) : null,
});

const KEY_COLUMNS = sql`k.id, k.name, k.key_prefix as "keyPrefix", k.created_by as "createdBy", u.name as "createdByName",
  k.created_at as "createdAt", k.revoked_at as "revokedAt"`;

type RawCase = Omit<Open311CaseRow, 'createdAt' | 'updatedAt' | 'closedAt' | 'dueAt' | 'publishedPhotoIds' | 'lat' | 'lng'> & {
  lat: number | string;
  lng: number | string;
  createdAt: Date | string;
  updatedAt: Date | string;
  closedAt: Date | string | null;
  dueAt: Date | string | null;
  publishedPhotoIds: string[] | null;
};

const date = (d: Date | string | null): Date | null => (d ? new Date(d) : null);

const toCase = (r: RawCase): Open311CaseRow => ({
  ...r, lat: Number(r.lat), lng: Number(r.lng), createdAt: new Date(r.createdAt), updatedAt: new Date(r.updatedAt),
  closedAt: date(r.closedAt), dueAt: date(r.dueAt), publishedPhotoIds: r.publishedPhotoIds ?? [],
});

/** The public columns of a case, its newest public staff reply and its published photos: one statement. */
const CASE_COLUMNS = sql`c.case_no as "caseNo", c.category_code as "categoryCode", c.state, c.description, c.moderation,
  c.anonymous, c.location_pending as "locationPending", c.lat, c.lng, c.address, c.district_code as "districtCode",
  c.street_code as "streetCode", c.responsible_code as "responsibleCode", c.created_at as "createdAt",
  c.updated_at as "updatedAt", c.closed_at as "closedAt", c.due_at as "dueAt",
  (select cc.body from case_comments cc where cc.case_id = c.id and cc.public and cc.author_role <> 'resident'
     order by cc.created_at desc limit 1) as "publicNote",
  (select array_agg(p.id::text order by p.created_at, p.id) from case_photos p
     where p.case_id = c.id and p.published_at is not null) as "publishedPhotoIds"`;

/** States that are over (Open311 'closed'); the use case maps the same way. */
const CLOSED = sql`('closed','rejected','merged')`;

function caseFilter(q: Open311Query): SQL {
  if ('caseNos' in q) return sql`c.case_no in (${sql.join(q.caseNos.map((n) => sql`${n}`), sql`, `)})`;
  const parts: SQL[] = [sql`c.created_at >= ${q.from.toISOString()}::timestamptz`, sql`c.created_at <= ${q.to.toISOString()}::timestamptz`];
  if (q.categoryCodes) parts.push(sql`c.category_code in (${sql.join(q.categoryCodes.map((n) => sql`${n}`), sql`, `)})`);
  if (q.status && q.status.length === 1) parts.push(q.status[0] === 'closed' ? sql`c.state in ${CLOSED}` : sql`c.state not in ${CLOSED}`);
  return sql.join(parts, sql` and `);
}

/** Open311 keys and the public case reads (usecases/open311/ports.ts). */
export function pgOpen311Store(db: Db): Open311Store {
  const keyWhere = async (where: SQL): Promise<Open311KeyRecord | null> => {
    const res = await db.execute(sql`select ${KEY_COLUMNS} from open311_keys k left join users u on u.id = k.created_by where ${where}`);
    const row = rowsOf<RawKey>(res)[0];
    return row ? toKey(row) : null;
  };
  return {
    async insertKey(k, audit) {
      return db.transaction(async (tx) => {
        const res = await tx.execute(sql`
          insert into open311_keys (name, key_hash, key_prefix, created_by, created_at)
          values (${k.name}, ${k.keyHash}, ${k.keyPrefix}, ${k.createdBy}::uuid, ${k.at.toISOString()}::timestamptz)
          returning id`);
        const id = rowsOf<{ id: string }>(res)[0]!.id;
        await pgAuditLog(tx).record(audit(id));
        return { id, name: k.name, keyPrefix: k.keyPrefix, createdBy: k.createdBy, createdByName: null, createdAt: k.at, revokedAt: null };
      });
    },

    async listKeys() {
      const res = await db.execute(sql`select ${KEY_COLUMNS} from open311_keys k left join users u on u.id = k.created_by order by k.created_at desc, k.id`);
      return rowsOf<RawKey>(res).map(toKey);
    },

    async revokeKey(id, at, audit) {
      return db.transaction(async (tx) => {
        const res = await tx.execute(sql`select ${KEY_COLUMNS} from open311_keys k left join users u on u.id = k.created_by where k.id = ${id}::uuid for update of k`);
        const before = rowsOf<RawKey>(res)[0];
        if (!before) return null;
        const record = toKey(before);
        if (record.revokedAt) return record;
        await tx.execute(sql`update open311_keys set revoked_at = ${at.toISOString()}::timestamptz where id = ${id}::uuid`);
        await pgAuditLog(tx).record(audit(record));
        return { ...record, revokedAt: at };
      });
    },

    keyByHash: (keyHash) => keyWhere(sql`k.key_hash = ${keyHash}`),

    async requests(q) {
      if ('caseNos' in q && !q.caseNos.length) return [];
      const limit = 'caseNos' in q ? q.caseNos.length : q.limit;
      const res = await db.execute(sql`select ${CASE_COLUMNS} from cases c where ${caseFilter(q)} order by c.created_at desc, c.case_no desc limit ${limit}`);
      return rowsOf<RawCase>(res).map(toCase);
    },

    async caseNoByToken(token) {
      const res = await db.execute(sql`
        select c.case_no as "caseNo" from channel_tickets t join cases c on c.id = t.case_id
        where t.channel_id = 'open311' and t.origin = 'open311' and t.ticket_no = ${token}`);
      return rowsOf<{ caseNo: string }>(res)[0]?.caseNo ?? null;
    },
  };
}
