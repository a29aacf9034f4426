import type Router from '@koa/router';
import type { LoginResponse, UserDto } from '@finecity/types';
import type { AppDeps } from '../../composition.js';
import { onDutySlot } from '../../domain/duty-roster.js';
import { loginWithWeChat } from '../../usecases/login.js';
import type { CurrentUser } from '../../usecases/deps.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import type { ApiRegistry } from '../openapi.js';
import { loginBody } from '../schemas/queries.js';
import { parse } from '../validate.js';

export const presentUser = (u: CurrentUser, now: Date): UserDto => ({
  id: u.id, name: u.name, roles: u.roles, orgNodeCode: u.orgNodeCode,
  duty: u.dutySlot ? { slot: u.dutySlot, onDuty: onDutySlot(now) === u.dutySlot } : null,
});

export function authRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  api.add({
    method: 'post', path: '/api/v1/auth/wechat', tag: 'auth', auth: false, body: loginBody,
    summary: 'Log in with a wx.login code (code2Session); in the sandbox, "sandbox:<openid>"',
    responses: { 200: '{token, user}', 400: 'bad body', 401: 'invalid or used code', 403: 'WeChat blocked this user (40226)', 503: 'WeChat unavailable' },
  });
  router.post('/api/v1/auth/wechat', jsonBody, async (ctx) => {
    const { code } = parse(loginBody, ctx.request.body);
    const user = await loginWithWeChat(deps, code);
    const body: LoginResponse = { token: await deps.tokens.issue(user.id), user: presentUser(user, deps.clock.now()) };
    ctx.body = body;
  });
  api.add({ method: 'get', path: '/api/v1/me', summary: 'The current user', tag: 'auth', auth: true, responses: { 200: 'user', 401: 'not logged in' } });
  router.get('/api/v1/me', requireUser(deps), (ctx) => {
    ctx.body = { user: presentUser(currentUser(ctx), deps.clock.now()) };
  });
}
