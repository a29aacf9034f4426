import { aliasedTable, and, asc, eq, gte, inArray, isNotNull, isNull, like, lte, ne, sql } from 'drizzle-orm';
import type { DutyRuleKind, DutySlot } from '@finecity/types';
import type { DutyStore, DutyWrites } from '../../usecases/duty-ports.js';
import { pgAuditLog } from './audit-repository.js';
import type { Database, DbOrTx } from './database.js';
import { cases, dutyOverrides, dutyRules, dutySubstitutes, orgNodes, users } from './schema.js';

const setter = aliasedTable(users, 'duty_setter');
const person = aliasedTable(users, 'duty_person');

/** The duty rota tables (schema.ts, "Duty rota as data"). */
export function pgDutyStore(database: Database): DutyStore {
  const db = database.db;
  return {
    async rules(districtCodes) {
      if (!districtCodes.length) return [];
      const rows = await db
        .select({ districtCode: dutyRules.districtCode, rule: dutyRules.rule, setAt: dutyRules.setAt, setByName: setter.name })
        .from(dutyRules)
        .leftJoin(setter, eq(setter.id, dutyRules.setBy))
        .where(and(inArray(dutyRules.districtCode, districtCodes), isNull(dutyRules.supersededAt)));
      return rows.map((r) => ({ ...r, rule: r.rule as DutyRuleKind }));
    },

    async inRange(path, from, to, limit) {
      const overrides = await db
          .select({ id: dutyOverrides.id, gridCode: dutyOverrides.gridCode, day: dutyOverrides.day, slot: dutyOverrides.slot, setAt: dutyOverrides.setAt, setByName: setter.name })
          .from(dutyOverrides)
          .innerJoin(orgNodes, eq(orgNodes.code, dutyOverrides.gridCode))
          .leftJoin(setter, eq(setter.id, dutyOverrides.setBy))
          .where(and(like(orgNodes.path, `${path}%`), isNull(dutyOverrides.supersededAt), gte(dutyOverrides.day, from), lte(dutyOverrides.day, to)))
          .orderBy(asc(dutyOverrides.day), asc(dutyOverrides.gridCode), asc(dutyOverrides.id))
          .limit(limit);
      const substitutes = await db
          .select({
            id: dutySubstitutes.id, gridCode: dutySubstitutes.gridCode, post: dutySubstitutes.post, userId: dutySubstitutes.userId, name: person.name, mobile: person.mobile,
            fromDay: dutySubstitutes.fromDay, toDay: dutySubstitutes.toDay, setAt: dutySubstitutes.setAt,
            setByName: sql<string | null>`(select ${users.name} from ${users} where ${users.id} = ${dutySubstitutes.setBy})`,
          })
          .from(dutySubstitutes)
          .innerJoin(orgNodes, eq(orgNodes.code, dutySubstitutes.gridCode))
          .innerJoin(person, eq(person.id, dutySubstitutes.userId))
          .where(and(like(orgNodes.path, `${path}%`), isNull(dutySubstitutes.supersededAt), lte(dutySubstitutes.fromDay, to), gte(dutySubstitutes.toDay, from)))
          .orderBy(asc(dutySubstitutes.fromDay), asc(dutySubstitutes.gridCode), asc(dutySubstitutes.id))
          .limit(limit);
      return {
        overrides: overrides.map((o) => ({ ...o, slot: o.slot as DutySlot })),
        substitutes: substitutes.map((s) => ({
          id: s.id, gridCode: s.gridCode, post: s.post as DutySlot, person: { id: s.userId, name: s.name, mobile: s.mobile }, from: s.fromDay, to: s.toDay, setAt: s.setAt, setByName: s.setByName,
        })),
      };
    },

    async holders(gridCode) {
      const rows = await db
        .select({ id: users.id, name: users.name, mobile: users.mobile, slot: users.dutySlot })
        .from(users)
        .where(and(eq(users.orgNodeCode, gridCode), isNotNull(users.dutySlot), ne(users.status, 'deactivated')))
        .orderBy(asc(users.name));
      return rows.map((r) => ({ ...r, slot: r.slot as DutySlot }));
    },

    async staff(userId) {
      const rows = await db
        .select({ id: users.id, name: users.name, status: users.status, roles: users.roles, orgNodeCode: users.orgNodeCode })
        .from(users)
        .where(eq(users.id, userId));
      return rows[0] ?? null;
    },

    async gridOfCase(caseId) {
      const rows = await db.select({ gridCode: cases.gridCode }).from(cases).where(eq(cases.id, caseId));
      return rows[0]?.gridCode ?? null;
    },

    change(work) {
      return db.transaction((tx) => work(dutyWrites(tx)));
    },
  };
}

function dutyWrites(tx: DbOrTx): DutyWrites {
  return {
    audit: pgAuditLog(tx),
    async setRule(districtCode, rule, by, at) {
      const old = await tx
        .update(dutyRules)
        .set({ supersededAt: at, supersededBy: by })
        .where(and(eq(dutyRules.districtCode, districtCode), isNull(dutyRules.supersededAt)))
        .returning({ rule: dutyRules.rule });
      await tx.insert(dutyRules).values({ districtCode, rule, setBy: by, setAt: at });
      return (old[0]?.rule as DutyRuleKind | undefined) ?? null;
    },
    async setOverride(gridCode, day, slot, by, at) {
      const old = await tx
        .update(dutyOverrides)
        .set({ supersededAt: at, supersededBy: by })
        .where(and(eq(dutyOverrides.gridCode, gridCode), eq(dutyOverrides.day, day), isNull(dutyOverrides.supersededAt)))
        .returning({ slot: dutyOverrides.slot, setAt: dutyOverrides.setAt });
      if (slot) await tx.insert(dutyOverrides).values({ gridCode, day, slot, setBy: by, setAt: at });
      const latest = old.reduce<{ slot: string; setAt: Date } | null>((a, o) => (!a || o.setAt > a.setAt ? o : a), null);
      return (latest?.slot as DutySlot | undefined) ?? null;
    },
    async addSubstitute(s, by, at) {
      const [row] = await tx
        .insert(dutySubstitutes)
        .values({ gridCode: s.gridCode, post: s.post, userId: s.userId, fromDay: s.from, toDay: s.to, setBy: by, setAt: at })
        .returning({ id: dutySubstitutes.id });
      return row!.id;
    },
    async cancelSubstitute(gridCode, id, by, at) {
      const rows = await tx
        .update(dutySubstitutes)
        .set({ supersededAt: at, supersededBy: by })
        .where(and(eq(dutySubstitutes.id, id), eq(dutySubstitutes.gridCode, gridCode), isNull(dutySubstitutes.supersededAt)))
        .returning({ post: dutySubstitutes.post, userId: dutySubstitutes.userId, from: dutySubstitutes.fromDay, to: dutySubstitutes.toDay });
      const r = rows[0];
      return r ? { post: r.post as DutySlot, userId: r.userId, from: r.from, to: r.to } : null;
    },
  };
}
