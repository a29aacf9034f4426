import fs from 'node:fs';
import path from 'node:path';
import { migrate, openPglite, openPostgres } from '../../server/src/adapters/postgres/database.js';
import { seedIfEmpty } from '../../server/src/adapters/postgres/seed.js';
import { loadPolicy } from '../../server/src/city-policy.js';
import { TEMPLATE_INFO, TMP_DIR, templateHash, withDatabase, type TemplateInfo } from './template.js';

/**
 * Builds one migrated, seeded database per run; every test file then gets its own copy
 * (https://www.postgresql.org/docs/current/manage-ag-templatedbs.html): CREATE DATABASE … TEMPLATE on PostgreSQL, a dump restore on PGlite.
 */
async function main(): Promise<void> {
  fs.mkdirSync(TMP_DIR, { recursive: true });
  const url = process.env.DATABASE_URL;
  const info = url ? await postgresTemplate(url) : await pgliteTemplate();
  fs.writeFileSync(TEMPLATE_INFO, JSON.stringify(info));
}

async function pgliteTemplate(): Promise<TemplateInfo> {
  const dump = path.join(TMP_DIR, `pglite-${templateHash()}.tar`);
  if (!fs.existsSync(dump)) {
    const database = await openPglite(null);
    await migrate(database);
    await seedIfEmpty(database.db, loadPolicy('config'));
    // drizzle's PGlite session exposes the client; dumpDataDir is PGlite's own API.
    const client = (database.db as unknown as { $client: { dumpDataDir(c: 'none'): Promise<Blob> } }).$client;
    const blob = await client.dumpDataDir('none');
    fs.writeFileSync(`${dump}.part`, Buffer.from(await blob.arrayBuffer()));
    fs.renameSync(`${dump}.part`, dump);
    await database.close();
  }
  return { kind: 'pglite', ref: dump };
}

async function postgresTemplate(url: string): Promise<TemplateInfo> {
  const name = `finecity_tpl_${templateHash()}`;
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      await admin.query(`create database "${name}_build"`).catch(async () => {
        await admin.query(`drop database if exists "${name}_build"`);
        await admin.query(`create database "${name}_build"`);
      });
      const database = await openPostgres(withDatabase(url, `${name}_build`), 2);
      await migrate(database);
      await seedIfEmpty(database.db, loadPolicy('config'));
      await database.close();
      await admin.query(`alter database "${name}_build" rename to "${name}"`);
    }
  } finally {
    await admin.end();
  }
  return { kind: 'postgres', ref: name, serverUrl: url };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`building the test database template failed: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  },
);
