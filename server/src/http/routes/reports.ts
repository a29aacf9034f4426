import type Router from '@koa/router';
import { PHOTO_LIMITS } from '@finecity/types';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { AppDeps } from '../../composition.js';
import { reportCase } from '../../usecases/report-case.js';
import { currentUser, requireUser } from '../auth.js';
import { multipartFields, multipartPhotos, uploadedFiles } from '../multipart.js';
import { js, type ApiRegistry } from '../openapi.js';
import { presentCase } from '../presenters/case-presenter.js';
import { idempotencyKey, reportFields } from '../schemas/reports.js';
import { parse } from '../validate.js';
import { consumeOrRefuse, RateLimited } from '../rate-limit.js';

export function reportRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const limiter = new RateLimiterMemory({ points: deps.config.reportsPerMinute, duration: 60 });
  api.add({
    method: 'post', path: '/api/v1/reports', tag: 'cases', auth: true,
    summary: 'Report a problem: photos (1–9), category, WGS-84 point, description; becomes a submitted case',
    multipart: { fields: reportFields, files: { name: 'photos', min: PHOTO_LIMITS.minPerReport, max: PHOTO_LIMITS.maxPerReport } },
    headers: { 'Idempotency-Key': 'Same key and body → the same case; same key, other body → 422' },
    responses: {
      201: { description: '{case: CaseDto}; a replay of the same Idempotency-Key too (Idempotent-Replayed: true)', schema: js.obj({ case: js.dto('CaseDto') }) }, 400: 'invalid fields', 401: 'not logged in', 403: 'role may not report', 413: 'too many or too large photos',
      415: 'not multipart, or not an image', 422: 'unknown category, outside Dalian, bad photo, reused key', 429: 'too many reports',
    },
  });
  router.post('/api/v1/reports', requireUser(deps), async (ctx, next) => {
    await withinLimitOrReplay(deps, limiter, currentUser(ctx).id, ctx.get('idempotency-key'), '上报过于频繁，请稍后再试');
    await next();
  }, multipartPhotos({ field: 'photos', max: PHOTO_LIMITS.maxPerReport }), async (ctx) => {
    const user = currentUser(ctx);
    const key = parse(idempotencyKey, ctx.get('idempotency-key') || undefined);
    const fields = parse(reportFields, { ...multipartFields(ctx) });
    const files = uploadedFiles(ctx).map((f) => f.buffer);
    const { replayed, view } = await reportCase(deps, user, fields, files, key);
    if (replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.status = 201;
    ctx.body = { case: presentCase(view, { deps, signer: deps.signer, now: deps.clock.now() }) };
  });
}

/**
 * The per-user report limit, except for a replay: a request whose Idempotency-Key already made a case is
 * answered with that case even while the user is limited, so a phone's offline outbox drains (the key is
 * looked up only on the limited path).
 */
export async function withinLimitOrReplay(deps: AppDeps, limiter: RateLimiterMemory, userId: string, rawKey: string, message: string): Promise<void> {
  try {
    await consumeOrRefuse(limiter, userId, message);
  } catch (err) {
    if (!(err instanceof RateLimited)) throw err;
    const key = idempotencyKey.safeParse(rawKey || undefined);
    if (key.success && key.data && (await deps.idempotency.find(userId, key.data))) return;
    throw err;
  }
}
