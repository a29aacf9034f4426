import { AppError } from '../../domain/errors.js';
import type { VerifiedPhone, WeChatAuth, WeChatIdentity } from '../../domain/ports.js';
import type { AccessTokenSource } from './access-token.js';

/**
 * Thin typed client for the mini-program server APIs (https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_code2session).
 * It knows only a base URL:
 * api.weixin.qq.com in production, the project's sandbox in the demo and the tests.
 */
export interface MiniProgramClientOptions {
  apiBase: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
  /** The mini-program's access token (getuserphonenumber needs one). */
  tokens: AccessTokenSource;
}

interface PhoneReply {
  errcode?: number;
  errmsg?: string;
  phone_info?: { phoneNumber?: string; purePhoneNumber?: string; countryCode?: string };
}

interface Code2SessionReply {
  openid?: string;
  unionid?: string;
  session_key?: string;
  errcode?: number;
  errmsg?: string;
}

/** −1 (busy) and 45011 (too frequent) are transient: one retry with jitter, then a 503. */
const TRANSIENT = new Set([-1, 45011]);

export function miniProgramClient(o: MiniProgramClientOptions): WeChatAuth {
  const base = o.apiBase.replace(/\/+$/, '');
  async function call(code: string): Promise<Code2SessionReply> {
    const url = new URL(`${base}/sns/jscode2session`);
    url.search = new URLSearchParams({ appid: o.appId, secret: o.appSecret, js_code: code, grant_type: 'authorization_code' }).toString();
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(o.timeoutMs) });
      if (!res.ok) return { errcode: -1, errmsg: `http ${res.status}` };
      return (await res.json()) as Code2SessionReply;
    } catch {
      return { errcode: -1, errmsg: 'network' };
    }
  }
  return {
    async code2Session(code: string): Promise<WeChatIdentity> {
      let reply = await call(code);
      if (reply.errcode && TRANSIENT.has(reply.errcode)) {
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
        reply = await call(code);
      }
      // session_key is a signing key: it is dropped here and never logged or returned (WeChat's rule: it never leaves the server).
      if (!reply.errcode && reply.openid) return { openid: reply.openid, ...(reply.unionid ? { unionid: reply.unionid } : {}) };
      throw mapError(reply.errcode ?? -1);
    },
    /** POST wxa/business/getuserphonenumber {code} (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html). */
    async phoneNumber(phoneCode: string): Promise<VerifiedPhone> {
      let token = (await o.tokens.get()).token;
      let reply = await phoneCall(token, phoneCode);
      if (reply.errcode === 40001 || reply.errcode === 42001) {
        token = (await o.tokens.refresh(token)).token;
        reply = await phoneCall(token, phoneCode);
      } else if (reply.errcode && TRANSIENT.has(reply.errcode)) {
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
        reply = await phoneCall(token, phoneCode);
      }
      const p = reply.phone_info;
      if (!reply.errcode && p?.purePhoneNumber) return { phoneNumber: p.phoneNumber ?? p.purePhoneNumber, purePhoneNumber: p.purePhoneNumber, countryCode: p.countryCode ?? '86' };
      if (reply.errcode === 40029) throw new AppError('auth.wechat_code_invalid', '手机号验证凭证无效或已使用，请重新获取', { errcode: 40029 });
      throw mapError(reply.errcode ?? -1);
    },
  };

  async function phoneCall(token: string, code: string): Promise<PhoneReply> {
    const url = `${base}/wxa/business/getuserphonenumber?access_token=${encodeURIComponent(token)}`;
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }), signal: AbortSignal.timeout(o.timeoutMs) });
      if (!res.ok) return { errcode: -1, errmsg: `http ${res.status}` };
      return (await res.json()) as PhoneReply;
    } catch {
      return { errcode: -1, errmsg: 'network' };
    }
  }
}

function mapError(errcode: number): AppError {
  if (errcode === 40029 || errcode === 40163) return new AppError('auth.wechat_code_invalid', '登录凭证无效或已使用，请重新登录', { errcode });
  if (errcode === 40226) return new AppError('auth.wechat_user_blocked', '该微信账号存在风险，暂不能登录，请拨打 12345 反映问题', { errcode });
  return new AppError('auth.wechat_unavailable', '微信服务暂时不可用，请稍后重试', { errcode });
}
