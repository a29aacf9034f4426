import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { BATCH_ACTIONS, BATCH_MAX_ITEMS, CASE_ACTIONS, PHOTO_LIMITS, type BatchActionResponse, type CaseAction, type QueueCountsDto } from '@finecity/types';
import { z } from 'zod';
import type { AppDeps } from '../../composition.js';
import { AppError } from '../../domain/errors.js';
import { actOnCase, type ActionInput } from '../../usecases/act-on-case.js';
import { actOnCases } from '../../usecases/batch-actions.js';
import { getCase, listCases, listTasks, queueCounts } from '../../usecases/read-cases.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import { multipartFields, multipartPhotos, uploadedFiles } from '../multipart.js';
import { js, type ApiRegistry } from '../openapi.js';
import { presentCase, presentCaseSummary, type PresentCtx } from '../presenters/case-presenter.js';
import { ACTION_BODIES, handleFields } from '../schemas/actions.js';
import { caseListQuery, uuidParam } from '../schemas/queries.js';
import { parse } from '../validate.js';

const PHOTO_ACTIONS: ReadonlySet<CaseAction> = new Set(['handle']);

/** POST /api/v1/cases/batch (BatchActionRequest); each item's body is checked against its action's own schema. */
const batchBody = z
  .object({
    action: z.enum(BATCH_ACTIONS),
    items: z
      .array(z.object({ caseId: z.uuid('caseId 必须是案件 ID'), version: z.number().int().min(1).optional(), body: z.record(z.string(), z.unknown()).optional() }).strict())
      .min(1, '请至少选择一件案件')
      .max(BATCH_MAX_ITEMS, `一次最多办理 ${BATCH_MAX_ITEMS} 件`)
      .refine((items) => new Set(items.map((x) => x.caseId)).size === items.length, '同一案件不能重复出现'),
  })
  .strict();

export function caseRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);
  const pctx = (): PresentCtx => ({ deps, signer: deps.signer, now: deps.clock.now() });

  api.add({ method: 'get', path: '/api/v1/cases', summary: 'Cases in the caller\'s scope, newest first or by SLA colour (sort=sla), with filters (state, category, grid, source, colour, from/to Beijing dates) and pages', tag: 'cases', auth: true, query: caseListQuery, responses: { 200: { description: '{items: CaseDto[], total, page, pageSize}', schema: js.page(js.dto('CaseDto')) }, 400: 'bad filter', 401: 'not logged in' } });
  router.get('/api/v1/cases', auth, async (ctx) => {
    const f = parse(caseListQuery, ctx.query);
    const { rows, total } = await listCases(deps, currentUser(ctx), f);
    const p = pctx();
    ctx.body = { items: rows.map((r) => presentCaseSummary(r, p)), total, page: f.page, pageSize: f.pageSize };
  });

  api.add({ method: 'get', path: '/api/v1/cases/queue-counts', summary: 'How many cases each console queue (CONSOLE_QUEUES) holds in the caller\'s scope now', tag: 'cases', auth: true, responses: { 200: 'QueueCountsDto {counts, asOf}', 401: 'not logged in' } });
  router.get('/api/v1/cases/queue-counts', auth, async (ctx) => {
    const counts = await queueCounts(deps, currentUser(ctx));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { counts, asOf: deps.clock.now().toISOString() } satisfies QueueCountsDto;
  });

  api.add({
    method: 'post', path: '/api/v1/cases/batch', tag: 'actions', auth: true, body: batchBody,
    summary: `Run one action (${BATCH_ACTIONS.join(', ')}) on up to ${BATCH_MAX_ITEMS} cases, each as its own single action (own transaction, permissions, notifications); one result per item, in order`,
    responses: { 200: 'BatchActionResponse {results: [{caseId, caseNo?, ok, status, error?}]}', 400: 'invalid body (unknown action, no items, more than 100, a repeated case, an item body the action does not take)', 401: 'not logged in' },
  });
  router.post('/api/v1/cases/batch', auth, jsonBody, async (ctx) => {
    const b = parse(batchBody, ctx.request.body);
    const bodySchema = ACTION_BODIES[b.action];
    const items = b.items.map((it, i) => {
      const r = bodySchema.safeParse(it.body ?? {});
      if (!r.success) throw new AppError('request.invalid', `第 ${i + 1} 项的办理内容不正确：${r.error.issues[0]?.message ?? ''}`, { index: i });
      return { caseId: it.caseId, version: it.version, body: r.data as Record<string, unknown> };
    });
    const results = await actOnCases(deps, currentUser(ctx), { action: b.action, items }, (err, caseId) =>
      deps.logger.error('batch item failed', { requestId: ctx.state.requestId, caseId, action: b.action, err: String((err as Error)?.stack ?? err) }));
    ctx.body = { results } satisfies BatchActionResponse;
  });

  api.add({ method: 'get', path: '/api/v1/tasks', summary: 'The caller\'s inbox: what they must act on, by deadline', tag: 'cases', auth: true, responses: { 200: { description: '{items: CaseDto[]}', schema: js.obj({ items: js.arr(js.dto('CaseDto')) }) }, 401: 'not logged in' } });
  router.get('/api/v1/tasks', auth, async (ctx) => {
    const { rows } = await listTasks(deps, currentUser(ctx));
    const p = pctx();
    ctx.body = { items: rows.map((r) => presentCaseSummary(r, p)) };
  });

  api.add({ method: 'get', path: '/api/v1/cases/:id', summary: 'One case with events, photos, deadline and the caller\'s allowedActions', tag: 'cases', auth: true, responses: { 200: { description: '{case: CaseDto}', schema: js.obj({ case: js.dto('CaseDto') }) }, 400: 'bad id', 401: 'not logged in', 404: 'no such case in your scope' } });
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
      responses: { 200: { description: '{case: CaseDto}', schema: js.obj({ case: js.dto('CaseDto') }) }, 400: 'invalid body', 401: 'not logged in', 403: 'role may not do this here', 404: 'no such case in your scope', 409: 'not allowed in the current state; squad.not_arrived: a quick squad signs on site, with a location within the check-in radius', 422: 'invalid target or photo' },
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
