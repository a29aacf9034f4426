import type Router from '@koa/router';
import type { LoginResponse, UserDto } from '@finecity/types';
import type { AppDeps } from '../../composition.js';
import type { DutyRoster } from '../../usecases/duty-ports.js';
import { loginWithWeChat, logout } from '../../usecases/login.js';
import type { CurrentUser } from '../../usecases/deps.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import { js, type ApiRegistry } from '../openapi.js';
import { loginThrottle, newIdentityCap } from '../rate-limit.js';
import { loginBody } from '../schemas/queries.js';
import { parse } from '../validate.js';

export const presentUser = async (u: CurrentUser, now: Date, roster: DutyRoster): Promise<UserDto> => ({
  id: u.id, name: u.name, roles: u.roles, orgNodeCode: u.orgNodeCode,
  // On duty: the rota (rule, overrides, substitutes) has this person on the grid's on-duty post today.
  duty: u.dutySlot ? { slot: u.dutySlot, onDuty: !!u.orgNodeCode && (await roster.onDuty(u.orgNodeCode, now)).people.some((p) => p.id === u.id) } : null,
});

export function authRoutes(router: Router, api: ApiRegistry, deps: AppDeps, throttle = loginThrottle(deps.config.login)): void {
  // With the sandbox on any sandbox:<openid> code logs in: cap the residents one address may create.
  const newIdentity = deps.config.sandbox.enabled ? newIdentityCap(deps.config.login.sandboxIdentitiesPerHour) : null;
  api.add({
    method: 'post', path: '/api/v1/auth/wechat', tag: 'auth', auth: false, body: loginBody,
    summary: 'Log in with a wx.login code (code2Session; in the sandbox "sandbox:<openid>"). Staff activate with `inviteCode` (the SMS code) or `phoneCode` (getPhoneNumber; sandbox "sandbox-phone:<mobile>"), which binds this WeChat identity',
    responses: {
      200: { description: 'LoginResponse {token, user}', dto: 'LoginResponse' }, 400: 'bad body', 401: 'invalid or used code, wrong or expired activation code, deactivated account', 403: 'WeChat blocked this user (40226)',
      404: 'no unbound staff record has this mobile', 409: 'staff record already bound, or this WeChat identity is already a resident or another staff member', 429: '5 wrong activation codes: this WeChat identity is locked; too many refused codes from this address or with this code (Retry-After); sandbox: too many new identities from this address', 503: 'WeChat unavailable',
    },
  });
  router.post('/api/v1/auth/wechat', jsonBody, throttle, async (ctx) => {
    const address = ctx.ip || 'unknown';
    const user = await loginWithWeChat(deps, parse(loginBody, ctx.request.body), { address, beforeEnrol: newIdentity ? () => newIdentity(address) : undefined });
    const body: LoginResponse = { token: await deps.tokens.issue(user.id), user: await presentUser(user, deps.clock.now(), deps.duty) };
    ctx.body = body;
  });
  api.add({
    method: 'post', path: '/api/v1/auth/logout', tag: 'auth', auth: true,
    summary: 'Log out: every token of the caller issued until now answers 401 from the next request on (other API processes within USER_CACHE_MS)',
    responses: { 204: 'logged out', 401: 'not logged in' },
  });
  router.post('/api/v1/auth/logout', requireUser(deps), async (ctx) => {
    await logout(deps, currentUser(ctx));
    ctx.status = 204;
  });
  api.add({ method: 'get', path: '/api/v1/me', summary: 'The current user', tag: 'auth', auth: true, responses: { 200: { description: '{user: UserDto}', schema: js.obj({ user: js.dto('UserDto') }) }, 401: 'not logged in' } });
  router.get('/api/v1/me', requireUser(deps), async (ctx) => {
    ctx.body = { user: await presentUser(currentUser(ctx), deps.clock.now(), deps.duty) };
  });
}
