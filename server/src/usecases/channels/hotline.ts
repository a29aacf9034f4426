import crypto from 'node:crypto';
import { AppError } from '../../domain/errors.js';
import { beijingDate } from '../../domain/shanghai-time.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { FiledByCallCentre } from './call-centre-ports.js';
import { openChannelCase } from './open-case.js';

/**
 * The 12319 call centre (issue 11, item 3): an operator (话务员) files a case for a caller. The case goes
 * through the same core as every partner ticket (channel 12319, origin 'console'); the caller's name and
 * phone stay on the ticket, never on the case. The caller gets an SMS with the case number and a link to
 * the public tracking page, keyed by a random token of which only the SHA-256 is stored.
 */
export interface HotlineFields {
  callerName: string;
  /** Mainland mobile, 11 digits. */
  callerPhone: string;
  address?: string;
  /** WGS-84, both or neither. */
  lat?: number;
  lng?: number;
  categoryCode: string;
  description: string;
  urgent: boolean;
}

export interface HotlineFiled {
  caseId: string;
  caseNo: string;
  replayed: boolean;
  locationPending: boolean;
  /** The SMS went out now (false on a replay, which sends nothing, or when the gateway refused it). */
  smsSent: boolean;
}

export const HOTLINE_CHANNEL = '12319';

const sha256 = (b: Buffer | string): string => crypto.createHash('sha256').update(b).digest('hex');

export function requireOperator(user: CurrentUser): void {
  if (!user.roles.includes('hotline')) throw new AppError('auth.forbidden', '仅 12319 话务员可使用话务台');
}

/** Same key and body → the same ticket (the core replays); a new key, or none, → a new ticket number. */
function ticketNo(user: CurrentUser, key: string | undefined, now: Date): string {
  if (key) return `HL-${sha256(`${user.id}:${key}`).slice(0, 12).toUpperCase()}`;
  return `HL${beijingDate(now).replaceAll('-', '')}-${crypto.randomBytes(4).toString('hex').toUpperCase()}`;
}

function requestHash(f: HotlineFields, photos: Buffer[]): string {
  const { callerName, callerPhone, address, lat, lng, categoryCode, description, urgent } = f;
  return sha256(JSON.stringify({ callerName, callerPhone, address: address ?? null, lat: lat ?? null, lng: lng ?? null, categoryCode, description, urgent, photos: photos.map((p) => sha256(p)) }));
}

export function trackingLink(deps: Deps, token: string): string {
  return `${deps.callCentre.publicBaseUrl}/#/pages/track/index?t=${token}`;
}

export async function fileHotlineCase(deps: Deps, user: CurrentUser, fields: HotlineFields, photos: Buffer[], key?: string): Promise<HotlineFiled> {
  requireOperator(user);
  const now = deps.clock.now();
  const token = crypto.randomBytes(32).toString('base64url');
  const point = fields.lat !== undefined && fields.lng !== undefined ? { lat: fields.lat, lng: fields.lng } : null;
  const opened = await openChannelCase(deps, {
    channelId: HOTLINE_CHANNEL,
    origin: 'console',
    ticketNo: ticketNo(user, key, now),
    requestHash: requestHash(fields, photos),
    source: 'hotline_12319',
    reporter: { id: user.id, role: 'hotline', name: user.name },
    content: fields.description,
    categoryCode: fields.categoryCode,
    point,
    address: fields.address ?? null,
    caller: { name: fields.callerName, phone: fields.callerPhone },
    trackingTokenHash: sha256(token),
    photos,
    urgent: fields.urgent,
    receivedAt: now,
  });
  let smsSent = false;
  if (!opened.replayed) {
    const r = await deps.callCentre.sms.sendTracking(fields.callerPhone, { caseNo: opened.caseNo, link: trackingLink(deps, token) }, `hotline-${opened.caseId}`);
    smsSent = r.ok;
  }
  return { caseId: opened.caseId, caseNo: opened.caseNo, replayed: opened.replayed, locationPending: opened.locationPending, smsSent };
}

export async function listHotlineCases(deps: Deps, user: CurrentUser, page: number, pageSize: number): Promise<{ items: FiledByCallCentre[]; total: number }> {
  requireOperator(user);
  return deps.callCentre.reads.filedBy(user.id, { offset: (page - 1) * pageSize, limit: pageSize });
}
