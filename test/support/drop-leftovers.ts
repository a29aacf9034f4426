import { readTemplateInfo } from './template.js';

/** Drops test databases a crashed file may have left behind (the template itself is kept for reuse). */
async function main(): Promise<void> {
  const info = readTemplateInfo();
  if (info.kind !== 'postgres' || !info.serverUrl) return;
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: info.serverUrl });
  await admin.connect();
  try {
    const left = await admin.query<{ datname: string }>("select datname from pg_database where datname like 'finecity_t\\_%' escape '\\'");
    // Without FORCE: a database another run is still using has connections and is left alone.
    for (const r of left.rows) await admin.query(`drop database if exists "${r.datname}"`).catch(() => undefined);
  } finally {
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`dropping leftover test databases failed: ${(err as Error)?.message ?? err}\n`);
    process.exit(1);
  },
);
