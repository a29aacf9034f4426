import { and, eq } from 'drizzle-orm';
import type { IdempotencyKeys } from '../../usecases/repositories.js';
import type { DbOrTx } from './database.js';
import { idempotencyKeys } from './schema.js';

export function pgIdempotencyKeys(db: DbOrTx): IdempotencyKeys {
  return {
    async find(userId, key) {
      const rows = await db.select({ caseId: idempotencyKeys.caseId, requestHash: idempotencyKeys.requestHash }).from(idempotencyKeys).where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
      return rows[0] ?? null;
    },
  };
}
