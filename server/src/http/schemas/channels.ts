import { z } from 'zod';
import { COORD_SYSTEMS, PAGE_SIZE_MAX, PHOTO_LIMITS, TEXT_LIMITS, type ChannelTicket } from '@finecity/types';
import { latNumber, lngNumber } from './coords.js';
import { int } from './queries.js';
import { humanText } from './text.js';

/** Base64 of the largest photo we take (4 characters per 3 bytes), with room for line breaks. */
const MAX_BASE64 = Math.ceil(PHOTO_LIMITS.maxBytes / 3) * 4 + 1024 * 1024;

const attachment = z.union([
  z.object({ url: z.string().trim().max(2000).regex(/^https?:\/\//i, '附件 url 必须是 http(s) 地址') }).strict(),
  z.object({ base64: z.string().min(1).max(MAX_BASE64, '附件超过大小上限'), name: z.string().trim().min(1).max(100) }).strict(),
]);

/** The body of POST /api/v1/channels/{channelId}/tickets (ChannelTicket in @finecity/types). */
export const channelTicketBody = z
  .object({
    ticketNo: z.string().trim().min(1, '请提供工单编号 ticketNo').max(64).regex(/^[\x21-\x7e]+$/, 'ticketNo 只能由可见 ASCII 字符组成'),
    receivedAt: z.iso.datetime({ offset: true, message: 'receivedAt 必须是带时区的时间，例如 2026-12-02T09:30:00+08:00' }),
    content: humanText({ min: 1, max: TEXT_LIMITS.description, label: '问题描述 content' }),
    categoryCode: z.string().trim().max(20).optional(),
    categoryText: z.string().trim().max(100).optional(),
    address: humanText({ min: 1, max: TEXT_LIMITS.address, label: '地址 address' }).optional(),
    lat: latNumber.optional(),
    lng: lngNumber.optional(),
    coordSystem: z.enum(COORD_SYSTEMS).optional(),
    callerName: humanText({ max: 50, label: '来电人姓名 callerName' }).optional(),
    callerPhone: z.string().trim().regex(/^[0-9+\-() ]{3,20}$/, 'callerPhone 不是合法的电话号码').optional(),
    attachments: z.array(attachment).max(PHOTO_LIMITS.maxPerReport, `最多 ${PHOTO_LIMITS.maxPerReport} 个附件`).optional(),
    urgent: z.boolean().optional(),
  })
  .strict()
  .refine((t) => (t.lat === undefined) === (t.lng === undefined), { message: 'lat 与 lng 须同时提供', path: ['lat'] }) satisfies z.ZodType<ChannelTicket>;

/** POST /api/v1/cases/{id}/locate: where a dispatcher pinned a 待定位 case. */
export const locateBody = z
  .object({ lat: latNumber, lng: lngNumber, coordSystem: z.enum(COORD_SYSTEMS).optional(), note: humanText({ max: TEXT_LIMITS.note, label: '备注' }).optional() })
  .strict();

/** GET /api/v1/cases/unlocated */
export const unlocatedQuery = z.object({ page: int(1, 10_000, 1), pageSize: int(1, PAGE_SIZE_MAX, 20) });

/** channelId in the path: a fixed partner or tp-<company>. */
export const channelIdParam = z.string().regex(/^(12345|12319|minyi|minxin|tp-[a-z0-9]{2,20})$/);
