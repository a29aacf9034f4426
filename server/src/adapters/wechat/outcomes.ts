import { redactSecrets, type DeliveryOutcome } from '../../domain/notify-ports.js';
import { WeChatCallError } from './wechat-call-error.js';

/**
 * WeChat / WeCom errcode → what the notifier does (codes from each API's page and https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html;
 * the kinds in notify-ports.ts):
 * - transient (retry with backoff): −1 busy, 45009 quota/frequency, 45011, 40001/42001 still failing after one
 *   token refresh, 130101, timeouts, network errors and HTTP 5xx;
 * - fallback (this channel cannot reach this person; next channel now): 43101 no subscribe credit, 43004 not following;
 * - permanent (the request is wrong; alarm): 40037, 47003, 40003, 93000 and every other errcode.
 */
const TRANSIENT = new Set([-1, 45009, 45011, 40001, 42001, 130101]);
const FALLBACK = new Set([43101, 43004]);
/** Robots: 45009 pauses the robot's queue at least a minute; 130101 reportedly blocks for 10 minutes. */
const RETRY_AFTER_MS: Record<number, number> = { 45009: 60_000, 130101: 600_000 };

export { redactSecrets };

export function outcomeOf(errcode: number | string, rawErrmsg: string): DeliveryOutcome {
  const errmsg = redactSecrets(rawErrmsg);
  // Transport: timeouts, network errors and 5xx are worth a retry; a 4xx without a WeChat answer is a wrong URL.
  if (typeof errcode === 'string') return { status: /^(timeout|network|http_5\d\d)$/.test(errcode) ? 'transient' : 'permanent', errcode, errmsg };
  if (TRANSIENT.has(errcode)) {
    const retryAfterMs = RETRY_AFTER_MS[errcode];
    return { status: 'transient', errcode, errmsg, ...(retryAfterMs ? { retryAfterMs } : {}) };
  }
  if (FALLBACK.has(errcode)) return { status: 'fallback', errcode, errmsg };
  return { status: 'permanent', errcode, errmsg };
}

/** A thrown failure as an outcome: WeChatCallError by its code; anything else is a transport problem. */
export function outcomeOfError(err: unknown): DeliveryOutcome {
  if (err instanceof WeChatCallError) return outcomeOf(err.errcode, err.errmsg);
  return { status: 'transient', errcode: 'network', errmsg: redactSecrets(err instanceof Error ? err.message : String(err)) };
}
