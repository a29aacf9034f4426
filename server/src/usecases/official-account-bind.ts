import crypto from 'node:crypto';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { AppError } from '../domain/errors.js';
import { fillText } from '../domain/oa-pairing.js';
import type { CurrentUser, Deps } from './deps.js';

/**
 * Staff bind their WeChat (the official account's openid, which differs from the mini-program's: an
 * openid is per app, https://developers.weixin.qq.com/doc/offiaccount/User_Management/Get_users_basic_information_UnionID.html)
 * to their account: the mini-program asks for a one-time code, the staff member
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
  await deps.officialAccount.clearBindCodes(user.id, new Date(now.getTime() - 24 * 3600_000));
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    if (await deps.officialAccount.insertBindCode(code, user.id, expiresAt)) return { code, expiresAt };
  }
  throw new AppError('service.unavailable', '绑定码生成失败，请稍后重试');
}

type BindOutcome = { kind: 'bound'; name: string } | { kind: 'invalid' | 'expired' | 'used' };

async function bindByCode(deps: Deps, openid: string, code: string): Promise<BindOutcome> {
  const now = deps.clock.now();
  return deps.uow.run<BindOutcome>(async ({ officialAccount: oa }) => {
    const row = await oa.bindCodeForUpdate(code);
    if (!row) return { kind: 'invalid' };
    // WeChat retries a push it got no answer to: the same sender with a used code is already bound.
    if (row.usedAt) return row.ownerOaOpenid === openid ? { kind: 'bound', name: row.ownerName } : { kind: 'used' };
    if (row.expiresAt.getTime() <= now.getTime()) return { kind: 'expired' };
    await oa.markBindCodeUsed(code, now);
    // The openid moves to the staff account (from a resident made for this follower, if any).
    await oa.bindOpenid(row.userId, openid);
    return { kind: 'bound', name: row.ownerName };
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
