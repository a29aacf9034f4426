import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { OPEN_STATES } from '@finecity/types';
import type { PolicyChange, PolicyDocument, PolicyTxStore, PolicyVersionReader, StoredPolicyVersion } from '../../usecases/admin/categories.js';
import type { DbOrTx } from './database.js';
import { cases, categories, policyVersions, users } from './schema.js';

/** The category and time-limit versions as the catalogue reads them (table policy_versions). */
export function pgPolicyVersionReader(db: DbOrTx): PolicyVersionReader {
  return {
    async since(after) {
      const rows = await db
        .select({
          version: policyVersions.version, createdAt: policyVersions.createdAt, createdBy: policyVersions.createdBy, createdByName: users.name,
          reason: policyVersions.reason, document: policyVersions.document, change: policyVersions.change,
        })
        .from(policyVersions)
        .leftJoin(users, eq(users.id, policyVersions.createdBy))
        .where(gt(policyVersions.version, after))
        .orderBy(asc(policyVersions.version));
      return rows.map((r) => ({ ...r, document: r.document as unknown as PolicyDocument, change: (r.change ?? null) as PolicyChange | null }));
    },
    async seedIfEmpty(first, at) {
      const inserted = await db
        .insert(policyVersions)
        .values({ version: 1, createdAt: at, createdBy: null, reason: '初始版本（来自配置文件）', document: first as unknown as Record<string, unknown>, change: null })
        .onConflictDoNothing({ target: policyVersions.version })
        .returning({ version: policyVersions.version });
      return inserted.length > 0;
    },
  };
}

/** The versions inside a transaction (TxPorts.policy). */
export function pgPolicyTxStore(db: DbOrTx): PolicyTxStore {
  return {
    async lockLatest() {
      // One writer at a time: the next version number and its document are based on the newest one.
      await db.execute(sql`select pg_advisory_xact_lock(hashtext('finecity:policy_versions'))`);
      const rows = await db.select().from(policyVersions).orderBy(sql`${policyVersions.version} desc`).limit(1);
      const r = rows[0];
      if (!r) return null;
      const v: StoredPolicyVersion = {
        version: r.version, createdAt: r.createdAt, createdBy: r.createdBy, createdByName: null, reason: r.reason,
        document: r.document as unknown as PolicyDocument, change: (r.change ?? null) as PolicyChange | null,
      };
      return v;
    },
    async insertVersion(v) {
      await db.insert(policyVersions).values({
        version: v.version, createdAt: v.createdAt, createdBy: v.createdBy, reason: v.reason,
        document: v.document as unknown as Record<string, unknown>, change: v.change as unknown as Record<string, unknown> | null,
      });
    },
    async updateCategory(code, entry) {
      await db.update(categories).set({ name: entry.name, departmentCode: entry.department, hint: entry.hint, enabled: entry.enabled }).where(eq(categories.code, code));
    },
    async openCases(code) {
      return db
        .select({ id: cases.id, caseNo: cases.caseNo, districtCode: cases.districtCode })
        .from(cases)
        .where(and(eq(cases.categoryCode, code), inArray(cases.state, [...OPEN_STATES])))
        .orderBy(asc(cases.caseNo))
        .for('update');
    },
    async moveCases(ids, toCode, at) {
      if (!ids.length) return;
      // Not a transition: the case's version (its event sequence) stays, so a concurrent action is not refused.
      await db.update(cases).set({ categoryCode: toCode, updatedAt: at }).where(inArray(cases.id, ids));
    },
  };
}
