import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Redis as RedisClient, type Redis } from 'ioredis';
import { stableAccessToken, withAccessToken } from '../../server/src/adapters/wechat/access-token.js';
import { WeChatCallError } from '../../server/src/adapters/wechat/wechat-call-error.js';
import { MP, OA, startSandbox, testRedis, tokensFor, type TestSandbox } from './support.js';

let s: TestSandbox;
let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;
let n = 0;
/** A fresh key prefix per test, so tests share nothing through Redis. */
let p: string;

beforeAll(async () => {
  s = await startSandbox();
  ({ redis, prefix, cleanup } = await testRedis('access-token'));
});
afterAll(async () => {
  await cleanup?.();
  await s?.close();
});
beforeEach(() => {
  s.sandbox.calls.length = 0;
  p = `${prefix}:${++n}`;
});

describe('the shared stable access token', () => {
  it('is fetched once for two adapter processes sharing Redis, even when both ask at once', async () => {
    const a = tokensFor(s, MP, redis, p);
    const b = tokensFor(s, MP, redis, p);
    const [ta, tb, tc] = await Promise.all([a.get(), b.get(), a.get()]);
    expect(ta.token).toBe(tb.token);
    expect(tc.token).toBe(ta.token);
    expect((await b.get()).token).toBe(ta.token);
    expect(s.calls('/cgi-bin/stable_token')).toBe(1);
    expect(s.sandbox.calls.find((c) => c.path === '/cgi-bin/stable_token')?.method).toBe('POST');
    const stored = JSON.parse((await redis.get(`${p}:wechat:access-token:${MP.appId}`))!) as { token: string; expiresAt: number };
    expect(stored.token).toBe(ta.token);
    expect(await redis.pttl(`${p}:wechat:access-token:${MP.appId}`)).toBeGreaterThan(7000_000);
  });

  it('keeps one token per appid', async () => {
    const mp = await tokensFor(s, MP, redis, p).get();
    const oa = await tokensFor(s, OA, redis, p).get();
    expect(mp.token).not.toBe(oa.token);
    expect(s.calls('/cgi-bin/stable_token')).toBe(2);
  });

  it('renews in the last minutes before expiry from one process only', async () => {
    let clock = Date.now();
    const opts = { apiBase: s.url, appId: MP.appId, appSecret: MP.secret, timeoutMs: 2000, redis, keyPrefix: p, now: () => clock };
    const a = stableAccessToken(opts);
    const b = stableAccessToken(opts);
    await a.get();
    clock += 7200_000 - 3 * 60_000; // inside the 4-minute renewal margin
    await Promise.all([a.get(), b.get(), b.get()]);
    expect(s.calls('/cgi-bin/stable_token')).toBe(2);
  });

  it('without Redis caches in the process and still fetches once for concurrent callers', async () => {
    const local = tokensFor(s, MP, null, p);
    const [x, y] = await Promise.all([local.get(), local.get()]);
    expect(x.token).toBe(y.token);
    await local.get();
    expect(s.calls('/cgi-bin/stable_token')).toBe(1);
  });

  it('falls back to the in-process cache when Redis is not reachable', async () => {
    const unreachable = new RedisClient('redis://127.0.0.1:9', { lazyConnect: true, maxRetriesPerRequest: 0 });
    const t = stableAccessToken({ apiBase: s.url, appId: MP.appId, appSecret: MP.secret, timeoutMs: 2000, redis: unreachable, keyPrefix: p });
    expect((await t.get()).token).toMatch(/^sbx_mp_/);
    await t.get();
    expect(s.calls('/cgi-bin/stable_token')).toBe(1);
    unreachable.disconnect();
  });

  it('refreshes a token the platform no longer knows (40001) once, and the second answer is final', async () => {
    await redis.set(`${p}:wechat:access-token:${MP.appId}`, JSON.stringify({ token: 'left-over-from-an-old-sandbox', expiresAt: Date.now() + 3600_000 }));
    const tokens = tokensFor(s, MP, redis, p);
    const seen: string[] = [];
    const reply = await withAccessToken(tokens, async (token) => {
      seen.push(token);
      const r = await fetch(`${s.url}/wxa/msg_sec_check?access_token=${token}`, { method: 'POST', body: JSON.stringify({ version: 2, openid: 'resident-01', scene: 2, content: '你好' }) });
      return (await r.json()) as { errcode: number };
    });
    expect(reply.errcode).toBe(0);
    expect(seen[0]).toBe('left-over-from-an-old-sandbox');
    expect(seen).toHaveLength(2);
    expect(s.calls('/cgi-bin/stable_token')).toBe(1);
  });

  it('reports bad credentials as a WeChatCallError with the platform code', async () => {
    const bad = stableAccessToken({ apiBase: s.url, appId: MP.appId, appSecret: 'wrong', timeoutMs: 2000, redis, keyPrefix: p });
    await expect(bad.get()).rejects.toEqual(expect.objectContaining({ errcode: 40125 }));
    await expect(bad.get()).rejects.toBeInstanceOf(WeChatCallError);
    expect(await redis.exists(`${p}:wechat:access-token:${MP.appId}:lock`)).toBe(0);
  });
});
