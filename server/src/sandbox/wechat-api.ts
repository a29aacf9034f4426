import type Router from '@koa/router';
import type { Context } from 'koa';
import { body, flatData, OPENID, wxReply, type Describer, type Json } from './http-util.js';
import type { SandboxRecipient } from './record.js';
import type { AppKind, SandboxState } from './state.js';
import { renderTemplate, type SandboxTemplate } from './templates.js';
import { checkValue } from './value-rules.js';

/**
 * api.weixin.qq.com as FineCity uses it, with WeChat's validation order and errcodes: login
 * (https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_code2session), tokens
 * (https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken), subscribe messages
 * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html)
 * and official-account template messages
 * (https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html).
 */
export function wechatApi(router: Router, state: SandboxState): void {
  router.get('/sns/jscode2session', (ctx) => code2Session(ctx, state));
  router.get('/cgi-bin/token', (ctx) => classicToken(ctx, state));
  router.post('/cgi-bin/stable_token', (ctx) => stableToken(ctx, state));
  router.post('/cgi-bin/message/subscribe/send', (ctx) => subscribeSend(ctx, state));
  router.post('/cgi-bin/message/template/send', (ctx) => templateSend(ctx, state));
  router.post('/wxa/business/getuserphonenumber', (ctx) => phoneNumber(ctx, state));
}

/**
 * getPhoneNumber's server half (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html):
 * the mini-program's access token, then `{code}`. Sandbox phone codes are `sandbox-phone:<mainland mobile>`;
 * anything else is an invalid code, 40029.
 */
function phoneNumber(ctx: Context, state: SandboxState): void {
  const bad = tokenCheck(ctx, state, ['mp']);
  if (bad) return wxReply(ctx, ...bad);
  const b = body(ctx);
  if (!b) return wxReply(ctx, 47001, 'data format error');
  const m = /^sandbox-phone:(1[3-9]\d{9})$/.exec(String(b.code ?? ''));
  if (!m) return wxReply(ctx, 40029, 'invalid code');
  ctx.body = {
    errcode: 0, errmsg: 'ok',
    phone_info: { phoneNumber: m[1], purePhoneNumber: m[1], countryCode: '86', watermark: { timestamp: Math.floor(state.now() / 1000), appid: state.appOfKind('mp').appId } },
  };
}

/**
 * Login codes: `sandbox:<openid>` logs in as that openid (reusable, so the demo picker works);
 * `sandbox-error:<errcode>` answers that WeChat error; anything else is an unknown code, 40029.
 */
function code2Session(ctx: Context, state: SandboxState): void {
  const q = ctx.query as Record<string, string | undefined>;
  const mp = state.appOfKind('mp');
  if (q.appid !== mp.appId) return wxReply(ctx, 40013, 'invalid appid');
  if (q.secret !== mp.secret) return wxReply(ctx, 40125, 'invalid appsecret');
  if (q.grant_type !== 'authorization_code') return wxReply(ctx, 40002, 'invalid grant_type');
  const code = q.js_code ?? '';
  const forced = /^sandbox-error:(-?\d+)$/.exec(code);
  if (forced) return wxReply(ctx, Number(forced[1]), 'sandbox injected error');
  const m = /^sandbox:([A-Za-z0-9_-]{1,64})$/.exec(code);
  if (!m) return wxReply(ctx, 40029, 'invalid code');
  ctx.body = { openid: m[1], session_key: 'c2FuZGJveC1zZXNzaW9uLWtleQ==' };
}

function credentialsError(state: SandboxState, grantType: unknown, appId: unknown, secret: unknown): [number, string] | null {
  if (grantType !== 'client_credential') return [40002, 'invalid grant_type'];
  const app = state.app(typeof appId === 'string' ? appId : undefined);
  if (!app) return [40013, 'invalid appid'];
  if (secret !== app.secret) return [40125, 'invalid appsecret'];
  return null;
}

function classicToken(ctx: Context, state: SandboxState): void {
  const q = ctx.query as Record<string, string | undefined>;
  const err = credentialsError(state, q.grant_type, q.appid, q.secret);
  if (err) return wxReply(ctx, ...err);
  ctx.body = { access_token: state.classicToken(state.app(q.appid)!), expires_in: 7200 };
}

function stableToken(ctx: Context, state: SandboxState): void {
  const b = body(ctx);
  if (!b) return wxReply(ctx, 47001, 'data format error');
  const err = credentialsError(state, b.grant_type, b.appid, b.secret);
  if (err) return wxReply(ctx, ...err);
  const app = state.app(b.appid as string)!;
  const force = b.force_refresh === true;
  if (force) {
    const refusal = state.forceRefreshRefusal(app.appId);
    if (refusal) return wxReply(ctx, 45009, refusal);
  }
  const t = state.stableToken(app, force);
  ctx.body = { access_token: t.token, expires_in: t.expiresIn };
}

type Check = [number, string] | null;

function tokenCheck(ctx: Context, state: SandboxState, kinds: AppKind[]): Check {
  const t = state.checkToken(ctx.query.access_token as string | undefined, kinds);
  return t.errcode ? [t.errcode, t.errmsg] : null;
}

function dataCheck(tpl: SandboxTemplate, data: Record<string, unknown> | null, typedOnly: boolean): Check {
  if (!data || !Object.keys(data).length) return [47003, 'argument invalid! data is empty'];
  for (const [k, v] of Object.entries(data)) {
    if (Object.keys(tpl.fields).length && !(k in tpl.fields)) continue; // WeChat ignores keys the template lacks
    const bad = checkValue(k, v, { typedOnly });
    if (bad) return [47003, bad];
  }
  return null;
}

