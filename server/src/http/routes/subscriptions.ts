import type Router from '@koa/router';
import type { AppDeps } from '../../composition.js';
import { recordSubscribeResults } from '../../usecases/subscriptions.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import type { ApiRegistry } from '../openapi.js';
import { subscriptionsBody as body } from '../schemas/subscriptions.js';
import { parse } from '../validate.js';

export function subscriptionRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  api.add({
    method: 'post', path: '/api/v1/subscriptions', tag: 'notifications', auth: true, body,
    summary: 'Record the result of wx.requestSubscribeMessage: each "accept" is one subscribe-message credit for that template',
    responses: { 200: '{credits: {templateId: n}}', 400: 'unknown template or bad body', 401: 'not logged in' },
  });
  router.post('/api/v1/subscriptions', requireUser(deps), jsonBody, async (ctx) => {
    const { results } = parse(body, ctx.request.body);
    ctx.body = { credits: await recordSubscribeResults(deps, currentUser(ctx), results) };
  });
  api.add({ method: 'get', path: '/api/v1/subscriptions/templates', tag: 'notifications', auth: false, summary: 'Subscribe-message template ids the mini-program asks consent for', responses: { 200: '{templates}' } });
  router.get('/api/v1/subscriptions/templates', (ctx) => {
    ctx.body = { templates: Object.fromEntries(Object.entries(deps.policy.notifications.templates).map(([k, t]) => [k, t.subscribe.templateId])) };
  });
}
