import type Router from '@koa/router';
import type { DeleteAccountDto, FollowDto, MyDataDto, MyPointsDto, NearbyDto, TopReportersDto } from '@finecity/types';
import { z } from 'zod';
import type { AppDeps } from '../../composition.js';
import { AppError } from '../../domain/errors.js';
import { followCase, nearbyCases } from '../../usecases/residents/nearby.js';
import { deleteMyAccount, exportMyData } from '../../usecases/residents/privacy.js';
import { myPoints, setPointsListing, topReporters } from '../../usecases/residents/points.js';
import { revokeTrackingLink, trackingLinkOf } from '../../usecases/residents/tracking-links.js';
import { jsonBody } from '../body.js';
import { currentUser, requireUser } from '../auth.js';
import { js, type ApiRegistry } from '../openapi.js';
import { latField, lngField } from '../schemas/coords.js';
import { uuidParam } from '../schemas/queries.js';
import { parse } from '../validate.js';
import { perAddressLimit } from '../rate-limit.js';

/** GET /api/v1/cases/nearby (NearbyQuery on the wire; WGS-84). */
const nearbyQuery = z.object({
  lat: latField,
  lng: lngField,
  categoryCode: z.string().trim().min(1, '请选择问题类别').max(20),
});

/** POST /api/v1/me/delete: the resident says so explicitly, so a stray request closes nothing. */
const deleteBody = z.object({ confirm: z.literal(true, '请确认注销：confirm 须为 true') }).strict();

/** POST /api/v1/me/points/listing. */
const listingBody = z.object({ listed: z.boolean('listed 须为 true 或 false') }).strict();

/** GET /api/v1/public/top-reporters: a Beijing month (default: this one) and optionally one district. */
const topQuery = z.object({
  month: z.string().trim().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM').optional(),
  districtCode: z.string().trim().regex(/^\d{6}$/, '区县编码应为 6 位数字').optional(),
}).strict();

