import { z } from 'zod';
import { ACCOUNTABILITY_KINDS, PAGE_SIZE_MAX, TEXT_LIMITS, type AccountabilityBody, type AccountabilityQuery, type CaseCommentBody } from '@finecity/types';
import { int } from './queries.js';
import { humanText } from './text.js';

const orgCode = z.string().regex(/^[0-9A-Za-z-]{1,40}$/, '单位编码格式不正确');
const caseNo = z.string().regex(/^[0-9A-Za-z-]{1,40}$/, '案件编号格式不正确，例如 DL20261127-000123');

/** POST /api/v1/accountability. */
export const accountabilityBody = z
  .object({
    orgNodeCode: orgCode,
    kind: z.enum(ACCOUNTABILITY_KINDS, `问责方式应为：${ACCOUNTABILITY_KINDS.join('、')}`),
    note: humanText({ min: 1, max: TEXT_LIMITS.note, label: '问责事由' }),
    caseNos: z.array(caseNo).max(50, '一次最多关联 50 个案件').optional(),
  })
  .strict() satisfies z.ZodType<AccountabilityBody>;

/** GET /api/v1/accountability. */
export const accountabilityQuery = z.object({
  orgNodeCode: orgCode.optional(),
  page: int(1, 10_000, 1),
  pageSize: int(1, PAGE_SIZE_MAX, 20),
}) satisfies z.ZodType<AccountabilityQuery>;

/** POST /api/v1/cases/:id/comments. */
export const commentBody = z
  .object({
    body: humanText({ min: 1, max: TEXT_LIMITS.comment, label: '留言内容' }),
    public: z.boolean().optional(),
  })
  .strict() satisfies z.ZodType<CaseCommentBody>;
