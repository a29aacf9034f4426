import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { CompanyRecord, CompanyStore, GridFinds, MissedRow, RejectedFind } from '../../usecases/companies/ports.js';
import type { Db } from './database.js';
import { rowsOf } from './case-repository.js';
import { companies, companyGrids, patrolCheckins, users } from './schema.js';

const CONTRACT_CACHE_MS = 60_000;
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * A company's find (case row `c`, company row `co`): a third-party report whose reporter belongs to the company,
 * or a ticket from the company's own system (channel `tp-<id>`, no reporter user).
 */
export const companyFind = (co: SQL, c: SQL): SQL => sql`(${c}.source = 'third_party' and (
  exists (select 1 from users fu where fu.id = ${c}.reporter_id and fu.company_id = ${co}.id)
  or exists (select 1 from channel_tickets ft where ft.case_id = ${c}.id and ft.channel_id = 'tp-' || ${co}.id)))`;

/** Sources whose reports measure a company's 漏查: enforcement patrols, the public, and 12345. */
const MISS_SOURCES = sql`('enforcement', 'miniprogram', 'official_account', 'open311', 'hotline_12345')`;
/** Minutes since Beijing midnight of an instant, and of an 'HH:MM' text (no session time zone involved). */
const beijingMinute = (col: SQL) => sql`floor(mod((extract(epoch from ${col})::bigint + 28800), 86400) / 60)`;
const hhmm = (col: SQL) => sql`(split_part(${col}, ':', 1)::int * 60 + split_part(${col}, ':', 2)::int)`;
/** Beijing midnight that starts the day 'YYYY-MM-DD' in `col`, plus `days`. */
const dayStart = (col: SQL, days: 0 | 1 = 0) => sql`((((${col})::date + ${sql.raw(String(days))})::text || 'T00:00:00+08:00')::timestamptz)`;

/**
 * 漏查 (issue 11): cases `m` reported in [start, end) by enforcement, the public or 12345, in a grid of company
 * `co`'s contract, inside its patrol hours (Beijing) and its contract period, with no find of the company in the
 * same grid and category from `windowHours` before the report up to the report.
 */
export function missedWhere(co: SQL, start: Date, end: Date, windowHours: number): SQL {
  return sql`m.source in ${MISS_SOURCES} and m.created_at >= ${ts(start)} and m.created_at < ${ts(end)}
    and m.grid_code in (select cg.grid_code from company_grids cg where cg.company_id = ${co}.id)
    and ${beijingMinute(sql`m.created_at`)} >= ${hhmm(sql`${co}.patrol_from`)} and ${beijingMinute(sql`m.created_at`)} < ${hhmm(sql`${co}.patrol_to`)}
    and m.created_at >= ${dayStart(sql`${co}.contract_start`)} and m.created_at < ${dayStart(sql`${co}.contract_end`, 1)}
    and not exists (select 1 from cases f where f.grid_code = m.grid_code and f.category_code = m.category_code
      and f.created_at <= m.created_at and f.created_at >= m.created_at - ${String(windowHours)}::float8 * interval '1 hour' and ${companyFind(co, sql`f`)})`;
}

