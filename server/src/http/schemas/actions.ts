import { z } from 'zod';
import { COMPLEXITIES, TEXT_LIMITS, type ActionBodies, type HandleBody } from '@finecity/types';
import { latField, latNumber, lngField, lngNumber } from './coords.js';
import { humanText } from './text.js';

const note = humanText({ max: TEXT_LIMITS.note, label: '备注' });
/** Where the inspector checked in (WGS-84): both coordinates or neither. */
const bothOrNeither = (v: { lat?: unknown; lng?: unknown }) => (v.lat === undefined) === (v.lng === undefined);
const CHECK_IN_MSG = { message: '现场打卡需同时提供 lat 与 lng', path: ['lat'] };
const reason = (what: string) => humanText({ min: 1, max: TEXT_LIMITS.note, label: what });

/** Bodies of POST /api/v1/cases/:id/actions/:action, one schema per action name (the contract in @finecity/types). */
export const ACTION_BODIES = {
  register: z.object({ note: note.optional(), categoryCode: z.string().regex(/^(\d{5}|DL-[A-Z0-9-]+)$/, 'categoryCode 必须是问题类别编码').optional() }).strict(),
  reject: z.object({ note: reason('不予受理的理由') }).strict(),
  merge: z.object({ intoCaseId: z.uuid('intoCaseId 必须是案件 ID'), note: note.optional() }).strict(),
  dispatch: z.object({ orgNodeCode: z.string().regex(/^[0-9A-Za-z-]{1,40}$/, '单位编码格式不正确').optional(), complexity: z.enum(COMPLEXITIES).optional(), note: note.optional() }).strict(),
  sign: z.object({ note: note.optional(), lat: latNumber.optional(), lng: lngNumber.optional() }).strict().refine(bothOrNeither, CHECK_IN_MSG),
  return: z.object({ note: reason('退回理由') }).strict(),
  escalate: z.object({ note: reason('上报理由') }).strict(),
  handle: z.object({ note: note.optional(), lat: latNumber.optional(), lng: lngNumber.optional() }).strict().refine(bothOrNeither, CHECK_IN_MSG),
  'request-extension': z.object({ hours: z.number().int().min(1).max(720), note: reason('延期理由') }).strict(),
  'decide-extension': z.object({ approved: z.boolean(), note: note.optional() }).strict(),
  suspend: z.object({ note: reason('挂账理由') }).strict(),
  verify: z.object({ passed: z.boolean(), note: note.optional() }).strict(),
  reopen: z.object({ note: reason('重新打开的理由') }).strict(),
  rate: z.object({ score: z.number().int().min(1).max(5), comment: humanText({ max: TEXT_LIMITS.comment, label: '评价' }).optional() }).strict(),
  supervise: z.object({ note: reason('督办要求'), dueAt: z.iso.datetime({ offset: true, message: 'dueAt 必须是带时区的时间，例如 2026-12-03T18:00:00+08:00' }).optional() }).strict(),
} satisfies { [A in keyof ActionBodies]: z.ZodType<ActionBodies[A]> };

/** Multipart variant for actions that carry photos: text fields arrive as strings. */
export const handleFields = z
  .object({ note: note.optional(), lat: latField.optional(), lng: lngField.optional() })
  .refine(bothOrNeither, CHECK_IN_MSG) satisfies z.ZodType<HandleBody>;
