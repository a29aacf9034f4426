import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import cors from '@koa/cors';
import helmet from 'koa-helmet';
import type { Context, Middleware, Next } from 'koa';
import type { AppConfig } from '../config.js';
import { H5_DIST } from './static.js';

/**
 * The browser-side hardening of every answer (API, H5 pages): a strict Content-Security-Policy, nosniff,
 * no framing, a referrer policy (helmet, https://helmetjs.github.io/). The session token lives in the H5's
 * localStorage, so the CSP is the backstop against injected script: scripts only from this origin (plus
 * the hashes of the build's own inline bootstrap), images from this origin, data:/blob: (photo previews)
 * and the configured map-tile host.
 */
export function securityHeaders(config: Pick<AppConfig, 'map' | 'sandbox'>, h5Root: string = H5_DIST): Middleware {
  const tiles = tileOrigins(config.map.tileUrl, config.map.subdomains);
  // With the sandbox on (a local demo, never on the internet) scripts may also eval: the browser tests drive
  // the pages with Playwright, whose waitForFunction compiles its predicate in the page with eval
  // (https://playwright.dev/docs/api/class-browser#browser-new-context-option-bypass-csp). With the sandbox
  // off, as in production, script-src is 'self' and the build's hashes only.
  const evalForTests = config.sandbox.enabled ? ["'unsafe-eval'"] : [];
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'", ...inlineScriptHashes(h5Root), ...evalForTests],
        // Taro's H5 runtime and React set style attributes: styles may be inline, scripts may not.
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:', ...tiles],
        'font-src': ["'self'", 'data:'],
        // A picked file is read back through its blob: URL before upload.
        'connect-src': ["'self'", 'blob:', 'data:'],
        'media-src': ["'self'", 'blob:', 'data:'],
        'worker-src': ["'self'", 'blob:'],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    // Photos and report files are fetched by the sandbox inbox and partner pages on other origins.
    crossOriginResourcePolicy: false,
    crossOriginEmbedderPolicy: false,
    // The origin only, never a path (tracking links carry tokens); tile hosts that check a key's site still see it.
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    xFrameOptions: { action: 'deny' },
  });
}

/** The origins a MAP_TILE_URL template loads from ({s} expanded over MAP_TILE_SUBDOMAINS); none for a same-origin /path. */
export function tileOrigins(tileUrl: string | null, subdomains: readonly string[]): string[] {
  if (!tileUrl || tileUrl.startsWith('/')) return [];
  const hosts = tileUrl.includes('{s}') ? (subdomains.length ? subdomains : ['a', 'b', 'c']).map((s) => tileUrl.replaceAll('{s}', s)) : [tileUrl];
  const out = new Set<string>();
  for (const h of hosts) {
    try {
      out.add(new URL(h.replace(/\{[a-z]\}/g, '0')).origin);
    } catch {
      /* config.ts validated the template; an unparsable one adds nothing */
    }
  }
  return [...out];
}

/** 'sha256-…' of each inline <script> of the H5 build's index.html (Taro's rem bootstrap), so script-src needs no 'unsafe-inline'. */
export function inlineScriptHashes(h5Root: string): string[] {
  let html: string;
  try {
    html = fs.readFileSync(path.join(h5Root, 'index.html'), 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    if (m[1]!.trim()) out.push(`'sha256-${crypto.createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`);
  }
  return out;
}

/**
 * CORS for the configured origins only (CORS_ORIGINS). Same-origin pages need no CORS; any other origin
 * gets no Access-Control-Allow-Origin, so a browser keeps its pages from reading the API.
 */
export function corsPolicy(origins: readonly string[]): Middleware {
  const allowed = new Set(origins);
  return cors({
    origin: (ctx: Context) => {
      const o = ctx.get('origin');
      return o && allowed.has(o) ? o : false;
    },
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-None-Match', 'X-Request-Id'],
    exposeHeaders: ['Retry-After', 'X-Request-Id', 'Idempotent-Replayed', 'ETag', 'Content-Disposition'],
    maxAge: 600,
  });
}

/** An answer to a request that carries credentials is never stored by a browser or a proxy (unless the route said otherwise). */
export async function noStoreWhenAuthorized(ctx: Context, next: Next): Promise<void> {
  await next();
  if (ctx.get('authorization') && !ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'no-store');
}

/**
 * The sandbox's own HTML pages (inbox, WeCom OAuth stand-in): the same nosniff, no-framing and referrer
 * headers, and a CSP whose script-src admits exactly the inline scripts of the page being sent (their
 * sha256), so the pages work without 'unsafe-inline'. form-action is left open: the OAuth stand-in's form
 * redirects to FineCity's origin.
 */
export function sandboxPageHeaders(): Middleware {
  const base = helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: false, crossOriginEmbedderPolicy: false, referrerPolicy: { policy: 'strict-origin-when-cross-origin' }, xFrameOptions: { action: 'deny' } });
  return async (ctx, next) => {
    await base(ctx, next);
    if (typeof ctx.body !== 'string' || !ctx.response.is('html')) return;
    const hashes = [...ctx.body.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => `'sha256-${crypto.createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`);
    ctx.set('Content-Security-Policy', [
      "default-src 'self'", `script-src 'self'${hashes.length ? ' ' + hashes.join(' ') : ''}`, "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
      "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'",
    ].join('; '));
  };
}
