import type { Context, Middleware } from 'koa';
import type { SandboxMessage } from './record.js';
import type { SandboxState } from './state.js';

/** WeChat answers HTTP 200 with `{errcode, errmsg}` for every business error. */
export function wxReply(ctx: Context, errcode: number, errmsg: string, extra: Record<string, unknown> = {}): void {
  ctx.status = 200;
  ctx.body = { errcode, errmsg, ...extra };
}

export type Json = Record<string, unknown>;

/** The JSON body of a POST (WeChat reads it whatever the content-type); `undefined` when it is not JSON. */
export function body(ctx: Context): Json | undefined {
  return ctx.state.json as Json | undefined;
}

/** Above a robot image's 2 MB once base64-encoded (4/3), so an oversized image gets WeCom's 40009, not 44002. */
const MAX_BODY = 4 * 1024 * 1024;

/** Reads non-multipart POST bodies as JSON into ctx.state.json (47001 is for the route to answer). */
export function parseJson(): Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'POST' && !ctx.is('multipart/form-data')) {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of ctx.req as AsyncIterable<Buffer>) {
        size += c.length;
        if (size > MAX_BODY) return wxReply(ctx, 44002, 'request body too large');
        chunks.push(c);
      }
      // The raw bytes too: a partner's signature covers the body exactly as sent (partner-api.ts).
      ctx.state.raw = Buffer.concat(chunks);
      try {
        const v: unknown = JSON.parse((ctx.state.raw as Buffer).toString('utf8') || '{}');
        if (v && typeof v === 'object' && !Array.isArray(v)) ctx.state.json = v;
      } catch {
        /* left undefined: the route answers 47001 data format error */
      }
    }
    await next();
  };
}

/** What a message route would have recorded, read from the raw request: used to record injected refusals. */
export type Describer = (query: Record<string, string | undefined>, json: Json | undefined) => Omit<SandboxMessage, 'id' | 'at' | 'errcode' | 'errmsg' | 'accepted'>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Failure injection (POST /sandbox/control/fail): the next N calls to a path wait `delayMs`, then answer
 * `errcode` (or `httpStatus`) instead of being handled. A delay alone lets the call through afterwards —
 * the "timed out, yet delivered" case that makes WeChat sends ambiguous (the send API takes no idempotency key).
 * `answerDelayMs` handles the call at once (the message is accepted and recorded) and holds the answer
 * back: a provider that accepted and then timed out.
 */
export function injectFailures(state: SandboxState, describers: Record<string, Describer>): Middleware {
  return async (ctx, next) => {
    if (ctx.path.startsWith('/sandbox/')) return next();
    const f = state.takeFailure(ctx.path);
    if (!f) return next();
    if (f.delayMs) await sleep(f.delayMs);
    if (f.errcode === undefined && f.httpStatus === undefined) {
      await next();
      // Accepted, then answered late: past the client's timeout, the sender cannot tell it from a lost call.
      if (f.answerDelayMs) await sleep(f.answerDelayMs);
      return;
    }
    const errmsg = f.errmsg ?? (f.httpStatus ? `http ${f.httpStatus}` : 'sandbox injected failure');
    const describe = describers[ctx.path];
    if (describe) {
      const d = describe(ctx.query as Record<string, string | undefined>, body(ctx));
      state.record.add({ ...d, at: new Date(state.now()).toISOString(), errcode: f.errcode ?? `http_${f.httpStatus}`, errmsg, accepted: false });
    }
    if (f.httpStatus) {
      ctx.status = f.httpStatus;
      ctx.type = 'text/plain';
      ctx.body = errmsg;
      return;
    }
    if (ctx.path.startsWith('/sms/')) ctx.body = { code: String(f.errcode), message: errmsg };
    else wxReply(ctx, Number(f.errcode), errmsg);
  };
}

/** The openid shape the sandbox accepts (demo openids, `sandbox:<openid>` logins); others are 40003. */
export const OPENID = /^[A-Za-z0-9_-]{1,64}$/;

/** A `{key: {value}}` template payload flattened to `{key: value}`; null when it is not that shape. */
export function flatData(data: unknown): Record<string, unknown> | null {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data as Json)) out[k] = v && typeof v === 'object' ? (v as Json).value : undefined;
  return out;
}
