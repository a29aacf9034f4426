import type Router from '@koa/router';
import { z } from 'zod';
import { DUTY_RULE_KINDS, type DutyQuery, type DutyUpdateRequest } from '@finecity/types';
import type { AppDeps } from '../../composition.js';
import { dutyMonth, updateDuty } from '../../usecases/admin/duty.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import type { ApiRegistry } from '../openapi.js';
import { parse } from '../validate.js';
import { humanText } from '../schemas/text.js';

const slot = z.enum(['A', 'B']);
/** Shapes only: the month's and dates' values are checked by the use case (422 `duty.invalid` with the fields). */
const date = z.string().max(10);

export const dutyQuery = z.object({
  orgNodeCode: z.string().trim().regex(/^[0-9A-Za-z-]{1,40}$/, '单位编码格式不正确'),
  month: z.string().trim().max(7),
}) satisfies z.ZodType<DutyQuery>;

export const dutyUpdateBody = z
  .object({
    rule: z.enum(DUTY_RULE_KINDS).optional(),
    overrides: z.array(z.object({ date, slot: slot.nullable() }).strict()).max(31).optional(),
    substitutes: z.array(z.object({ post: slot, userId: z.uuid('替班人 ID 格式不正确'), from: date, to: date }).strict()).max(20).optional(),
    cancelSubstitutes: z.array(z.number().int().positive()).max(50).optional(),
    note: humanText({ max: 200, label: '备注' }).optional(),
  })
  .strict() satisfies z.ZodType<DutyUpdateRequest>;

/** The A/B duty rota (issue 9): a district's rule, a grid's date overrides and leave substitutes, by month. */
export function adminDutyRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  api.add({
    method: 'get', path: '/api/v1/admin/duty', tag: 'admin', auth: true, query: dutyQuery,
    summary: 'The duty rota of a month: for a grid each day\'s on-duty post and people; for a larger unit its district rules and the overrides and substitutes under it',
    responses: { 200: 'DutyMonthDto', 400: 'bad query', 401: 'not logged in', 403: 'not an admin of that unit', 422: 'unknown unit or bad month' },
  });
  router.get('/api/v1/admin/duty', requireUser(deps), async (ctx) => {
    const q = parse(dutyQuery, ctx.query);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await dutyMonth(deps, currentUser(ctx), q.orgNodeCode, q.month);
  });

  api.add({
    method: 'put', path: '/api/v1/admin/duty', tag: 'admin', auth: true, query: dutyQuery, body: dutyUpdateBody,
    summary: 'Change a month of the duty rota: a district\'s rule, a grid\'s date overrides, leave substitutes (added or cancelled)',
    responses: { 200: 'DutyMonthDto', 400: 'bad query or body', 401: 'not logged in', 403: 'not an admin of that unit', 422: 'unknown unit, bad month or substitute' },
  });
  router.put('/api/v1/admin/duty', requireUser(deps), jsonBody, async (ctx) => {
    const q = parse(dutyQuery, ctx.query);
    const body = parse(dutyUpdateBody, ctx.request.body);
    ctx.body = await updateDuty(deps, currentUser(ctx), q.orgNodeCode, q.month, body);
  });
}
