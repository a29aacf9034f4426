import { boot } from './boot.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startWorkerProcess } from './worker.js';

/**
 * One entry, three roles (FINECITY_ROLE): `all` (default, `npm start`) serves the API and runs the workers;
 * `api` (`npm run start:api`) serves the API only; `worker` (`npm run start:worker`) runs the workers only.
 * On PostgreSQL any number of each may run against one database and one Redis. PGlite has one owner
 * process, so there the API always runs its workers itself.
 */
async function main(): Promise<void> {
  const loaded = loadConfig();
  const logger = createLogger(loaded.logLevel);
  const role = loaded.role;
  let close: () => Promise<void>;
  if (role === 'worker') {
    const w = await startWorkerProcess(loaded, logger);
    close = w.close;
    logger.info('FineCity workers are up', { redis: loaded.redis.url, prefix: loaded.redis.prefix });
    process.stdout.write('\nFineCity workers are running (FINECITY_ROLE=worker)\n');
  } else {
    const config = role === 'api' ? Object.freeze({ ...loaded, workers: Object.freeze({ ...loaded.workers, enabled: false }) }) : loaded;
    if (role === 'api' && !config.databaseUrl) logger.warn('FINECITY_ROLE=api on PGlite: the workers run in this process anyway (PGlite has one owner)');
    const running = await boot(config, logger);
    close = running.close;
    logger.info('FineCity is up', { url: running.url, database: running.database.kind, role, workers: !!running.notifier.workers, sandbox: running.sandboxUrl });
    process.stdout.write(`\nFineCity: ${running.url}  (API docs: ${running.url}/api/v1/openapi.json)\n`);
    if (running.sandboxUrl) process.stdout.write(`WeChat sandbox: ${running.sandboxUrl}  (demo accounts: ${running.url}/api/v1/sandbox/accounts)\n`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    await close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`FineCity failed to start: ${(err as Error)?.message ?? err}\n`);
  process.exit(1);
});
