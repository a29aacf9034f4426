import type Router from '@koa/router';
import type { AppDeps } from '../../composition.js';
import { childUnits } from '../../usecases/org-units.js';
import { statsOverview } from '../../usecases/stats.js';
import { currentUser, requireUser } from '../auth.js';
import type { ApiRegistry } from '../openapi.js';
import { statsQuery, unitsQuery } from '../schemas/queries.js';
import { parse } from '../validate.js';

/** The org tree as the caller may see it: dispatch targets and the area's figures. */
export function orgRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);
  api.add({
    method: 'get', path: '/api/v1/org/units', tag: 'org', auth: true, query: unitsQuery,
    summary: 'Units directly below a node of the caller\'s subtree (default: the caller\'s node) — dispatch targets; with q, up to 30 units anywhere below it whose name holds q or whose code starts with it (type-ahead)',
    responses: { 200: '{items: OrgUnitDto[]}', 400: 'bad query', 401: 'not logged in', 403: 'not staff', 404: 'no such unit in your area' },
  });
  router.get('/api/v1/org/units', auth, async (ctx) => {
    const q = parse(unitsQuery, ctx.query);
    ctx.body = { items: await childUnits(deps, currentUser(ctx), q.parent, q.q) };
  });

  api.add({
    method: 'get', path: '/api/v1/stats/overview', tag: 'org', auth: true, query: statsQuery,
    summary: 'Figures of the caller\'s area (or a node in it) for a period, with the units one level below ranked',
    responses: { 200: 'StatsOverviewDto', 400: 'bad query', 401: 'not logged in', 403: 'role has no area to see', 404: 'no such unit in your area' },
  });
  router.get('/api/v1/stats/overview', auth, async (ctx) => {
    const q = parse(statsQuery, ctx.query);
    ctx.set('Cache-Control', 'private, max-age=30');
    ctx.body = await statsOverview(deps, currentUser(ctx), q);
  });
}
