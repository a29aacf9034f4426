import type Router from '@koa/router';
import type { AuthOptionsDto, LoginResponse } from '@finecity/types';
import type { AppDeps } from '../../composition.js';
import { AUTHORIZE_PATH, MEMBERS_PATH } from '../../sandbox/wecom-oauth.js';
import { loginWithWeCom, wecomMembers } from '../../usecases/wecom-login.js';
import { jsonBody } from '../body.js';
import { js, type ApiRegistry } from '../openapi.js';
import { loginThrottle } from '../rate-limit.js';
import { loginBody } from '../schemas/queries.js';
import { parse } from '../validate.js';
import { presentUser } from './auth.js';

/** WeCom's OAuth page (https://developer.work.weixin.qq.com/document/path/91022). */
const WECOM_AUTHORIZE = 'https://open.weixin.qq.com/connect/oauth2/authorize';

/**
 * WeCom web sign-in for the H5 console, and what the login page may offer (GET /api/v1/auth/options).
 * `sandboxBase` is set while the sandbox is on: its OAuth page stands in for WeCom's.
 */
export function wecomAuthRoutes(router: Router, api: ApiRegistry, deps: AppDeps, sandboxBase?: () => string, throttle = loginThrottle(deps.config.login)): void {
  const signIn = deps.wecomSignIn ?? null;
  const authorizeEndpoint = (): string => (sandboxBase && !deps.config.wecom.apiBase ? `${sandboxBase()}${AUTHORIZE_PATH}` : WECOM_AUTHORIZE);

  api.add({
    method: 'get', path: '/api/v1/auth/options', tag: 'auth', auth: false,
    summary: 'How the H5 console may sign in: WeCom OAuth (authorize endpoint, corp id, agent id) when configured; whether the sandbox is on',
    responses: { 200: { description: 'AuthOptionsDto {wecom: {authorizeUrl, corpId, agentId} | null, sandbox}', dto: 'AuthOptionsDto' } },
  });
  router.get('/api/v1/auth/options', (ctx) => {
    const body: AuthOptionsDto = {
      wecom: signIn ? { authorizeUrl: authorizeEndpoint(), corpId: signIn.corpId, agentId: signIn.agentId } : null,
      sandbox: !!sandboxBase,
    };
    ctx.body = body;
  });

  api.add({
    method: 'post', path: '/api/v1/auth/wecom', tag: 'auth', auth: false, body: loginBody,
    summary: 'Sign in with a WeCom OAuth code (cgi-bin/auth/getuserinfo → userid → the staff member with that WeCom userid); in the sandbox, "sandbox-wecom:<userid>"',
    responses: { 200: { description: 'LoginResponse {token, user}', dto: 'LoginResponse' }, 400: 'bad body', 401: 'invalid or used code', 403: 'not a member, no staff with that userid, or deactivated', 429: 'too many refused codes from this address or with this code (Retry-After)', 503: 'WeCom unavailable or not configured' },
  });
  router.post('/api/v1/auth/wecom', jsonBody, throttle, async (ctx) => {
    const { code } = parse(loginBody, ctx.request.body);
    const user = await loginWithWeCom(deps, signIn, code, ctx.ip || 'unknown');
    const body: LoginResponse = { token: await deps.tokens.issue(user.id), user: await presentUser(user, deps.clock.now(), deps.duty) };
    ctx.body = body;
  });

  if (sandboxBase) {
    api.add({
      method: 'get', path: MEMBERS_PATH, tag: 'sandbox', auth: false,
      summary: 'Staff who have a WeCom userid, for the sandbox WeCom OAuth page (sandbox only)',
      responses: { 200: { description: '{members:[{userid,name,unit}]}', schema: js.obj({ members: js.arr(js.obj({ userid: js.str, name: js.str, unit: js.nullable(js.str) })) }) } },
    });
    router.get(MEMBERS_PATH, async (ctx) => {
      ctx.body = { members: await wecomMembers(deps, signIn) };
    });
  }
}
