import type { Context, Next } from 'koa';
import { AppError } from '../domain/errors.js';
import type { AppDeps } from '../composition.js';
import { loadUser } from '../usecases/login.js';
import type { CurrentUser } from '../usecases/deps.js';

/**
 * Bearer token → the current user, loaded fresh (roles and scope may have changed since login). A
 * deactivated account answers 401 `auth.deactivated` (loadUser): at once in the process that deactivated
 * it, within USER_CACHE_MS in the others.
 */
export function requireUser(deps: AppDeps) {
  return async (ctx: Context, next: Next) => {
    const header = ctx.get('authorization');
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new AppError('auth.required', '请先登录');
    const userId = await deps.tokens.verify(m[1]!);
    const user = await loadUser(deps, userId, issuedAtMs(m[1]!));
    if (!user) throw new AppError('auth.invalid_token', '账号不存在，请重新登录');
    ctx.state.user = user;
    await next();
  };
}

export function currentUser(ctx: Context): CurrentUser {
  const u = ctx.state.user as CurrentUser | undefined;
  if (!u) throw new AppError('auth.required', '请先登录');
  return u;
}

/** The issue instant of a token whose signature verified (its iatMs claim, else iat in seconds). */
function issuedAtMs(token: string): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iatMs?: unknown; iat?: unknown };
    if (typeof payload.iatMs === 'number') return payload.iatMs;
    if (typeof payload.iat === 'number') return payload.iat * 1000;
  } catch {
    /* verified tokens are JWTs; fall through */
  }
  return 0;
}
