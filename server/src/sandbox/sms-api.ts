import crypto from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { body, type Describer, type Json } from './http-util.js';
import type { SandboxState } from './state.js';
import { fieldLabel } from './templates.js';

/**
 * A provider-neutral SMS gateway (no WeChat or carrier protocol is imitated; a real provider is one more
 * adapter behind server/src/adapters/sms). `POST /sms/send` with header `X-Api-Key` and
 * `{phone, templateCode, params, outId?}` answers `{code, message, messageId?}`:
 * - 200 `OK` (a repeated `outId` answers the first messageId and sends nothing: the provider de-duplicates);
 * - 401 `UNAUTHORIZED` wrong or missing key;
 * - 400 `INVALID_PHONE` not a mainland mobile (1[3-9] + 9 digits, optional +86);
 * - 400 `INVALID_TEMPLATE` unknown template code; 400 `INVALID_PARAMS` params not a string map.
 */
export const SMS_PATH = '/sms/send';
const PHONE = /^(?:\+?86)?(1[3-9]\d{9})$/;
const SIGN = '【大连城市管理】';

export interface SmsOptions {
  apiKey: string;
}

export const describeSms: Describer = (_q, b) => ({
  channel: 'sms',
  recipient: { phone: String(b?.phone ?? '') },
  templateId: String(b?.templateCode ?? ''),
  content: '',
});

export function smsApi(router: Router, state: SandboxState, o: SmsOptions): void {
  router.post(SMS_PATH, (ctx) => smsSend(ctx, state, o));
}

function smsSend(ctx: Context, state: SandboxState, o: SmsOptions): void {
  const b = body(ctx) ?? {};
  const key = ctx.get('x-api-key');
  if (key !== o.apiKey) return reply(ctx, 401, 'UNAUTHORIZED', 'API key 无效');
  const outId = typeof b.outId === 'string' ? b.outId : undefined;
  const earlier = outId ? state.smsSent.get(outId) : undefined;
  if (earlier) return reply(ctx, 200, 'OK', '重复请求，已忽略', earlier);
  const phone = PHONE.exec(String(b.phone ?? ''))?.[1];
  const code = String(b.templateCode ?? '');
  const tpl = state.templates.sms.get(code);
  const params = stringMap(b.params);
  const err: [string, string] | null =
    (!phone ? ['INVALID_PHONE', '手机号格式不正确'] : null) ??
    (!tpl && (state.templates.sms.size || !/^[A-Z0-9_]{1,64}$/.test(code)) ? ['INVALID_TEMPLATE', '短信模板不存在'] : null) ??
    (!params ? ['INVALID_PARAMS', '模板参数必须是字符串键值对'] : null);
  const lines = Object.entries(params ?? {}).map(([k, v]) => `${fieldLabel(tpl, k)}：${v}`);
  const content = `${SIGN}${tpl?.title ?? code}：${lines.join('；')}`;
  const messageId = err ? undefined : `sbxsms-${crypto.randomBytes(8).toString('hex')}`;
  state.record.add({
    channel: 'sms',
    recipient: { phone: phone ?? String(b.phone ?? '') },
    templateId: code,
    ...(params ? { data: params } : {}),
    content,
    at: new Date(state.now()).toISOString(),
    errcode: err ? err[0] : 0,
    errmsg: err ? err[1] : 'ok',
    accepted: !err,
  });
  if (err) return reply(ctx, 400, err[0], err[1]);
  if (outId) state.smsSent.set(outId, messageId!);
  reply(ctx, 200, 'OK', '发送成功', messageId);
}

function stringMap(v: unknown): Record<string, string> | null {
  if (v === undefined) return {};
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const entries = Object.entries(v as Json);
  return entries.every(([, x]) => typeof x === 'string') ? (Object.fromEntries(entries) as Record<string, string>) : null;
}

function reply(ctx: Context, status: number, code: string, message: string, messageId?: string): void {
  ctx.status = status;
  ctx.body = { code, message, ...(messageId ? { messageId } : {}) };
}
