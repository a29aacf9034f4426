import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { CASE_ACTIONS, PHOTO_LIMITS, type CaseAction } from '@finecity/types';
import type { AppDeps } from '../../composition.js';
import { AppError } from '../../domain/errors.js';
import { actOnCase, type ActionInput } from '../../usecases/act-on-case.js';
import { getCase, listCases, listTasks } from '../../usecases/read-cases.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import { multipartFields, multipartPhotos, uploadedFiles } from '../multipart.js';
import type { ApiRegistry } from '../openapi.js';
import { presentCase, presentCaseSummary, type PresentCtx } from '../presenters/case-presenter.js';
import { ACTION_BODIES, handleFields } from '../schemas/actions.js';
import { caseListQuery, uuidParam } from '../schemas/queries.js';
import { parse } from '../validate.js';

const PHOTO_ACTIONS: ReadonlySet<CaseAction> = new Set(['handle']);

export function caseRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);
  const pctx = (): PresentCtx => ({ deps, signer: deps.signer, now: deps.clock.now() });

  api.add({ method: 'get', path: '/api/v1/cases', summary: 'Cases in the caller\'s scope, newest first (filters, pagination)', tag: 'cases', auth: true, query: caseListQuery, responses: { 200: '{items,total,page,pageSize}', 400: 'bad filter', 401: 'not logged in' } });
  router.get('/api/v1/cases', auth, async (ctx) => {
    const f = parse(caseListQuery, ctx.query);
    const { rows, total } = await listCases(deps, currentUser(ctx), f);
    const p = pctx();
    ctx.body = { items: rows.map((r) => presentCaseSummary(r, p)), total, page: f.page, pageSize: f.pageSize };
  });

  api.add({ method: 'get', path: '/api/v1/tasks', summary: 'The caller\'s inbox: what they must act on, by deadline', tag: 'cases', auth: true, responses: { 200: '{items}', 401: 'not logged in' } });
  router.get('/api/v1/tasks', auth, async (ctx) => {
    const { rows } = await listTasks(deps, currentUser(ctx));
    const p = pctx();
    ctx.body = { items: rows.map((r) => presentCaseSummary(r, p)) };
  });

  api.add({ method: 'get', path: '/api/v1/cases/:id', summary: 'One case with events, photos, deadline and the caller\'s allowedActions', tag: 'cases', auth: true, responses: { 200: '{case}', 400: 'bad id', 401: 'not logged in', 404: 'no such case in your scope' } });
  router.get('/api/v1/cases/:id', auth, async (ctx) => {
    const id = parse(uuidParam, ctx.params.id);
    ctx.body = { case: presentCase(await getCase(deps, currentUser(ctx), id), pctx()) };
  });

  for (const action of CASE_ACTIONS) {
    api.add({
      method: 'post', path: `/api/v1/cases/:id/actions/${action}`, tag: 'actions', auth: true,
      summary: `Case action "${action}"${PHOTO_ACTIONS.has(action) ? ' (multipart, after-photos in "photos")' : ''}`,
      ...(PHOTO_ACTIONS.has(action)
        ? { multipart: { fields: handleFields, files: { name: 'photos', min: 1, max: PHOTO_LIMITS.maxPerAction } } }
        : { body: ACTION_BODIES[action] }),
      responses: { 200: '{case}', 400: 'invalid body', 401: 'not logged in', 403: 'role may not do this here', 404: 'no such case in your scope', 409: 'not allowed in the current state; squad.not_arrived: a quick squad signs on site, with a location within the check-in radius', 422: 'invalid target or photo' },
    });
  }
  router.post('/api/v1/cases/:id/actions/:action', auth, actionBody, async (ctx) => {
    const id = parse(uuidParam, ctx.params.id);
    const action = ctx.params.action as CaseAction;
    const input = { action, ...(parse(ACTION_BODIES[action], ctx.state.actionBody) as object) } as ActionInput;
    const { row, view } = await actOnCase(deps, currentUser(ctx), id, input, uploadedFiles(ctx).map((f) => f.buffer));
    // The answer comes from the action's own transaction. When the action handed the case out of the
    // caller's sight (a department returning or escalating it), the action did happen: answer with the
    // new state and nothing more.
    ctx.body = { case: view ? presentCase(view, pctx()) : { ...presentCaseSummary(row, pctx()), allowedActions: [] } };
  });
}

const photoParser = multipartPhotos({ field: 'photos', max: PHOTO_LIMITS.maxPerAction });

/** JSON for every action; multipart (fields + photos) for the ones that carry photos. */
async function actionBody(ctx: Context, next: Next): Promise<void> {
  const action = ctx.params.action as CaseAction;
  if (!(CASE_ACTIONS as readonly string[]).includes(action)) throw new AppError('not_found', '未知的案件操作', { action });
  if (PHOTO_ACTIONS.has(action) && ctx.is('multipart')) {
    await photoParser(ctx, async () => {
      ctx.state.actionBody = parse(handleFields, { ...multipartFields(ctx) });
    });
  } else {
    await jsonBody(ctx, async () => {
      ctx.state.actionBody = ctx.request.body;
    });
  }
  await next();
}
