import type { Context, Next } from 'koa';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { AppError } from '../domain/errors.js';

/**
 * Middleware for the pages anyone may open without a login: at most `perMinute` requests a minute per client
 * address, then 429 `rate_limited` with Retry-After (RFC 9110 §10.2.3). In-process: each API process counts
 * its own.
 */
export function perAddressLimit(perMinute: number, message = '访问过于频繁，请稍后再试') {
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await limiter.consume(ctx.ip || 'unknown');
    } catch {
      ctx.set('Retry-After', '60');
      throw new AppError('rate_limited', message);
    }
    await next();
  };
}
