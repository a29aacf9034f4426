/**
 * How WeChat judges a template value (the value rules per data type on the subscribe-message send page,
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html). The sandbox applies these on its own —
 * deliberately not through the server's normaliser (domain/wechat-values.ts), so a test that sends a
 * normalised value and sees it accepted checks one against the other. A failure answers 47003.
 */
const han = /\p{Script=Han}/u;
const len = (s: string): number => Array.from(s).length;

const TIME = /^(\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?\s*)?([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
const DATE = /^\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?(\s*([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?)?$/;
const range = (re: RegExp) => (v: string): boolean => {
  const parts = v.split('~');
  return parts.length <= 2 && parts.every((p) => re.test(p.trim()));
};

const RULES: Record<string, (v: string) => boolean> = {
  thing: (v) => len(v) <= 20 && !/[\p{Cc}]/u.test(v),
  number: (v) => /^-?\d+(\.\d+)?$/.test(v) && v.replace(/[-.]/g, '').length <= 32,
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  symbol: (v) => len(v) <= 5 && /^[^\p{L}\p{N}\s]+$/u.test(v),
  character_string: (v) => /^[\x21-\x7E]{1,32}$/.test(v),
  time: range(TIME),
  date: range(DATE),
  amount: (v) => /^[¥￥$€£]?\d{1,10}(\.\d{1,2})?元?$/.test(v),
  phone_number: (v) => /^[\d+\-() ]{1,17}$/.test(v),
  car_number: (v) => len(v) <= 8 && /^[\p{Script=Han}A-Z0-9][A-Z0-9]*[\p{Script=Han}A-Z0-9]?$/u.test(v),
  name: (v) => (/^[A-Za-z ]+$/.test(v) ? v.length <= 20 : len(v) <= 10),
  phrase: (v) => len(v) <= 5 && Array.from(v).every((c) => han.test(c)),
  enum: (v) => len(v) <= 20,
};

const KEY = /^([a-z_]+?)(\d+)$/;

/**
 * null when the value is acceptable, else WeChat's errmsg. Keys without a typed prefix (an official
 * account's history template: keyword1, first, remark) are free text.
 */
export function checkValue(key: string, value: unknown, opts: { typedOnly: boolean }): string | null {
  const bad = `argument invalid! data.${key}.value invalid`;
  if (typeof value !== 'string' || value.length === 0) return bad;
  const type = KEY.exec(key)?.[1];
  const rule = type ? RULES[type] : undefined;
  if (rule) return rule(value) ? null : bad;
  return opts.typedOnly ? bad : len(value) <= 200 ? null : bad;
}
