import crypto from 'node:crypto';
import type { CaseSource, ChannelTicket } from '@finecity/types';
import { COMPANY_ID, PARTNER_CHANNELS, PHOTO_LIMITS } from '@finecity/types';
import { toWgs84 } from '../../domain/coords.js';
import { AppError, isAppError } from '../../domain/errors.js';
import type { Deps } from '../deps.js';
import type { NonceClaim } from '../repositories.js';
import { claimNonce, openChannelCase, priorTicket, type ChannelCaseResult } from './open-case.js';
import { NONCE_FORMAT, NONCE_TTL_S, SIGNATURE_WINDOW_S, signatureMatches } from './signing.js';

/**
 * Signed partner intake (issue 11): 12345, 12319, 民意网, 民心网 and each company's own system post tickets to
 * `POST /api/v1/channels/{channelId}/tickets`, signed with the channel's secret (./signing.ts). A ticket
 * becomes a case through openChannelCase, idempotent on (channel, ticket number).
 */

const SOURCE_OF: Record<(typeof PARTNER_CHANNELS)[number], CaseSource> = { '12345': 'hotline_12345', '12319': 'hotline_12319', minyi: 'minyi', minxin: 'minxin' };

export interface PartnerChannelRef {
  channelId: string;
  source: CaseSource;
  /** 'tp-<id>' channels: the company. */
  companyId: string | null;
}

/** The channel named in the path: a fixed partner, or `tp-<companyId>` of a company that exists; else 404. */
export async function partnerChannel(deps: Deps, channelId: string): Promise<PartnerChannelRef> {
  if ((PARTNER_CHANNELS as readonly string[]).includes(channelId)) return { channelId, source: SOURCE_OF[channelId as keyof typeof SOURCE_OF], companyId: null };
  const companyId = channelId.startsWith('tp-') ? channelId.slice(3) : null;
  if (companyId && COMPANY_ID.test(companyId) && (await deps.channelIntake.companyExists(companyId))) return { channelId, source: 'third_party', companyId };
  throw new AppError('channel.unknown', '未知的对接渠道', { channelId });
}

export interface SignatureHeaders {
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
}

/**
 * The request is the channel's: its signature over the raw body matches (constant time) and its timestamp is
 * within ±300 s. Answers its nonce, which the ticket's own statement claims (takeTicket): a nonce seen in the
 * last 10 minutes is refused there, and a forger, whose signature fails here, cannot burn a partner's nonces.
 */
export function authenticatePartner(deps: Deps, channel: PartnerChannelRef, h: SignatureHeaders, rawBody: Buffer): NonceClaim {
  const secret = deps.channelSecret(channel.channelId);
  if (!secret) throw new AppError('channel.not_configured', '该渠道尚未配置对接密钥', { channelId: channel.channelId });
  if (!h.timestamp || !h.nonce || !h.signature) throw new AppError('channel.signature_missing', '缺少签名头 X-Timestamp、X-Nonce 或 X-Signature');
  const now = deps.clock.now();
  if (!/^\d{1,12}$/.test(h.timestamp) || Math.abs(Number(h.timestamp) - now.getTime() / 1000) > SIGNATURE_WINDOW_S) {
    throw new AppError('channel.timestamp_stale', `请求时间戳与服务器时间相差超过 ${SIGNATURE_WINDOW_S} 秒`, { serverTime: Math.floor(now.getTime() / 1000) });
  }
  if (!NONCE_FORMAT.test(h.nonce)) throw new AppError('channel.signature_invalid', 'X-Nonce 须为 8–64 个可见字符');
  if (!signatureMatches(secret, h.timestamp, h.nonce, rawBody, h.signature)) throw new AppError('channel.signature_invalid', '签名不正确');
  return { channelId: channel.channelId, nonce: h.nonce, freshAfter: new Date(now.getTime() - NONCE_TTL_S * 1000) };
}

