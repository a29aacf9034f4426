import { WeChatCallError } from './wechat-call-error.js';

/**
 * One JSON call to a WeChat-style API. A reply with a non-zero errcode is returned as it is (the caller
 * decides); transport failures throw WeChatCallError('timeout' | 'network' | 'http_<status>'). The URL may
 * carry an access token or a webhook key: it is never put into an error message or a log.
 */
export interface WxReply {
  errcode?: number;
  errmsg?: string;
  [k: string]: unknown;
}

export async function callJson(url: string, init: { method?: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string>; timeoutMs: number }): Promise<{ status: number; json: WxReply }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? 'POST',
      headers: { 'content-type': 'application/json', ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw new WeChatCallError('timeout', `no answer within ${init.timeoutMs} ms`);
    throw new WeChatCallError('network', (err as Error).message);
  }
  if (res.status >= 500) throw new WeChatCallError(`http_${res.status}`, res.statusText || 'server error');
  let json: WxReply;
  try {
    json = (await res.json()) as WxReply;
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw new WeChatCallError('timeout', `no answer within ${init.timeoutMs} ms`);
    throw new WeChatCallError(`http_${res.status}`, 'answer is not JSON');
  }
  return { status: res.status, json };
}
