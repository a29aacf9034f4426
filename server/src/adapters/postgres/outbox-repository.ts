import { sql } from 'drizzle-orm';
import type { Effect } from '../../domain/case-machine.js';
import type { Outbox } from '../../usecases/repositories.js';
import type { DbOrTx } from './database.js';
import { outbox } from './schema.js';

/** The PostgreSQL channel the relay listens on; a notify inside the transaction is delivered at commit. */
export const OUTBOX_CHANNEL = 'finecity_outbox';

/**
 * The one outbox writer. Every effect of a transition (notifications, timers) and every clock alert is
 * written here in the caller's transaction; the relay publishes after commit.
 */
/** The one place an outbox row is shaped from a transition's effects. */
export function outboxRows(caseId: string, version: number, effects: Effect[]): { topic: string; caseId: string; payload: Record<string, unknown> }[] {
  return effects.map((e) => ({ topic: e.kind === 'notify' ? e.topic : e.kind, caseId, payload: { ...e.payload, caseId, version } }));
}

export function pgOutbox(db: DbOrTx): Outbox {
  async function insert(rows: { topic: string; caseId: string | null; payload: Record<string, unknown> }[], now: Date): Promise<void> {
    if (!rows.length) return;
    await db.insert(outbox).values(rows.map((r) => ({ ...r, createdAt: now })));
    // Wakes the relay at commit (https://www.postgresql.org/docs/current/sql-notify.html), on PostgreSQL and
    // on PGlite (its listen is in-process).
    await db.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
  }
  return {
    append: insert,
  };
}
