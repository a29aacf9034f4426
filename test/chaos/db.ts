/** Read-only SQL for the chaos invariants, on PostgreSQL (node-postgres) or on a stopped PGlite data folder. */
export interface Sql {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function postgresSql(url: string): Promise<Sql> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async query<T>(text: string, params: unknown[] = []) {
      return (await client.query(text, params)).rows as T[];
    },
    close: () => client.end(),
  };
}

/**
 * The PGlite folder of a FineCity data dir (DATA_DIR/pglite). Only while no server owns it: PGlite has one
 * owner (README "PGlite has exactly one owner"), so the chaos run stops the server before it reads.
 */
export async function pgliteSql(dataDir: string): Promise<Sql> {
  const { PGlite } = await import('@electric-sql/pglite');
  const client = await PGlite.create({ dataDir });
  return {
    async query<T>(text: string, params: unknown[] = []) {
      return (await client.query<T>(text, params)).rows;
    },
    close: () => client.close(),
  };
}
