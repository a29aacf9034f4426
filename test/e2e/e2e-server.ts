// One way for the browser tests to boot FineCity as `npm start` does (PGlite, sandbox, workers), each server
// with a BullMQ prefix of its own: two e2e files run side by side on the same Redis, and one server's worker
// must never take (and, against its own database, drop) a job another server queued. The prefix's keys are
// deleted when the server closes.
import crypto from 'node:crypto';
import { boot, type Running } from '../../server/src/boot.js';
import { loadConfig } from '../../server/src/config.js';
import type { SandboxAccount } from '@finecity/types';
import { pgliteFolderFromTemplate } from '../support/pglite-folder.js';
import { clearPrefix } from '../support/redis-prefix.js';

/**
 * Boots on `dataDir` as `npm start` would on its second start: the folder starts as a copy of the migrated,
 * seeded template (an empty folder would spend most of the boot on migrations and the seed).
 */
export async function bootForE2e(dataDir: string, env: Record<string, string> = {}): Promise<Running> {
  await pgliteFolderFromTemplate(dataDir);
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

export { SAVE_SHOTS } from './save-shots.js';

/** The API as the e2e files call it beside the browser: demo accounts, their tokens, and checked JSON calls. */
export interface E2eApi {
  accounts: SandboxAccount[];
  account(openid: string): SandboxAccount;
  /** `fetch` that throws unless the status is `want`, with the body in the message. */
  call<T>(path: string, init?: RequestInit, want?: number): Promise<T>;
  /** A token for a demo account, logged in the way the app logs in. */
  token(openid: string): Promise<string>;
  /** A JSON POST with a bearer token. */
  json(token: string, body: unknown): RequestInit;
}

export async function e2eApi(baseUrl: string): Promise<E2eApi> {
  const accounts = ((await (await fetch(`${baseUrl}/api/v1/sandbox/accounts`)).json()) as { accounts: SandboxAccount[] }).accounts;
  const account = (openid: string): SandboxAccount => {
    const a = accounts.find((x) => x.openid === openid);
    if (!a) throw new Error(`no sandbox account ${openid}`);
    return a;
  };
  async function call<T>(p: string, init: RequestInit = {}, want = 200): Promise<T> {
    const res = await fetch(`${baseUrl}${p}`, init);
    const body = await res.json();
    if (res.status !== want) throw new Error(`${init.method ?? 'GET'} ${p}: ${res.status} ${JSON.stringify(body)}`);
    return body as T;
  }
  const json = (t: string, body: unknown): RequestInit => ({ method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const token = async (openid: string) =>
    (await call<{ token: string }>('/api/v1/auth/wechat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: account(openid).code }) })).token;
  return { accounts, account, call, token, json };
}
