import type { z } from 'zod';
import { AppError } from '../domain/errors.js';
import { CONTROL_CHARS } from './schemas/text.js';

/**
 * zod at every edge: a failed parse is a 400 with the issues as details, never a half-done request. Before
 * any schema, every string of the input (query, JSON body, multipart fields, at any depth) is checked for
 * control characters: NUL and its kind are refused the same way for every field of every route.
 */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const bad = controlCharPaths(value);
  if (bad.length) throw new AppError('request.invalid', '请求参数包含控制字符', bad.map((path) => ({ path, message: '不能包含控制字符', code: 'control_character' })));
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
  throw new AppError('request.invalid', '请求参数不正确', details);
}

/** The paths ('note', 'items.2.name', keys too) of strings holding a control character other than tab, LF and CR. */
export function controlCharPaths(value: unknown, at = '', out: string[] = [], depth = 0): string[] {
  if (out.length >= 20 || depth > 32) return out;
  if (typeof value === 'string') {
    if (CONTROL_CHARS.test(value)) out.push(at);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => controlCharPaths(v, at ? `${at}.${i}` : String(i), out, depth + 1));
  } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      const p = at ? `${at}.${k}` : k;
      if (CONTROL_CHARS.test(k)) out.push(p);
      controlCharPaths(v, p, out, depth + 1);
    }
  }
  return out;
}
