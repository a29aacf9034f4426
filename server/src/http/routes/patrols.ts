import type Router from '@koa/router';
import type { PatrolSessionDto, PatrolTodayDto, TaskHistoryDto } from '@finecity/types';
import type { AppDeps } from '../../composition.js';
import { patrolToday, sessionSeconds, startPatrol, stopPatrol } from '../../usecases/inspector/patrol-sessions.js';
import type { PatrolSessionRecord } from '../../usecases/inspector/ports.js';
import { taskHistory } from '../../usecases/inspector/task-history.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import type { ApiRegistry } from '../openapi.js';
import { presentCaseSummary, type PresentCtx } from '../presenters/case-presenter.js';
import { historyQuery, patrolIdParam, patrolStartBody, patrolStopBody } from '../schemas/patrols.js';
import { parse } from '../validate.js';

const presentSession = (s: PatrolSessionRecord, now: Date): PatrolSessionDto => ({
  id: s.id, startedAt: s.startedAt.toISOString(), stoppedAt: s.stoppedAt?.toISOString() ?? null, seconds: sessionSeconds(s, now),
});

/** The inspector's app (issue 12, item 4): 已办 and patrol sessions. */
export function inspectorRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);
  const pctx = (): PresentCtx => ({ deps, signer: deps.signer, now: deps.clock.now() });

  api.add({
    method: 'get', path: '/api/v1/tasks/history', tag: 'cases', auth: true, query: historyQuery,
    summary: '已办: cases the caller signed, handled, returned or asked an extension for (case event log by actor), latest first; q matches case number, description or address',
    responses: { 200: { description: 'TaskHistoryDto {items (CaseDto + myLastAction), total, page, pageSize}', dto: 'TaskHistoryDto' }, 400: 'bad query', 401: 'not logged in' },
  });
  router.get('/api/v1/tasks/history', auth, async (ctx) => {
    const f = parse(historyQuery, ctx.query);
    const { rows, total } = await taskHistory(deps, currentUser(ctx), f);
    const p = pctx();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      items: rows.map((r) => ({ ...presentCaseSummary(r.row, p), myLastAction: { action: r.action, at: r.at.toISOString() } })),
      total, page: f.page, pageSize: f.pageSize,
    } satisfies TaskHistoryDto;
  });

  api.add({
    method: 'post', path: '/api/v1/patrols', tag: 'companies', auth: true, body: patrolStartBody,
    summary: 'Start a patrol {id?, at?} (at: when the inspector pressed, up to 24 h back); one open session per person: a second start answers the open one (200)',
    responses: { 200: 'PatrolSessionDto (already open)', 201: 'PatrolSessionDto', 400: 'bad body or time', 401: 'not logged in', 403: 'not a patrol role' },
  });
  router.post('/api/v1/patrols', auth, jsonBody, async (ctx) => {
    const body = parse(patrolStartBody, ctx.request.body);
    const { session, created } = await startPatrol(deps, currentUser(ctx), body);
    ctx.status = created ? 201 : 200;
    ctx.body = presentSession(session, deps.clock.now());
  });

  api.add({
    method: 'post', path: '/api/v1/patrols/:id/stop', tag: 'companies', auth: true, body: patrolStopBody,
    summary: 'Stop the caller\'s patrol {at?}; idempotent: a stopped session is answered as it is',
    responses: { 200: 'PatrolSessionDto', 400: 'bad id, body or time', 401: 'not logged in', 403: 'not a patrol role', 404: 'no such session of the caller' },
  });
  router.post('/api/v1/patrols/:id/stop', auth, jsonBody, async (ctx) => {
    const id = parse(patrolIdParam, ctx.params.id);
    const body = parse(patrolStopBody, ctx.request.body);
    ctx.body = presentSession(await stopPatrol(deps, currentUser(ctx), id, body), deps.clock.now());
  });

  api.add({
    method: 'get', path: '/api/v1/patrols/today', tag: 'companies', auth: true,
    summary: 'The caller\'s Beijing day of patrol: the open session, the day\'s sessions with durations, check-ins, own reports (finds) and the coverage of their grids',
    responses: { 200: 'PatrolTodayDto', 401: 'not logged in', 403: 'not a patrol role' },
  });
  router.get('/api/v1/patrols/today', auth, async (ctx) => {
    const t = await patrolToday(deps, currentUser(ctx));
    const p = pctx();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      day: t.day,
      open: t.open ? presentSession(t.open, t.now) : null,
      sessions: t.sessions.map((s) => presentSession(s, t.now)),
      seconds: t.seconds,
      checkins: t.checkins.map((c) => ({ id: c.id, gridCode: c.gridCode, gridName: deps.org.get(c.gridCode)?.name ?? c.gridCode, day: c.day, at: c.at.toISOString(), companyId: c.companyId })),
      finds: t.finds.map((r) => presentCaseSummary(r, p)),
      coverage: t.coverage,
    } satisfies PatrolTodayDto;
  });
}
