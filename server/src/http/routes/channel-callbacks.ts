import type Router from '@koa/router';
import { z } from 'zod';
import type { AppDeps } from '../../composition.js';
import { listCallbacks, retryCallback } from '../../usecases/channels/callback-console.js';
import { currentUser, requireUser } from '../auth.js';
import { js, type ApiRegistry } from '../openapi.js';
import { parse } from '../validate.js';

const callbacksQuery = z
  .object({
    status: z.enum(['pending', 'sent', 'failed']).optional(),
    page: z.coerce.number().int().min(1).max(10_000).optional(),
  })
  .strict();
const callbackId = z.coerce.number({ message: '回调编号必须是正整数' }).int().min(1).max(Number.MAX_SAFE_INTEGER);

/** Partner callbacks on the console (issue 11, item 2): the list (failed ones first of interest) and a retry by hand. */
export function channelCallbackRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);
  api.add({
    method: 'get', path: '/api/v1/channels/callbacks', tag: 'channels', auth: true, query: callbacksQuery,
    summary: 'Status callbacks to partner platforms (12345, 12319, 民意网, 民心网, companies) for cases in the caller\'s area, newest first; city and district platforms and admins',
    responses: {
      200: {
        description: '{items:[{id, channelId, channelName, caseId, caseNo, event, eventText, status, statusText, attempts, lastError, createdAt, lastAttemptAt}], total, page, pageSize}',
        schema: js.page(js.obj({ id: js.int, channelId: js.str, channelName: js.str, caseId: js.str, caseNo: js.str, event: js.str, eventText: js.str, status: js.str, statusText: js.str, attempts: js.int, lastError: js.nullable(js.str), createdAt: js.str, lastAttemptAt: js.nullable(js.str) })),
      },
      400: 'bad query', 401: 'not logged in', 403: 'not a city or district platform or admin',
    },
  });
  router.get('/api/v1/channels/callbacks', auth, async (ctx) => {
    const q = parse(callbacksQuery, ctx.query);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await listCallbacks(deps.channelCallbacks, currentUser(ctx), q);
  });

  api.add({
    method: 'post', path: '/api/v1/channels/callbacks/:id/retry', tag: 'channels', auth: true,
    summary: 'Retry a failed (or stuck) partner callback: its attempts start again from zero, and it is queued at once',
    responses: { 200: { description: '{id, status: "pending"}', schema: js.obj({ id: js.int, status: { const: 'pending' } }) }, 400: 'bad id', 401: 'not logged in', 403: 'not a city or district platform or admin', 404: 'no such callback in your area', 409: 'already delivered', 503: 'queues not running' },
  });
  router.post('/api/v1/channels/callbacks/:id/retry', auth, async (ctx) => {
    const id = parse(callbackId, ctx.params.id);
    ctx.body = await retryCallback(deps.channelCallbacks, currentUser(ctx), id);
  });
}
