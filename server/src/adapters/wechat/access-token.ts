import crypto from 'node:crypto';
import type { Redis } from 'ioredis';
import { callJson } from './http.js';
import { WeChatCallError } from './wechat-call-error.js';

/**
 * The access token of one appid: WeChat's stable token (`POST cgi-bin/stable_token`,
 * https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken),
 * kept in Redis and shared by every process, so that one process fetches it and all use it. A Redis lock
 * (SET NX PX) makes a single process renew; the others keep using the old token, which stays valid during
 * WeChat's 5-minute overlap, or wait for the new one. Without Redis (null, or down) the cache is in-process.
 */
export interface AccessToken {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface AccessTokenSource {
  readonly appId: string;
  /** A valid token: the shared one, or one fetched by a single process. */
  get(): Promise<AccessToken>;
  /** After 40001/42001 with `stale`: drop it if it is still the cached one (no force_refresh: it is limited to 20 a day), and get another. */
  refresh(stale: string): Promise<AccessToken>;
}

export interface StableTokenOptions {
  apiBase: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
  redis: Redis | null;
  /** Redis key prefix (default 'finecity'): `<prefix>:wechat:access-token:<appid>`. */
  keyPrefix?: string;
  now?: () => number;
  /** Renew this long before expiry: inside WeChat's 5-minute overlap, so it has a new token ready (default 4 min). */
  renewBeforeMs?: number;
  lockTtlMs?: number;
}

/** A token this close to its end is not handed out. */
const SAFETY_MS = 30_000;
const REDIS_OP_MS = 1000;
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
const DROP_IF = "local v = redis.call('GET', KEYS[1]) if v and cjson.decode(v).token == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

export function stableAccessToken(o: StableTokenOptions): AccessTokenSource {
  const now = o.now ?? Date.now;
  const renewBefore = o.renewBeforeMs ?? 4 * 60_000;
  const lockTtl = o.lockTtlMs ?? Math.max(o.timeoutMs * 2, 5000);
  const key = `${o.keyPrefix ?? 'finecity'}:wechat:access-token:${o.appId}`;
  const lockKey = `${key}:lock`;
  let local: AccessToken | null = null;
  let inflight: Promise<AccessToken> | null = null;

  const usable = (t: AccessToken | null): t is AccessToken => !!t && t.expiresAt - now() > SAFETY_MS;
  const current = (t: AccessToken | null): t is AccessToken => usable(t) && t.expiresAt - now() > renewBefore;
  const redis = (): Redis | null => (o.redis && o.redis.status === 'ready' ? o.redis : null);

  async function fetchStable(): Promise<AccessToken> {
    const { json } = await callJson(`${o.apiBase.replace(/\/+$/, '')}/cgi-bin/stable_token`, {
      body: { grant_type: 'client_credential', appid: o.appId, secret: o.appSecret, force_refresh: false },
      timeoutMs: o.timeoutMs,
    });
    if (json.errcode || typeof json.access_token !== 'string') throw new WeChatCallError(json.errcode ?? -1, json.errmsg ?? 'no access_token in the answer');
    return { token: json.access_token, expiresAt: now() + Number(json.expires_in ?? 7200) * 1000 };
  }

  async function localGet(): Promise<AccessToken> {
    if (current(local)) return local;
    return (local = await fetchStable());
  }

  async function sharedGet(r: Redis): Promise<AccessToken> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const cached = parse(await bounded(r.get(key)));
      if (current(cached)) return (local = cached);
      const owner = crypto.randomBytes(12).toString('hex');
      if ((await bounded(r.set(lockKey, owner, 'PX', lockTtl, 'NX'))) === 'OK') {
        try {
          const again = parse(await bounded(r.get(key)));
          if (current(again)) return (local = again);
          const t = await fetchStable();
          await bounded(r.set(key, JSON.stringify(t), 'PX', Math.max(1000, t.expiresAt - now())));
          return (local = t);
        } finally {
          await bounded(r.eval(RELEASE, 1, lockKey, owner)).catch(() => undefined);
        }
      }
      // Another process is renewing: the old token still works (WeChat's overlap), else wait for the new one.
      if (usable(cached)) return cached;
      const waited = await waitFor(r);
      if (waited) return (local = waited);
    }
    return localGet();
  }

  async function waitFor(r: Redis): Promise<AccessToken | null> {
    const until = now() + lockTtl + 500;
    while (now() < until) {
      await new Promise((res) => setTimeout(res, 50));
      const t = parse(await bounded(r.get(key)));
      if (usable(t)) return t;
      if (!(await bounded(r.exists(lockKey)))) return null;
    }
    return null;
  }

  async function get(): Promise<AccessToken> {
    // A token this process already holds is good until its own expiry (a stable token is not revoked when
    // another process renews: https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html),
    // so the shared cache is read only when this process has none; 40001/42001 drop it through refresh().
    if (current(local)) return local;
    const r = redis();
    if (!r) return localGet();
    try {
      return await sharedGet(r);
    } catch (err) {
      if (err instanceof WeChatCallError) throw err;
      return localGet(); // Redis failed mid-way: this process carries on with its own cache.
    }
  }

  const source: AccessTokenSource = {
    appId: o.appId,
    get() {
      // One fetch at a time per process; concurrent callers share it.
      inflight ??= get().finally(() => (inflight = null));
      return inflight;
    },
    async refresh(stale) {
      if (local?.token === stale) local = null;
      const r = redis();
      if (r) await bounded(r.eval(DROP_IF, 1, key, stale)).catch(() => undefined);
      return source.get();
    },
  };
  return source;
}

/**
 * Calls a token-taking WeChat API; on 40001/42001 refreshes the token once (without force) and calls again
 * (the stable-token page above). The second answer is final, whatever it is.
 */
export async function withAccessToken<T extends { errcode?: number }>(tokens: AccessTokenSource, call: (token: string) => Promise<T>): Promise<T> {
  const t = await tokens.get();
  const first = await call(t.token);
  if (first.errcode !== 40001 && first.errcode !== 42001) return first;
  const fresh = await tokens.refresh(t.token);
  return call(fresh.token);
}

function parse(v: string | null): AccessToken | null {
  if (!v) return null;
  try {
    const t = JSON.parse(v) as AccessToken;
    return typeof t.token === 'string' && typeof t.expiresAt === 'number' ? t : null;
  } catch {
    return null;
  }
}

/** A Redis call that gives up after a second, so a stalled Redis never stalls a send or a report. */
function bounded<T>(p: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('redis timeout')), REDIS_OP_MS);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
