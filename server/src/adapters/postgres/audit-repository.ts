import { and, count, desc, eq, gte, like, lt, sql, type SQL } from 'drizzle-orm';
import type { AuditEntry, AuditLog, AuditRecord } from '../../usecases/admin/audit.js';
import type { DbOrTx } from './database.js';
import { auditLog, orgNodes, users } from './schema.js';

/**
 * What a line is about, in words: the person's name, the unit's name or the case's number (null when the
 * entity is of another kind or gone).
 */
const ENTITY_NAME = sql<string | null>`case ${auditLog.entityType}
  when 'user' then (select u.name from users u where u.id::text = ${auditLog.entityId})
  when 'org_node' then (select o.name from org_nodes o where o.code = ${auditLog.entityId})
  when 'case' then (select c.case_no from cases c where c.id::text = ${auditLog.entityId})
  when 'category' then (select c.name from categories c where c.code = ${auditLog.entityId})
  else null end`;

/** The audit log on the database connection or transaction it is bound to. */
export function pgAuditLog(db: DbOrTx): AuditLog {
  return {
    async record(entry) {
      const rows = (Array.isArray(entry) ? entry : [entry]).map((e: AuditEntry) => ({
        at: e.at, actorId: e.actorId, actorRole: e.actorRole, action: e.action, entityType: e.entityType, entityId: e.entityId,
        orgNodeCode: e.orgNodeCode, before: e.before ?? null, after: e.after ?? null, note: e.note ?? null,
      }));
      if (rows.length) await db.insert(auditLog).values(rows);
    },

    async list(f) {
      const where: SQL[] = [];
      if (f.actorId) where.push(eq(auditLog.actorId, f.actorId));
      if (f.entityType) where.push(eq(auditLog.entityType, f.entityType));
      if (f.entityId) where.push(eq(auditLog.entityId, f.entityId));
      if (f.from) where.push(gte(auditLog.at, f.from));
      if (f.to) where.push(lt(auditLog.at, f.to));
      if (f.underPath) where.push(like(orgNodes.path, `${f.underPath}%`));
      const cond = where.length ? and(...where) : undefined;
      const [items, [total]] = await Promise.all([
        db
          .select({
            id: auditLog.id, at: auditLog.at, actorId: auditLog.actorId, actorRole: auditLog.actorRole, actorName: users.name, action: auditLog.action,
            entityType: auditLog.entityType, entityId: auditLog.entityId, entityName: ENTITY_NAME, orgNodeCode: auditLog.orgNodeCode, before: auditLog.before, after: auditLog.after, note: auditLog.note,
          })
          .from(auditLog)
          .leftJoin(users, eq(users.id, auditLog.actorId))
          .leftJoin(orgNodes, eq(orgNodes.code, auditLog.orgNodeCode))
          .where(cond)
          .orderBy(desc(auditLog.at), desc(auditLog.id))
          .limit(f.pageSize)
          .offset((f.page - 1) * f.pageSize),
        db.select({ n: count() }).from(auditLog).leftJoin(orgNodes, eq(orgNodes.code, auditLog.orgNodeCode)).where(cond),
      ]);
      return { items: items as AuditRecord[], total: total?.n ?? 0 };
    },
  };
}