/** sha256 of the ticket with its keys sorted: the same ticket re-sent (any key order or spacing) hashes the same. */
export function ticketHash(ticket: ChannelTicket): string {
  return crypto.createHash('sha256').update(canonicalJson(ticket)).digest('hex');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * The category of a ticket: its categoryCode when that names a live category, else its categoryText through
 * the channel's mapping (config/channels.json: the company's own map, then the companies' shared 'tp' map),
 * else null (待分类).
 */
export function mapCategory(deps: Deps, channel: PartnerChannelRef, ticket: Pick<ChannelTicket, 'categoryCode' | 'categoryText'>): string | null {
  if (ticket.categoryCode && deps.categories.get(ticket.categoryCode)?.enabled) return ticket.categoryCode;
  const text = ticket.categoryText?.trim();
  if (!text) return null;
  const maps = deps.policy.channels.categoryMaps;
  return maps[channel.channelId]?.[text] ?? (channel.companyId ? maps.tp?.[text] : undefined) ?? null;
}

/**
 * A validated ticket from an authenticated channel becomes a case (201), or answers its first case (replay,
 * 200). Its nonce is claimed by the case's own statement; a ticket with attachments claims it first, so a
 * replayed request never makes FineCity fetch anything.
 */
export async function takeTicket(deps: Deps, channel: PartnerChannelRef, ticket: ChannelTicket, nonce: NonceClaim): Promise<ChannelCaseResult> {
  const requestHash = ticketHash(ticket);
  const attachments = ticket.attachments ?? [];
  if (attachments.length) await claimNonce(deps, nonce);
  // A replay with attachments is answered before fetching them again.
  if (attachments.length) {
    const prior = await priorTicket(deps, { channelId: channel.channelId, ticketNo: ticket.ticketNo, requestHash });
    if (prior) return prior;
  }
  const photos = await Promise.all(attachments.map((a, i) => attachmentBytes(deps, a, i)));
  const point = ticket.lat !== undefined && ticket.lng !== undefined ? toWgs84({ lat: ticket.lat, lng: ticket.lng }, ticket.coordSystem ?? 'wgs84') : null;
  try {
    return await openChannelCase(deps, {
      channelId: channel.channelId, origin: 'partner', ticketNo: ticket.ticketNo, requestHash, source: channel.source, reporter: null,
      content: ticket.content, categoryCode: mapCategory(deps, channel, ticket), point, address: ticket.address ?? null,
      caller: ticket.callerName || ticket.callerPhone ? { name: ticket.callerName ?? null, phone: ticket.callerPhone ?? null } : null,
      trackingTokenHash: null, photos, urgent: ticket.urgent ?? false, receivedAt: new Date(ticket.receivedAt),
      nonce: attachments.length ? null : nonce,
    });
  } catch (err) {
    // The photo pipeline refused an image (not an image, too many pixels, …): say which attachment.
    const index = isAppError(err) && err.code.startsWith('photo.') ? (err.details as { photoIndex?: number } | undefined)?.photoIndex : undefined;
    if (isAppError(err) && index !== undefined) throw attachmentError(index, err.message, err.code);
    throw err;
  }
}

function attachmentError(index: number, message: string, reason: string): AppError {
  return new AppError('channel.attachment_invalid', `第 ${index + 1} 个附件无法使用：${message}`, { attachment: index, reason });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

async function attachmentBytes(deps: Deps, a: NonNullable<ChannelTicket['attachments']>[number], index: number): Promise<Buffer> {
  if ('base64' in a) {
    const text = a.base64.replace(/\s+/g, '');
    if (!BASE64.test(text) || text.length % 4 === 1) throw attachmentError(index, '不是合法的 Base64 编码', 'attachment.bad_base64');
    const bytes = Buffer.from(text, 'base64');
    if (!bytes.length) throw attachmentError(index, '附件为空', 'photo.empty');
    if (bytes.length > PHOTO_LIMITS.maxBytes) throw attachmentError(index, `附件超过 ${PHOTO_LIMITS.maxBytes / 1024 / 1024} MB`, 'photo.too_large');
    return bytes;
  }
  if (!deps.attachments) throw attachmentError(index, '本系统未开启附件下载', 'attachment.fetch_disabled');
  try {
    return await deps.attachments.fetch(a.url);
  } catch (err) {
    if (isAppError(err)) throw attachmentError(index, err.message, (err.details as { reason?: string } | undefined)?.reason ?? err.code);
    throw err;
  }
}
