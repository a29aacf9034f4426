import { sql } from 'drizzle-orm';
import type { TrackingLinkStore } from '../../usecases/residents/tracking-links.js';
import { rowsOf } from './case-repository.js';
import type { Db } from './database.js';

/** Each case's current tracking-link generation and token hash (table case_tracking_tokens). */
export function pgTrackingLinks(db: Db): TrackingLinkStore {
  return {
    async generation(caseId) {
      const [r] = rowsOf<{ generation: number }>(await db.execute(sql`select generation from case_tracking_tokens where case_id = ${caseId}::uuid`));
      return r ? Number(r.generation) : null;
    },
    async save(caseId, generation, tokenHash, at, revoked) {
      const when = at.toISOString();
      // Two people asking for the first link at once both write generation 1 with the same hash: no conflict.
      await db.execute(sql`
        insert into case_tracking_tokens (case_id, generation, token_hash, created_at, revoked_at)
        values (${caseId}::uuid, ${generation}, ${tokenHash}, ${when}::timestamptz, ${revoked ? when : null}::timestamptz)
        on conflict (case_id) do update set generation = greatest(case_tracking_tokens.generation, excluded.generation),
          token_hash = case when excluded.generation >= case_tracking_tokens.generation then excluded.token_hash else case_tracking_tokens.token_hash end,
          revoked_at = coalesce(excluded.revoked_at, case_tracking_tokens.revoked_at)`);
    },
  };
}
