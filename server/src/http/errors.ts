import crypto from 'node:crypto';
import type { Context, Next } from 'koa';
import { ERROR_STATUS, type ErrorBody } from '@finecity/types';
import { AppError } from '../domain/errors.js';
import type { Logger } from '../logger.js';

/**
 * One place maps error codes to HTTP. An AppError is shown as
 * `{error:{code,message,details}}`; anything else is a logged 500 with a request id, never a stack.
 */
export function errorMiddleware(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const requestId = (ctx.get('x-request-id') || crypto.randomUUID()).slice(0, 64);
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new AppError('not_found', '接口不存在');
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body === undefined) {
        // @koa/router's allowedMethods() answered: a method this path does not take, or one nothing here implements.
        if (!ctx.response.get('Allow')) ctx.set('Allow', 'GET, HEAD');
        throw new AppError('request.method_not_allowed', '不支持该请求方法');
      }
    } catch (err) {
      const e = toAppError(err);
      ctx.status = ERROR_STATUS[e.code];
      // Every 429 says when to come back (RFC 9110 §10.2.3): the limiter's own wait, else a minute.
      if (ctx.status === 429) ctx.set('Retry-After', String(retryAfterOf(err) ?? (ctx.response.get('Retry-After') || 60)));
      const body: ErrorBody = { error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}), requestId } };
      ctx.body = body;
      if (e.code === 'internal') logger.error('request failed', { requestId, method: ctx.method, path: ctx.path, err: String((err as Error)?.stack ?? err) });
      else logger.debug('request refused', { requestId, code: e.code });
    }
  };
}

function retryAfterOf(err: unknown): number | null {
  const s = (err as { retryAfterSeconds?: unknown })?.retryAfterSeconds;
  return typeof s === 'number' && s > 0 ? s : null;
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { status?: number; expose?: boolean; message?: string; type?: string };
  // Errors raised by koa's own body and routing helpers carry a status; keep the meaning, not the text.
  if (e?.status === 413) return new AppError('request.too_large', '请求体过大');
  if (e?.status === 415) return new AppError('request.unsupported_media_type', '不支持的内容类型');
  if (e?.status === 400) return new AppError('request.invalid', '请求格式不正确');
  if (e?.status === 405 || e?.status === 501) return new AppError('request.method_not_allowed', '不支持该请求方法');
  return new AppError('internal', '服务器内部错误');
}
