import { AppError } from '../../domain/errors.js';
import type { WeChatAuth, WeChatIdentity } from '../../domain/ports.js';

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
  };
}

function mapError(errcode: number): AppError {
  if (errcode === 40029 || errcode === 40163) return new AppError('auth.wechat_code_invalid', '登录凭证无效或已使用，请重新登录', { errcode });
  if (errcode === 40226) return new AppError('auth.wechat_user_blocked', '该微信账号存在风险，暂不能登录，请拨打 12345 反映问题', { errcode });
  return new AppError('auth.wechat_unavailable', '微信服务暂时不可用，请稍后重试', { errcode });
}
