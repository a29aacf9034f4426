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
    const user = await loadUser(deps, userId);
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
