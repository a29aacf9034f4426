import type Router from '@koa/router';
import multer from '@koa/multer';
import type { Context } from 'koa';
import { wxReply } from './http-util.js';
import type { SandboxState } from './state.js';

/**
 * Temporary media (素材管理 / 临时素材): `POST cgi-bin/media/upload?type=image` with a multipart `media` part,
 * `GET cgi-bin/media/get?media_id=` for the bytes; and `GET /sandbox/media/:id`, a public URL the sandbox
 * hands out as the PicUrl of a pushed image message (an official-account push carries both MediaId and PicUrl).
 */
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const TYPES = new Set(['image', 'voice', 'video', 'thumb']);

function imageType(b: Buffer): string | null {
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length > 6 && (b.subarray(0, 6).toString('latin1') === 'GIF87a' || b.subarray(0, 6).toString('latin1') === 'GIF89a')) return 'image/gif';
  if (b.length > 2 && b[0] === 0x42 && b[1] === 0x4d) return 'image/bmp';
  return null;
}

export function mediaApi(router: Router, state: SandboxState): void {
  const parse = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMAGE_BYTES, files: 1 } }).single('media');
  router.post('/cgi-bin/media/upload', async (ctx) => {
    const t = state.checkToken(ctx.query.access_token as string | undefined, ['oa', 'mp']);
    if (t.errcode) return wxReply(ctx, t.errcode, t.errmsg);
    const type = String(ctx.query.type ?? '');
    if (!TYPES.has(type)) return wxReply(ctx, 40004, 'invalid media type');
    if (!ctx.is('multipart/form-data')) return wxReply(ctx, 41005, 'media data missing');
    try {
      await parse(ctx, async () => {});
    } catch (err) {
      const code = (err as { code?: string }).code;
      return code === 'LIMIT_FILE_SIZE' ? wxReply(ctx, 40009, 'invalid image size') : wxReply(ctx, 41005, 'media data missing');
    }
    const file = (ctx as unknown as { file?: { buffer: Buffer; mimetype: string } }).file;
    if (!file?.buffer.length) return wxReply(ctx, 41005, 'media data missing');
    const contentType = type === 'image' || type === 'thumb' ? imageType(file.buffer) : file.mimetype;
    if (!contentType) return wxReply(ctx, 40005, 'invalid file type');
    const m = state.putMedia(type, file.buffer, contentType);
    ctx.body = { type, media_id: m.id, created_at: Math.floor(m.createdAt / 1000) };
  });

  router.get('/cgi-bin/media/get', (ctx) => {
    const t = state.checkToken(ctx.query.access_token as string | undefined, ['oa', 'mp']);
    if (t.errcode) return wxReply(ctx, t.errcode, t.errmsg);
    serve(ctx, state, String(ctx.query.media_id ?? ''));
  });

  router.get('/sandbox/media/:id', (ctx) => {
    if (!state.getMedia(ctx.params.id!)) {
      ctx.status = 404;
      return;
    }
    serve(ctx, state, ctx.params.id!);
  });
}

function serve(ctx: Context, state: SandboxState, id: string): void {
  const m = state.getMedia(id);
  if (!m) return wxReply(ctx, 40007, 'invalid media_id');
  const ext = m.contentType.split('/')[1] ?? 'bin';
  ctx.type = m.contentType;
  ctx.set('Content-Disposition', `attachment; filename="${m.id}.${ext === 'jpeg' ? 'jpg' : ext}"`);
  ctx.body = m.bytes;
}
