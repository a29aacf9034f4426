import type Router from '@koa/router';
import type { AppDeps } from '../../composition.js';
import { assessmentMap } from '../../usecases/assessment/leader-map.js';
import { assessmentTrend } from '../../usecases/assessment/leader-trend.js';
import { currentUser, requireUser } from '../auth.js';
import type { ApiRegistry } from '../openapi.js';
import { mapQuery, trendQuery } from '../schemas/assessment-leader.js';
import { parse } from '../validate.js';

/** The leaders' charts and map (issue 10, item 7): the trend and the area map, scoped to the caller's area. */
export function assessmentLeaderRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);
  api.add({
    method: 'get', path: '/api/v1/assessment/trend', tag: 'assessment', auth: true, query: trendQuery,
    summary: 'Cases reported and closed per Beijing day (per week for a year) in the caller\'s area or a node in it',
    responses: { 200: 'AssessmentTrendDto', 400: 'bad query', 401: 'not logged in', 403: 'role has no area to see', 404: 'no such unit in your area', 422: 'at does not match the period, or is in the future' },
  });
  router.get('/api/v1/assessment/trend', auth, async (ctx) => {
    const q = parse(trendQuery, ctx.query);
    ctx.set('Cache-Control', 'private, max-age=30');
    ctx.body = await assessmentTrend(deps, currentUser(ctx), q);
  });

  api.add({
    method: 'get', path: '/api/v1/assessment/map', tag: 'assessment', auth: true, query: mapQuery,
    summary: 'The area units below a node as a GeoJSON FeatureCollection (RFC 7946) with open and overdue cases; no tiles needed',
    responses: { 200: 'AssessmentMapDto (GeoJSON FeatureCollection)', 400: 'bad query', 401: 'not logged in', 403: 'role has no area to see', 404: 'no such unit in your area' },
  });
  router.get('/api/v1/assessment/map', auth, async (ctx) => {
    const q = parse(mapQuery, ctx.query);
    ctx.set('Cache-Control', 'private, max-age=30');
    ctx.body = await assessmentMap(deps, currentUser(ctx), q);
  });
}
