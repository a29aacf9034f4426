import crypto from 'node:crypto';
import { and, eq, isNull, lt, ne, or } from 'drizzle-orm';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { oaBindCodes, oaFollowers, users } from '../adapters/postgres/schema.js';
import { AppError } from '../domain/errors.js';
import { fillText } from '../domain/oa-pairing.js';
import type { CurrentUser, Deps } from './deps.js';

/**
 * Staff bind their WeChat (the official account's openid, which differs from the mini-program's,
 * wechat-platform.md §1) to their account: the mini-program asks for a one-time code, the staff member
 * sends it to the official account, and the push handler binds the sender's openid to the code's owner.
 */
export const BIND_CODE_MINUTES = 10;

/** Six digits are guessable by brute force: a few wrong codes per follower, then a pause. */
const BIND_FAILURES = { points: 5, duration: BIND_CODE_MINUTES * 60 };

export function bindFailureLimiter(): RateLimiterMemory {
  return new RateLimiterMemory(BIND_FAILURES);
}

export async function issueBindCode(deps: Deps, user: CurrentUser): Promise<{ code: string; expiresAt: Date }> {
  if (!user.roles.some((r) => r !== 'resident')) throw new AppError('auth.forbidden', '仅工作人员可以绑定公众号');
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + BIND_CODE_MINUTES * 60_000);
  // A new code replaces the caller's unused ones; codes a day past expiry free their number again.
  await deps.db
    .delete(oaBindCodes)
    .where(or(and(eq(oaBindCodes.userId, user.id), isNull(oaBindCodes.usedAt)), lt(oaBindCodes.expiresAt, new Date(now.getTime() - 24 * 3600_000))));
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    const inserted = await deps.db.insert(oaBindCodes).values({ code, userId: user.id, expiresAt }).onConflictDoNothing().returning({ code: oaBindCodes.code });
    if (inserted[0]) return { code, expiresAt };
  }
  throw new AppError('service.unavailable', '绑定码生成失败，请稍后重试');
}

type BindOutcome = { kind: 'bound'; name: string } | { kind: 'invalid' | 'expired' | 'used' };

async function bindByCode(deps: Deps, openid: string, code: string): Promise<BindOutcome> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const row = (await tx.select().from(oaBindCodes).where(eq(oaBindCodes.code, code)).for('update'))[0];
    if (!row) return { kind: 'invalid' };
    const owner = (await tx.select({ name: users.name, oaOpenid: users.oaOpenid }).from(users).where(eq(users.id, row.userId)))[0]!;
    // WeChat retries a push it got no answer to: the same sender with a used code is already bound.
    if (row.usedAt) return owner.oaOpenid === openid ? { kind: 'bound', name: owner.name } : { kind: 'used' };
    if (row.expiresAt.getTime() <= now.getTime()) return { kind: 'expired' };
    await tx.update(oaBindCodes).set({ usedAt: now }).where(eq(oaBindCodes.code, code));
    // The openid moves to the staff account (from a resident made for this follower, if any).
    await tx.update(users).set({ oaOpenid: null }).where(and(eq(users.oaOpenid, openid), ne(users.id, row.userId)));
    await tx.update(users).set({ oaOpenid: openid }).where(eq(users.id, row.userId));
    await tx.update(oaFollowers).set({ userId: null }).where(and(eq(oaFollowers.userId, row.userId), ne(oaFollowers.oaOpenid, openid)));
    await tx.update(oaFollowers).set({ userId: row.userId }).where(eq(oaFollowers.oaOpenid, openid));
    return { kind: 'bound', name: owner.name };
  });
}

interface BindReplies {
  bound: string;
  bindInvalid: string;
  bindExpired: string;
  bindUsed: string;
  bindTooMany: string;
}

/** The reply to a follower who sent a bind code. */
export async function bindOfficialAccount(deps: Deps, limiter: RateLimiterMemory, r: BindReplies, openid: string, code: string): Promise<string> {
  const failures = await limiter.get(openid);
  if (failures && failures.consumedPoints >= BIND_FAILURES.points) return r.bindTooMany;
  const outcome = await bindByCode(deps, openid, code);
  if (outcome.kind === 'bound') {
    await limiter.delete(openid);
    return fillText(r.bound, { name: outcome.name });
  }
  await limiter.consume(openid).catch(() => undefined);
  return { invalid: r.bindInvalid, expired: r.bindExpired, used: r.bindUsed }[outcome.kind];
}
