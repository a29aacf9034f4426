import type Router from '@koa/router';
import type { Context } from 'koa';
import { body, wxReply, type Describer, type Json } from './http-util.js';
import type { SandboxState } from './state.js';
import { SANDBOX_DEFAULTS } from '../config.js';
import { wecomOAuth, type WecomCorp } from './wecom-oauth.js';
import { robotAttachment, robotUploadRoute, type Attachment } from './wecom-robot-media.js';

/**
 * qyapi.weixin.qq.com's group-robot webhook (https://developer.work.weixin.qq.com/document/path/91770), served under WECOM_PREFIX so one sandbox
 * origin stands in for both hosts. Keys are `sbx-robot-<orgNodeCode>`: the sandbox maps a key back to the
 * group's org node for the record. Errcodes:
 * - 93000 invalid webhook url: unknown key, or a node that has no group;
 * - 45009 api freq out of limit: a 21st message within a rolling 60 s for one key. WeCom robots answer 45009
 *   here; 130101 "send too fast, exceed 20 times per minute", which some guides also list, is DingTalk's
 *   robot code (its robots share the 20/min rule);
 * - 40008 invalid message type; 44004 empty content; 40058 content over 2048 (text) / 4096 (markdown) bytes.
 * `mentioned_mobile_list` works with text only; markdown ignores it (same page). Image and file messages and
 * the file upload: wecom-robot-media.ts.
 */
export const WECOM_PREFIX = '/qyapi';
export const WEBHOOK_PATH = `${WECOM_PREFIX}/cgi-bin/webhook/send`;
export const WEBHOOK_UPLOAD_PATH = `${WECOM_PREFIX}/cgi-bin/webhook/upload_media`;
const KEY = /^sbx-robot-([0-9A-Za-z_-]{1,40})$/;
const LIMITS: Record<string, number> = { text: 2048, markdown: 4096, markdown_v2: 4096 };

export interface RobotOptions {
  /** Org node codes that have a group robot; absent → every `sbx-robot-<code>` key is accepted. */
  groups?: ReadonlySet<string>;
  /** The corp whose web sign-in the sandbox serves (wecom-oauth.ts); default: the sandbox corp. */
  corp?: WecomCorp;
}

export function robotGroup(key: string | undefined, groups?: ReadonlySet<string>): string | null {
  const code = key ? KEY.exec(key)?.[1] : undefined;
  if (!code || (groups && !groups.has(code))) return null;
  return code;
}

function message(b: Json | undefined): { msgtype: string; content: string; mentions: string[] } {
  const msgtype = String(b?.msgtype ?? '');
  const part = (b?.[msgtype] ?? {}) as Json;
  const mentions = msgtype === 'text' && Array.isArray(part.mentioned_mobile_list) ? part.mentioned_mobile_list.map(String) : [];
  return { msgtype, content: typeof part.content === 'string' ? part.content : '', mentions };
}

export const describeWebhook: Describer = (q, b) => {
  const m = message(b);
  const group = robotGroup(q.key);
  return { channel: 'wecom_robot', recipient: group ? { group } : {}, robot: q.key ?? '', msgtype: m.msgtype, content: m.content, mentions: m.mentions };
};

export function wecomApi(router: Router, state: SandboxState, o: RobotOptions): void {
  router.post(WEBHOOK_PATH, (ctx) => webhookSend(ctx, state, o));
  robotUploadRoute(router, WEBHOOK_UPLOAD_PATH, state, (key) => !!robotGroup(key, o.groups));
  wecomOAuth(router, state, WECOM_PREFIX, o.corp ?? { corpId: SANDBOX_DEFAULTS.wecomCorpId, secret: SANDBOX_DEFAULTS.wecomSecret });
}

function webhookSend(ctx: Context, state: SandboxState, o: RobotOptions): void {
  const key = ctx.query.key as string | undefined;
  const group = robotGroup(key, o.groups);
  const b = body(ctx);
  const m = message(b);
  const bytes = Buffer.byteLength(m.content, 'utf8');
  const media = m.msgtype === 'image' || m.msgtype === 'file';
  const early: [number, string] | null =
    (!group ? [93000, 'invalid webhook url, hint: key is not valid'] : null) ??
    (!state.robotAllows(key!) ? [45009, 'api freq out of limit'] : null) ??
    (!b ? [47001, 'data format error'] : null);
  const attached: Attachment | null = !early && media ? robotAttachment(state, m.msgtype as 'image' | 'file', (b![m.msgtype] ?? {}) as Json) : null;
  const err: [number, string] | null =
    early ??
    (attached ? (attached.ok ? null : [attached.errcode, attached.errmsg]) : null) ??
    (!media && !(m.msgtype in LIMITS) ? [40008, 'invalid message type'] : null) ??
    (!media && !m.content ? [44004, 'empty content'] : null) ??
    (!media && bytes > LIMITS[m.msgtype]! ? [40058, `${m.msgtype}.content exceed max length ${LIMITS[m.msgtype]}`] : null);
  const shown = attached?.ok ? attached : null;
  state.record.add({
    channel: 'wecom_robot',
    recipient: group ? { group } : {},
    robot: key ?? '',
    msgtype: m.msgtype,
    content: shown ? shown.content : media ? `[${m.msgtype === 'image' ? '图片' : '文件'}]` : m.content,
    mentions: m.mentions,
    ...(shown?.image ? { image: shown.image } : {}),
    ...(shown?.file ? { file: shown.file } : {}),
    at: new Date(state.now()).toISOString(),
    errcode: err ? err[0] : 0,
    errmsg: err ? err[1] : 'ok',
    accepted: !err,
  });
  if (err) return wxReply(ctx, err[0], err[1]);
  state.robotSent(key!);
  wxReply(ctx, 0, 'ok');
}
