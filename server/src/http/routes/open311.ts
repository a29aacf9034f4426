import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { koaBody } from 'koa-body';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '@finecity/types';
import type { AppDeps } from '../../composition.js';
import { AppError } from '../../domain/errors.js';
import { authenticateOpen311Key, issueOpen311Key, listOpen311Keys, revokeOpen311Key } from '../../usecases/open311/keys.js';
import type { Open311KeyRecord } from '../../usecases/open311/ports.js';
import {
  getRequest, listRequests, listServices, requestIdByToken, serviceDefinition, servicesChangedAt, submitRequest,
} from '../../usecases/open311/requests.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import { js, type ApiRegistry, type ResponseSpec } from '../openapi.js';
import {
  createdDoc, definitionDoc, discoveryDoc, errorsDoc, requestsDoc, sendOpen311, servicesDoc, tokenDoc, type Open311Format,
} from '../presenters/open311-presenter.js';
import { uuidParam } from '../schemas/queries.js';
import { parse } from '../validate.js';
import { consumeOrRefuse, type RateLimited } from '../rate-limit.js';
import { CASE_NO, keyBody, requestsPost, requestsQuery, SERVICE_CODE, TOKEN } from '../schemas/open311.js';
import type { Logger } from '../../logger.js';

/** Requests per minute one API key may make (GeoReport v2 leaves limits to the server; 429 beyond). */
export const OPEN311_REQUESTS_PER_MINUTE = 120;
const BASE = '/open311/v2';
const FORMATS: readonly Open311Format[] = ['json', 'xml'];

/**
 * Open311 GeoReport v2 under /open311/v2/ (https://wiki.open311.org/GeoReport_v2/), every resource as
 * .json and .xml, errors in the spec's array format; and the city admin's API keys.
 */
export function open311Routes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const limiter = new RateLimiterMemory({ points: OPEN311_REQUESTS_PER_MINUTE, duration: 60 });
  /** A key, when one is sent (GET) or required (POST): checked, then counted against its rate. */
  const keyed = async (raw: unknown, required: boolean): Promise<Open311KeyRecord | null> => {
    const key = typeof raw === 'string' && raw !== '' ? raw : undefined;
    if (!key && !required) return null;
    const record = await authenticateOpen311Key(deps, key);
    await consumeOrRefuse(limiter, record.id, `请求过于频繁：每个 api_key 每分钟最多 ${OPEN311_REQUESTS_PER_MINUTE} 次`);
    return record;
  };
  const spec = specErrors(deps.logger);
  const photoUrl = (id: string) => `${deps.config.publicBaseUrl}${deps.signer.photoUrl(id, 'full', deps.clock.now())}`;

  for (const format of FORMATS) {
    const get = (path: string, summary: string, query: z.ZodType | undefined, handle: (ctx: Context) => Promise<void> | void) => {
      api.add({ method: 'get', path: `${BASE}/${path}`, tag: 'open311', auth: false, summary: `${summary} (${format})`, query, responses: open311Responses(format, { 200: `GeoReport v2 ${format}`, 400: 'bad arguments', 403: 'bad or revoked api_key', 404: 'not found', 429: 'too many requests' }) });
      router.get(`${BASE}/${path}`, spec(format), async (ctx) => {
        await keyed(ctx.query.api_key, false);
        await handle(ctx);
      });
    };
    get(`discovery.${format}`, 'Service Discovery', undefined, (ctx) => {
      sendOpen311(ctx, format, 200, discoveryDoc({ changeset: servicesChangedAt(deps), baseUrl: deps.config.publicBaseUrl, test: deps.config.channels.sandbox }));
    });
    get(`services.${format}`, 'GET Service List: the enabled GB/T 47678.5 categories', undefined, (ctx) => {
      sendOpen311(ctx, format, 200, servicesDoc(listServices(deps)));
    });
    get(`services/:serviceCode.${format}`, 'GET Service Definition (no category has attributes: an empty list)', undefined, (ctx) => {
      sendOpen311(ctx, format, 200, definitionDoc(serviceDefinition(deps, known(SERVICE_CODE, ctx.params.serviceCode, '服务类型'))));
    });
    get(`requests.${format}`, 'GET Service Requests: by service_request_id, or service_code, start_date, end_date (≤ 90 days), status; at most 1000', requestsQuery, async (ctx) => {
      sendOpen311(ctx, format, 200, requestsDoc(await listRequests(deps, parse(requestsQuery, flatQuery(ctx))), photoUrl));
    });
    get(`requests/:serviceRequestId.${format}`, 'GET Service Request: one case by its number', undefined, async (ctx) => {
      sendOpen311(ctx, format, 200, requestsDoc([await getRequest(deps, known(CASE_NO, ctx.params.serviceRequestId, '服务请求'))], photoUrl));
    });
    get(`tokens/:token.${format}`, 'GET service_request_id from a token', undefined, async (ctx) => {
      sendOpen311(ctx, format, 200, tokenDoc(await requestIdByToken(deps, known(TOKEN, ctx.params.token, '令牌'))));
    });

    api.add({
      method: 'post', path: `${BASE}/requests.${format}`, tag: 'open311', auth: false,
      summary: `POST Service Request (${format}): application/x-www-form-urlencoded (or JSON) with api_key, service_code, lat & long or address_string, description, media_url, first_name, last_name, phone, email`,
      responses: open311Responses(format, { 201: '[{service_request_id, service_notice, account_id}]', 400: 'bad arguments', 403: 'missing, bad or revoked api_key', 404: 'unknown service_code', 429: 'too many requests' }),
    });
    router.post(`${BASE}/requests.${format}`, spec(format), formOrJson, async (ctx) => {
      const body = ctx.request.body as Record<string, unknown>;
      const key = await keyed(body.api_key ?? ctx.query.api_key, true);
      const created = await submitRequest(deps, key!, parse(requestsPost, body));
      ctx.set('X-Open311-Token', created.token);
      sendOpen311(ctx, format, 201, createdDoc(created));
    });
  }
  // Anything else under the Open311 base is a 404 in the spec's format, not the API's.
  router.all(`${BASE}/*rest`, (ctx) => spec(ctx.path.endsWith('.xml') ? 'xml' : 'json')(ctx, async () => {
    throw new AppError('not_found', '接口不存在');
  }));
  open311KeyRoutes(router, api, deps);
}

