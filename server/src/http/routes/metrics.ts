import crypto from 'node:crypto';
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { AppDeps } from '../../composition.js';
import { AppError } from '../../domain/errors.js';
import { js, MEDIA, type ApiRegistry } from '../openapi.js';

/** GET /readyz: each dependency's check, ok or what failed. */
const READINESS = js.obj({ status: { enum: ['ready', 'not_ready'] }, checks: js.map(js.str) });

/**
 * The route label of a request: the router's path template (`/api/v1/cases/:id`), never the raw URL, so the
 * histogram's series stay bounded whatever clients send. What no route matched is `unmatched` under /api,
 * `static` elsewhere (the H5 build).
 */
function routeLabel(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: unknown })._matchedRoute;
  if (typeof matched === 'string') return matched;
  return ctx.path.startsWith('/api/') || ctx.path.startsWith('/open311/') ? 'unmatched' : 'static';
}

/** Times every request (installed outside the error middleware, so the status is the one sent). */
export function requestMetrics(deps: Pick<AppDeps, 'metrics'>) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const start = process.hrtime.bigint();
    try {
      await next();
    } finally {
      deps.metrics.observeRequest(routeLabel(ctx), ctx.method, ctx.status, Number(process.hrtime.bigint() - start) / 1e9);
    }
  };
}

function sameToken(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

export function metricsRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  api.add({
    method: 'get', path: '/metrics', summary: 'Prometheus metrics (text format); `Authorization: Bearer <METRICS_TOKEN>`; 404 when METRICS_TOKEN is unset',
    tag: 'system', auth: false, responses: { 200: { description: 'Prometheus text exposition format 0.0.4', media: MEDIA.text }, 401: 'no or wrong token', 404: 'METRICS_TOKEN is not set' },
  });
  router.get('/metrics', async (ctx) => {
    const expected = deps.config.metricsToken;
    if (!expected) throw new AppError('not_found', '接口不存在');
    const m = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
    if (!m) throw new AppError('auth.required', '需要监控令牌（Authorization: Bearer <METRICS_TOKEN>）');
    if (!sameToken(m[1]!, expected)) throw new AppError('auth.invalid_token', '监控令牌不正确');
    const out = await deps.metrics.scrape();
    ctx.set('Cache-Control', 'no-store');
    ctx.type = out.contentType;
    ctx.body = out.body;
  });
  api.add({
    method: 'get', path: '/readyz', summary: 'Readiness: the database answers select 1 and Redis answers PING (load balancers route on this)',
    tag: 'system', auth: false, responses: { 200: { description: '{"status":"ready","checks":{"database":"ok","redis":"ok"}}', schema: READINESS }, 503: { description: '{"status":"not_ready","checks":{…}} naming what failed', schema: READINESS } },
  });
  router.get('/readyz', async (ctx) => {
    const checks = await deps.readiness.check();
    const ready = checks.database === 'ok' && checks.redis !== 'failed';
    ctx.set('Cache-Control', 'no-store');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks };
  });
}
