import { z } from 'zod';
import {
  CASE_SORTS, CASE_SOURCES, CASE_STATES, DUE_COLOURS, PAGE_SIZE_MAX, STATS_PERIODS, type CaseListFilter, type DeactivateStaffBody, type LoginRequest, type OrgUnitsQuery, type StatsFilter,
} from '@finecity/types';
import { humanText } from './text.js';

/** A whole-number query parameter within [min, max], `dflt` when absent. */
export const int = (min: number, max: number, dflt: number) =>
  z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((v) => v ?? dflt);

/** A calendar date as YYYY-MM-DD that exists (2026-02-30 does not). */
export const beijingDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期须为 YYYY-MM-DD')
  .refine((s) => { const t = Date.parse(`${s}T00:00:00Z`); return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s; }, '日期不存在');

/** GET /api/v1/cases (CaseListQuery on the wire), read with its defaults filled in. */
export const caseListQuery = z.object({
  state: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',') : undefined))
    .pipe(z.array(z.enum(CASE_STATES)).optional()),
  categoryCode: z.string().max(20).optional(),
  /** The channel the report came in by, e.g. 'patrol' for an inspector's own finds. */
  source: z.enum(CASE_SOURCES).optional(),
  q: z.string().trim().max(50).optional(),
  orgNodeCode: z.string().max(40).optional(),
  mine: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
  /** Only cases with an extension request waiting for a decision. */
  pendingExtension: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
  /** Deadline colours of running clocks, e.g. "red,overdue" (computed by the SLA clock, exact). */
  due: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',') : undefined))
    .pipe(z.array(z.enum(DUE_COLOURS)).optional()),
  /** Only cases under 督办. */
  supervised: z.enum(['true', 'false']).optional().transform((v) => (v === 'true' ? true : undefined)),
  /** Reported from / up to these Beijing dates (YYYY-MM-DD, both days included). */
  from: beijingDate.optional(),
  to: beijingDate.optional(),
  sort: z.enum(CASE_SORTS).optional(),
  page: int(1, 10_000, 1),
  pageSize: int(1, PAGE_SIZE_MAX, 20),
})
  .refine((v) => !v.from || !v.to || v.from <= v.to, { message: '开始日期不能晚于结束日期', path: ['from'] }) satisfies z.ZodType<CaseListFilter>;

export const loginBody = z
  .object({
    code: z.string().trim().min(1, '缺少登录凭证 code').max(200),
    inviteCode: z.string().regex(/^\d{6}$/, '激活码应为 6 位数字').optional(),
    phoneCode: z.string().trim().min(1, '缺少手机号凭证 phoneCode').max(200).optional(),
  })
  .strict()
  .refine((b) => !(b.inviteCode && b.phoneCode), { message: '激活码和手机号验证只能选一种', path: ['phoneCode'] }) satisfies z.ZodType<LoginRequest>;

export const deactivateStaffBody = z.object({ reason: humanText({ max: 200, label: '停用原因' }).optional() }).strict() satisfies z.ZodType<DeactivateStaffBody>;

export const uuidParam = z.uuid('案件 ID 格式不正确');

const orgCode = z.string().regex(/^[0-9A-Za-z-]{1,40}$/, '单位编码格式不正确');

export const unitsQuery = z.object({ parent: orgCode.optional(), q: z.string().trim().min(1).max(30).optional() }) satisfies z.ZodType<OrgUnitsQuery>;

export const statsQuery = z.object({ period: z.enum(STATS_PERIODS).default('month'), orgNodeCode: orgCode.optional() }) satisfies z.ZodType<StatsFilter>;