/** An API key as the admin console lists it (the key itself only in the answer that issued it). */
const KEY = js.obj({ id: js.str, name: js.str, keyPrefix: js.str, createdAt: js.str, createdByName: js.nullable(js.str), revokedAt: js.nullable(js.str) });

/** GeoReport v2 answers and errors (`[{code, description}]`, https://wiki.open311.org/GeoReport_v2/#errors) in the path's format. */
function open311Responses(format: 'json' | 'xml', descriptions: Record<number, string>): Record<number, ResponseSpec> {
  const error = js.arr(js.obj({ code: js.int, description: js.str }));
  return Object.fromEntries(Object.entries(descriptions).map(([status, description]) => {
    if (format === 'xml') return [status, { description, media: 'text/xml' }];
    return [status, { description, schema: Number(status) >= 400 ? error : { type: ['array', 'object'] } }];
  }));
}

/** A path argument that cannot exist (wrong shape) is simply not found. */
function known(shape: RegExp, value: string | undefined, what: string): string {
  if (!value || !shape.test(value)) throw new AppError('not_found', `${what}不存在`);
  return value;
}

/** Repeated query keys ("can be declared multiple times") read as one comma list; the rest as sent. */
function flatQuery(ctx: Context): Record<string, string> {
  return Object.fromEntries(Object.entries(ctx.query).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
}

const parseForm = koaBody({
  json: true, urlencoded: true, text: false, multipart: false, jsonLimit: '64kb', formLimit: '64kb', jsonStrict: true,
  onError: (err) => {
    if ((err as { status?: number }).status === 413) throw new AppError('request.too_large', '请求体过大');
    throw new AppError('request.invalid', '请求体无法解析');
  },
});

/** POST Service Request: "Content-Type: application/x-www-form-urlencoded" (spec); JSON is taken too. */
async function formOrJson(ctx: Context, next: Next): Promise<void> {
  const hasBody = Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
  if (hasBody && !ctx.is('application/x-www-form-urlencoded', 'application/json')) {
    throw new AppError('request.unsupported_media_type', '请求体须为 application/x-www-form-urlencoded 或 application/json');
  }
  await parseForm(ctx, async () => {});
  const body = ctx.request.body as unknown;
  if (!hasBody || body === undefined) ctx.request.body = {};
  else if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AppError('request.invalid', '请求体须为表单字段或 JSON 对象');
  await next();
}

/**
 * Errors in the spec's format: `[{code, description}]` (XML `<errors><error>`), HTTP 404 for what does not
 * exist, 403 for a missing or bad api_key, 400 for any other refusal (spec, "Errors"); 429 when over the rate.
 */
const specErrors = (logger: Logger) => (format: Open311Format) =>
  async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (err) {
      const e = err instanceof AppError ? err : koaError(err);
      const status = open311ErrorStatus(e.code);
      if (status >= 500) logger.error('open311 request failed', { method: ctx.method, path: ctx.path, err: String((err as Error)?.stack ?? err) });
      const details = e.code === 'request.invalid' && Array.isArray(e.details) ? (e.details as { path?: string; message?: string }[]) : [];
      const errors = details.length
        ? details.map((d) => ({ code: status, description: d.path ? `${d.path}：${d.message ?? ''}` : (d.message ?? e.message) }))
        : [{ code: status, description: e.message }];
      if (status === 429) ctx.set('Retry-After', String((e as Partial<RateLimited>).retryAfterSeconds ?? 60));
      sendOpen311(ctx, format, status, errorsDoc(errors));
    }
  };

