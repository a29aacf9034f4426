import crypto from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { body } from './http-util.js';
import { PARTNER_CHANNEL_ID } from './record.js';
import type { SandboxState } from './state.js';

/**
 * The sandbox plays each partner platform (12345, 12319, 民意网, 民心网, a company's own system; issue 11):
 * - POST /partners/:channelId/callback          receives FineCity's status callbacks: checks the signature with
 *                                               the channel's secret, the ±300 s window and the nonce, records
 *                                               the callback (GET /sandbox/messages?channel=<channelId>)
 * - POST /sandbox/control/partners/:channelId/fail {times?, percent?, mode?, delayMs?, httpStatus?}
 *                                               the next `times` callbacks (or `percent` % of them) answer 500
 *                                               (`mode: "error"`) or hang for `delayMs` (`mode: "timeout"`)
 * - POST /sandbox/control/partners/:channelId/tickets {ticketNo?, content?, …}
 *                                               sends a ticket to FineCity as that partner would: fills the
 *                                               fields left out, signs it, posts it, answers FineCity's reply
 *
 * The signature is computed here on its own (not with FineCity's signing code), so the two sides test the
 * contract rather than share a mistake: hex(HMAC-SHA256(secret, timestamp + "\n" + nonce + "\n" + body)),
 * RFC 2104 (https://www.rfc-editor.org/rfc/rfc2104).
 */

const WINDOW_S = 300;
const NONCE_TTL_MS = 600_000;

export interface PartnerOptions {
  /** The channel's secret (CHANNEL_<ID>_SECRET, else the sandbox default of config/env.example). */
  secret(channelId: string): string;
  /** Where FineCity listens; boot.ts and the test harness set it once the API is up. */
  fineCityUrl: string | null;
}

interface PartnerFailure {
  times: number;
  percent: number;
  mode: 'error' | 'timeout';
  delayMs: number;
  httpStatus: number;
}

/** What the partner platforms remember: injected failures and the nonces seen, per channel. */
export class PartnerPlay {
  private failures = new Map<string, PartnerFailure>();
  private nonces = new Map<string, number>();
  constructor(
    readonly o: PartnerOptions,
    private readonly now: () => number,
  ) {}

  setFineCityUrl(url: string): void {
    this.o.fineCityUrl = url.replace(/\/+$/, '');
  }

  injectFailure(channelId: string, f: PartnerFailure): void {
    if (f.times <= 0 && f.percent <= 0) this.failures.delete(channelId);
    else this.failures.set(channelId, f);
  }

  /** The failure this call meets, if any (spending one of `times`, else drawing against `percent`). */
  takeFailure(channelId: string): PartnerFailure | null {
    const f = this.failures.get(channelId);
    if (!f) return null;
    if (f.times > 0) {
      f.times -= 1;
      if (f.times === 0 && f.percent <= 0) this.failures.delete(channelId);
      return { ...f };
    }
    return crypto.randomInt(100) < f.percent ? { ...f } : null;
  }

  /** False when the nonce was seen within 10 minutes. */
  claimNonce(channelId: string, nonce: string): boolean {
    const now = this.now();
    for (const [k, at] of this.nonces) if (now - at > NONCE_TTL_MS) this.nonces.delete(k);
    const key = `${channelId}\u0000${nonce}`;
    if (this.nonces.has(key)) return false;
    this.nonces.set(key, now);
    return true;
  }

  reset(): void {
    this.failures = new Map();
    this.nonces = new Map();
  }
}

/** The partner's own HMAC (see the file comment). */
export function partnerSignature(secret: string, timestamp: string, nonce: string, raw: Buffer | string): string {
  const mac = crypto.createHmac('sha256', secret);
  mac.update(timestamp + '\n' + nonce + '\n');
  mac.update(raw);
  return mac.digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b.toLowerCase(), 'utf8');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