export function pgCompanyStore(db: Db): CompanyStore {
  const cache = new Map<string, { at: number; value: CompanyRecord | null }>();

  async function read(where: SQL | undefined): Promise<CompanyRecord[]> {
    const rows = await db.select().from(companies).where(where).orderBy(asc(companies.id));
    if (!rows.length) return [];
    const grids = await db.select().from(companyGrids).orderBy(asc(companyGrids.gridCode));
    const staff = rowsOf<{ company_id: string; n: number }>(await db.execute(sql`select company_id, count(*)::int as n from users where company_id is not null group by company_id`));
    return rows.map((r) => ({
      id: r.id, name: r.name, contractStart: r.contractStart, contractEnd: r.contractEnd, mayVerify: r.mayVerify,
      patrolFrom: r.patrolFrom, patrolTo: r.patrolTo,
      gridCodes: grids.filter((g) => g.companyId === r.id).map((g) => g.gridCode),
      inspectors: Number(staff.find((s) => s.company_id === r.id)?.n ?? 0),
    }));
  }

  const get = async (id: string) => (await read(eq(companies.id, id)))[0] ?? null;

  return {
    async save(input, now) {
      const created = await db.transaction(async (tx) => {
        const existing = await tx.select({ id: companies.id }).from(companies).where(eq(companies.id, input.id)).for('update');
        const values = {
          name: input.name, contractStart: input.contractStart, contractEnd: input.contractEnd, mayVerify: input.mayVerify,
          patrolFrom: input.patrolFrom, patrolTo: input.patrolTo,
        };
        if (existing.length) await tx.update(companies).set(values).where(eq(companies.id, input.id));
        else await tx.insert(companies).values({ id: input.id, ...values, createdAt: now });
        await tx.delete(companyGrids).where(eq(companyGrids.companyId, input.id));
        if (input.gridCodes.length) await tx.insert(companyGrids).values(input.gridCodes.map((gridCode) => ({ companyId: input.id, gridCode })));
        return existing.length === 0;
      });
      cache.delete(input.id);
      return created;
    },
    list: () => read(undefined),
    get,
    async contract(id) {
      const hit = cache.get(id);
      if (hit && Date.now() - hit.at < CONTRACT_CACHE_MS) return hit.value;
      const value = await get(id);
      cache.set(id, { at: Date.now(), value });
      return value;
    },
    async assignUser(userId, companyId) {
      const res = await db.update(users).set({ companyId }).where(eq(users.id, userId)).returning({ id: users.id });
      return res.length > 0;
    },
    async checkIn(c) {
      const [row] = await db.insert(patrolCheckins).values(c).returning({ id: patrolCheckins.id });
      return { id: row!.id };
    },
    async visits(companyId, fromDay, toDay) {
      const rows = await db
        .select({ gridCode: patrolCheckins.gridCode, day: patrolCheckins.day, checkins: sql<number>`count(*)::int` })
        .from(patrolCheckins)
        .where(and(eq(patrolCheckins.companyId, companyId), sql`${patrolCheckins.day} >= ${fromDay} and ${patrolCheckins.day} <= ${toDay}`))
        .groupBy(patrolCheckins.gridCode, patrolCheckins.day);
      return rows.map((r) => ({ ...r, checkins: Number(r.checkins) }));
    },
    async findsByGrid(companyId, start, end): Promise<GridFinds[]> {
      const res = await db.execute(sql`select c.grid_code,
          count(*) filter (where c.created_at >= ${ts(start)} and c.created_at < ${ts(end)})::int as finds,
          count(*) filter (where exists (select 1 from case_events e where e.case_id = c.id and e.action = 'reject' and e.at >= ${ts(start)} and e.at < ${ts(end)}))::int as rejected
        from cases c cross join (select ${companyId}::text as id) co
        where ${companyFind(sql`co`, sql`c`)}
        group by c.grid_code order by finds desc, c.grid_code`);
      return rowsOf<{ grid_code: string | null; finds: number; rejected: number }>(res)
        .map((r) => ({ gridCode: r.grid_code, finds: Number(r.finds), rejected: Number(r.rejected) }))
        .filter((r) => r.finds > 0 || r.rejected > 0);
    },
    async rejectedFinds(companyId, start, end): Promise<RejectedFind[]> {
      const res = await db.execute(sql`select c.case_no, c.grid_code, c.category_code, e.note, e.at
        from cases c join case_events e on e.case_id = c.id and e.action = 'reject' cross join (select ${companyId}::text as id) co
        where e.at >= ${ts(start)} and e.at < ${ts(end)} and ${companyFind(sql`co`, sql`c`)}
        order by e.at, c.case_no`);
      return rowsOf<{ case_no: string; grid_code: string | null; category_code: string; note: string | null; at: string | Date }>(res)
        .map((r) => ({ caseNo: r.case_no, gridCode: r.grid_code, categoryCode: r.category_code, note: r.note, at: new Date(r.at) }));
    },
    async missed(companyId, start, end, windowHours): Promise<MissedRow[]> {
      const res = await db.execute(sql`select m.id, m.case_no, m.category_code, m.grid_code, m.created_at, m.source
        from cases m join companies co on co.id = ${companyId}
        where ${missedWhere(sql`co`, start, end, windowHours)}
        order by m.created_at, m.case_no`);
      return rowsOf<{ id: string; case_no: string; category_code: string; grid_code: string; created_at: string | Date; source: string }>(res).map((r) => ({
        caseId: r.id, caseNo: r.case_no, categoryCode: r.category_code, gridCode: r.grid_code, createdAt: new Date(r.created_at), source: r.source,
      }));
    },
  };
}
