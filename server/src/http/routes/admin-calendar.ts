import type Router from '@koa/router';
import { z } from 'zod';
import type { CalendarYearBody } from '@finecity/types';
import type { AppDeps } from '../../composition.js';
import { getCalendarYear, MAX_YEAR, MIN_YEAR, putCalendarYear } from '../../usecases/admin/calendar.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import type { ApiRegistry } from '../openapi.js';
import { parse } from '../validate.js';
import { humanText } from '../schemas/text.js';

const calendarDay = z.object({
  date: z.string().trim().min(1, '缺少日期').max(20),
  name: humanText({ min: 1, max: 40, label: '节日名称' }),
}).strict();

export const calendarYearBody = z.object({
  holidays: z.array(calendarDay).max(80, '休息日不超过 80 天'),
  workdays: z.array(calendarDay).max(30, '调休上班日不超过 30 天'),
}).strict() satisfies z.ZodType<CalendarYearBody>;

const yearParam = z.coerce.number().int(`年份应在 ${MIN_YEAR} 至 ${MAX_YEAR} 之间`).min(MIN_YEAR, `年份应在 ${MIN_YEAR} 至 ${MAX_YEAR} 之间`).max(MAX_YEAR, `年份应在 ${MIN_YEAR} 至 ${MAX_YEAR} 之间`);

const putQuery = z.object({ recompute: z.enum(['true', 'false'], { message: 'recompute 只能是 true 或 false' }).optional() });

/** The working calendar (holidays and 调休 working days per year): city admins only. */
export function adminCalendarRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  api.add({
    method: 'get', path: '/api/v1/admin/calendar/:year', tag: 'admin', auth: true,
    summary: 'One year of the working calendar: rest days and 调休 working days (city admin)',
    responses: { 200: 'CalendarYearDto {year, stored, holidays:[{date,name}], workdays:[{date,name}], updatedAt}', 400: 'bad year', 401: 'not logged in', 403: 'not a city admin' },
  });
  router.get('/api/v1/admin/calendar/:year', requireUser(deps), async (ctx) => {
    ctx.body = await getCalendarYear(deps, currentUser(ctx), parse(yearParam, ctx.params.year));
  });

  api.add({
    method: 'put', path: '/api/v1/admin/calendar/:year', tag: 'admin', auth: true, query: putQuery, body: calendarYearBody,
    summary: 'Replace one year\'s rest days and 调休 working days (city admin); ?recompute=true also moves the running working-time clocks onto the new lists',
    responses: { 200: 'CalendarYearDto (with recomputed when asked)', 400: 'bad year, body or query', 401: 'not logged in', 403: 'not a city admin', 422: 'calendar.invalid: a date that is not a date or not in the year, a day listed twice (details.fields)' },
  });
  router.put('/api/v1/admin/calendar/:year', requireUser(deps), jsonBody, async (ctx) => {
    const year = parse(yearParam, ctx.params.year);
    const { recompute } = parse(putQuery, ctx.query);
    ctx.body = await putCalendarYear(deps, currentUser(ctx), year, parse(calendarYearBody, ctx.request.body), { recompute: recompute === 'true' });
  });
}
