import type Router from '@koa/router';
import type { AppDeps } from '../../composition.js';
import { listAccountability, recordAccountability } from '../../usecases/supervision/accountability.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import { js, type ApiRegistry } from '../openapi.js';
import { accountabilityBody, accountabilityQuery } from '../schemas/supervision.js';
import { parse } from '../validate.js';

/** 问责 records (issue 10, item 4): recorded by the city and district platforms, listed per unit within scope. */
export function accountabilityRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);
  api.add({
    method: 'post', path: '/api/v1/accountability', tag: 'supervision', auth: true, body: accountabilityBody,
    summary: '问责: record 通报, 约谈 … against a unit in the caller\'s subtree, optionally naming cases (city and district platforms)',
    responses: { 201: 'AccountabilityDto', 400: 'invalid body', 401: 'not logged in', 403: 'not a city or district platform, or the unit is outside its subtree', 422: 'unknown unit or case numbers (details.field)' },
  });
  router.post('/api/v1/accountability', auth, jsonBody, async (ctx) => {
    const input = parse(accountabilityBody, ctx.request.body);
    ctx.status = 201;
    ctx.body = await recordAccountability(deps, currentUser(ctx), input);
  });

  api.add({
    method: 'get', path: '/api/v1/accountability', tag: 'supervision', auth: true, query: accountabilityQuery,
    summary: '问责 records of a unit (default: the caller\'s own) and the units under it, newest first, within the caller\'s subtree',
    responses: { 200: { description: '{items: AccountabilityDto[], total, page, pageSize}', schema: js.page(js.dto('AccountabilityDto')) }, 400: 'bad query', 401: 'not logged in', 403: 'unit outside the caller\'s subtree', 422: 'unknown unit' },
  });
  router.get('/api/v1/accountability', auth, async (ctx) => {
    const q = parse(accountabilityQuery, ctx.query);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await listAccountability(deps, currentUser(ctx), q);
  });
}