/** Residents on the map (issue 13, item 2). Registered before caseRoutes: /cases/nearby is not /cases/:id. */
export function residentRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);
  api.add({
    method: 'get', path: '/api/v1/cases/nearby', tag: 'cases', auth: true, query: nearbyQuery,
    summary: 'Open cases of a category within the duplicate rule\'s distance and window of a point (WGS-84), nearest first, public fields only (category, distance, state, published thumbnail, supporters)',
    responses: { 200: 'NearbyDto', 400: 'bad query', 401: 'not logged in', 422: 'outside the service area or unknown category' },
  });
  router.get('/api/v1/cases/nearby', auth, async (ctx) => {
    const q = parse(nearbyQuery, ctx.query);
    const now = deps.clock.now();
    ctx.set('Cache-Control', 'private, max-age=15');
    ctx.body = (await nearbyCases(deps, currentUser(ctx), q, (id) => deps.signer.photoUrl(id, 'thumb', now))) satisfies NearbyDto;
  });

  api.add({
    method: 'post', path: '/api/v1/cases/:id/follow', tag: 'cases', auth: true,
    summary: '我也遇到: follow an open case (its notifications reach the caller) and count as one more supporter; idempotent; the first reporter keeps the first-finder credit',
    responses: { 200: 'FollowDto', 400: 'bad id', 401: 'not logged in', 404: 'no such case', 409: 'the case is closed, rejected or merged' },
  });
  router.post('/api/v1/cases/:id/follow', auth, async (ctx) => {
    const id = parse(uuidParam, ctx.params.id);
    ctx.body = (await followCase(deps, currentUser(ctx), id)) satisfies FollowDto;
  });

  api.add({
    method: 'get', path: '/api/v1/me/data', tag: 'auth', auth: true,
    summary: 'The calling resident\'s own data as JSON (PIPL art. 45): account, subscriptions, reports, follows and comments, times in Beijing time',
    responses: { 200: 'MyDataDto', 401: 'not logged in', 403: 'staff accounts are the city\'s' },
  });
  router.get('/api/v1/me/data', auth, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Content-Disposition', 'attachment; filename="finecity-my-data.json"');
    ctx.body = (await exportMyData(deps, currentUser(ctx))) satisfies MyDataDto;
  });

  api.add({
    method: 'post', path: '/api/v1/me/delete', tag: 'auth', auth: true, body: deleteBody,
    summary: '注销 (PIPL art. 47): the resident\'s identity, subscriptions and follows are deleted and their cases kept anonymised (reporter null, photos stay); their tokens answer 401 at once',
    responses: { 200: 'DeleteAccountDto', 400: 'confirm missing', 401: 'not logged in', 403: 'staff accounts are the city\'s' },
  });
  router.post('/api/v1/me/delete', auth, jsonBody, async (ctx) => {
    parse(deleteBody, ctx.request.body);
    ctx.body = (await deleteMyAccount(deps, currentUser(ctx))) satisfies DeleteAccountDto;
  });

  api.add({
    method: 'get', path: '/api/v1/cases/:id/tracking-link', tag: 'cases', auth: true,
    summary: 'The case\'s tracking link (PUBLIC_BASE_URL/t/<token>), made on first ask, for its reporter, followers and the staff who can read it',
    responses: { 200: { description: '{url}', schema: js.obj({ url: js.str }) }, 400: 'bad id', 401: 'not logged in', 404: 'no such case in your scope' },
  });
  router.get('/api/v1/cases/:id/tracking-link', auth, async (ctx) => {
    const id = parse(uuidParam, ctx.params.id);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await trackingLinkOf(deps, currentUser(ctx), id);
  });

  api.add({
    method: 'post', path: '/api/v1/cases/:id/tracking-link/revoke', tag: 'cases', auth: true,
    summary: 'Withdraw a leaked tracking link and get a new one: the reporter, or district and city staff in their area',
    responses: { 200: { description: '{url}', schema: js.obj({ url: js.str }) }, 400: 'bad id', 401: 'not logged in', 403: 'neither the reporter nor the platform', 404: 'no such case in your scope' },
  });
  router.post('/api/v1/cases/:id/tracking-link/revoke', auth, async (ctx) => {
    const id = parse(uuidParam, ctx.params.id);
    ctx.body = await revokeTrackingLink(deps, currentUser(ctx), id);
  });

  api.add({
    method: 'get', path: '/t/:token', tag: 'public', auth: false,
    summary: 'A tracking link as sent by SMS or the official account: redirects to the H5 tracking page, which shows the case\'s public view',
    responses: { 302: 'to /#/pages/track/index?t=<token>', 404: 'not a token' },
  });
  router.get('/t/:token', async (ctx) => {
    const token = String(ctx.params.token ?? '');
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new AppError('not_found', '查询链接无效');
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.redirect(`/#/pages/track/index?t=${token}`);
  });

  api.add({
    method: 'get', path: '/public', tag: 'public', auth: false,
    summary: 'The public map and list of the city\'s cases (no login): redirects to the H5 page',
    responses: { 302: 'to /#/packages/public/pages/index/index' },
  });
  router.get('/public', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.redirect('/#/packages/public/pages/index/index');
  });

  api.add({
    method: 'get', path: '/api/v1/me/points', tag: 'residents', auth: true,
    summary: 'The resident\'s 积分: total, this Beijing month, every credit (registered, first finder) and the rules; computed from case events',
    responses: { 200: 'MyPointsDto', 401: 'not logged in', 403: 'not a resident' },
  });
  router.get('/api/v1/me/points', auth, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = (await myPoints(deps, currentUser(ctx))) satisfies MyPointsDto;
  });

  api.add({
    method: 'post', path: '/api/v1/me/points/listing', tag: 'residents', auth: true, body: listingBody,
    summary: 'Appear on (listed: true) or leave (false) the public monthly 市民监督员 list',
    responses: { 200: 'MyPointsDto', 400: 'bad body', 401: 'not logged in', 403: 'not a resident' },
  });
  router.post('/api/v1/me/points/listing', auth, jsonBody, async (ctx) => {
    const { listed } = parse(listingBody, ctx.request.body);
    ctx.body = (await setPointsListing(deps, currentUser(ctx), listed)) satisfies MyPointsDto;
  });

  const topLimited = perAddressLimit(deps.config.publicRequestsPerMinute, '查询过于频繁，请稍后再试');
  api.add({
    method: 'get', path: '/api/v1/public/top-reporters', tag: 'public', auth: false, query: topQuery,
    summary: 'The monthly 市民监督员 list per district (no login): masked nicknames and points only, opted-out residents left out',
    responses: { 200: 'TopReportersDto', 400: 'bad month or district', 429: 'too many lookups' },
  });
  router.get('/api/v1/public/top-reporters', topLimited, async (ctx) => {
    const q = parse(topQuery, ctx.query);
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = (await topReporters(deps, q)) satisfies TopReportersDto;
  });
}
