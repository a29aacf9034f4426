/**
 * The sandbox's record: every message it accepted or refused, as the person or the group would (or would
 * not) have seen it. Read through GET /sandbox/messages, GET /sandbox/inbox and GET /api/v1/sandbox/messages.
 */
export type SandboxChannel = 'subscribe' | 'oa_template' | 'wecom_robot' | 'sms';

export interface SandboxRecipient {
  /** Mini-program openid (subscribe). */
  openid?: string;
  /** Official-account openid (oa_template). */
  oaOpenid?: string;
  /** Org node code of the group whose robot was called (wecom_robot). */
  group?: string;
  /** Mobile (sms). */
  phone?: string;
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
