import { boot } from './boot.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const running = await boot(config, logger);
  logger.info('FineCity is up', { url: running.url, database: running.deps.dbKind, sandbox: running.sandboxUrl });
  process.stdout.write(`\nFineCity: ${running.url}  (API docs: ${running.url}/api/v1/openapi.json)\n`);
  if (running.sandboxUrl) process.stdout.write(`WeChat sandbox: ${running.sandboxUrl}  (demo accounts: ${running.url}/api/v1/sandbox/accounts)\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`FineCity failed to start: ${(err as Error)?.message ?? err}\n`);
  process.exit(1);
});
