import { z } from 'zod';
import { TREND_PERIODS, type AssessmentMapQuery, type AssessmentTrendQuery } from '@finecity/types';

const orgCode = z.string().regex(/^[0-9A-Za-z-]{1,40}$/, '单位编码格式不正确');

/** GET /api/v1/assessment/trend: 月, 季 or 年, and the period's key (checked against the period by the use case). */
export const trendQuery = z.object({
  period: z.enum(TREND_PERIODS, '周期应为月、季或年').default('month'),
  at: z.string().trim().max(10, '时间格式不正确').optional(),
  orgNodeCode: orgCode.optional(),
}) satisfies z.ZodType<AssessmentTrendQuery>;

/** GET /api/v1/assessment/map. */
export const mapQuery = z.object({ orgNodeCode: orgCode.optional() }) satisfies z.ZodType<AssessmentMapQuery>;
