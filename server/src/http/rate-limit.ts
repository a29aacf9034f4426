import type { Context, Next } from 'koa';
import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';
import type { ErrorCode } from '@finecity/types';
import { AppError } from '../domain/errors.js';

/**
 * A 429 that knows when the client may try again: the error middleware sends it as Retry-After
 * (RFC 9110 §10.2.3, RFC 6585 §4). Every limiter of the HTTP edge refuses through this class.
 */
export class RateLimited extends AppError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number, code: ErrorCode = 'rate_limited') {
    super(code, message);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

const secondsOf = (res: unknown, fallback: number): number => {
  const ms = (res as Partial<RateLimiterRes> | undefined)?.msBeforeNext;
  return typeof ms === 'number' && ms > 0 ? ms / 1000 : fallback;
};

/** Takes one point for `key`, or refuses with 429 and the limiter's own wait as Retry-After. */
export async function consumeOrRefuse(limiter: RateLimiterMemory, key: string, message: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (res) {
    if (res instanceof Error) throw res;
    throw new RateLimited(message, secondsOf(res, limiter.duration));
  }
}

/**
 * Middleware for the pages anyone may open without a login: at most `perMinute` requests a minute per client
 * address, then 429 `rate_limited` with Retry-After. In-process: each API process counts its own.
 */
export function perAddressLimit(perMinute: number, message = '访问过于频繁，请稍后再试') {
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  return async (ctx: Context, next: Next): Promise<void> => {
    await consumeOrRefuse(limiter, ctx.ip || 'unknown', message);
    await next();
  };
}

/** Error codes that mean "this login code is not a real, usable code": what a guesser produces. */
const BAD_CODE: ReadonlySet<string> = new Set(['auth.wechat_code_invalid', 'auth.wecom_code_invalid', 'auth.wecom_not_member', 'auth.wechat_user_blocked']);

export interface LoginLimits {
  /** Refused codes per client address per window. */
  failuresPerAddress: number;
  /** Refused attempts per code per window (a real code is single-use; a retry on timeout is not a guess). */
  failuresPerCode: number;
  windowSeconds: number;
}

/**
 * Login throttling (POST /api/v1/auth/wechat and /auth/wecom): each refused code counts against the client
 * address and against the code; past either limit the address (or code) is answered 429 with Retry-After
 * before WeChat is asked again, so guessing costs neither WeChat calls nor database rows. Good logins are
 * not counted, so a city office behind one NAT address logs in freely. The activation code (inviteCode) has
 * its own lock per WeChat identity (usecases/login.ts).
 */
export function loginThrottle(limits: LoginLimits) {
  const byAddress = new RateLimiterMemory({ points: limits.failuresPerAddress, duration: limits.windowSeconds });
  const byCode = new RateLimiterMemory({ points: limits.failuresPerCode, duration: limits.windowSeconds });
  const message = '登录尝试过于频繁，请稍后再试';
  const refuseIfSpent = async (limiter: RateLimiterMemory, key: string, points: number) => {
    const res = await limiter.get(key);
    if (res && res.consumedPoints >= points) throw new RateLimited(message, secondsOf(res, limits.windowSeconds));
  };
  return async (ctx: Context, next: Next): Promise<void> => {
    const address = ctx.ip || 'unknown';
    const raw = (ctx.request.body as { code?: unknown } | undefined)?.code;
    const code = typeof raw === 'string' ? raw.trim().slice(0, 200) : '';
    await refuseIfSpent(byAddress, address, limits.failuresPerAddress);
    if (code) await refuseIfSpent(byCode, code, limits.failuresPerCode);
    try {
      await next();
    } catch (err) {
      if (err instanceof AppError && BAD_CODE.has(err.code)) {
        await byAddress.penalty(address, 1);
        if (code) await byCode.penalty(code, 1);
      }
      throw err;
    }
  };
}

/**
 * With the sandbox on, any `sandbox:<openid>` code is a valid login and a first-time openid becomes a
 * resident: without a cap one address could mint residents to walk around the per-account report limit.
 * `take(address)` is called only when a login is about to create a resident.
 */
export function newIdentityCap(perHour: number) {
  const limiter = new RateLimiterMemory({ points: perHour, duration: 3600 });
  return (address: string) => consumeOrRefuse(limiter, `new:${address}`, '该网络新建账号过多，请稍后再试');
}
