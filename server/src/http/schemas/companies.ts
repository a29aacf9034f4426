import { z } from 'zod';
import { COMPANY_ID_PATTERN, type CompanyInput } from '@finecity/types';
import { latNumber, lngNumber } from './coords.js';
import { humanText } from './text.js';

const companyId = z.string().regex(COMPANY_ID_PATTERN, '公司编码须为 2–20 位小写字母或数字');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 2026-12-01').refine((d) => !Number.isNaN(Date.parse(d)), '日期不存在');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 08:00');
const gridCode = z.string().regex(/^[0-9A-Za-z-]{1,40}$/, '网格编码格式不正确');

/** POST /api/v1/admin/companies: create or update a company and its contract. */
export const companyBody = z
  .object({
    id: companyId,
    name: humanText({ min: 1, max: 100, label: '公司名称' }),
    contractStart: day,
    contractEnd: day,
    mayVerify: z.boolean().optional(),
    patrolFrom: hhmm.optional(),
    patrolTo: hhmm.optional(),
    gridCodes: z.array(gridCode).max(2000, '合同网格最多 2000 个'),
  })
  .strict() satisfies z.ZodType<CompanyInput>;

export const companyParams = z.object({ id: companyId });

/** POST /api/v1/admin/companies/:id/staff: attach (or with null, detach) a third-party staff member. */
export const companyStaffBody = z.object({ userId: z.uuid('人员编号格式不正确') }).strict();

/** POST /api/v1/patrol/checkins. */
/** POST /api/v1/patrol/checkins; `at`: when the inspector pressed (an offline phone sends it later; issue 12). */
export const checkinBody = z.object({
  lat: latNumber,
  lng: lngNumber,
  at: z.iso.datetime({ offset: true, message: '时间格式应为 ISO 8601，例如 2026-12-03T09:30:00+08:00' }).optional(),
}).strict();

export const coverageQuery = z.object({ day: day.optional() });
export const monthQuery = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 2026-11') });
export const weekSendBody = z.object({ at: z.string().regex(/^\d{4}-W\d{2}$/, '周次格式应为 2026-W48') }).strict();
