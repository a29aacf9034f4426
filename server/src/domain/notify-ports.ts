/**
 * The notifier's outward port: one message to one recipient on one channel, and what came of it.
 * Adapters (server/src/adapters/wechat, adapters/sms) implement Channel; the notification worker
 * chooses the order and the fallbacks.
 */
export type ChannelName = 'subscribe' | 'oa_template' | 'wecom_robot' | 'sms';

export interface OutgoingMessage {
  channel: ChannelName;
  /** subscribe: mini-program openid; oa_template: official-account openid; wecom_robot: robot webhook key; sms: mobile. */
  to: string;
  /** subscribe/oa_template: the template id; sms: the SMS template code. Unused by robots. */
  templateId?: string;
  /** subscribe: mini-program page (e.g. pages/case/index?id=…); oa_template: the mini-program page to open. */
  page?: string;
  /** Template fields by key (thing1, character_string2, time3 …); adapters normalise values per WeChat's type rules. */
  data?: Record<string, string>;
  /** wecom_robot: markdown content; sms: the rendered text for sandbox/log purposes. */
  text?: string;
  /** wecom_robot: mobiles to @-mention (the on-duty inspector). */
  mentionMobiles?: string[];
  /** Idempotency hint the adapter may pass on to the provider (SMS out_id, robot de-dupe). */
  dedupeKey?: string;
  /** wecom_robot: an image message instead of text (a PNG or JPG, at most 2 MB). */
  image?: Buffer;
  /** wecom_robot: a file message instead of text (uploaded first for its media_id). */
  file?: { name: string; bytes: Buffer };
}

/**
 * - sent: delivered to the platform.
 * - transient: retry later with backoff (−1 busy, 45009 quota, 130101 robot limit, timeouts, 5xx).
 * - fallback: this channel can never deliver this message (43101 no subscribe credit, 43004 not following,
 *   no binding): move to the next channel now, never retry here.
 * - permanent: the request itself is wrong (40037 bad template, 47003 bad value, 40003 bad openid, 93000
 *   bad webhook): record, alarm, move to the next channel.
 */
export type DeliveryOutcome =
  | { status: 'sent'; providerMessageId?: string }
  | { status: 'transient' | 'fallback' | 'permanent'; errcode: number | string; errmsg: string; retryAfterMs?: number };

export interface Channel {
  readonly name: ChannelName;
  send(msg: OutgoingMessage): Promise<DeliveryOutcome>;
}

/** Text security (msgSecCheck v2, https://developers.weixin.qq.com/minigame/dev/api-backend/open-api/sec-check/security.msgSecCheck.html). */
export type ContentVerdict = 'pass' | 'review' | 'risky';
export interface ContentCheck {
  checkText(openid: string, content: string): Promise<ContentVerdict>;
}

/** Tokens, keys and secrets never reach a log line or a delivery record (a library may quote its URL). */
export function redactSecrets(text: string): string {
  return text.replace(/\b(access_token|secret|appsecret|key|js_code)=([^&\s"'<>]+)/gi, '$1=***');
}
