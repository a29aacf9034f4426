import type { Context, Next } from 'koa';
import { koaBody } from 'koa-body';
import { AppError } from '../domain/errors.js';

const parseJson = koaBody({
  json: true,
  urlencoded: false,
  text: false,
  multipart: false,
  jsonLimit: '64kb',
  jsonStrict: true,
  onError: (err) => {
    const status = (err as { status?: number }).status;
    if (status === 413) throw new AppError('request.too_large', '请求体过大');
    throw new AppError('request.malformed_json', '请求体不是合法的 JSON');
  },
});

/** JSON bodies only: a body of another type is a 415, a broken one a 400; an empty body reads as {}. */
export async function jsonBody(ctx: Context, next: Next): Promise<void> {
  const hasBody = Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
  if (hasBody && !ctx.is('application/json')) throw new AppError('request.unsupported_media_type', '请求体必须是 application/json');
  await parseJson(ctx, async () => {});
  if (!hasBody) ctx.request.body = {};
  await next();
}
