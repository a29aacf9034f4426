import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import { SANDBOX_DEFAULTS } from '../../server/src/config.js';
import { stableAccessToken, type AccessTokenSource } from '../../server/src/adapters/wechat/access-token.js';
import { loadPolicy } from '../../server/src/city-policy.js';
import type { SandboxMessage } from '../../server/src/sandbox/record.js';
import { createWeChatSandbox, sandboxGroups, type SandboxOptions, type WeChatSandbox } from '../../server/src/sandbox/wechat-sandbox.js';

/** A WeChat sandbox on port 0 with the project's templates and org-tree groups, plus small HTTP helpers. */
export interface TestSandbox {
  sandbox: WeChatSandbox;
  url: string;
  wecomBase: string;
  /** POST JSON to the sandbox (control endpoints and WeChat APIs alike). */
  post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  get(path: string): Promise<{ status: number; json: Record<string, unknown> }>;
  messages(query?: Record<string, string>): Promise<SandboxMessage[]>;
  /** How often a path was called (e.g. '/cgi-bin/stable_token'). */
  calls(path: string): number;
  /** Resolves once the sandbox handles no request: a call its client gave up on (an injected delay) runs on. */
  idle(): Promise<void>;
  /** Waits until idle, then closes: a late handler must not outlive the file (it kept Jest's worker from exiting). */
  close(): Promise<void>;
}

const policy = loadPolicy('config');
export const NOTIFY = policy.notifications;
export const TPL = {
  mpProgress: NOTIFY.templates.case_progress!.subscribe.templateId,
  mpTask: NOTIFY.templates.case_task!.subscribe.templateId,
  oaProgress: NOTIFY.templates.case_progress!.oaTemplate.templateId,
  oaTask: NOTIFY.templates.case_task!.oaTemplate.templateId,
  smsProgress: NOTIFY.templates.case_progress!.sms.templateCode,
};
/** A grid and a district of the seed org tree (they have group robots in the sandbox). */
export const GRID = policy.orgTree.find((n) => n.level === 'grid')!;
export const DISTRICT = policy.orgTree.find((n) => n.level === 'district')!;

export const MP = { appId: SANDBOX_DEFAULTS.mpAppId, secret: SANDBOX_DEFAULTS.mpAppSecret };
export const OA = { appId: SANDBOX_DEFAULTS.oaAppId, secret: SANDBOX_DEFAULTS.oaAppSecret };

export async function startSandbox(extra: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const sandbox = createWeChatSandbox({
    mpAppId: MP.appId,
    mpAppSecret: MP.secret,
    notifications: NOTIFY,
    ...sandboxGroups(policy.orgTree),
    ...extra,
  });
  let inFlight = 0;
  const waiters: (() => void)[] = [];
  // First in the chain, so it sees every request from its start to the end of the last handler.
  sandbox.app.middleware.unshift(async (_ctx, next) => {
    inFlight++;
    try {
      await next();
    } finally {
      if (--inFlight === 0) for (const wake of waiters.splice(0)) wake();
    }
  });
  const idle = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r)));
  const s = await sandbox.listen(0);
  const call = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${s.url}${path}`, init);
    const text = await res.text();
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = { text };
    }
    return { status: res.status, json };
  };
  return {
    sandbox,
    url: s.url,
    wecomBase: `${s.url}/qyapi`,
    post: (path, body) => call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    get: (path) => call(path),
    async messages(query = {}) {
      const r = await call(`/sandbox/messages?${new URLSearchParams(query).toString()}`);
      return r.json.messages as SandboxMessage[];
    },
    calls: (path) => sandbox.calls.filter((c) => c.path === path).length,
    idle,
    async close() {
      await idle();
      await s.close();
    },
  };
}

/** Real Redis under a key prefix of this test file's own; `cleanup()` deletes the prefix and disconnects. */
export async function testRedis(name: string): Promise<{ redis: Redis; prefix: string; cleanup(): Promise<void> }> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  const prefix = `test-${name}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  return {
    redis,
    prefix,
    async cleanup() {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}

export function tokensFor(s: TestSandbox, app: { appId: string; secret: string }, redis: Redis | null, prefix: string, timeoutMs = 2000): AccessTokenSource {
  return stableAccessToken({ apiBase: s.url, appId: app.appId, appSecret: app.secret, timeoutMs, redis, keyPrefix: prefix });
}

/** Case-progress data as the notifier fills it (semantic values, before normalisation). */
export function progressData(over: Record<string, string> = {}): Record<string, string> {
  return {
    character_string1: 'DL20261127-000123',
    thing2: '道路不洁',
    phrase3: '已受理',
    time4: '2026-11-27T01:05:00Z',
    thing5: '请耐心等待网格员处理',
    ...over,
  };
}
