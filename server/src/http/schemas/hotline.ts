import { z } from 'zod';
import { TEXT_LIMITS } from '@finecity/types';
import type { HotlineFields } from '../../usecases/channels/hotline.js';
import { latField, lngField } from './coords.js';
import { int } from './queries.js';
import { humanText } from './text.js';

const flag = z
  .enum(['true', 'false', '1', '0', 'on', 'off', ''])
  .default('false')
  .transform((v) => ['true', '1', 'on'].includes(v));

/** A mainland mobile as an operator types it: spaces, dashes and a +86 prefix are dropped. */
const mobile = z
  .string()
  .transform((v) => v.replace(/[\s-]/g, '').replace(/^(?:\+?86)/, ''))
  .pipe(z.string().regex(/^1[3-9]\d{9}$/, '请输入 11 位手机号'));

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/**
 * Multipart text fields of POST /api/v1/hotline/cases. The place is an address, a WGS-84 point (both
 * coordinates), or both; an address alone is matched against the city's place names, else the case waits in 待定位.
 */
export const hotlineFields = z
  .object({
    callerName: humanText({ min: 1, max: 20, label: '来电人姓名' }),
    callerPhone: mobile,
    address: z.preprocess(blankToUndefined, humanText({ max: TEXT_LIMITS.address, label: '地址' }).optional()),
    lat: z.preprocess(blankToUndefined, latField.optional()),
    lng: z.preprocess(blankToUndefined, lngField.optional()),
    categoryCode: z.string().trim().min(1, '请选择问题类别').max(20),
    description: humanText({ min: 1, max: TEXT_LIMITS.description, label: '问题描述' }),
    urgent: flag,
  })
  .strict()
  .superRefine((f, ctx) => {
    if ((f.lat === undefined) !== (f.lng === undefined)) ctx.addIssue({ code: 'custom', path: [f.lat === undefined ? 'lat' : 'lng'], message: '经纬度需同时填写' });
    if (!f.address && f.lat === undefined && f.lng === undefined) ctx.addIssue({ code: 'custom', path: ['address'], message: '请填写地址或在地图上选点' });
  }) satisfies z.ZodType<HotlineFields>;

export const hotlineListQuery = z.object({ page: int(1, 10_000, 1), pageSize: int(1, 100, 20) }).strict();

export const placesQuery = z.object({ parent: z.string().regex(/^[A-Za-z0-9-]{2,40}$/, '地点编码不正确').optional() }).strict();
