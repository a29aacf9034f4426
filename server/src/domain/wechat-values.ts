/**
 * WeChat template values, normalised to the per-type rules before sending (the value rules on
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html): a value
 * that breaks its rule fails the WHOLE message with 47003, so every value is made legal here — truncated,
 * stripped or reformatted — rather than sent and refused. The type is the data key's prefix
 * (`thing2` → thing, `character_string1` → character_string). Keys of no known type (the official account's
 * history templates: `keyword1`, `first`, `remark`) pass through, trimmed.
 *
 * Pure: times are formatted from the value itself in Asia/Shanghai (UTC+8, no daylight saving), never from a clock.
 */
import { formatBeijing } from './shanghai-time.js';

export const WECHAT_VALUE_TYPES = [
  'thing', 'number', 'letter', 'symbol', 'character_string', 'time', 'date',
  'amount', 'phone_number', 'car_number', 'name', 'phrase', 'enum',
] as const;
export type WeChatValueType = (typeof WECHAT_VALUE_TYPES)[number];

const KEY = /^([a-z_]+?)(\d+)$/;

/** `thing2` → 'thing', `character_string10` → 'character_string', `keyword1` → null. */
export function valueTypeOf(key: string): WeChatValueType | null {
  const m = KEY.exec(key);
  const t = m?.[1];
  return t && (WECHAT_VALUE_TYPES as readonly string[]).includes(t) ? (t as WeChatValueType) : null;
}

const chars = (s: string): string[] => Array.from(s);
const clip = (s: string, n: number): string => chars(s).slice(0, n).join('');
/** Newlines and control characters become spaces; runs of whitespace collapse (multi-line values are reported cut short). */
const flat = (s: string): string => s.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, ' ').replace(/\s+/g, ' ').trim();

/** The number of characters WeChat counts, as code points (WeChat does not say how it counts: we stay at or under the limit). */
export function charCount(s: string): number {
  return chars(s).length;
}

export function normaliseValue(type: WeChatValueType | null, raw: unknown): string {
  const v = flat(raw === null || raw === undefined ? '' : String(raw));
  switch (type) {
    case 'thing': return ellipsis(v, 20) || '无';
    case 'number': return numberValue(v);
    case 'letter': return v.replace(/[^A-Za-z]/g, '').slice(0, 32) || 'NA';
    case 'symbol': return clip(v.replace(/[\p{L}\p{N}\s]/gu, ''), 5) || '-';
    case 'character_string': return v.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 32) || '-';
    case 'time': return timeValue(v);
    case 'date': return dateValue(v);
    case 'amount': return amountValue(v);
    case 'phone_number': return v.replace(/[^0-9+\-()]/g, '').slice(0, 17) || '-';
    case 'car_number': return carNumber(v);
    case 'name': return nameValue(v);
    case 'phrase': return clip(v.replace(/[^\p{Script=Han}]/gu, ''), 5) || '无';
    case 'enum': return v;
    default: return clip(v, 200) || '无';
  }
}

/** Every value of a template's data, normalised by its key's type. */
export function normaliseTemplateData(data: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) out[k] = normaliseValue(valueTypeOf(k), v);
  return out;
}

function ellipsis(v: string, n: number): string {
  return charCount(v) <= n ? v : `${clip(v, n - 1)}…`;
}

function numberValue(v: string): string {
  const m = /-?\d+(?:\.\d+)?/.exec(v.replace(/[,，\s]/g, ''));
  if (!m) return '0';
  const [int = '0', frac] = m[0].replace('-', '').split('.');
  const sign = m[0].startsWith('-') ? '-' : '';
  const intPart = int.slice(0, 32);
  const room = 32 - intPart.length - 1;
  return `${sign}${intPart}${frac && room > 0 ? `.${frac.slice(0, room)}` : ''}`;
}

function amountValue(v: string): string {
  const m = /\d+(?:\.\d+)?/.exec(v.replace(/[,，\s]/g, ''));
  if (!m) return '0元';
  const [int = '0', frac] = m[0].split('.');
  return `${int.slice(-10)}${frac ? `.${frac.slice(0, 2)}` : ''}元`;
}

/** ≤ 8; only the first and the last may be Chinese, the rest letters or digits (粤B12345, 辽B1234学). */
function carNumber(v: string): string {
  const han = (c: string): boolean => /\p{Script=Han}/u.test(c);
  const kept = chars(v.toUpperCase()).filter((c) => /[A-Z0-9]/.test(c) || han(c));
  const legal = kept.filter((c, i, all) => !han(c) || i === 0 || i === all.length - 1);
  return legal.slice(0, 8).join('') || '无';
}

function nameValue(v: string): string {
  if (!v) return '无';
  return /^[A-Za-z ]+$/.test(v) ? v.slice(0, 20).trim() : clip(v, 10);
}

/** An instant with an explicit zone (ISO 8601 with Z or ±hh:mm), as stored and carried by the server. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
/** A zone-less ISO local time, read as Shanghai wall-clock time. */
const LOCAL_ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d+)?)?$/;

/**
 * time and date (24-hour time, optionally with the date; a range joins two values with "~"):
 * an instant becomes 'YYYY-MM-DD HH:mm' in Asia/Shanghai; a local value is kept. Anything else is left
 * as it is, so that WeChat's 47003 reports the upstream bug instead of a guessed time.
 */
function timeValue(v: string): string {
  return v.split('~').map((part) => {
    const p = part.trim();
    const d = INSTANT.test(p) ? new Date(p) : null;
    if (d && !Number.isNaN(d.getTime())) return formatBeijing(d);
    const local = LOCAL_ISO.exec(p);
    return local ? `${local[1]} ${local[2]}` : p;
  }).join('~');
}

function dateValue(v: string): string {
  return timeValue(v);
}
