import { z } from 'zod';
import { TEXT_LIMITS, type ReportFields } from '@finecity/types';
import { latField, lngField } from './coords.js';
import { humanText } from './text.js';

const flag = z
  .enum(['true', 'false', '1', '0', 'on', 'off', ''])
  .default('false')
  .transform((v) => ['true', '1', 'on'].includes(v));

/** Multipart text fields of POST /api/v1/reports (coordinates are WGS-84, as wx.getLocation type 'wgs84'). */
export const reportFields = z.object({
  categoryCode: z.string().trim().min(1, '请选择问题类别').max(20),
  description: humanText({ min: 1, max: TEXT_LIMITS.description, label: '问题描述' }),
  lat: latField,
  lng: lngField,
  address: humanText({ max: TEXT_LIMITS.address, label: '地址' }).optional(),
  anonymous: flag,
}) satisfies z.ZodType<ReportFields>;

export const idempotencyKey = z
  .string()
  .min(8, 'Idempotency-Key 至少 8 个字符')
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'Idempotency-Key 只能包含字母、数字和 _.:-')
  .optional();
