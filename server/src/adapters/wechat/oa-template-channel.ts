import WeChatAPI from 'co-wechat-api';
import type { Channel, DeliveryOutcome, OutgoingMessage } from '../../domain/notify-ports.js';
import { normaliseTemplateData } from '../../domain/wechat-values.js';
import type { AccessTokenSource } from './access-token.js';
import { outcomeOfError } from './outcomes.js';
import { WeChatCallError } from './wechat-call-error.js';

/**
 * Official-account template messages (`cgi-bin/message/template/send`, https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html) through
 * co-wechat-api. Its hosts are reassigned to the configured base URL, and it never fetches tokens itself
 * (`tokenFromCustom`, https://github.com/node-webot/co-wechat-api): getToken reads the shared stable token (access-token.ts),
 * so every process uses the one token a single refresher keeps. On 40001/42001 this channel refreshes that
 * token once and sends again. 43004 (the staff member does not follow the account) → fallback.
 */
export interface OaTemplateChannelOptions {
  apiBase: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
  /** The official account's access token (stableAccessToken with the OA appid). */
  tokens: AccessTokenSource;
  /** With a message `page`, the tap opens this mini-program there (`miniprogram {appid, pagepath}`). */
  miniProgramAppId?: string;
}

export function oaTemplateChannel(o: OaTemplateChannelOptions): Channel {
  let lastToken = '';
  const api = new WeChatAPI(
    o.appId,
    o.appSecret,
    async () => {
      const t = await o.tokens.get();
      lastToken = t.token;
      return { accessToken: t.token, expireTime: t.expiresAt };
    },
    // With tokenFromCustom co-wechat-api never fetches a token, so it has none of its own to save.
    async () => {},
    true,
  );
  const base = o.apiBase.replace(/\/+$/, '');
  // The api.weixin.qq.com prefixes (mpPrefix is mp.weixin.qq.com, which FineCity does not call).
  api.prefix = `${base}/cgi-bin/`;
  api.fileServerPrefix = `${base}/cgi-bin/`;
  api.snsPrefix = `${base}/sns/`;
  api.wxaPrefix = `${base}/wxa/`;
  api.customservicePrefix = `${base}/customservice/`;
  api.payPrefix = `${base}/pay/`;
  api.merchantPrefix = `${base}/merchant/`;
  api.setOpts({ timeout: o.timeoutMs });

  async function send(msg: OutgoingMessage): Promise<{ msgid?: unknown }> {
    const data = Object.fromEntries(Object.entries(normaliseTemplateData(msg.data ?? {})).map(([k, value]) => [k, { value }]));
    const mini = msg.page && o.miniProgramAppId ? { appid: o.miniProgramAppId, pagepath: msg.page } : undefined;
    return api.sendTemplate(msg.to, msg.templateId!, undefined, undefined, data, mini);
  }

  return {
    name: 'oa_template',
    async send(msg: OutgoingMessage): Promise<DeliveryOutcome> {
      if (!msg.templateId) return { status: 'permanent', errcode: 'no_template', errmsg: 'template message without templateId' };
      try {
        let reply: { msgid?: unknown };
        try {
          reply = await send(msg);
        } catch (err) {
          const code = coWeChatCode(err);
          if (code !== 40001 && code !== 42001) throw err;
          await o.tokens.refresh(lastToken);
          reply = await send(msg);
        }
        return { status: 'sent', ...(reply.msgid !== undefined ? { providerMessageId: String(reply.msgid) } : {}) };
      } catch (err) {
        return outcomeOfError(asCallError(err));
      }
    },
  };
}

function coWeChatCode(err: unknown): number | undefined {
  const e = err as { name?: string; code?: unknown };
  return e?.name === 'WeChatAPIError' && typeof e.code === 'number' ? e.code : undefined;
}

/** co-wechat-api's failures in WeChatCallError terms: errcode, HTTP status, timeout or network. */
function asCallError(err: unknown): unknown {
  if (err instanceof WeChatCallError) return err;
  const e = err as { name?: string; message?: string };
  const code = coWeChatCode(err);
  if (code !== undefined) return new WeChatCallError(code, e.message ?? '');
  if (e?.name === 'WeChatAPIError') {
    const status = /status code: (\d{3})/.exec(e.message ?? '')?.[1];
    return new WeChatCallError(status ? `http_${status}` : 'http_invalid', e.message ?? '');
  }
  if (e?.name?.includes('Timeout')) return new WeChatCallError('timeout', e.message ?? '');
  return new WeChatCallError('network', e?.message ?? String(err));
}
