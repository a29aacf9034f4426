import { migrate, openPostgres } from './adapters/postgres/database.js';
import { buildSla, useStoredCalendar, useStoredCategories, watchOrgTree } from './composition.js';
import { pgOrgDirectory } from './adapters/postgres/org-directory.js';
import { resolveApiBases, type AppConfig } from './config.js';
import type { Logger } from './logger.js';
import { buildNotifier } from './notifier.js';
import { loadPolicy } from './city-policy.js';

/**
 * The workers alone (relay, deliveries, timers, sweep, schedules), for deployments on a PostgreSQL server:
 * `FINECITY_ROLE=worker` (npm run start:worker). Any number may run against one database and one Redis:
 * the relay claims outbox rows with SKIP LOCKED, job ids are deterministic, and notification rows are
 * unique by dedupe key. On PGlite the workers run inside `npm start`, which owns the database.
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
    // Deadline warnings use the stored working calendar (the admin's edits), re-read every minute.
    const sla = buildSla(policy, logger);
    const calendar = await useStoredCalendar(database, policy, sla, logger);
    // Messages name categories as the city admin last named them (re-read every minute).
    const categories = await useStoredCategories(database, policy, sla, logger);
    // Names and levels of units for messages: the stored tree, re-read when a grid import changes it.
    const org = await pgOrgDirectory(database.db);
    const treeWatch = watchOrgTree(database, () => org.refresh(), logger);
    const notifier = await buildNotifier({
      config, policy, database, sla, logger, apiBases, sandboxOn: config.sandbox.enabled, clock: { now: () => new Date() },
      startWorkers: true, withApi: false, categoryNames: categories, org,
    });
    return {
      async close() {
        calendar.stop();
        categories.stop();
        treeWatch.stop();
        await notifier.close();
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
