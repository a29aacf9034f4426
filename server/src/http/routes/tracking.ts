import type Router from '@koa/router';
import type { TrackingDto } from '@finecity/types';
import type { AppDeps } from '../../composition.js';
import { trackCase } from '../../usecases/channels/tracking.js';
import type { ApiRegistry } from '../openapi.js';
import { perAddressLimit } from '../rate-limit.js';

/** Lookups one address may make per minute: enough for a family refreshing the page, too few to guess tokens (2^256 anyway). */
const LOOKUPS_PER_MINUTE = 30;

/** The public tracking page's API (issue 11, item 3): no login; the token in the caller's SMS is the key. */
export function trackingRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const limited = perAddressLimit(LOOKUPS_PER_MINUTE, '查询过于频繁，请稍后再试');
  api.add({
    method: 'get', path: '/api/v1/track/:token', tag: 'channels', auth: false,
    summary: 'Public tracking of a case by its 12319 caller token or its tracking link (/t/<token>): case number, category, status, street-level place, public steps, public replies and published photos; no names, phones or internal notes',
    responses: { 200: 'TrackingDto', 404: 'unknown token', 429: 'too many lookups' },
  });
  router.get('/api/v1/track/:token', limited, async (ctx) => {
    const view = await trackCase(deps, String(ctx.params.token ?? ''), (id, v) => deps.signer.photoUrl(id, v, deps.clock.now()));
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.body = view satisfies TrackingDto;
  });
}
