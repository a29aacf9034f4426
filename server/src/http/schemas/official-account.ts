import { z } from 'zod';
import type { WeChatPushQuery } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import type { OaMessage } from '../../usecases/official-account-push.js';

/** What WeChat puts on the push URL (WeChatPushQuery). Bounded so nothing huge reaches a hash. */
const q = z.string().max(128).optional();
export const pushQuery = z.object({
  signature: q, timestamp: q, nonce: q, echostr: z.string().max(1024).optional(), encrypt_type: q, msg_signature: q, openid: q,
}) satisfies z.ZodType<WeChatPushQuery>;

const openid = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const createTime = z
  .string()
  .regex(/^\d{1,12}$/)
  .transform((s) => new Date(Number(s) * 1000));
const degrees = (limit: number) =>
  z
    .string()
    .regex(/^-?\d{1,3}(\.\d{1,12})?$/)
    .transform(Number)
    .refine((v) => Math.abs(v) <= limit, 'out of range');

const base = z.object({ FromUserName: openid, ToUserName: z.string().min(1).max(64), CreateTime: createTime });
const text = base.extend({ MsgType: z.literal('text'), Content: z.string().max(2048) });
const image = base.extend({ MsgType: z.literal('image'), MediaId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/), PicUrl: z.string().max(1024).optional() });
// Location_X is the latitude and Location_Y the longitude (WeChat's 地理位置消息).
const location = base.extend({ MsgType: z.literal('location'), Location_X: degrees(90), Location_Y: degrees(180), Label: z.string().max(500).optional() });
const event = base.extend({ MsgType: z.literal('event'), Event: z.string().min(1).max(64) });

/** A decrypted, parsed push as the use case takes it; any other MsgType (voice, video, link …) is 'other'. */
export function toOaMessage(fields: Record<string, string>): OaMessage {
  const r = z.discriminatedUnion('MsgType', [text, image, location, event]).safeParse(fields);
  if (r.success) {
    const m = r.data;
    const head = { openid: m.FromUserName, at: m.CreateTime };
    if (m.MsgType === 'text') return { ...head, type: 'text', content: m.Content };
    if (m.MsgType === 'image') return { ...head, type: 'image', mediaId: m.MediaId, picUrl: m.PicUrl ?? null };
    if (m.MsgType === 'location') return { ...head, type: 'location', lat: m.Location_X, lng: m.Location_Y, label: m.Label || null };
    return { ...head, type: 'event', event: m.Event };
  }
  const other = base.safeParse(fields);
  if (other.success && !['text', 'image', 'location', 'event'].includes(fields.MsgType ?? '')) {
    return { openid: other.data.FromUserName, at: other.data.CreateTime, type: 'other' };
  }
  throw new AppError('request.invalid', '消息格式不正确', r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
}
