import { AppError } from '../../domain/errors.js';
import type { WeComIdentity, WeComOAuth } from '../../usecases/wecom-login.js';
import { callJson, type WxReply } from './http.js';
import { WeChatCallError } from './wechat-call-error.js';

/**
 * WeCom web sign-in, server side: the app's access token (GET cgi-bin/gettoken?corpid=&corpsecret=,
 * https://developer.work.weixin.qq.com/document/path/91039, valid `expires_in` seconds, cached in this
 * process and renewed 5 minutes early) and the member behind an OAuth code (GET
 * cgi-bin/auth/getuserinfo?access_token=&code=, https://developer.work.weixin.qq.com/document/path/91023):
 * `userid` for a member of the corp, `openid` for anyone else. A code is valid once, for 5 minutes.
 */
export interface WeComOAuthOptions {
  /** qyapi.weixin.qq.com, or the sandbox's /qyapi. */
  apiBase: string;
  corpId: string;
  secret: string;
  timeoutMs: number;
  now?: () => number;
}

/** 40014 invalid access_token, 42001 expired: fetch a new token once. */
const STALE_TOKEN = new Set([40014, 42001]);
/** 40029 invalid code (also a used or expired one). */
const BAD_CODE = new Set([40029]);

export function wecomOAuthClient(o: WeComOAuthOptions): WeComOAuth {
  const base = o.apiBase.replace(/\/+$/, '');
  const now = o.now ?? Date.now;
  let cached: { token: string; renewAt: number } | null = null;
  let inflight: Promise<string> | null = null;

  async function get(path: string, query: Record<string, string>): Promise<WxReply> {
    const url = `${base}${path}?${new URLSearchParams(query).toString()}`;
    return (await callJson(url, { method: 'GET', timeoutMs: o.timeoutMs })).json;
  }

  async function fetchToken(): Promise<string> {
    const json = await get('/cgi-bin/gettoken', { corpid: o.corpId, corpsecret: o.secret });
    if (json.errcode || typeof json.access_token !== 'string') throw new WeChatCallError(json.errcode ?? -1, json.errmsg ?? 'no access_token in the answer');
    const ttlMs = Math.max(60, Number(json.expires_in ?? 7200)) * 1000;
    cached = { token: json.access_token, renewAt: now() + Math.max(ttlMs / 2, ttlMs - 5 * 60_000) };
    return json.access_token;
  }

  function token(): Promise<string> {
    if (cached && now() < cached.renewAt) return Promise.resolve(cached.token);
    inflight ??= fetchToken().finally(() => (inflight = null));
    return inflight;
  }

  async function userInfo(code: string): Promise<WxReply> {
    const first = await get('/cgi-bin/auth/getuserinfo', { access_token: await token(), code });
    if (!STALE_TOKEN.has(Number(first.errcode))) return first;
    cached = null;
    return get('/cgi-bin/auth/getuserinfo', { access_token: await token(), code });
  }

  return {
    async identify(code): Promise<WeComIdentity> {
      let reply: WxReply;
      try {
        reply = await userInfo(code);
      } catch (err) {
        const errcode = err instanceof WeChatCallError ? err.errcode : 'network';
        throw new AppError('auth.wecom_unavailable', '企业微信服务暂时不可用，请稍后重试', { errcode });
      }
      const errcode = Number(reply.errcode ?? 0);
      if (BAD_CODE.has(errcode)) throw new AppError('auth.wecom_code_invalid', '企业微信登录凭证无效或已使用，请重新登录', { errcode });
      if (errcode !== 0) throw new AppError('auth.wecom_unavailable', '企业微信服务暂时不可用，请稍后重试', { errcode });
      // The answer's field names were UserId/OpenId in older versions of the API; both spellings are read.
      const userid = reply.userid ?? reply.UserId;
      const openid = reply.openid ?? reply.OpenId;
      if (typeof userid === 'string' && userid) return { userid };
      if (typeof openid === 'string' && openid) return { openid };
      throw new AppError('auth.wecom_unavailable', '企业微信服务暂时不可用，请稍后重试', { errcode: 'no userid' });
    },
  };
}
