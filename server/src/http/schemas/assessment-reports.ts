import { z } from 'zod';
import { REPORT_KINDS } from '../../domain/assessment/report-text.js';

/** The report in the path: daily, weekly, monthly, quarterly or yearly. */
export const reportKindParams = z.object({ kind: z.enum(REPORT_KINDS, { error: '报告应为 daily、weekly、monthly、quarterly 或 yearly' }) });

/** POST /api/v1/assessment/reports/:kind/send: the period key of the report (2026-11-30, 2026-W48, 2026-11, 2026-Q4, 2026). */
export const reportSendBody = z
  .object({ at: z.string({ error: '请指定报告时间 at，如 2026-11' }).trim().min(4, '请指定报告时间 at，如 2026-11').max(10, '报告时间格式不正确') })
  .strict();
