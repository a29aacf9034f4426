import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { send } from '@koa/send';
import type { Context, Next } from 'koa';

/** Where `npm run build:h5` writes the mini-program's H5 build (miniprogram/config/index.ts). */
export const H5_DIST = fileURLToPath(new URL('../../../miniprogram/dist-h5', import.meta.url));

/** Paths the single-page fallback must never answer: they belong to the API, health and WeChat callbacks. */
const RESERVED = /^\/(?:api|wechat)(?:\/|$)|^\/healthz(?:\/|$)/;
const HASHED = /^\/(?:js|css|static)\//;

/**
 * Serves the H5 build at `/` on the API's port (mounted after every API route), so a newcomer opens one
 * URL. Unknown non-file paths get index.html (the app routes by hash); a missing build serves nothing,
 * and reserved paths always fall through to the API's JSON 404.
 */
export function serveH5(root: string = H5_DIST) {
  const index = path.join(root, 'index.html');
  return async (ctx: Context, next: Next): Promise<void> => {
    await next();
    if (ctx.body !== undefined || ctx.status !== 404) return;
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || RESERVED.test(ctx.path) || !fs.existsSync(index)) return;
    const immutable = HASHED.test(ctx.path);
    try {
      // brotli/gzip: the build writes .br/.gz siblings (miniprogram/scripts/ensure-build.mjs); send picks one
      // by Accept-Encoding, and koa-compress leaves an already-encoded body alone.
      const sent = await send(ctx, ctx.path, { root, index: 'index.html', maxage: immutable ? 365 * 24 * 3600_000 : 0, immutable, brotli: true, gzip: true });
      if (sent) {
        ctx.vary('Accept-Encoding');
        if (!immutable) ctx.set('Cache-Control', 'no-cache');
        return;
      }
    } catch (err) {
      const status = (err as { status?: number }).status;
      // A path that cannot be mapped inside the build (an encoded dot-dot such as /%2e%2e or /js/..%2f..%2f,
      // refused by resolve-path with 403, or a malformed escape, 400) is simply not here: 404, never a 500.
      if (status === 400 || status === 403) return;
      if (status !== 404) throw err;
    }
    if (immutable || path.extname(ctx.path)) return; // a missing asset stays a 404
    await send(ctx, 'index.html', { root });
    ctx.set('Cache-Control', 'no-cache');
  };
}
