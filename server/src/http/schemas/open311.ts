import { z } from 'zod';
import { MAX_DESCRIPTION, type NewOpen311Request, type RequestsFilter } from '../../usecases/open311/requests.js';

/**
 * Open311 GeoReport v2 arguments (https://wiki.open311.org/GeoReport_v2/). "Optional" means an empty
 * argument is the same as an absent one (spec, Definitions), so '' reads as undefined everywhere. Unknown
 * arguments (jurisdiction_id, device_id, account_id, attribute[…]) are ignored: one jurisdiction, no attributes.
 */

/** A case number (DL20261202-000123) as a service_request_id. */
export const CASE_NO = /^[A-Za-z0-9-]{1,40}$/;
/** A category code (GB/T 47678.5 or a local DL-… one) as a service_code. */
export const SERVICE_CODE = /^[A-Za-z0-9-]{1,20}$/;
/** A token: the Open311 ticket's 32 hex characters. */
export const TOKEN = /^[0-9a-f]{32}$/;

const blank = (v: unknown) => (v === '' || v === null ? undefined : v);
const opt = <T extends z.ZodType>(t: T) => z.preprocess(blank, t.optional());

const commaList = (shape: RegExp, what: string, max: number) =>
  z.string().max(max * 48, `${what}过多`).transform((s, ctx) => {
    const items = [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))];
    if (items.length > max) ctx.addIssue({ code: 'custom', message: `${what}最多 ${max} 个` });
    for (const i of items) if (!shape.test(i)) ctx.addIssue({ code: 'custom', message: `${what} ${i.slice(0, 40)} 格式不正确` });
    return items;
  });

/** w3c datetime with a zone (spec: "Must use w3 format, eg 2010-01-01T00:00:00Z"). */
const w3cDate = (field: string) =>
  z.iso.datetime({ offset: true, message: `${field} 须为带时区的时间，例如 2026-12-01T00:00:00+08:00` }).transform((s) => new Date(s));

export const requestsQuery = z.object({
  service_request_id: opt(commaList(CASE_NO, 'service_request_id', 1000)),
  service_code: opt(commaList(SERVICE_CODE, 'service_code', 300)),
  start_date: opt(w3cDate('start_date')),
  end_date: opt(w3cDate('end_date')),
  status: opt(z.string().max(20).transform((s, ctx) => {
    const items = [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))];
    if (!items.every((x) => x === 'open' || x === 'closed')) ctx.addIssue({ code: 'custom', message: 'status 只能是 open 或 closed' });
    return items as ('open' | 'closed')[];
  })),
}).transform((q): RequestsFilter => ({
  serviceRequestIds: q.service_request_id, serviceCodes: q.service_code, startDate: q.start_date, endDate: q.end_date, status: q.status,
}));

const text = (max: number, what: string) => z.string({ message: `${what}须为文本` }).trim().max(max, `${what}不超过 ${max} 个字`);
const coord = (min: number, max: number, what: string) =>
  z.coerce.number({ message: `${what}须为数字` }).refine((n) => Number.isFinite(n) && n >= min && n <= max, `${what}须在 ${min} 至 ${max} 之间`);

export const requestsPost = z.object({
  service_code: z.preprocess(blank, z.string({ error: (iss) => (iss.input === undefined ? '缺少 service_code' : 'service_code 须为文本') }).regex(SERVICE_CODE, 'service_code 格式不正确')),
  lat: opt(coord(-90, 90, 'lat')),
  long: opt(coord(-180, 180, 'long')),
  address_string: opt(text(200, 'address_string')),
  address_id: opt(text(100, 'address_id')),
  description: opt(text(MAX_DESCRIPTION, 'description')),
  media_url: opt(z.string().max(2000, 'media_url 过长').regex(/^https?:\/\/\S+$/i, 'media_url 须为 http(s) 地址')),
  email: opt(text(200, 'email')),
  first_name: opt(text(50, 'first_name')),
  last_name: opt(text(50, 'last_name')),
  phone: opt(z.string().trim().regex(/^[0-9+\-() ]{3,30}$/, 'phone 格式不正确')),
}).superRefine((b, ctx) => {
  if ((b.lat === undefined) !== (b.long === undefined)) ctx.addIssue({ code: 'custom', path: ['lat'], message: 'lat 和 long 须同时提供' });
  if (b.lat === undefined && !b.address_string) {
    ctx.addIssue({ code: 'custom', path: ['lat'], message: b.address_id ? '暂不支持 address_id，请提供 lat 和 long 或 address_string' : '请提供 lat 和 long，或 address_string' });
  }
}).transform((b): NewOpen311Request => ({
  serviceCode: b.service_code, lat: b.lat, lng: b.long, addressString: b.address_string, description: b.description, mediaUrl: b.media_url,
  firstName: b.first_name, lastName: b.last_name, phone: b.phone, email: b.email,
}));

/** The name an admin gives a key (the client it is for). */
export const keyBody = z.object({
  name: z.string({ message: '请填写密钥名称' }).trim().min(1, '请填写密钥名称').max(60, '名称不超过 60 个字').regex(/^[^\p{Cc}]+$/u, '名称不能含控制字符'),
}).strict();
