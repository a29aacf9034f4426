import type Router from '@koa/router';
import { PHOTO_LIMITS, type HotlineCaseDto, type HotlineFiledDto, type PlaceDto } from '@finecity/types';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { AppDeps } from '../../composition.js';
import type { FiledByCallCentre } from '../../usecases/channels/call-centre-ports.js';
import { fileHotlineCase, listHotlineCases, requireOperator } from '../../usecases/channels/hotline.js';
import { placesBelow } from '../../usecases/channels/places.js';
import { placeOf } from '../../usecases/channels/tracking.js';
import { currentUser, requireUser } from '../auth.js';
import { multipartFields, multipartPhotos, uploadedFiles } from '../multipart.js';
import { js, type ApiRegistry } from '../openapi.js';
import { hotlineFields, hotlineListQuery, placesQuery } from '../schemas/hotline.js';
import { idempotencyKey } from '../schemas/reports.js';
import { parse } from '../validate.js';
import { consumeOrRefuse } from '../rate-limit.js';

/** 张三 → 张*, 欧阳娜娜 → 欧***: a caller's name in every list. */
export const maskName = (name: string | null): string => {
  const chars = [...(name ?? '')];
  return chars.length ? `${chars[0]}${'*'.repeat(Math.max(1, chars.length - 1))}` : '';
};
/** 13812341234 → 138****1234. */
export const maskPhone = (phone: string | null): string => (phone && phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****');

function present(deps: AppDeps, r: FiledByCallCentre): HotlineCaseDto {
  return {
    caseId: r.caseId, caseNo: r.caseNo, callerName: maskName(r.callerName), callerPhone: maskPhone(r.callerPhone),
    categoryName: deps.categories.get(r.categoryCode)?.name ?? '待分类', state: r.state, place: placeOf(deps, r), address: r.address,
    locationPending: r.locationPending, urgent: r.urgent, createdAt: r.createdAt.toISOString(),
  };
}

/** The 12319 call centre's console (issue 11, item 3): file a case for a caller, list what was filed. */
export function hotlineRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const auth = requireUser(deps);
  const limiter = new RateLimiterMemory({ points: deps.config.reportsPerMinute, duration: 60 });
  api.add({
    method: 'post', path: '/api/v1/hotline/cases', tag: 'channels', auth: true,
    summary: '12319 话务员 files a case for a caller: caller name and mainland mobile, address and/or WGS-84 point, category, description, 0–9 photos; the caller gets an SMS with the case number and a tracking link',
    multipart: { fields: hotlineFields, files: { name: 'photos', min: 0, max: PHOTO_LIMITS.maxPerReport } },
    headers: { 'Idempotency-Key': 'Same key and body → the same case (no second SMS); same key, other body → 409' },
    responses: {
      201: 'HotlineFiledDto', 200: 'HotlineFiledDto (the same Idempotency-Key and body again: a replay)', 400: 'invalid fields', 401: 'not logged in', 403: 'not a 12319 operator', 409: 'key reused with another body', 413: 'too many or too large photos',
      415: 'not multipart, or not an image', 422: 'unknown category, outside Dalian, bad photo', 429: 'too many cases',
    },
  });
  router.post('/api/v1/hotline/cases', auth, async (ctx, next) => {
    const user = currentUser(ctx);
    requireOperator(user);
    await consumeOrRefuse(limiter, user.id, '提交过于频繁，请稍后再试');
    await next();
  }, multipartPhotos({ field: 'photos', max: PHOTO_LIMITS.maxPerReport }), async (ctx) => {
    const key = parse(idempotencyKey, ctx.get('idempotency-key') || undefined);
    const fields = parse(hotlineFields, { ...multipartFields(ctx) });
    const filed = await fileHotlineCase(deps, currentUser(ctx), fields, uploadedFiles(ctx).map((f) => f.buffer), key);
    if (filed.replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.status = filed.replayed ? 200 : 201;
    ctx.body = filed satisfies HotlineFiledDto;
  });

  api.add({
    method: 'get', path: '/api/v1/hotline/cases', tag: 'channels', auth: true, query: hotlineListQuery,
    summary: 'Cases this operator filed at the 12319 console, newest first; callers\' names and phones masked',
    responses: { 200: { description: 'Page<HotlineCaseDto>', schema: js.page(js.dto('HotlineCaseDto')) }, 400: 'bad query', 401: 'not logged in', 403: 'not a 12319 operator' },
  });
  router.get('/api/v1/hotline/cases', auth, async (ctx) => {
    const q = parse(hotlineListQuery, ctx.query);
    const { items, total } = await listHotlineCases(deps, currentUser(ctx), q.page, q.pageSize);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { items: items.map((r) => present(deps, r)), total, page: q.page, pageSize: q.pageSize };
  });

  api.add({
    method: 'get', path: '/api/v1/places', tag: 'channels', auth: true, query: placesQuery,
    summary: 'The city\'s areas directly below `parent` (default the city: districts → streets → communities → grids), each with a WGS-84 point (mean of its grid centroids); the 话务台 and the 待定位 queue pick a place with it',
    responses: { 200: '{items: PlaceDto[]}', 400: 'bad query', 401: 'not logged in', 403: 'not a call-centre or platform role', 404: 'no such place' },
  });
  router.get('/api/v1/places', auth, async (ctx) => {
    const q = parse(placesQuery, ctx.query);
    const items: PlaceDto[] = await placesBelow(deps, currentUser(ctx), q.parent);
    ctx.set('Cache-Control', 'private, max-age=300');
    ctx.body = { items };
  });
}
