import type { Channel, DeliveryOutcome, OutgoingMessage } from '../../domain/notify-ports.js';
import { callJson } from './http.js';
import { outcomeOf, outcomeOfError } from './outcomes.js';
import { imageBody, uploadRobotFile } from './wecom-robot-media.js';

/**
 * WeCom group robots (`POST cgi-bin/webhook/send?key=…`, https://developer.work.weixin.qq.com/document/path/91770). `msg.to` is the webhook key
 * — a secret: it goes into the URL and nowhere else. `msg.text` is markdown. Markdown cannot @-mention by
 * mobile, so a message with `mentionMobiles` goes as text (the markdown flattened) with
 * `mentioned_mobile_list`. Content is cut to the byte limits (text 2048, markdown 4096).
 * 45009 (over 20 a minute) → transient with retryAfterMs ≥ 60 s; 93000 (bad key) → permanent.
 * A message with `image` goes as an image message, one with `file` as a file message (wecom-robot-media.ts).
 */
export interface WecomRobotChannelOptions {
  apiBase: string;
  timeoutMs: number;
}

const TEXT_BYTES = 2048;
const MARKDOWN_BYTES = 4096;

/** The longest prefix of `s` within `max` UTF-8 bytes, ending in '…' when cut. */
export function cutBytes(s: string, max: number): string {
  if (Buffer.byteLength(s, 'utf8') <= max) return s;
  const room = max - Buffer.byteLength('…', 'utf8');
  let out = '';
  let used = 0;
  for (const c of s) {
    const n = Buffer.byteLength(c, 'utf8');
    if (used + n > room) break;
    out += c;
    used += n;
  }
  return `${out}…`;
}

/** WeCom markdown → plain text: links keep text and URL, colour tags and emphasis marks go. */
export function markdownToText(md: string): string {
  return md
    .replace(/<font[^>]*>(.*?)<\/font>/gs, '$1')
    .replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1 $2')
    .replace(/^#{1,6}\s*/gm, '')
    .replace(/^>\s?/gm, '')
    .replace(/\*\*(.*?)\*\*/g, '$1')
    .replace(/`([^`]*)`/g, '$1');
}

export function wecomRobotChannel(o: WecomRobotChannelOptions): Channel {
  const url = `${o.apiBase.replace(/\/+$/, '')}/cgi-bin/webhook/send`;
  return {
    name: 'wecom_robot',
    async send(msg: OutgoingMessage): Promise<DeliveryOutcome> {
      if (!msg.to) return { status: 'permanent', errcode: 'no_robot', errmsg: 'no webhook key for this group' };
      try {
        const body = msg.image
          ? imageBody(msg.image)
          : msg.file
            ? { msgtype: 'file', file: { media_id: await uploadRobotFile(o.apiBase, msg.to, msg.file, o.timeoutMs) } }
            : textBody(msg);
        const { json } = await callJson(`${url}?key=${encodeURIComponent(msg.to)}`, { body, timeoutMs: o.timeoutMs });
        if (!json.errcode) return { status: 'sent' };
        return outcomeOf(json.errcode, json.errmsg ?? '');
      } catch (err) {
        return outcomeOfError(err);
      }
    },
  };
}

function textBody(msg: OutgoingMessage): Record<string, unknown> {
  const content = msg.text ?? '';
  const mentions = msg.mentionMobiles?.filter(Boolean) ?? [];
  return mentions.length
    ? { msgtype: 'text', text: { content: cutBytes(markdownToText(content), TEXT_BYTES), mentioned_mobile_list: mentions } }
    : { msgtype: 'markdown', markdown: { content: cutBytes(content, MARKDOWN_BYTES) } };
}
