import { exclusively, migrate, openPostgres } from './adapters/postgres/database.js';
import { seedIfEmpty } from './adapters/postgres/seed.js';
import { compose } from './composition.js';
import { resolveApiBases, type AppConfig } from './config.js';
import type { Logger } from './logger.js';
import { loadPolicy } from './city-policy.js';

/**
 * The workers alone (relay, deliveries, timers, sweep, schedules), for deployments on a PostgreSQL server:
 * `FINECITY_ROLE=worker` (npm run start:worker). Any number may run against one database and one Redis:
 * the relay claims outbox rows with SKIP LOCKED, job ids are deterministic, and notification rows are
 * unique by dedupe key. On PGlite the workers run inside `npm start`, which owns the database.
 *
 * The same composition as the API's (stored working calendar and categories re-read every minute, the org tree
 * re-read after a grid import): the scheduled group reports need the scorecards' ports too.
 */
export async function startWorkerProcess(config: Readonly<AppConfig>, logger: Logger): Promise<{ close(): Promise<void> }> {
  if (!config.databaseUrl) throw new Error('FINECITY_ROLE=worker needs DATABASE_URL: on PGlite the workers run inside npm start (FINECITY_ROLE=all)');
  // With the sandbox on, the API process serves it; the workers send there (WECHAT_SANDBOX_PORT).
  const sandboxUrl = config.sandbox.enabled ? `http://127.0.0.1:${config.sandbox.port}` : null;
  const apiBases = resolveApiBases(config, sandboxUrl);
  const policy = loadPolicy(config.configDir);
  const database = await openPostgres(config.databaseUrl, 10, (err) => logger.warn('postgres: an idle connection failed and was discarded', { err: err.message }));
  try {
    await migrate(database);
    // A worker that starts before any API on a fresh database seeds it itself (under the schema lock, so once):
    // its org directory is read next and would otherwise stay empty until the tree's version moves.
    if (await exclusively(database, () => seedIfEmpty(database.db, policy))) logger.info('seeded the Dalian org tree, categories and demo accounts');
    const composition = await compose({
      config, policy, database, logger, apiBases, sandboxOn: config.sandbox.enabled, notifications: { workers: true, withApi: false },
    });
    return {
      async close() {
        await composition.close();
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
