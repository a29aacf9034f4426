import { sql } from 'drizzle-orm';
import type { PhotoRows } from '../../usecases/photo-intake.js';
import type { DbOrTx } from './database.js';
import { casePhotos } from './schema.js';

/** The photo rows (case_photos): which of a list of ids a case names. */
export function pgPhotoRows(db: DbOrTx): PhotoRows {
  return {
    async known(ids) {
      if (!ids.length) return new Set();
      if (!ids.every((id) => UUID.test(id))) throw new Error('photo ids are uuids');
      // One array parameter (a PostgreSQL array literal of uuids): one statement text whatever the batch's size.
      const rows = await db.select({ id: casePhotos.id }).from(casePhotos).where(sql`${casePhotos.id} = any(${`{${ids.join(',')}}`}::uuid[])`);
      return new Set(rows.map((r) => r.id));
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
