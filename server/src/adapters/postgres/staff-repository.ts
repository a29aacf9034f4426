import { and, asc, count, eq, inArray, isNotNull, like, sql, type SQL } from 'drizzle-orm';
import type { Role } from '@finecity/types';
import type { StaffFields, StaffListRecord, StaffRecord, StaffRoster, StaffStatus } from '../../usecases/admin/staff-ports.js';
import type { DbOrTx } from './database.js';
import { orgNodes, users } from './schema.js';

const columns = {
  id: users.id, name: users.name, mobile: users.mobile, roles: users.roles, orgNodeCode: users.orgNodeCode,
  dutySlot: users.dutySlot, status: users.status, wecomUserid: users.wecomUserid,
};

type Row = { id: string; name: string; mobile: string | null; roles: string[]; orgNodeCode: string | null; dutySlot: string | null; status: string; wecomUserid: string | null };

function asRecord(r: Row): StaffRecord {
  return { ...r, roles: r.roles as Role[], dutySlot: r.dutySlot === 'A' || r.dutySlot === 'B' ? r.dutySlot : null, status: r.status as StaffStatus };
}

/** LIKE pattern for a literal substring (PostgreSQL's default escape is the backslash). */
const contains = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Staff records on the connection or transaction they are bound to. */
export function pgStaffRoster(db: DbOrTx): StaffRoster {
  return {
    async lockRoster() {
      // A transaction-level advisory lock (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS).
      await db.execute(sql`select pg_advisory_xact_lock(hashtext('finecity.staff_roster'))`);
    },

    async byMobiles(mobiles) {
      if (!mobiles.length) return [];
      const out: StaffRecord[] = [];
      for (let i = 0; i < mobiles.length; i += 1000) {
        const rows = await db.select(columns).from(users).where(inArray(users.mobile, mobiles.slice(i, i + 1000)));
        out.push(...rows.map(asRecord));
      }
      return out;
    },

    async byWecomUserids(ids) {
      if (!ids.length) return [];
      const out: { id: string; wecomUserid: string }[] = [];
      for (let i = 0; i < ids.length; i += 1000) {
        const rows = await db.select({ id: users.id, wecomUserid: users.wecomUserid }).from(users).where(inArray(users.wecomUserid, ids.slice(i, i + 1000)));
        out.push(...rows.map((r) => ({ id: r.id, wecomUserid: r.wecomUserid! })));
      }
      return out;
    },

    async create(rows) {
      const ids: string[] = [];
      for (let i = 0; i < rows.length; i += 500) {
        const values = rows.slice(i, i + 500).map((r: StaffFields) => ({
          name: r.name, mobile: r.mobile, roles: r.roles, orgNodeCode: r.orgNodeCode, dutySlot: r.dutySlot, wecomUserid: r.wecomUserid, status: 'invited', openid: null,
        }));
        const inserted = await db.insert(users).values(values).returning({ id: users.id });
        ids.push(...inserted.map((x) => x.id));
      }
      return ids;
    },

    async update(id, r) {
      await db
        .update(users)
        .set({ name: r.name, roles: r.roles, orgNodeCode: r.orgNodeCode, dutySlot: r.dutySlot, ...(r.wecomUserid !== null ? { wecomUserid: r.wecomUserid } : {}) })
        .where(eq(users.id, id));
    },

    async list(f) {
      const where: SQL[] = [isNotNull(users.orgNodeCode), like(orgNodes.path, `${f.underPath}%`)];
      if (f.status) where.push(eq(users.status, f.status));
      if (f.q) where.push(/^1\d{10}$/.test(f.q) ? eq(users.mobile, f.q) : sql`${users.name} like ${contains(f.q)}`);
      const cond = and(...where);
      const [items, [total]] = await Promise.all([
        db
          .select({ ...columns, orgNodeName: orgNodes.name })
          .from(users)
          .innerJoin(orgNodes, eq(orgNodes.code, users.orgNodeCode))
          .where(cond)
          .orderBy(asc(orgNodes.path), asc(users.name), asc(users.id))
          .limit(f.pageSize)
          .offset((f.page - 1) * f.pageSize),
        db.select({ n: count() }).from(users).innerJoin(orgNodes, eq(orgNodes.code, users.orgNodeCode)).where(cond),
      ]);
      return { items: items.map((r): StaffListRecord => ({ ...asRecord(r), orgNodeName: r.orgNodeName })), total: total?.n ?? 0 };
    },
  };
}
