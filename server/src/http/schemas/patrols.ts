import { z } from 'zod';
import { PAGE_SIZE_MAX, type PatrolStartRequest, type PatrolStopRequest } from '@finecity/types';
import { int } from './queries.js';

/** When the inspector pressed (ISO 8601 with offset); the use case checks the 24-hour window. */
const pressed = z.iso.datetime({ offset: true, message: '时间格式应为 ISO 8601，例如 2026-12-03T09:30:00+08:00' });

/** GET /api/v1/tasks/history. */
export const historyQuery = z.object({
  q: z.string().trim().max(50, '搜索词不超过 50 字').optional(),
  page: int(1, 10_000, 1),
  pageSize: int(1, PAGE_SIZE_MAX, 20),
});

/** POST /api/v1/patrols. */
export const patrolStartBody = z.object({ id: z.uuid('巡查编号格式不正确').optional(), at: pressed.optional() }).strict() satisfies z.ZodType<PatrolStartRequest>;

/** POST /api/v1/patrols/:id/stop. */
export const patrolStopBody = z.object({ at: pressed.optional() }).strict() satisfies z.ZodType<PatrolStopRequest>;

export const patrolIdParam = z.uuid('巡查编号格式不正确');
