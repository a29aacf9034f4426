/**
 * The sandbox's record: every message it accepted or refused, as the person or the group would (or would
 * not) have seen it. Read through GET /sandbox/messages, GET /sandbox/inbox and GET /api/v1/sandbox/messages.
 */
export type SandboxChannel = 'subscribe' | 'oa_template' | 'wecom_robot' | 'sms' | PartnerChannelId;
/** A partner platform the sandbox plays (partner-api.ts): `12345`, `12319`, `minyi`, `minxin`, `tp-<company>`. */
export type PartnerChannelId = string & { readonly partner?: true };
/** The channel ids of partner platforms, as `?channel=` takes them. */
export const PARTNER_CHANNEL_ID = /^(12345|12319|minyi|minxin|tp-[a-z0-9]{2,20})$/;

export interface SandboxRecipient {
  /** Mini-program openid (subscribe). */
  openid?: string;
  /** Official-account openid (oa_template). */
  oaOpenid?: string;
  /** Org node code of the group whose robot was called (wecom_robot). */
  group?: string;
  /** Mobile (sms). */
  phone?: string;
  /** The partner platform that received a callback or sent a ticket (its channel id). */
  partner?: string;
}

export interface SandboxMessage {
  /** Increasing per sandbox; a poller can keep the last one it saw. */
  id: number;
  at: string;
  channel: SandboxChannel;
  recipient: SandboxRecipient;
  templateId?: string;
  /** Robot webhook key (sandbox keys are `sbx-robot-<orgNodeCode>`, not secrets). */
  robot?: string;
  /** Robot msgtype, subscribe page, OA mini-program page, SMS template code… */
  msgtype?: string;
  page?: string;
  data?: Record<string, string>;
  /** What the reader would see, as plain text. */
  content: string;
  mentions?: string[];
  /** Robot image message: the sandbox media id of the picture (GET /sandbox/media/:id shows it). */
  image?: string;
  /** Robot file message: the uploaded file's sandbox media id and name. */
  file?: { mediaId: string; name: string };
  /** A partner record: `callback` (FineCity → partner) or `ticket` (partner → FineCity), and its JSON. */
  direction?: 'callback' | 'ticket';
  payload?: Record<string, unknown>;
  /** 0 when accepted; WeChat's errcode (or the SMS code) when refused. */
  errcode: number | string;
  errmsg: string;
  accepted: boolean;
}

export interface MessageFilter {
  /** Matches the mini-program or the official-account openid. */
  openid?: string;
  group?: string;
  phone?: string;
  channel?: SandboxChannel;
  /** ISO time; messages at or after it. */
  since?: string;
  /** Messages with a larger id. */
  afterId?: number;
  /** The newest N (default 500). */
  limit?: number;
}

const KEEP = 10_000;

export class MessageRecord {
  private items: SandboxMessage[] = [];
  private seq = 0;

  add(m: Omit<SandboxMessage, 'id'>): SandboxMessage {
    const full = { id: ++this.seq, ...m };
    this.items.push(full);
    if (this.items.length > KEEP) this.items.splice(0, this.items.length - KEEP);
    return full;
  }

  /** Oldest first. */
  list(f: MessageFilter = {}): SandboxMessage[] {
    const since = f.since ? Date.parse(f.since) : NaN;
    const out = this.items.filter(
      (m) =>
        (!f.openid || m.recipient.openid === f.openid || m.recipient.oaOpenid === f.openid) &&
        (!f.group || m.recipient.group === f.group) &&
        (!f.phone || m.recipient.phone === f.phone) &&
        (!f.channel || m.channel === f.channel) &&
        (Number.isNaN(since) || Date.parse(m.at) >= since) &&
        (f.afterId === undefined || m.id > f.afterId),
    );
    return out.slice(-(f.limit ?? 500));
  }

  clear(): void {
    this.items = [];
  }
}
