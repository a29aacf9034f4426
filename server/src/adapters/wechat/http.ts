import http from 'node:http';
import https from 'node:https';
import { WeChatCallError } from './wechat-call-error.js';

/**
 * One JSON call to a WeChat-style API. A reply with a non-zero errcode is returned as it is (the caller
 * decides); transport failures throw WeChatCallError('timeout' | 'network' | 'http_<status>'). The URL may
 * carry an access token or a webhook key: it is never put into an error message or a log.
 *
 * Sent with node:http on keep-alive agents rather than fetch(): a report's content check and every
 * notification make one such call, and fetch's WHATWG streams cost several times the main-thread time of
 * a plain request for a small JSON body (measured by `npm run bench`, see README).
 */
export interface WxReply {
  errcode?: number;
  errmsg?: string;
  [k: string]: unknown;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
} as const;

/** Largest answer read: WeChat's JSON answers are small; anything bigger is not one of them. */
const MAX_ANSWER_BYTES = 1 << 20;

export async function callJson(url: string, init: { method?: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string>; timeoutMs: number }): Promise<{ status: number; json: WxReply }> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new WeChatCallError('network', 'invalid API address');
  }
  const lib = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
  if (!lib) throw new WeChatCallError('network', `unsupported protocol ${target.protocol}`);
  const payload = init.body === undefined ? null : Buffer.from(JSON.stringify(init.body), 'utf8');
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const timeout = () => new WeChatCallError('timeout', `no answer within ${init.timeoutMs} ms`);
    const req = lib.request(
      target,
      {
        method: init.method ?? 'POST',
        agent: agents[target.protocol as keyof typeof agents],
        headers: { 'content-type': 'application/json', ...(payload ? { 'content-length': String(payload.length) } : {}), ...init.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) {
            req.destroy(new WeChatCallError(`http_${res.statusCode ?? 0}`, 'answer too large'));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err instanceof WeChatCallError ? err : new WeChatCallError('network', err.message));
        });
      },
    );
    const timer = setTimeout(() => req.destroy(timeout()), init.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err instanceof WeChatCallError ? err : new WeChatCallError('network', err.message));
    });
    req.end(payload ?? undefined);
  });
  if (status >= 500) throw new WeChatCallError(`http_${status}`, http.STATUS_CODES[status] ?? 'server error');
  let json: WxReply;
  try {
    json = JSON.parse(text) as WxReply;
  } catch {
    throw new WeChatCallError(`http_${status}`, 'answer is not JSON');
  }
  if (!json || typeof json !== 'object') throw new WeChatCallError(`http_${status}`, 'answer is not JSON');
  return { status, json };
}
