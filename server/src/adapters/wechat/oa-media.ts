import { PHOTO_LIMITS } from '@finecity/types';
import type { OaMediaSource } from '../../usecases/service-ports.js';
import { withAccessToken, type AccessTokenSource } from './access-token.js';

/**
 * The official account's temporary media: `GET cgi-bin/media/get?access_token=…&media_id=…` answers the
 * file itself, or JSON `{errcode, errmsg}` (40007 invalid media_id; 40001/42001 token). It knows only a
 * base URL (api.weixin.qq.com or the sandbox) and the official account's token source, which is not the
 * mini-program's: openids and tokens are per appid.
 */
export type { OaMediaSource };

export class OaMediaError extends Error {
  readonly errcode: number;
  constructor(errcode: number, message: string) {
    super(`media/get failed: ${errcode} ${message}`);
    this.name = 'OaMediaError';
    this.errcode = errcode;
  }
}

export type MediaAnswer = { errcode?: undefined; bytes: Buffer } | { errcode: number; errmsg: string };

/** One media/get call. WeChat's errcodes come back as values; network trouble is errcode −1. */
export async function fetchMedia(baseUrl: string, accessToken: string, mediaId: string, timeoutMs = 5000): Promise<MediaAnswer> {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/cgi-bin/media/get`);
  url.search = new URLSearchParams({ access_token: accessToken, media_id: mediaId }).toString();
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return { errcode: -1, errmsg: 'network' };
  }
  if (!res.ok) return { errcode: -1, errmsg: `http ${res.status}` };
  if (Number(res.headers.get('content-length') ?? 0) > PHOTO_LIMITS.maxBytes) return { errcode: -2, errmsg: 'too large' };
  const bytes = await readLimited(res, PHOTO_LIMITS.maxBytes);
  if (!bytes) return { errcode: -2, errmsg: 'too large' };
  if (/json|text\/plain/.test(res.headers.get('content-type') ?? '')) {
    const err = safeJson(bytes);
    return { errcode: err?.errcode || -1, errmsg: err?.errmsg ?? 'not a media file' };
  }
  return { bytes };
}

async function readLimited(res: Response, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of (res.body ?? []) as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > max) return null;
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function safeJson(b: Buffer): { errcode?: number; errmsg?: string } | null {
  try {
    return JSON.parse(b.toString('utf8')) as { errcode?: number; errmsg?: string };
  } catch {
    return null;
  }
}

/** media/get with the token refreshed once on 40001/42001 (withAccessToken). */
export function oaMediaClient(o: { apiBase: string; tokens: AccessTokenSource; timeoutMs: number }): OaMediaSource {
  return {
    async fetchMedia(mediaId) {
      const answer = await withAccessToken(o.tokens, (token) => fetchMedia(o.apiBase, token, mediaId, o.timeoutMs));
      if (answer.errcode !== undefined) throw new OaMediaError(answer.errcode, answer.errmsg);
      return answer.bytes;
    },
  };
}
