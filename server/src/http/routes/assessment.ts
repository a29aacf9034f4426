import type Router from '@koa/router';
import type { Context } from 'koa';
import { ASSESSMENT_PERIOD_LABELS } from '@finecity/types';
import type { AppDeps } from '../../composition.js';
import { publicRankings, publishAsked, readScorecard, scorecardWorkbook } from '../../usecases/assessment/scorecards.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import { js, MEDIA, type ApiRegistry } from '../openapi.js';
import { publicationBody, publicRankingsQuery, scorecardQuery, scorecardXlsxQuery } from '../schemas/assessment.js';
import { parse } from '../validate.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function sendXlsx(ctx: Context, body: Buffer, asciiName: string, name: string): void {
  ctx.set('Content-Disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`); // RFC 6266 §4.3, RFC 5987
  ctx.set('Cache-Control', 'no-store');
  ctx.type = XLSX_TYPE;
  ctx.body = body;
}

const SCORECARD_ERRORS = {
  400: 'bad query (unknown period or level)', 401: 'not logged in', 403: 'role cannot read scorecards, or the level or unit is outside the caller\'s area',
  404: 'the asked version was never published', 422: '`at` does not fit the period, or the period has not started',
};

/** Assessment (issue 10): scorecards, their XLSX, publications (公布) and the public rankings (公示). */
export function assessmentRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);

  api.add({
    method: 'get', path: '/api/v1/assessment/scorecards', tag: 'assessment', auth: true, query: scorecardQuery,
    summary: 'A level\'s scorecard for a period in the caller\'s area (or a node in it): the published snapshot (latest, or `version`), else live figures with version 0; ranks are city-wide',
    responses: { 200: 'ScorecardDto', ...SCORECARD_ERRORS },
  });
  router.get('/api/v1/assessment/scorecards', auth, async (ctx) => {
    const q = parse(scorecardQuery, ctx.query);
    ctx.set('Cache-Control', 'private, no-cache');
    ctx.body = await readScorecard(deps, currentUser(ctx), q);
  });

  api.add({
    method: 'get', path: '/api/v1/assessment/scorecards.xlsx', tag: 'assessment', auth: true, query: scorecardXlsxQuery,
    summary: 'The same scorecards as XLSX: `level` may be a comma list, one sheet per level, plus a sheet with the formula version, weights and tie rule',
    responses: { 200: { description: 'XLSX', media: MEDIA.xlsx }, ...SCORECARD_ERRORS },
  });
  router.get('/api/v1/assessment/scorecards.xlsx', auth, async (ctx) => {
    const q = parse(scorecardXlsxQuery, ctx.query);
    const user = currentUser(ctx);
    const cards = [];
    for (const level of q.level) cards.push(await readScorecard(deps, user, { ...q, level }));
    const first = cards[0]!;
    sendXlsx(ctx, await scorecardWorkbook(deps, cards), `scorecard-${q.period}-${first.at}.xlsx`, `考核${ASSESSMENT_PERIOD_LABELS[q.period]}-${first.label}.xlsx`);
  });

  api.add({
    method: 'post', path: '/api/v1/assessment/publications', tag: 'assessment', auth: true, body: publicationBody,
    summary: 'Publish (公布) a period that is over: every level for the whole city, frozen as the next version; a second publication is a correction and needs a reason. City platform or city admin only',
    responses: {
      201: { description: '{version}', schema: js.obj({ version: js.int }) }, 400: 'bad body', 401: 'not logged in', 403: 'not city platform staff or a city admin',
      409: 'the period is not over yet', 422: '`at` does not fit the period, the period has not started, or a correction without a reason',
    },
  });
  router.post('/api/v1/assessment/publications', auth, jsonBody, async (ctx) => {
    const body = parse(publicationBody, ctx.request.body ?? {});
    const out = await publishAsked(deps, currentUser(ctx), body);
    ctx.status = 201;
    ctx.body = out;
  });

  api.add({
    method: 'get', path: '/api/v1/public/rankings', tag: 'public', auth: false, query: publicRankingsQuery,
    summary: '公示: the latest published district and street rankings of a month, quarter or year (names, scores and ranks only; no login)',
    responses: { 200: 'PublicRankingsDto', 400: 'bad query', 404: 'not published', 422: '`at` does not fit the period' },
  });
  router.get('/api/v1/public/rankings', async (ctx) => {
    const q = parse(publicRankingsQuery, ctx.query);
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = await publicRankings(deps, q.period, q.at);
  });
}
