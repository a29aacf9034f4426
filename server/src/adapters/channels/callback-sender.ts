import crypto from 'node:crypto';
import type { CallbackSender, SendOutcome } from '../../usecases/channels/callbacks.js';
import { signPayload } from '../../usecases/channels/signing.js';

/**
 * Partner callbacks over HTTP: a JSON POST signed by the partner scheme (X-Timestamp in unix seconds of the
 * wall clock, a random X-Nonce, X-Signature = hex HMAC-SHA256 of timestamp, nonce and body), with a timeout.
 * Any 2xx is delivered. A timeout, a network error, 408, 429 and 5xx are worth a retry; other answers (a
 * 4xx: the partner refused this request, e.g. our signature) are final until someone retries by hand.
 * Redirects are not followed: a callback goes to the configured address only.
 */
export function httpCallbackSender(o: { timeoutMs: number; now?: () => number }): CallbackSender {
  const now = o.now ?? Date.now;
  return {
    async post(url, body, secret): Promise<SendOutcome> {
      const timestamp = String(Math.floor(now() / 1000));
      const nonce = crypto.randomBytes(16).toString('hex');
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(o.timeoutMs),
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            'X-Timestamp': timestamp,
            'X-Nonce': nonce,
            'X-Signature': signPayload(secret, timestamp, nonce, body),
          },
        });
      } catch (err) {
        const name = (err as Error)?.name;
        return { status: 'transient', error: name === 'TimeoutError' || name === 'AbortError' ? `对方未在 ${Math.round(o.timeoutMs / 1000)} 秒内应答` : '无法连接对方服务器' };
      }
      await res.arrayBuffer().catch(() => undefined); // drain, so the connection is reused
      if (res.status >= 200 && res.status < 300) return { status: 'sent' };
      const retry = res.status >= 500 || res.status === 408 || res.status === 429;
      const error = res.status >= 500 ? `对方服务器出错（HTTP ${res.status}）` : `对方拒收（HTTP ${res.status}）`;
      return retry ? { status: 'transient', error } : { status: 'permanent', error };
    },
  };
}
