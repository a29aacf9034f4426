import type Router from '@koa/router';
import type { AppDeps } from '../../composition.js';
import { addComment, listComments } from '../../usecases/supervision/comments.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import type { ApiRegistry } from '../openapi.js';
import { uuidParam } from '../schemas/queries.js';
import { commentBody } from '../schemas/supervision.js';
import { parse } from '../validate.js';

/** Talking on a case (issue 10, item 5): anyone who may read the case; residents see public replies only. */
export function caseCommentRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);
  api.add({
    method: 'post', path: '/api/v1/cases/:id/comments', tag: 'cases', auth: true, body: commentBody,
    summary: 'Comment on a case; @街道, @社区, @区, @领导, @网格员 or @<name> of the case\'s chain notify them. Staff comments are internal unless public',
    responses: { 201: 'CaseCommentDto', 400: 'invalid body', 401: 'not logged in', 404: 'no such case in your scope', 422: 'text failed the content check' },
  });
  router.post('/api/v1/cases/:id/comments', auth, jsonBody, async (ctx) => {
    const id = parse(uuidParam, ctx.params.id);
    const input = parse(commentBody, ctx.request.body);
    ctx.status = 201;
    ctx.body = await addComment(deps, currentUser(ctx), id, input);
  });

  api.add({
    method: 'get', path: '/api/v1/cases/:id/comments', tag: 'cases', auth: true,
    summary: 'The comments of a case, oldest first (residents: public replies and their own)',
    responses: { 200: '{items: CaseCommentDto[]}', 400: 'bad id', 401: 'not logged in', 404: 'no such case in your scope' },
  });
  router.get('/api/v1/cases/:id/comments', auth, async (ctx) => {
    const id = parse(uuidParam, ctx.params.id);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { items: await listComments(deps, currentUser(ctx), id) };
  });
}
