import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { CaseCommentStore } from '../../usecases/supervision/ports.js';
import type { DbOrTx } from './database.js';
import { caseComments, users } from './schema.js';

/** Staff roles whose people can be @-mentioned by name on a case (residents never are). */
const STAFF_ROLES = ['inspector', 'community', 'street', 'district', 'city', 'department', 'leader', 'third_party'];

/** Comments on cases, bound to a transaction or the pool. */
export function pgCaseCommentStore(db: DbOrTx): CaseCommentStore {
  return {
    async insert(c) {
      const [row] = await db
        .insert(caseComments)
        .values({ caseId: c.caseId, authorId: c.authorId, authorRole: c.authorRole, body: c.body, public: c.public, mentions: c.mentions, createdAt: c.createdAt })
        .returning({ id: caseComments.id });
      return { id: row!.id };
    },

    async list(caseId) {
      const rows = await db
        .select({
          id: caseComments.id, caseId: caseComments.caseId, authorId: caseComments.authorId, authorName: users.name, authorRole: caseComments.authorRole,
          body: caseComments.body, public: caseComments.public, mentions: caseComments.mentions, createdAt: caseComments.createdAt,
        })
        .from(caseComments)
        .leftJoin(users, eq(users.id, caseComments.authorId))
        .where(eq(caseComments.caseId, caseId))
        .orderBy(asc(caseComments.createdAt), asc(caseComments.id));
      return rows.map((r) => ({ ...r, authorName: r.authorName ?? '' }));
    },

    async staffAt(orgCodes) {
      if (!orgCodes.length) return [];
      const roles = sql`${users.roles} && ${sql.raw(`ARRAY['${STAFF_ROLES.join("','")}']::text[]`)}`;
      return db
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(and(inArray(users.orgNodeCode, orgCodes), eq(users.status, 'active'), roles));
    },
  };
}
