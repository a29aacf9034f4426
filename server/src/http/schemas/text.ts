import { z } from 'zod';

/**
 * Control characters no field may carry: C0 except tab, line feed and carriage return, DEL and C1. NUL in
 * particular cannot be stored in a PostgreSQL text column, so it must be refused before any SQL.
 */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Characters that take no room: a text made only of these (and spaces) says nothing. */
const INVISIBLE = /[\s\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u180e\u3164\u115f\u1160]/gu;

/**
 * Human text (a description, an address, a note, a comment): trimmed, CRLF read as LF, no control
 * characters other than tab and line feed, no broken UTF-16, and, when required, something visible.
 * Every schema's free-text field is one of these, so all of them refuse the same input the same way.
 */
export function humanText(opts: { max: number; min?: number; label: string }) {
  const { max, min = 0, label } = opts;
  return z
    .string()
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .refine((s) => !CONTROL_CHARS.test(s), `${label}不能包含控制字符`)
    .refine((s) => !LONE_SURROGATE.test(s), `${label}包含无法识别的字符`)
    .refine((s) => min === 0 || s.replace(INVISIBLE, '').length >= min, min ? `请填写${label}` : '')
    .refine((s) => s.length <= max, `${label}不能超过 ${max} 字`);
}
