import { migrate, openPostgres } from './adapters/postgres/database.js';
import { loadConfig, resolveApiBases } from './config.js';
import { compose } from './composition.js';
import { createLogger } from './logger.js';
import { loadPolicy } from './city-policy.js';

/**
 * The workers alone (relay, deliveries, timers, sweep, schedules), for deployments on a PostgreSQL
 * server. On PGlite they run inside `npm start`, which owns the database.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (!config.databaseUrl) throw new Error('worker.ts needs DATABASE_URL: on PGlite the workers run inside npm start');
  if (!config.wechat.apiBase) throw new Error('worker.ts needs WECHAT_API_BASE (and WECOM_API_BASE, SMS_API_BASE): it does not start a sandbox');
  const policy = loadPolicy(config.configDir);
  const database = await openPostgres(config.databaseUrl, 10, (err) => logger.warn('postgres: an idle connection failed and was discarded', { err: err.message }));
  await migrate(database);
  const apiBases = resolveApiBases(config, null);
  const { notifier: built } = await compose({ config, policy, database, logger, apiBases, sandboxOn: false, notifications: { workers: true } });
  const notifier = built!;
  logger.info('FineCity workers are up', { redis: config.redis.url, prefix: config.redis.prefix });
  const stop = async () => {
    await notifier.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`FineCity workers failed to start: ${(err as Error)?.message ?? err}\n`);
  process.exit(1);
});
