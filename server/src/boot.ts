import http from 'node:http';
import { openPglite, openPostgres, migrate, type Database } from './adapters/postgres/database.js';
import { seedIfEmpty } from './adapters/postgres/seed.js';
import type { AppConfig } from './config.js';
import { buildDeps, type AppDeps } from './deps.js';
import { createApp } from './http/app.js';
import { createLogger, type Logger } from './logger.js';
import { loadPolicy } from './policy.js';
import { createWeChatSandbox } from './sandbox/wechat-sandbox.js';
import path from 'node:path';

export interface Running {
  url: string;
  sandboxUrl: string | null;
  deps: AppDeps;
  close(): Promise<void>;
}

/**
 * Starts FineCity in one process: database (PGlite owns its folder, so the API and, later, the workers
 * run here), migrations, seed, the WeChat sandbox when on, then the HTTP server.
 */
export async function boot(config: Readonly<AppConfig>, logger: Logger = createLogger(config.logLevel)): Promise<Running> {
  const policy = loadPolicy(config.configDir);
  const database: Database = config.databaseUrl ? await openPostgres(config.databaseUrl) : await openPglite(path.join(config.dataDir, 'pglite'));
  const closers: (() => Promise<void>)[] = [() => database.close()];
  try {
    await migrate(database);
    if (await seedIfEmpty(database.db, policy)) logger.info('seeded the Dalian org tree, categories and demo accounts');
    let sandboxUrl: string | null = null;
    if (config.sandbox.enabled) {
      const sandbox = createWeChatSandbox({ mpAppId: config.wechat.mpAppId, mpAppSecret: config.wechat.mpAppSecret });
      const s = await sandbox.listen(config.sandbox.port, '127.0.0.1');
      closers.unshift(s.close);
      sandboxUrl = s.url;
    }
    const apiBase = config.wechat.apiBase ?? sandboxUrl;
    if (!apiBase) throw new Error('WECHAT_API_BASE is required when the sandbox is off');
    const deps = buildDeps({ config, policy, database, logger, wechatApiBase: apiBase });
    const app = createApp(deps, sandboxUrl ? { sandboxBase: () => sandboxUrl } : {});
    const server = http.createServer(app.callback());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, resolve);
    });
    closers.unshift(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as { port: number }).port;
    return { url: `http://${config.host}:${port}`, sandboxUrl, deps, close: () => runAll(closers) };
  } catch (err) {
    await runAll(closers);
    throw err;
  }
}

async function runAll(fns: (() => Promise<void>)[]): Promise<void> {
  for (const f of fns) {
    try {
      await f();
    } catch {
      /* closing: keep going */
    }
  }
}
