import type { z } from 'zod';
import { AppError } from '../domain/errors.js';

/** zod at every edge: a failed parse is a 400 with the issues as details, never a half-done request. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
  throw new AppError('request.invalid', '请求参数不正确', details);
}