const STATUS_TEXT: Record<string, string> = { accepted: '已受理', dispatched: '已派遣', handled: '已办结', closed: '已结案', rejected: '已退回', reopened: '重新打开' };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Why a callback is refused, checked in the partner's order: headers, window, signature, nonce. */
function refusal(play: PartnerPlay, channelId: string, ctx: Context, raw: Buffer, nowMs: number): string | null {
  const ts = ctx.get('X-Timestamp');
  const nonce = ctx.get('X-Nonce');
  const sig = ctx.get('X-Signature');
  if (!ts || !nonce || !sig) return '缺少签名头';
  if (!/^\d{1,12}$/.test(ts) || Math.abs(nowMs / 1000 - Number(ts)) > WINDOW_S) return '时间戳超出 ±300 秒';
  if (!/^[\x21-\x7e]{8,64}$/.test(nonce)) return '随机串格式不对';
  if (!sameHex(partnerSignature(play.o.secret(channelId), ts, nonce, raw), sig)) return '签名不符';
  if (!play.claimNonce(channelId, nonce)) return '随机串 10 分钟内已用过';
  return null;
}

function describeCallback(p: Record<string, unknown>): string {
  const status = STATUS_TEXT[String(p.status)] ?? String(p.status ?? '');
  const parts = [`工单 ${String(p.ticketNo ?? '')}（案件 ${String(p.caseNo ?? '')}）${status}`];
  if (p.unit) parts.push(`承办单位：${String(p.unit)}`);
  if (p.note) parts.push(`说明：${String(p.note)}`);
  return parts.join('\n');
}

async function receiveCallback(ctx: Context, state: SandboxState, play: PartnerPlay): Promise<void> {
  const channelId = ctx.params.channelId as string;
  const raw = (ctx.state.raw as Buffer | undefined) ?? Buffer.alloc(0);
  const payload = body(ctx) ?? {};
  const record = (accepted: boolean, errcode: number | string, errmsg: string) =>
    state.record.add({
      at: new Date(state.now()).toISOString(), channel: channelId, recipient: { partner: channelId }, direction: 'callback', payload,
      msgtype: String(payload.status ?? ''), content: describeCallback(payload), errcode, errmsg, accepted,
    });
  const f = play.takeFailure(channelId);
  if (f) {
    record(false, f.mode === 'timeout' ? 'timeout' : `http_${f.httpStatus}`, f.mode === 'timeout' ? '沙箱模拟超时' : '沙箱模拟服务器错误');
    if (f.mode === 'timeout') await sleep(f.delayMs);
    ctx.status = f.mode === 'timeout' ? 504 : f.httpStatus;
    ctx.body = { code: ctx.status, message: 'sandbox injected failure' };
    return;
  }
  if (!PARTNER_CHANNEL_ID.test(channelId)) {
    ctx.status = 404;
    ctx.body = { code: 404, message: 'unknown channel' };
    return;
  }
  const why = refusal(play, channelId, ctx, raw, state.now());
  if (why) {
    record(false, 401, why);
    ctx.status = 401;
    ctx.body = { code: 401, message: why };
    return;
  }
  record(true, 0, 'ok');
  ctx.body = { code: 0, message: 'ok' };
}

const failBody = z
  .object({
    times: z.number().int().min(0).max(10_000).default(1),
    percent: z.number().min(0).max(100).default(0),
    mode: z.enum(['error', 'timeout']).default('error'),
    delayMs: z.number().int().min(0).max(120_000).default(15_000),
    httpStatus: z.number().int().min(500).max(599).default(500),
  })
  .strict();

const ticketBody = z
  .object({
    ticketNo: z.string().min(1).max(64).optional(),
    receivedAt: z.string().optional(),
    content: z.string().min(1).max(2000).optional(),
    categoryCode: z.string().max(20).optional(),
    categoryText: z.string().max(50).optional(),
    address: z.string().max(200).optional(),
    lat: z.number().optional(),
    lng: z.number().optional(),
    coordSystem: z.enum(['wgs84', 'gcj02', 'bd09']).optional(),
    callerName: z.string().max(50).optional(),
    callerPhone: z.string().max(20).optional(),
    attachments: z.array(z.record(z.string(), z.string())).max(9).optional(),
    urgent: z.boolean().optional(),
  })
  .strict();

