import type Router from '@koa/router';
import { z } from 'zod';
import type { AdminCategoriesQuery, CategoryLimitsInput, CategoryUpdateRequest, PolicyVersionsQuery } from '@finecity/types';
import type { AppDeps } from '../../composition.js';
import { listAdminCategories, listPolicyVersions, updateCategory } from '../../usecases/admin/categories.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import type { ApiRegistry } from '../openapi.js';
import { parse } from '../validate.js';
import { humanText } from '../schemas/text.js';

// Numbers are only type-checked here: the use case answers impossible limits (≤ 0, over 90 days, out of
// order) with a 422 that names every field.
const hours = z.object({ simple: z.number().optional(), complex: z.number().optional(), urgent: z.number().optional() }).strict();
const clockLimits = z.object({ calendar: z.enum(['natural', 'working']).optional(), hours: hours.optional() }).strict();
const categoryLimits = z.object({ dalian: clockLimits.optional(), national: clockLimits.optional() }).strict() satisfies z.ZodType<CategoryLimitsInput>;

export const categoryUpdateBody = z
  .object({
    name: humanText({ min: 1, max: 40, label: '类别名称' }).optional(),
    department: z.string().trim().min(1, '请选择主管部门').max(40).optional(),
    hint: z.string().trim().max(200, '提示不超过 200 个字').nullable().optional(),
    enabled: z.boolean().optional(),
    mapOpenCasesTo: z.string().trim().min(1).max(20).optional(),
    limits: categoryLimits.nullable().optional(),
    gridTypeLimits: z.record(z.string().trim().min(1).max(20), categoryLimits.nullable()).optional(),
    reason: humanText({ min: 1, max: 200, label: '修改原因' }),
  })
  .strict() satisfies z.ZodType<CategoryUpdateRequest>;

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
export const adminCategoriesQuery = z.object({
  q: z.string().trim().max(40).optional(),
  enabled: flag.optional(),
}) satisfies z.ZodType<AdminCategoriesQuery, unknown>;

export const policyVersionsQuery = z.object({
  categoryCode: z.string().trim().max(20).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
}) satisfies z.ZodType<PolicyVersionsQuery & { page: number; pageSize: number }, unknown>;

const codeParam = z.string().trim().min(1).max(20);

/** Categories and their time limits, edited and versioned by the city admin (issue 9, item 6). */
export function adminCategoryRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  api.add({
    method: 'get', path: '/api/v1/admin/categories', tag: 'admin', auth: true, query: adminCategoriesQuery,
    summary: 'Every category with its department, hint, enabled flag and the limits new cases get (both clocks, per grid type), and the current policy version (city admin)',
    responses: { 200: 'AdminCategoriesDto', 400: 'bad query', 401: 'not logged in', 403: 'not a city admin' },
  });
  router.get('/api/v1/admin/categories', requireUser(deps), (ctx) => {
    const q = parse(adminCategoriesQuery, ctx.query);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = listAdminCategories(deps, currentUser(ctx), q);
  });

  api.add({
    method: 'put', path: '/api/v1/admin/categories/:code', tag: 'admin', auth: true, body: categoryUpdateBody,
    summary: 'Edit a category (name, department, hint, enabled, its limits and its limits per grid type): one new policy version; only cases reported from now on get new limits (city admin)',
    responses: {
      200: 'CategoryUpdateResultDto {version, category, changed, movedCases}', 400: 'bad body', 401: 'not logged in', 403: 'not a city admin',
      404: 'unknown category', 409: 'disabling a category with open cases without mapOpenCasesTo', 422: 'impossible limits, unknown department or grid type, bad mapOpenCasesTo: {fields:[{field,message}]}',
    },
  });
  router.put('/api/v1/admin/categories/:code', requireUser(deps), jsonBody, async (ctx) => {
    const code = parse(codeParam, ctx.params.code);
    ctx.body = await updateCategory(deps, currentUser(ctx), code, parse(categoryUpdateBody, ctx.request.body));
  });

  api.add({
    method: 'get', path: '/api/v1/admin/time-limits/versions', tag: 'admin', auth: true, query: policyVersionsQuery,
    summary: 'The category and time-limit policy versions, newest first: who, when, why, what changed (city admin)',
    responses: { 200: 'PolicyVersionsDto', 400: 'bad query', 401: 'not logged in', 403: 'not a city admin' },
  });
  router.get('/api/v1/admin/time-limits/versions', requireUser(deps), (ctx) => {
    const q = parse(policyVersionsQuery, ctx.query);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = listPolicyVersions(deps, currentUser(ctx), q);
  });
}
