import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { body } from './http-util.js';
import { PARTNER_CHANNEL_ID } from './record.js';
import type { SandboxState } from './state.js';
import { WECOM_PREFIX } from './wecom-api.js';

/**
 * The sandbox's own endpoints (not WeChat's): how tests and the demo steer it and read its record.
 * - GET  /sandbox                             where its APIs listen
 * - GET  /sandbox/messages?openid=&group=&phone=&channel=&since=&afterId=&limit=   the record, oldest first
 * - POST /sandbox/control/fail {path, errcode?, errmsg?, httpStatus?, delayMs?, times?, percent?, forMs?}
 *     with percent: each call fails with that probability for forMs (default 60 s) instead of the next `times` calls
 *     answerDelayMs: the call is handled (accepted, recorded) and only its answer is held back that long
 * - POST /sandbox/control/reset               forget record, follows, credits, windows, media, failures (not tokens)
 * - POST /sandbox/control/follow {oaOpenid, subscribed}
 * - POST /sandbox/control/subscribe-credit {openid, templateId, count?, set?, longTerm?}   adds (or sets) credits; grants or withdraws a long-term subscription
 * - GET  /sandbox/control/subscribe-credit?openid=&templateId=
 * - POST /sandbox/control/subscribe-mode {strict?, longTermAllowed?}   strict credits; whether the account may use long-term templates (else 40037)
 * - POST /sandbox/control/expire-tokens {appid?}
 */
const fail = z
  .object({
    path: z.string().startsWith('/'),
    errcode: z.union([z.number().int(), z.string().min(1)]).optional(),
    errmsg: z.string().optional(),
    httpStatus: z.number().int().min(400).max(599).optional(),
    delayMs: z.number().int().min(0).max(120_000).optional(),
    answerDelayMs: z.number().int().min(0).max(120_000).optional(),
    times: z.number().int().min(1).max(10_000).default(1),
    percent: z.number().min(0).max(100).optional(),
    forMs: z.number().int().min(1).max(3_600_000).optional(),
  })
  .refine((f) => f.errcode !== undefined || f.httpStatus !== undefined || f.delayMs !== undefined || f.answerDelayMs !== undefined, 'give errcode, httpStatus, delayMs or answerDelayMs')
  .refine((f) => f.answerDelayMs === undefined || (f.errcode === undefined && f.httpStatus === undefined), 'answerDelayMs is for a call that is accepted: not with errcode or httpStatus');
const follow = z.object({ oaOpenid: z.string().min(1), subscribed: z.boolean() });
const credit = z.object({ openid: z.string().min(1), templateId: z.string().min(1), count: z.number().int().optional(), set: z.boolean().optional(), longTerm: z.boolean().optional() })
  .refine((c) => c.count !== undefined || c.longTerm !== undefined, 'count 或 longTerm 至少给一个');
const mode = z.object({ strict: z.boolean().optional(), longTermAllowed: z.boolean().optional() }).refine((m) => m.strict !== undefined || m.longTermAllowed !== undefined, 'strict 或 longTermAllowed 至少给一个');
const expire = z.object({ appid: z.string().optional() });
const messages = z.object({
  openid: z.string().optional(),
  group: z.string().optional(),
  phone: z.string().optional(),
  // A WeChat/WeCom/SMS channel, or a partner platform's channel id (its callbacks and tickets).
  channel: z.union([z.enum(['subscribe', 'oa_template', 'wecom_robot', 'sms']), z.string().regex(PARTNER_CHANNEL_ID)]).optional(),
  since: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO time').optional(),
  afterId: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});

function parsed<T>(ctx: Context, schema: z.ZodType<T>, input: unknown): T | undefined {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  ctx.status = 400;
  ctx.body = { error: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return undefined;
}

export function controlApi(router: Router, state: SandboxState): void {
  router.get('/sandbox', (ctx) => {
    ctx.body = {
      wechatApiBase: ctx.origin,
      wecomApiBase: `${ctx.origin}${WECOM_PREFIX}`,
      smsApiBase: ctx.origin,
      inbox: `${ctx.origin}/sandbox/inbox`,
      apps: state.apps.map((a) => ({ kind: a.kind, appId: a.appId })),
      strictCredits: state.strictCredits,
    };
  });
  router.get('/sandbox/messages', (ctx) => {
    const f = parsed(ctx, messages, ctx.query);
    if (f) ctx.body = { messages: state.record.list(f) };
  });
  router.post('/sandbox/control/fail', (ctx) => {
    const f = parsed(ctx, fail, body(ctx));
    if (!f) return;
    const { forMs, ...rest } = f;
    state.injectFailure(f.path, f.percent === undefined ? rest : { ...rest, until: state.now() + (forMs ?? 60_000) });
    ctx.body = { ok: true };
  });
  router.post('/sandbox/control/reset', (ctx) => {
    state.reset();
    ctx.body = { ok: true };
  });
  router.post('/sandbox/control/follow', (ctx) => {
    const f = parsed(ctx, follow, body(ctx));
    if (!f) return;
    state.setFollow(f.oaOpenid, f.subscribed);
    ctx.body = { ok: true };
  });
  router.post('/sandbox/control/subscribe-credit', (ctx) => {
    const c = parsed(ctx, credit, body(ctx));
    if (!c) return;
    if (c.longTerm !== undefined) state.setLongTerm(c.openid, c.templateId, c.longTerm);
    const count = c.count !== undefined ? state.addCredit(c.openid, c.templateId, c.count, c.set) : state.credit(c.openid, c.templateId);
    ctx.body = { openid: c.openid, templateId: c.templateId, count, longTerm: state.hasLongTerm(c.openid, c.templateId) };
  });
  router.get('/sandbox/control/subscribe-credit', (ctx) => {
    const c = parsed(ctx, z.object({ openid: z.string().min(1), templateId: z.string().min(1) }), ctx.query);
    if (c) ctx.body = { ...c, count: state.credit(c.openid, c.templateId), longTerm: state.hasLongTerm(c.openid, c.templateId), strict: state.strictCredits };
  });
  router.post('/sandbox/control/subscribe-mode', (ctx) => {
    const m = parsed(ctx, mode, body(ctx));
    if (!m) return;
    if (m.strict !== undefined) state.strictCredits = m.strict;
    if (m.longTermAllowed !== undefined) state.longTermAllowed = m.longTermAllowed;
    ctx.body = { strict: state.strictCredits, longTermAllowed: state.longTermAllowed };
  });
  router.post('/sandbox/control/expire-tokens', (ctx) => {
    const e = parsed(ctx, expire, body(ctx) ?? {});
    if (e) ctx.body = { expired: state.expireTokens(e.appid) };
  });
}
