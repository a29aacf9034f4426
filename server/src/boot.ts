import http from 'node:http';
import { exclusively, openConfigured, migrate, type Database } from './adapters/postgres/database.js';
import { seedIfEmpty } from './adapters/postgres/seed.js';
import { resolveApiBases, type AppConfig } from './config.js';
import { compose, type AppDeps } from './composition.js';
import { createApp } from './http/app.js';
import { createLogger, type Logger } from './logger.js';
import { loadPolicy } from './city-policy.js';
import type { Notifier } from './notifier.js';
import { createWeChatSandbox, sandboxOptionsFor, type WeChatSandbox } from './sandbox/wechat-sandbox.js';

export interface Running {
  url: string;
  sandboxUrl: string | null;
  /** The running sandbox (its record and control), or null when it is off. */
  sandbox: WeChatSandbox | null;
  /** Where the adapters send: WeChat, WeCom and SMS hosts (config, else the sandbox's). */
  apiBases: { wechat: string; wecom: string; sms: string };
  deps: AppDeps;
  /** The database this process opened (benches and tests read it directly; the app goes through ports). */
  database: Database;
  notifier: Notifier;
  close(): Promise<void>;
}

/**
 * Starts FineCity in one process: database (PGlite owns its folder, so the API and, later, the workers
 * run here), migrations, seed, the WeChat sandbox when on, then the HTTP server.
 */
export async function boot(config: Readonly<AppConfig>, logger: Logger = createLogger(config.logLevel)): Promise<Running> {
  const policy = loadPolicy(config.configDir);
  const database: Database = await openConfigured(config, 10, (err) => logger.warn('postgres: an idle connection failed and was discarded', { err: err.message }));
  const closers: (() => Promise<void>)[] = [() => database.close()];
  try {
    await migrate(database);
    // Under the schema lock: API processes started together on a fresh database seed it once.
    if (await exclusively(database, () => seedIfEmpty(database.db, policy))) logger.info('seeded the Dalian org tree, categories and demo accounts');
    let sandboxUrl: string | null = null;
    let sandbox: WeChatSandbox | null = null;
    if (config.sandbox.enabled) {
      sandbox = createWeChatSandbox(sandboxOptionsFor(config, policy));
      const s = await sandbox.listen(config.sandbox.port, '127.0.0.1');
      closers.unshift(s.close);
      sandboxUrl = s.url;
    }
    const apiBases = resolveApiBases(config, sandboxUrl);
    // On PGlite the workers must live here: the database has exactly one owner process.
    const { deps, notifier, close } = await compose({
      config, policy, database, logger, apiBases, sandboxOn: !!sandbox, sandboxUrl,
      notifications: { workers: config.workers.enabled || database.kind === 'pglite' },
    });
    closers.unshift(close);
    const app = createApp(deps, sandboxUrl && sandbox ? { sandboxBase: () => sandboxUrl, sandbox } : {});
    const server = http.createServer(app.callback());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, resolve);
    });
    closers.unshift(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as { port: number }).port;
    // The sandbox plays the partner platforms, which send tickets here (sandbox/partner-api.ts).
    sandbox?.partners.setFineCityUrl(`http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`);
    return { url: `http://${config.host}:${port}`, sandboxUrl, sandbox, apiBases, deps, database, notifier: notifier!, close: () => runAll(closers) };
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
