import type Router from '@koa/router';
import type { AppDeps } from '../../composition.js';
import { recordSubscribeResults, subscribeTemplates } from '../../usecases/subscriptions.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import { js, type ApiRegistry } from '../openapi.js';
import { subscriptionsBody as body } from '../schemas/subscriptions.js';
import { parse } from '../validate.js';

export function subscriptionRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  api.add({
    method: 'post', path: '/api/v1/subscriptions', tag: 'notifications', auth: true, body,
    summary: 'Record the result of wx.requestSubscribeMessage: each "accept" of a one-time template is one credit; an "accept" of a long-term template subscribes until turned off, another answer unsubscribes',
    responses: { 200: { description: '{credits: {templateId: n}, longTerm: {templateId: boolean}}', schema: js.obj({ credits: js.map(js.int), longTerm: js.map(js.bool) }) }, 400: 'unknown template, kinds mixed, or bad body', 401: 'not logged in' },
  });
  router.post('/api/v1/subscriptions', requireUser(deps), jsonBody, async (ctx) => {
    const { results } = parse(body, ctx.request.body);
    ctx.body = await recordSubscribeResults(deps, currentUser(ctx), results);
  });
  api.add({ method: 'get', path: '/api/v1/subscriptions/templates', tag: 'notifications', auth: false, summary: 'Subscribe-message template ids the mini-program asks consent for: one-time, and long-term where the account\'s category allows them', responses: { 200: { description: '{templates, longTerm}: template ids by notification kind', schema: js.obj({ templates: js.map(js.str), longTerm: js.map(js.str) }) } } });
  router.get('/api/v1/subscriptions/templates', (ctx) => {
    ctx.body = subscribeTemplates(deps);
  });
}