/** Spec: 404 for resources that do not exist, 403 for a wrong or missing api_key, 400 for the rest. */
function open311ErrorStatus(code: ErrorCode): number {
  const status = ERROR_STATUS[code];
  if (status === 404 || status === 403 || status === 429 || status >= 500) return status;
  if (code === 'category.unknown' || code === 'category.disabled') return 404;
  if (code.startsWith('auth.')) return 403;
  return 400;
}

function koaError(err: unknown): AppError {
  const status = (err as { status?: number })?.status;
  if (status === 413) return new AppError('request.too_large', '请求体过大');
  if (status && status >= 400 && status < 500) return new AppError('request.invalid', '请求格式不正确');
  return new AppError('internal', '服务器内部错误');
}

/** The city admin issues, lists and revokes Open311 API keys; a key is shown once, only its hash is kept. */
function open311KeyRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  const present = (k: Open311KeyRecord) => ({
    id: k.id, name: k.name, keyPrefix: k.keyPrefix, createdAt: k.createdAt.toISOString(), createdByName: k.createdByName, revokedAt: k.revokedAt?.toISOString() ?? null,
  });
  api.add({
    method: 'post', path: '/api/v1/admin/open311-keys', tag: 'admin', auth: true, body: keyBody,
    summary: 'Issue an Open311 API key to a named client (city admin); the key is in this answer only',
    responses: { 201: { description: '{id, name, key, keyPrefix, createdAt, createdByName, revokedAt}', schema: js.obj({ ...KEY.properties, key: js.str }) }, 400: 'bad name', 401: 'not logged in', 403: 'not a city admin' },
  });
  router.post('/api/v1/admin/open311-keys', requireUser(deps), jsonBody, async (ctx) => {
    const { name } = parse(keyBody, ctx.request.body);
    const { key, record } = await issueOpen311Key(deps, currentUser(ctx), name);
    ctx.status = 201;
    ctx.body = { ...present(record), key };
  });
  api.add({
    method: 'get', path: '/api/v1/admin/open311-keys', tag: 'admin', auth: true, summary: 'Open311 API keys: prefix, name, issued, revoked (city admin)',
    responses: { 200: { description: '{items:[{id, name, keyPrefix, createdAt, createdByName, revokedAt}]}', schema: js.obj({ items: js.arr(KEY) }) }, 401: 'not logged in', 403: 'not a city admin' },
  });
  router.get('/api/v1/admin/open311-keys', requireUser(deps), async (ctx) => {
    ctx.body = { items: (await listOpen311Keys(deps, currentUser(ctx))).map(present) };
  });
  api.add({
    method: 'post', path: '/api/v1/admin/open311-keys/:id/revoke', tag: 'admin', auth: true, summary: 'Revoke an Open311 API key (city admin): it answers 403 from then on',
    responses: { 200: { description: '{id, name, keyPrefix, createdAt, createdByName, revokedAt}', schema: KEY }, 400: 'bad id', 401: 'not logged in', 403: 'not a city admin', 404: 'no such key' },
  });
  router.post('/api/v1/admin/open311-keys/:id/revoke', requireUser(deps), async (ctx) => {
    const id = parse(uuidParam, ctx.params.id);
    ctx.body = present(await revokeOpen311Key(deps, currentUser(ctx), id));
  });
}
