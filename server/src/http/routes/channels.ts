import type Router from '@koa/router';
import type { Context } from 'koa';
import { PARTNER_CHANNEL_LABELS, type PartnerChannel } from '@finecity/types';
import type { AppDeps } from '../../composition.js';
import { AppError } from '../../domain/errors.js';
import { authenticatePartner, partnerChannel, takeTicket } from '../../usecases/channels/intake.js';
import { listUnlocated, pinCase } from '../../usecases/channels/locate-case.js';
import { currentUser, requireUser } from '../auth.js';
import { jsonBody } from '../body.js';
import { js, type ApiRegistry } from '../openapi.js';
import { channelIdParam, channelTicketBody, locateBody, unlocatedQuery } from '../schemas/channels.js';
import { uuidParam } from '../schemas/queries.js';
import { parse } from '../validate.js';

const TICKET_CASE = js.obj({ caseId: js.str, caseNo: js.str });

/** The largest ticket body: a few base64 photos; partners send bigger ones as URLs. */
const MAX_TICKET_BYTES = 32 * 1024 * 1024;

/** The body's bytes as sent: the signature covers them, not a re-serialisation of the parsed JSON. */
async function rawBody(ctx: Context): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > MAX_TICKET_BYTES) throw new AppError('request.too_large', '请求体过大');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_TICKET_BYTES) throw new AppError('request.too_large', '请求体过大');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const channelName = (id: string): string => PARTNER_CHANNEL_LABELS[id as PartnerChannel] ?? (id.startsWith('tp-') ? '第三方巡查公司' : id);

/** Partner platforms post tickets (issue 11, item 1); dispatchers pin the tickets no place was found for. */
export function channelRoutes(router: Router, api: ApiRegistry, deps: AppDeps): void {
  api.add({
    method: 'post', path: '/api/v1/channels/:channelId/tickets', tag: 'channels', auth: false,
    summary: 'A partner platform (12345, 12319, minyi, minxin, tp-<company>) files a ticket, signed: X-Signature = hex(HMAC-SHA256(secret, X-Timestamp + "\\n" + X-Nonce + "\\n" + raw body)); idempotent on (channel, ticketNo)',
    headers: { 'X-Timestamp': 'unix seconds, within ±300 s of the server', 'X-Nonce': '8–64 printable characters, not reused within 10 minutes', 'X-Signature': 'lower-case hex HMAC-SHA256' },
    body: channelTicketBody,
    responses: {
      201: { description: '{caseId, caseNo}: a new case', schema: TICKET_CASE }, 200: { description: '{caseId, caseNo}: the same ticket again (replay)', schema: TICKET_CASE }, 400: 'request.malformed_json',
      401: 'channel.signature_missing | channel.signature_invalid | channel.timestamp_stale | channel.nonce_reused', 404: 'channel.unknown | channel.not_configured',
      409: 'channel.ticket_conflict: the ticket number was used with another body', 413: 'request.too_large', 415: 'not application/json',
      422: 'channel.ticket_invalid (details: field list) | channel.attachment_invalid (details: attachment index, reason)',
    },
  });
  router.post('/api/v1/channels/:channelId/tickets', async (ctx) => {
    const id = ctx.params.channelId ?? '';
    if (!channelIdParam.safeParse(id).success) throw new AppError('channel.unknown', '未知的对接渠道', { channelId: id.slice(0, 40) });
    const channel = await partnerChannel(deps, id);
    if (!ctx.is('application/json')) throw new AppError('request.unsupported_media_type', '请求体必须是 application/json');
    const raw = await rawBody(ctx);
    const nonce = authenticatePartner(deps, channel, { timestamp: ctx.get('x-timestamp') || undefined, nonce: ctx.get('x-nonce') || undefined, signature: ctx.get('x-signature') || undefined }, raw);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new AppError('request.malformed_json', '请求体不是合法的 JSON');
    }
    const r = channelTicketBody.safeParse(json);
    if (!r.success) {
      const fields = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
      throw new AppError('channel.ticket_invalid', '工单内容不正确', fields);
    }
    const result = await takeTicket(deps, channel, r.data, nonce);
    ctx.status = result.replayed ? 200 : 201;
    ctx.body = { caseId: result.caseId, caseNo: result.caseNo };
  });

  const auth = requireUser(deps);
  api.add({
    method: 'get', path: '/api/v1/cases/unlocated', tag: 'channels', auth: true, query: unlocatedQuery,
    summary: '待定位 queue: channel tickets no place was found for, oldest first (city and district dispatchers)',
    responses: { 200: {
      description: '{items:[{caseId,caseNo,content,address,channel,channelName,ticketNo,receivedAt,createdAt}],total,page,pageSize}',
      schema: js.page(js.obj({ caseId: js.str, caseNo: js.str, content: js.str, address: js.nullable(js.str), channel: js.str, channelName: js.str, ticketNo: js.str, receivedAt: js.nullable(js.str), createdAt: js.str })),
    }, 400: 'bad page', 401: 'not logged in', 403: 'not a city or district dispatcher' },
  });
  router.get('/api/v1/cases/unlocated', auth, async (ctx) => {
    const q = parse(unlocatedQuery, ctx.query);
    const { rows, total } = await listUnlocated(deps, currentUser(ctx), q);
    ctx.body = {
      items: rows.map((r) => ({
        caseId: r.caseId, caseNo: r.caseNo, content: r.content, address: r.address, source: r.source, channel: r.channelId, channelName: r.channelId ? channelName(r.channelId) : null,
        ticketNo: r.ticketNo, receivedAt: r.receivedAt?.toISOString() ?? null, createdAt: r.createdAt.toISOString(),
      })),
      total, page: q.page, pageSize: q.pageSize,
    };
  });

  api.add({
    method: 'post', path: '/api/v1/cases/:id/locate', tag: 'channels', auth: true, body: locateBody,
    summary: 'Pin a 待定位 case on the map: {lat, lng, coordSystem?: wgs84|gcj02|bd09, note?}; the case takes the grid there and leaves the queue (event "locate")',
    responses: { 200: { description: '{caseId, locationPending:false}', schema: js.obj({ caseId: js.str, locationPending: { const: false } }) }, 400: 'bad body', 401: 'not logged in', 403: 'not a dispatcher, or a district pinning outside its district', 404: 'no such case', 409: 'case.location_not_pending | case.version_conflict', 422: 'location.outside_service_area' },
  });
  router.post('/api/v1/cases/:id/locate', auth, jsonBody, async (ctx) => {
    const id = parse(uuidParam, ctx.params.id);
    const body = parse(locateBody, ctx.request.body);
    await pinCase(deps, currentUser(ctx), id, body);
    ctx.body = { caseId: id, locationPending: false };
  });
}
