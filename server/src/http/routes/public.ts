import crypto from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { PUBLIC_STATUSES, type PublicCaseDto, type PublicCaseListDto, type PublicDistrictsDto, type PublicMapDto, type PublishPhotoBody } from '@finecity/types';
import { z } from 'zod';
import type { AppDeps } from '../../composition.js';
import { publicCase, publicCaseList, publicCaseMap, publishPhoto } from '../../usecases/public/public-cases.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import { js, type ApiRegistry } from '../openapi.js';
import { beijingDate, int, uuidParam } from '../schemas/queries.js';
import { parse } from '../validate.js';
import { perAddressLimit } from '../rate-limit.js';

/** Shared caches (a CDN, nginx) may keep an answer this long; the ETag makes a revalidation cheap. */
const MAX_AGE_S = 30;

const filters = {
  categoryCode: z.string().trim().regex(/^[0-9A-Z-]{1,20}$/, '类别编码不正确').optional(),
  status: z.enum(PUBLIC_STATUSES).optional(),
  // A district's 6-digit code, or a pilot zone's (PZ-GXQ): the codes GET /api/v1/public/districts lists.
  districtCode: z.string().trim().regex(/^(\d{6}|PZ-[A-Z]{2,8})$/, '区县编码不正确').optional(),
  from: beijingDate.optional(),
  to: beijingDate.optional(),
};
const datesInOrder = { check: (v: { from?: string; to?: string }) => !v.from || !v.to || v.from <= v.to, message: { message: '开始日期不能晚于结束日期', path: ['from'] } };
const listQuery = z.object({ ...filters, page: int(1, 1000, 1), pageSize: int(1, 50, 20) }).refine(datesInOrder.check, datesInOrder.message);
const mapQuery = z.object(filters).refine(datesInOrder.check, datesInOrder.message);
const publishBody = z.object({ published: z.boolean('published 须为 true 或 false') }).strict();

/** Answers `body` with a strong ETag over its JSON; a matching If-None-Match gets 304 and no body (RFC 9110 §13.1.2). */
function cacheable(ctx: Context, body: unknown): void {
  const json = JSON.stringify(body);
  ctx.set('Cache-Control', `public, max-age=${MAX_AGE_S}`);
  ctx.set('Vary', 'Accept-Encoding');
  ctx.etag = crypto.createHash('sha256').update(json).digest('base64url').slice(0, 27);
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    ctx.body = null;
    return;
  }
  ctx.type = 'application/json';
  ctx.body = json;
}

/** The public view of the city's work (issue 13, item 3) and the staff's photo publishing. */
export function publicRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  // Requests one address may make per minute (PUBLIC_REQUESTS_PER_MINUTE, 120): a person browsing, not a scraper.
  const limited = perAddressLimit(deps.config.publicRequestsPerMinute);
  const photoUrl = (id: string, v: 'full' | 'thumb') => deps.signer.photoUrl(id, v, deps.clock.now());

  api.add({
    method: 'get', path: '/api/v1/public/cases', tag: 'public', auth: false, query: listQuery,
    summary: 'Registered cases as anyone may see them (category, status, community — street for anonymous reports — rounded point, published thumbnail), newest first; ETag, rate-limited',
    responses: { 200: 'PublicCaseListDto', 304: 'not modified', 400: 'bad filter', 429: 'too many requests' },
  });
  router.get('/api/v1/public/cases', limited, async (ctx) => {
    const q = parse(listQuery, ctx.query);
    cacheable(ctx, (await publicCaseList(deps, q, photoUrl)) satisfies PublicCaseListDto);
  });

  api.add({
    method: 'get', path: '/api/v1/public/map', tag: 'public', auth: false, query: mapQuery,
    summary: 'The same cases as points for the public map (at most 2,000; truncated says more matched); ETag, rate-limited',
    responses: { 200: 'PublicMapDto', 304: 'not modified', 400: 'bad filter', 429: 'too many requests' },
  });
  router.get('/api/v1/public/map', limited, async (ctx) => {
    const q = parse(mapQuery, ctx.query);
    cacheable(ctx, (await publicCaseMap(deps, q)) satisfies PublicMapDto);
  });

  api.add({
    method: 'get', path: '/api/v1/public/cases/:id', tag: 'public', auth: false,
    summary: 'One registered case in public: category, place, status, description, public steps, staff replies marked public, published photos, supporters; no personal data',
    responses: { 200: 'PublicCaseDto', 304: 'not modified', 400: 'bad id', 404: 'no such case, or not public yet', 429: 'too many requests' },
  });
  router.get('/api/v1/public/cases/:id', limited, async (ctx) => {
    const id = parse(uuidParam, ctx.params.id);
    cacheable(ctx, (await publicCase(deps, id, photoUrl)) satisfies PublicCaseDto);
  });

  api.add({
    method: 'get', path: '/api/v1/public/districts', tag: 'public', auth: false,
    summary: 'The districts (and pilot zones) under the city, for the public filter: code and name only; ETag, rate-limited',
    responses: { 200: 'PublicDistrictsDto', 304: 'not modified', 429: 'too many requests' },
  });
  router.get('/api/v1/public/districts', limited, (ctx) => {
    const city = deps.org.all().find((n) => n.level === 'city');
    const districts = city ? deps.org.children(city.code).filter((n) => n.level === 'district').map((n) => ({ code: n.code, name: n.name })) : [];
    cacheable(ctx, { districts } satisfies PublicDistrictsDto);
  });

  const auth = requireUser(deps);
  api.add({
    method: 'post', path: '/api/v1/cases/:id/photos/:photoId/publish', tag: 'cases', auth: true, body: publishBody,
    summary: 'Mark a case photo public ({published:true}) or take it back (false): permission photo.publish, district and city staff in their area; audited',
    responses: { 200: { description: '{photoId, published}', schema: js.obj({ photoId: js.str, published: js.bool }) }, 400: 'bad id or body', 401: 'not logged in', 403: 'no photo.publish permission', 404: 'no such case or photo in your area' },
  });
  router.post('/api/v1/cases/:id/photos/:photoId/publish', auth, jsonBody, async (ctx) => {
    const id = parse(uuidParam, ctx.params.id);
    const photoId = parse(uuidParam, ctx.params.photoId);
    const body: PublishPhotoBody = parse(publishBody, ctx.request.body);
    ctx.body = await publishPhoto(deps, currentUser(ctx), id, photoId, body.published);
  });
}
