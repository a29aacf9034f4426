import type { Channel, DeliveryOutcome, OutgoingMessage } from '../../domain/notify-ports.js';
import { normaliseTemplateData } from '../../domain/wechat-values.js';
import { withAccessToken, type AccessTokenSource } from './access-token.js';
import { callJson } from './http.js';
import { outcomeOf, outcomeOfError } from './outcomes.js';

/**
 * Mini-program subscribe messages (`POST cgi-bin/message/subscribe/send`,
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html). Values are
 * normalised per type first (the value rules on that page), so 47003 means a bug, not a long address. The send has no idempotency
 * key: a timeout is reported transient, and the notifier's ledger decides about the retry.
 * 43101 (no credit) → fallback: the caller zeroes its credit and moves on.
 */
export interface SubscribeChannelOptions {
  apiBase: string;
  timeoutMs: number;
  /** The mini-program's access token (stableAccessToken with the mini-program appid). */
  tokens: AccessTokenSource;
  /** developer | trial | formal (default formal): which build a tap opens. */
  miniprogramState?: 'developer' | 'trial' | 'formal';
}

export function subscribeChannel(o: SubscribeChannelOptions): Channel {
  const url = `${o.apiBase.replace(/\/+$/, '')}/cgi-bin/message/subscribe/send`;
  return {
    name: 'subscribe',
    async send(msg: OutgoingMessage): Promise<DeliveryOutcome> {
      if (!msg.templateId) return { status: 'permanent', errcode: 'no_template', errmsg: 'subscribe message without templateId' };
      const data = Object.fromEntries(Object.entries(normaliseTemplateData(msg.data ?? {})).map(([k, value]) => [k, { value }]));
      const body = {
        touser: msg.to,
        template_id: msg.templateId,
        ...(msg.page ? { page: msg.page } : {}),
        data,
        miniprogram_state: o.miniprogramState ?? 'formal',
        lang: 'zh_CN',
      };
      try {
        const reply = await withAccessToken(o.tokens, async (token) => (await callJson(`${url}?access_token=${encodeURIComponent(token)}`, { body, timeoutMs: o.timeoutMs })).json);
        if (!reply.errcode) return { status: 'sent', ...(reply.msgid !== undefined ? { providerMessageId: String(reply.msgid) } : {}) };
        return outcomeOf(reply.errcode, reply.errmsg ?? '');
      } catch (err) {
        return outcomeOfError(err);
      }
    },
  };
}