/** A demo ticket: a point in central Dalian (中山区, WGS-84) and a caller's complaint, as a hotline writes it. */
function defaults(channelId: string, nowMs: number): Record<string, unknown> {
  const beijing = new Date(nowMs + 8 * 3_600_000).toISOString();
  const stamp = beijing.slice(0, 19).replace(/[-:T]/g, '');
  return {
    ticketNo: `SBX-${channelId.toUpperCase()}-${stamp}-${crypto.randomBytes(2).toString('hex').toUpperCase()}`,
    receivedAt: `${beijing.slice(0, 19)}+08:00`,
    content: '市民来电反映：路边有暴露垃圾无人清理，请尽快处理。',
    categoryText: '城市管理/市容环境/暴露垃圾',
    address: '大连市中山区人民路',
    lat: 38.9155,
    lng: 121.6384,
    coordSystem: 'wgs84',
    callerName: '王先生',
    callerPhone: '13900000000',
  };
}

async function sendTicket(ctx: Context, state: SandboxState, play: PartnerPlay): Promise<void> {
  const channelId = ctx.params.channelId as string;
  if (!PARTNER_CHANNEL_ID.test(channelId)) {
    ctx.status = 404;
    ctx.body = { error: 'unknown channel' };
    return;
  }
  const given = ticketBody.safeParse(body(ctx) ?? {});
  if (!given.success) {
    ctx.status = 400;
    ctx.body = { error: given.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
    return;
  }
  if (!play.o.fineCityUrl) {
    ctx.status = 409;
    ctx.body = { error: 'the sandbox does not know where FineCity listens yet' };
    return;
  }
  const ticket = { ...defaults(channelId, state.now()), ...given.data };
  const raw = JSON.stringify(ticket);
  const timestamp = String(Math.floor(state.now() / 1000));
  const nonce = crypto.randomBytes(12).toString('hex');
  const res = await fetch(`${play.o.fineCityUrl}/api/v1/channels/${encodeURIComponent(channelId)}/tickets`, {
    method: 'POST',
    body: raw,
    headers: { 'Content-Type': 'application/json', 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': partnerSignature(play.o.secret(channelId), timestamp, nonce, raw) },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let answer: unknown = text;
  try {
    answer = JSON.parse(text);
  } catch {
    /* not JSON: shown as text */
  }
  const ok = res.status >= 200 && res.status < 300;
  const caseNo = ok && answer && typeof answer === 'object' ? (answer as { caseNo?: string }).caseNo : undefined;
  state.record.add({
    at: new Date(state.now()).toISOString(), channel: channelId, recipient: { partner: channelId }, direction: 'ticket', payload: ticket,
    msgtype: 'ticket', content: `派单 ${String(ticket.ticketNo)}：${String(ticket.content)}${caseNo ? `\n城市管理平台已立案编号 ${caseNo}` : ''}`,
    errcode: ok ? 0 : res.status, errmsg: ok ? 'ok' : text.slice(0, 200), accepted: ok,
  });
  ctx.body = { status: res.status, body: answer, ticket };
}

export function partnerApi(router: Router, state: SandboxState, play: PartnerPlay): void {
  state.onReset.push(() => play.reset());
  router.post('/partners/:channelId/callback', (ctx) => receiveCallback(ctx, state, play));
  router.post('/sandbox/control/partners/:channelId/fail', (ctx) => {
    const f = failBody.safeParse(body(ctx) ?? {});
    if (!f.success) {
      ctx.status = 400;
      ctx.body = { error: f.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
      return;
    }
    play.injectFailure(ctx.params.channelId as string, f.data);
    ctx.body = { ok: true };
  });
  router.post('/sandbox/control/partners/:channelId/tickets', (ctx) => sendTicket(ctx, state, play));
}
