import { sql } from 'drizzle-orm';
import type { Database } from '../../../server/src/adapters/postgres/database.js';

/**
 * A cheap fingerprint of everything the app stores: per table, its row count and the newest row version
 * (max xmin: every insert and update writes a new row version, https://www.postgresql.org/docs/current/ddl-system-columns.html).
 * Two equal fingerprints mean no row was inserted, updated or deleted in between.
 */
export interface Fingerprinter {
  /** The fingerprint now; recomputed only when some transaction took a transaction id since the last call. */
  take(): Promise<Record<string, string>>;
}

/** Tables a refusal writes on purpose: wrong staff activation codes are counted, so that the 5th locks the identity. */
const WRITTEN_ON_REFUSAL = new Set(['staff_invite_attempts']);

export async function fingerprinter(database: Database): Promise<Fingerprinter> {
  const rows = await exec(database, `select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  const tables = rows.map((r) => String(r.t)).filter((t) => !WRITTEN_ON_REFUSAL.has(t) && !t.startsWith('__drizzle'));
  const query = tables.map((t) => `select '${t}' as t, count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text as f from "${t}"`).join(' union all ');
  // Every write takes a transaction id (https://www.postgresql.org/docs/current/transaction-id.html); so does
  // this probe, once. When the id moved by exactly one since the last probe, nothing was written in between
  // and the full scan is skipped; otherwise (a write, or a refusal that locked rows) the tables are compared.
  const xid = async () => BigInt(String((await exec(database, 'select pg_current_xact_id()::text as x'))[0]!.x));
  let last = await xid();
  let print = Object.fromEntries((await exec(database, query)).map((r) => [String(r.t), String(r.f)]));
  return {
    async take() {
      const now = await xid();
      if (now !== last + 1n) print = Object.fromEntries((await exec(database, query)).map((r) => [String(r.t), String(r.f)]));
      last = await xid();
      return print;
    },
  };
}

async function exec(database: Database, text: string): Promise<Record<string, unknown>[]> {
  const r = await database.db.execute(sql.raw(text));
  return (r as unknown as { rows: Record<string, unknown>[] }).rows;
}

/** The tables whose fingerprint moved. */
export function changed(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(after).filter((t) => before[t] !== after[t]);
}
