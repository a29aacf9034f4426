// One way for the browser tests to boot FineCity as `npm start` does (PGlite, sandbox, workers), each server
// with a BullMQ prefix of its own: two e2e files run side by side on the same Redis, and one server's worker
// must never take (and, against its own database, drop) a job another server queued. The prefix's keys are
// deleted when the server closes.
import crypto from 'node:crypto';
import { boot, type Running } from '../../server/src/boot.js';
import { loadConfig } from '../../server/src/config.js';
import { clearPrefix } from '../support/redis-prefix.js';

export async function bootForE2e(dataDir: string, env: Record<string, string> = {}): Promise<Running> {
  const prefix = `fce2e${process.pid}${crypto.randomBytes(3).toString('hex')}`;
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, PORT: '0', WECHAT_SANDBOX_PORT: '0', LOG_LEVEL: 'warn', QUEUE_PREFIX: prefix, ...env });
  const running = await boot(config);
  const close = running.close.bind(running);
  running.close = async () => {
    await close();
    await clearPrefix(config.redis.url, prefix);
  };
  return running;
}
