import crypto from 'node:crypto';
import type Router from '@koa/router';
import multer from '@koa/multer';
import { wxReply, type Json } from './http-util.js';
import type { SandboxState } from './state.js';

/**
 * The group robot's images and files (https://developer.work.weixin.qq.com/document/path/91770):
 * - `POST cgi-bin/webhook/upload_media?key=KEY&type=file`, multipart part `media`, more than 5 bytes and at most
 *   20 MB → `{type:'file', media_id, created_at}`; the media_id is valid for 3 days;
 * - `msgtype: image` carries `{base64, md5}` of a JPG or PNG of at most 2 MB; `msgtype: file` carries `{media_id}`.
 * Errcodes (WeCom's global list, https://developer.work.weixin.qq.com/document/path/90313): 40004 invalid media
 * type, 40005 invalid file type, 40006 invalid file size, 40007 invalid media_id, 40009 invalid image size,
 * 41005 media data missing, 301019 md5 of the image does not match [verify: the code WeCom answers for a
 * wrong md5 is not listed on the robot page].
 */
const IMAGE_MAX = 2 * 1024 * 1024;
const FILE_MAX = 20 * 1024 * 1024;
const FILE_MIN = 6;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What a robot image or file message showed, or WeCom's refusal. */
export type Attachment = { ok: true; content: string; image?: string; file?: { mediaId: string; name: string } } | { ok: false; errcode: number; errmsg: string };

function imageType(b: Buffer): string | null {
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length > 8 && b.subarray(0, 8).equals(PNG)) return 'image/png';
  return null;
}

/** Checks an image or file message part and keeps what the group would see (the picture, the file). */
export function robotAttachment(state: SandboxState, msgtype: 'image' | 'file', part: Json): Attachment {
  if (msgtype === 'file') {
    const m = typeof part.media_id === 'string' ? state.getMedia(part.media_id) : undefined;
    if (!m || m.type !== 'robot_file') return { ok: false, errcode: 40007, errmsg: 'invalid media_id' };
    return { ok: true, content: `[文件] ${m.name ?? '文件'}`, file: { mediaId: m.id, name: m.name ?? '文件' } };
  }
  const b64 = typeof part.base64 === 'string' ? part.base64 : '';
  const bytes = Buffer.from(b64, 'base64');
  if (!bytes.length || bytes.length > IMAGE_MAX) return { ok: false, errcode: 40009, errmsg: 'invalid image size' };
  const type = imageType(bytes);
  if (!type) return { ok: false, errcode: 40005, errmsg: 'invalid file type' };
  const md5 = crypto.createHash('md5').update(bytes).digest('hex');
  if (typeof part.md5 !== 'string' || part.md5.toLowerCase() !== md5) return { ok: false, errcode: 301019, errmsg: 'media file md5 not match' };
  return { ok: true, content: '[图片]', image: state.putMedia('image', bytes, type).id };
}

export function robotUploadRoute(router: Router, path: string, state: SandboxState, validKey: (key: string | undefined) => boolean): void {
  const parse = multer({ storage: multer.memoryStorage(), limits: { fileSize: FILE_MAX, files: 1 } }).single('media');
  router.post(path, async (ctx) => {
    if (!validKey(ctx.query.key as string | undefined)) return wxReply(ctx, 93000, 'invalid webhook url, hint: key is not valid');
    if (ctx.query.type !== 'file') return wxReply(ctx, 40004, 'invalid media type');
    if (!ctx.is('multipart/form-data')) return wxReply(ctx, 41005, 'media data missing');
    try {
      await parse(ctx, async () => {});
    } catch (err) {
      return (err as { code?: string }).code === 'LIMIT_FILE_SIZE' ? wxReply(ctx, 40006, 'invalid file size') : wxReply(ctx, 41005, 'media data missing');
    }
    const file = (ctx as unknown as { file?: { buffer: Buffer; mimetype: string; originalname: string } }).file;
    if (!file) return wxReply(ctx, 41005, 'media data missing');
    if (file.buffer.length < FILE_MIN) return wxReply(ctx, 40006, 'invalid file size');
    const name = Buffer.from(file.originalname, 'latin1').toString('utf8');
    const m = state.putMedia('robot_file', file.buffer, file.mimetype || 'application/octet-stream', name);
    wxReply(ctx, 0, 'ok', { type: 'file', media_id: m.id, created_at: String(Math.floor(m.createdAt / 1000)) });
  });
}
