import { z } from 'zod';
import { ASSESSMENT_LEVELS, ASSESSMENT_PERIODS } from '@finecity/types';
import { humanText } from './text.js';

const period = z.enum(ASSESSMENT_PERIODS, { error: '周期应为 day、week、month、quarter 或 year' });
const level = z.enum(ASSESSMENT_LEVELS, { error: '层级应为 grid、community、street、district、department、squad、inspector 或 company' });
/** The period key (2026-11-30, 2026-W48, 2026-11, 2026-Q4, 2026); whether it fits the period is the use case's check. */
const at = z.string({ error: '请指定考核时间 at，如 2026-11' }).trim().min(4, '请指定考核时间 at，如 2026-11').max(10, '考核时间格式不正确');
const orgCode = z.string().regex(/^[0-9A-Za-z-]{1,40}$/, '单位编码格式不正确');
const version = z.string().regex(/^\d{1,6}$/, '版本应为正整数').transform(Number).pipe(z.number().int().min(1, '版本应为正整数'));

/** GET /api/v1/assessment/scorecards */
export const scorecardQuery = z.object({ period, at, level, orgNodeCode: orgCode.optional(), version: version.optional() });

/** GET /api/v1/assessment/scorecards.xlsx: `level` may list several levels, one sheet each. */
export const scorecardXlsxQuery = scorecardQuery.extend({
  level: z
    .string({ error: '请指定层级 level' })
    .max(200, '层级过多')
    .transform((v) => [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))])
    .pipe(z.array(level).min(1, '请指定层级 level').max(ASSESSMENT_LEVELS.length)),
});

/** POST /api/v1/assessment/publications */
export const publicationBody = z
  .object({ period, at, reason: humanText({ max: 500, label: '更正原因' }).optional() })
  .strict();

/** GET /api/v1/public/rankings */
export const publicRankingsQuery = z.object({
  period: z.enum(['month', 'quarter', 'year'], { error: '周期应为 month、quarter 或 year' }),
  at,
});
