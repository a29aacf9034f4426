import { sql } from 'drizzle-orm';
import type { AccountabilityKind } from '@finecity/types';
import type { AccountabilityRecord, AccountabilityStore, CaseRef } from '../../usecases/supervision/ports.js';
import { rowsOf } from './case-repository.js';
import type { DbOrTx } from './database.js';
import { accountabilityRecords } from './schema.js';

interface RawRecord {
  id: string;
  orgNodeCode: string;
  kind: string;
  note: string;
  caseNos: string[] | null;
  byName: string | null;
  at: Date | string;
}

const toRecord = (r: RawRecord): AccountabilityRecord => ({
  id: r.id, orgNodeCode: r.orgNodeCode, kind: r.kind as AccountabilityKind, note: r.note, caseNos: r.caseNos ?? [], byName: r.byName ?? '', at: new Date(r.at),
});

/** 问责 records, bound to a transaction or the pool. */
export function pgAccountabilityStore(db: DbOrTx): AccountabilityStore {
  return {
    async insert(r) {
      const [row] = await db
        .insert(accountabilityRecords)
        .values({ orgNodeCode: r.orgNodeCode, kind: r.kind, note: r.note, caseIds: r.caseIds, createdBy: r.createdBy, createdAt: r.at })
        .returning({ id: accountabilityRecords.id });
      return { id: row!.id };
    },

    async list(underPath, page) {
      const under = sql`a.org_node_code in (select code from org_nodes where path like ${`${underPath.replace(/[\\%_]/g, (c) => `\\${c}`)}%`})`;
      const [res, count] = await Promise.all([
        db.execute(sql`
          select a.id, a.org_node_code as "orgNodeCode", a.kind, a.note, u.name as "byName", a.created_at as "at",
            (select coalesce(array_agg(c.case_no order by c.case_no), '{}') from cases c where c.id = any(a.case_ids)) as "caseNos"
          from accountability_records a left join users u on u.id = a.created_by
          where ${under}
          order by a.created_at desc, a.id
          limit ${page.limit} offset ${page.offset}`),
        db.execute(sql`select count(*)::int as n from accountability_records a where ${under}`),
      ]);
      return { items: rowsOf<RawRecord>(res).map(toRecord), total: Number(rowsOf<{ n: number }>(count)[0]?.n ?? 0) };
    },

    async casesByNo(caseNos) {
      if (!caseNos.length) return [];
      const res = await db.execute(sql`
        select id, case_no as "caseNo", location_path as "locationPath", responsible_path as "responsiblePath"
        from cases where case_no in (${sql.join(caseNos.map((n) => sql`${n}`), sql`, `)})`);
      return rowsOf<CaseRef>(res);
    },
  };
}