/** The fields the reader sees: the template's keys, `first`/`remark` dropped (no longer shown since May 2023: https://mp.weixin.qq.com/s/hvLO4Vs75NXDA__SxuyKXw). */
function shown(tpl: SandboxTemplate | undefined, data: Record<string, unknown> | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data ?? {})) {
    if (k === 'first' || k === 'remark') continue;
    if (tpl && Object.keys(tpl.fields).length && !(k in tpl.fields)) continue;
    out[k] = String(v ?? '');
  }
  return out;
}

export const describeSubscribe: Describer = (_q, b) => {
  const data = shown(undefined, flatData(b?.data));
  return {
    channel: 'subscribe',
    recipient: { openid: String(b?.touser ?? '') },
    templateId: String(b?.template_id ?? ''),
    ...(typeof b?.page === 'string' ? { page: b.page } : {}),
    data,
    content: renderTemplate(undefined, data),
  };
};

function subscribeSend(ctx: Context, state: SandboxState): void {
  const b = body(ctx);
  const tpl = state.templates.mp.get(String(b?.template_id ?? ''));
  const data = flatData(b?.data);
  const err =
    tokenCheck(ctx, state, ['mp']) ??
    (!b ? [47001, 'data format error'] : null) ??
    (!tpl || (tpl.kind === 'long_term' && !state.longTermAllowed) ? [40037, 'invalid template id'] : null) ??
    (typeof b?.touser !== 'string' || !OPENID.test(b.touser) ? [40003, 'invalid openid'] : null) ??
    (b?.miniprogram_state !== undefined && !['developer', 'trial', 'formal'].includes(String(b.miniprogram_state)) ? [47001, 'invalid miniprogram_state'] : null) ??
    dataCheck(tpl!, data, true) ??
    creditCheck(state, String(b?.touser), tpl!);
  const m = { channel: 'subscribe' as const, recipient: { openid: String(b?.touser ?? '') }, templateId: String(b?.template_id ?? ''), ...(typeof b?.page === 'string' ? { page: b.page } : {}) };
  finish(ctx, state, err, { ...m, data: shown(tpl, data), content: renderTemplate(tpl, shown(tpl, data)) });
  // A long-term subscription is not spent; a one-time credit is.
  if (!err && tpl?.kind !== 'long_term' && state.credit(m.recipient.openid, m.templateId) > 0) state.addCredit(m.recipient.openid, m.templateId, -1);
}

/**
 * One-time subscribe credits (one accept, one message:
 * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/subscribe-message-overview.html). Default "trust the caller": the server keeps its own credit table, so
 * the sandbox accepts any valid request (and still spends a credit it was told of). Strict mode
 * (POST /sandbox/control/subscribe-mode {strict:true}, or the `strictCredits` option) refuses a send
 * without a credit granted through POST /sandbox/control/subscribe-credit: 43101. A long-term template
 * (长期订阅) needs the long-term grant instead ({longTerm: true}), which sending does not spend; turning it off
 * ({longTerm: false}: the user switched the messages off in settings) brings back 43101.
 */
function creditCheck(state: SandboxState, openid: string, tpl: SandboxTemplate): Check {
  if (!state.strictCredits) return null;
  if (tpl.kind === 'long_term' ? state.hasLongTerm(openid, tpl.id) : state.credit(openid, tpl.id) > 0) return null;
  return [43101, 'user refuse to accept the msg'];
}

export const describeTemplate: Describer = (_q, b) => {
  const data = shown(undefined, flatData(b?.data));
  return { channel: 'oa_template', recipient: { oaOpenid: String(b?.touser ?? '') }, templateId: String(b?.template_id ?? ''), data, content: renderTemplate(undefined, data) };
};

function templateSend(ctx: Context, state: SandboxState): void {
  const b = body(ctx);
  const tpl = state.templates.oa.get(String(b?.template_id ?? ''));
  const data = flatData(b?.data);
  const mini = b?.miniprogram as Json | undefined;
  const openid = String(b?.touser ?? '');
  const err =
    tokenCheck(ctx, state, ['oa']) ??
    (!b ? [47001, 'data format error'] : null) ??
    (!tpl ? [40037, 'invalid template_id'] : null) ??
    (!OPENID.test(openid) ? [40003, 'invalid openid'] : null) ??
    (!state.isFollowing(openid) ? [43004, 'require subscribe'] : null) ??
    (mini && mini.appid !== state.appOfKind('mp').appId ? [40013, 'invalid appid (miniprogram.appid)'] : null) ??
    dataCheck(tpl!, data, false);
  const page = mini && typeof mini.pagepath === 'string' ? { page: mini.pagepath } : typeof b?.url === 'string' ? { page: b.url } : {};
  finish(ctx, state, err, { channel: 'oa_template', recipient: { oaOpenid: openid }, templateId: String(b?.template_id ?? ''), ...page, data: shown(tpl, data), content: renderTemplate(tpl, shown(tpl, data)) });
}

let msgSeq = 3_000_000_000;

function finish(
  ctx: Context,
  state: SandboxState,
  err: Check,
  m: { channel: 'subscribe' | 'oa_template'; recipient: SandboxRecipient; templateId: string; page?: string; data: Record<string, string>; content: string },
): void {
  const at = new Date(state.now()).toISOString();
  state.record.add({ ...m, at, errcode: err ? err[0] : 0, errmsg: err ? err[1] : 'ok', accepted: !err });
  if (err) return wxReply(ctx, err[0], err[1]);
  wxReply(ctx, 0, 'ok', { msgid: ++msgSeq });
}
