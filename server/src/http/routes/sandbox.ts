import type Router from '@koa/router';
import { z } from 'zod';
import { resolveApiBases } from '../../config.js';
import type { AppDeps } from '../../composition.js';
import { demoAccounts } from '../../usecases/login.js';
import { js, type ApiRegistry } from '../openapi.js';
import { parse } from '../validate.js';

/** What the main API may read of the running sandbox (created in boot.ts or the test harness). */
export interface SandboxView {
  /** The sandbox record (server/src/sandbox/record.ts), oldest first. */
  messages(filter: { openid?: string; group?: string; since?: string; channel?: string; afterId?: number; limit?: number }): unknown[];
  /** Whether an org node has a WeCom group robot. */
  hasGroup(orgNodeCode: string): boolean;
}

const messagesQuery = z.object({
  openid: z.string().min(1).max(128).optional(),
  group: z.string().min(1).max(64).optional(),
  since: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 time').optional(),
  // A WeChat/WeCom/SMS channel, or a partner platform the sandbox plays (12345, 12319, minyi, minxin, tp-<company>).
  channel: z.union([z.enum(['subscribe', 'oa_template', 'wecom_robot', 'sms']), z.string().regex(/^(12345|12319|minyi|minxin|tp-[a-z0-9]{2,20})$/, '渠道不对')]).optional(),
  afterId: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});

/** Only mounted while the WeChat sandbox is on: how a newcomer (and the H5 demo picker) logs in. */
export function sandboxRoutes(router: Router, api: ApiRegistry, deps: AppDeps, sandboxBase: () => string, view?: SandboxView): void {
  api.add({ method: 'get', path: '/api/v1/sandbox', summary: 'Where the sandbox WeChat/WeCom APIs listen (sandbox only)', tag: 'sandbox', auth: false, responses: { 200: { description: '{wechatApiBase, wecomApiBase}', schema: js.obj({ wechatApiBase: js.str, wecomApiBase: js.str }) } } });
  router.get('/api/v1/sandbox', (ctx) => {
    // The same bases the adapters are given (config first, else the sandbox's).
    const bases = resolveApiBases(deps.config, sandboxBase());
    ctx.body = { wechatApiBase: bases.wechat, wecomApiBase: bases.wecom };
  });
  if (view) {
    api.add({
      method: 'get', path: '/api/v1/sandbox/messages', tag: 'sandbox', auth: false,
      summary: 'Every message the sandbox accepted or refused, oldest first; filters openid (mini-program or OA), group (org node code), channel (subscribe, oa_template, wecom_robot, sms, or a partner channel id: its callbacks received and tickets sent), since (ISO) (sandbox only)',
      responses: { 200: { description: '{messages:[{id,at,channel,recipient:{openid?,oaOpenid?,group?,phone?,partner?},templateId?,robot?,content,data?,mentions?,direction?,payload?,errcode,errmsg,accepted}]}', schema: js.obj({ messages: js.arr({ type: 'object', required: ['id', 'at', 'channel', 'recipient', 'content', 'errcode', 'errmsg', 'accepted'] }) }) } },
    });
    router.get('/api/v1/sandbox/messages', (ctx) => {
      ctx.body = { messages: view.messages(parse(messagesQuery, ctx.query)) };
    });
  }
  api.add({
    method: 'get', path: '/api/v1/sandbox/accounts', tag: 'sandbox', auth: false,
    summary: 'Seeded demo accounts, one or more per role and level; log in with their code (sandbox only)',
    responses: { 200: { description: '{accounts: SandboxAccount[]}', schema: js.obj({ accounts: js.arr(js.dto('SandboxAccount')) }) } },
  });
  router.get('/api/v1/sandbox/accounts', async (ctx) => {
    const accounts = await demoAccounts(deps);
    // groupNodeCode: the account's org node has a WeCom group robot, whose messages the sandbox records under it.
    ctx.body = { accounts: accounts.map((a) => (a.orgNodeCode && view?.hasGroup(a.orgNodeCode) ? { ...a, groupNodeCode: a.orgNodeCode } : a)) };
  });
}
