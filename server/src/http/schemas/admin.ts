import { z } from 'zod';
import { int } from './queries.js';
import { PAGE_SIZE_MAX, type AuditListQuery, type StaffImportOptions, type StaffListFilterQuery } from '@finecity/types';

const flag = z.enum(['true', 'false']).optional().transform((v) => v === 'true');
const orgCode = z.string().regex(/^[0-9A-Za-z-]{1,40}$/, '单位编码格式不正确');

/** POST /api/v1/admin/staff/import?dryRun=&partial= */
export const staffImportQuery = z.object({ dryRun: flag, partial: flag }) satisfies z.ZodType<StaffImportOptions>;

const staffFilter = {
  q: z.string().trim().max(50).optional(),
  orgNodeCode: orgCode.optional(),
  status: z.enum(['invited', 'active', 'deactivated']).optional(),
};

/** GET /api/v1/admin/staff */
export const staffListQuery = z.object({ ...staffFilter, page: int(1, 10_000, 1), pageSize: int(1, PAGE_SIZE_MAX, 20) }) satisfies z.ZodType<StaffListFilterQuery>;

/** GET /api/v1/admin/staff/export.xlsx */
export const staffExportQuery = z.object(staffFilter) satisfies z.ZodType<Omit<StaffListFilterQuery, 'page' | 'pageSize'>>;

const when = z
  .string()
  .trim()
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) || !Number.isNaN(Date.parse(s)), '时间须为 YYYY-MM-DD 或 ISO 8601 时间')
  .optional();

/** GET /api/v1/admin/audit */
export const auditListQuery = z.object({
  actor: z.uuid('操作人 ID 格式不正确').optional(),
  entity: z.string().trim().max(40).optional(),
  entityId: z.string().trim().max(100).optional(),
  from: when,
  to: when,
  page: int(1, 10_000, 1),
  pageSize: int(1, PAGE_SIZE_MAX, 50),
}) satisfies z.ZodType<AuditListQuery & { page: number; pageSize: number }>;
