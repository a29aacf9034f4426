import crypto from 'node:crypto';
import { AppError } from '../../domain/errors.js';
import { openChannelCase } from '../channels/open-case.js';
import type { Deps } from '../deps.js';
import type { Open311CaseRow, Open311KeyRecord, Open311Store } from './ports.js';

/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2/): the city's categories as services, and
 * its cases as service requests. What is public follows the public tracking page (issue 11, item 5): no
 * reporter or caller data, only photos staff published, and an anonymous report's place only to its street.
 */

/** "Default query limit is a span of 90 days or first 1000 requests returned, whichever is smallest" (spec, GET Service Requests). */
export const MAX_SPAN_DAYS = 90;
export const MAX_REQUESTS = 1000;
const DAY_MS = 86_400_000;
/** Cases that are over: resolved (结案), refused (不予受理) or merged into another. Everything else is open. */
const CLOSED_STATES = new Set(['closed', 'rejected', 'merged']);
/** Spec: description "free form text limited to 4,000 characters". */
export const MAX_DESCRIPTION = 4000;

export interface Open311Service {
  code: string;
  name: string;
  description: string | null;
  keywords: string[];
  group: string;
}

export interface Open311Request {
  serviceRequestId: string;
  status: 'open' | 'closed';
  statusNotes: string | null;
  serviceName: string;
  serviceCode: string;
  description: string | null;
  agencyResponsible: string | null;
  requestedAt: Date;
  updatedAt: Date;
  expectedAt: Date | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  /** Published photos, by id: the HTTP layer signs their URLs. */
  photoIds: string[];
}

function store(deps: Deps): Open311Store {
  if (!deps.open311) throw new AppError('service.unavailable', 'Open311 接口暂不可用');
  return deps.open311;
}

/** GET Service List: the enabled GB/T 47678.5 categories; the group is the big class. */
export function listServices(deps: Deps): Open311Service[] {
  return deps.categories.list().filter((c) => c.enabled).map((c) => ({
    code: c.code, name: c.name, description: c.hint ?? null, keywords: c.keywords, group: c.bigClassName,
  }));
}

/** GET Service Definition: no category has extra attributes, so a known service's definition has none. */
export function serviceDefinition(deps: Deps, code: string): { code: string; attributes: [] } {
  const c = deps.categories.get(code);
  if (!c || !c.enabled) throw new AppError('not_found', `服务类型 ${code} 不存在`);
  return { code: c.code, attributes: [] };
}

/** When the categories (the service list and definitions) last changed: the discovery document's changeset. */
export function servicesChangedAt(deps: Deps): Date {
  return deps.categories.current().createdAt;
}

export interface RequestsFilter {
  serviceRequestIds?: string[];
  serviceCodes?: string[];
  startDate?: Date;
  endDate?: Date;
  status?: ('open' | 'closed')[];
}

/**
 * GET Service Requests: named ones (service_request_id overrides every other argument), else those
 * requested in a window of at most 90 days (default: the last 90 days), newest first, at most 1000.
 */
export async function listRequests(deps: Deps, f: RequestsFilter): Promise<Open311Request[]> {
  if (f.serviceRequestIds?.length) {
    const rows = await store(deps).requests({ caseNos: f.serviceRequestIds.slice(0, MAX_REQUESTS) });
    return rows.map((r) => present(deps, r));
  }
  const { from, to } = windowOf(deps.clock.now(), f.startDate, f.endDate);
  const rows = await store(deps).requests({
    categoryCodes: f.serviceCodes?.length ? f.serviceCodes : null, from, to, status: f.status?.length ? f.status : null, limit: MAX_REQUESTS,
  });
  return rows.map((r) => present(deps, r));
}

function windowOf(now: Date, start: Date | undefined, end: Date | undefined): { from: Date; to: Date } {
  const span = MAX_SPAN_DAYS * DAY_MS;
  const to = end ?? (start ? new Date(start.getTime() + span) : now);
  const from = start ?? new Date(to.getTime() - span);
  if (from > to) throw new AppError('request.invalid', 'start_date 不能晚于 end_date');
  if (to.getTime() - from.getTime() > span) throw new AppError('request.invalid', `start_date 与 end_date 相差不能超过 ${MAX_SPAN_DAYS} 天`);
  return { from, to };
}

/** GET Service Request: one case by its number. */
export async function getRequest(deps: Deps, serviceRequestId: string): Promise<Open311Request> {
  const [row] = await store(deps).requests({ caseNos: [serviceRequestId] });
  if (!row) throw new AppError('not_found', `服务请求 ${serviceRequestId} 不存在`);
  return present(deps, row);
}

/** GET service_request_id from a token. */
export async function requestIdByToken(deps: Deps, token: string): Promise<{ serviceRequestId: string; token: string }> {
  const caseNo = await store(deps).caseNoByToken(token);
  if (!caseNo) throw new AppError('not_found', `令牌 ${token} 不存在`);
  return { serviceRequestId: caseNo, token };
}

function present(deps: Deps, r: Open311CaseRow): Open311Request {
  const closed = CLOSED_STATES.has(r.state);
  const place = publicPlace(deps, r);
  return {
    serviceRequestId: r.caseNo,
    status: closed ? 'closed' : 'open',
    statusNotes: r.publicNote,
    serviceName: deps.categories.get(r.categoryCode)?.name ?? '待分类',
    serviceCode: r.categoryCode,
    description: r.moderation === 'review' ? null : maskPersonalNumbers(r.description),
    agencyResponsible: r.responsibleCode ? (deps.org.get(r.responsibleCode)?.name ?? null) : null,
    requestedAt: r.createdAt,
    // Spec: "For requests with status=closed, this will be the date the request was closed."
    updatedAt: closed && r.closedAt ? r.closedAt : r.updatedAt,
    expectedAt: closed ? null : r.dueAt,
    ...place,
    photoIds: r.publishedPhotoIds,
  };
}

/**
 * Where the public may see the case: the point and address as reported; for an anonymous report only its
 * street (the point rounded to 0.01°, about 1 km, and the street's name), so the report cannot be traced to
 * a doorstep; a 待定位 case has no point yet (only the address the channel gave).
 */
function publicPlace(deps: Deps, r: Open311CaseRow): Pick<Open311Request, 'address' | 'lat' | 'lng'> {
  if (r.locationPending) return { address: r.address, lat: null, lng: null };
  if (!r.anonymous) return { address: r.address, lat: r.lat, lng: r.lng };
  const names = [r.streetCode, r.districtCode].map((c) => (c ? deps.org.get(c)?.name : undefined)).filter((n): n is string => !!n);
  const round = (x: number) => Math.round(x * 100) / 100;
  return { address: names.length ? names.join('，') : null, lat: round(r.lat), lng: round(r.lng) };
}

/**
 * Phone and ID-card numbers people type into a description are not for the public: 11-digit mobiles keep
 * their first 3 and last 4 digits, landlines and 18-character ID numbers (GB 11643) their last 4.
 */
export function maskPersonalNumbers(text: string): string {
  return text
    .replace(/(?<![\dXx])(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])/g, '$1********$2')
    .replace(/(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g, '$1****$2')
    .replace(/(?<!\d)(0\d{2,3})-?\d{3,4}(\d{4})(?!\d)/g, '$1-****$2');
}

/** POST Service Request, as the client sent it (already validated for shape by the HTTP layer). */
export interface NewOpen311Request {
  serviceCode: string;
  lat?: number;
  lng?: number;
  addressString?: string;
  description?: string;
  mediaUrl?: string;
  firstName?: string;
  lastName?: string;
  phone?: string;
  email?: string;
}

export interface CreatedOpen311Request {
  serviceRequestId: string;
  /** The Open311 channel ticket's number: `tokens/{token}` answers it (the service is realtime, so clients rarely need it). */
  token: string;
  serviceNotice: string;
  /** The media_url was given but could not be used (no fetcher, or the fetch failed): the case was opened without it. */
  mediaSkipped: boolean;
}

/**
 * POST Service Request: a case from an Open311 client (channel 'open311'), opened synchronously through
 * the channels' one case-opening path, so service_request_id (the case number) is returned at once
 * (service type 'realtime'). The submitter's name and phone are kept with the ticket, never on the case,
 * and never shown back; an e-mail address is not kept.
 */
export async function submitRequest(deps: Deps, key: Open311KeyRecord, r: NewOpen311Request): Promise<CreatedOpen311Request> {
  const service = deps.categories.get(r.serviceCode);
  if (!service || !service.enabled) throw new AppError('not_found', `服务类型 ${r.serviceCode} 不存在`);
  const point = r.lat !== undefined && r.lng !== undefined ? { lat: r.lat, lng: r.lng } : null;
  if (!point && !r.addressString) throw new AppError('request.invalid', '请提供 lat 和 long，或 address_string');
  if (point && !deps.locator.locate(point.lat, point.lng)) throw new AppError('location.outside_service_area', '该位置不在大连市城市管理服务范围内');
  const { photos, mediaSkipped } = await fetchMedia(deps, r.mediaUrl);
  const token = crypto.randomBytes(16).toString('hex');
  const name = `${r.lastName ?? ''}${r.firstName ?? ''}`.trim() || null;
  const created = await openChannelCase(deps, {
    channelId: 'open311', origin: 'open311', ticketNo: token, requestHash: requestHash(key.id, r), source: 'open311', reporter: null,
    content: r.description?.trim() || service.name, categoryCode: service.code, point, address: r.addressString ?? null,
    caller: name || r.phone ? { name, phone: r.phone ?? null } : null, trackingTokenHash: null, photos, urgent: false, receivedAt: deps.clock.now(),
  });
  return {
    serviceRequestId: created.caseNo, token, mediaSkipped,
    serviceNotice: (created.locationPending
      ? `已收到，案件编号 ${created.caseNo}。地址暂未能定位，平台确认位置后派遣处置。`
      : `已收到，案件编号 ${created.caseNo}。城市管理平台受理后将派遣处置。`) + (mediaSkipped ? '图片链接暂未接收。' : ''),
  };
}

/** The media_url's image, through the partners' attachment fetcher (SSRF-guarded, size- and time-limited). */
async function fetchMedia(deps: Deps, url: string | undefined): Promise<{ photos: Buffer[]; mediaSkipped: boolean }> {
  if (!url) return { photos: [], mediaSkipped: false };
  if (!deps.attachments) return { photos: [], mediaSkipped: true };
  try {
    return { photos: [await deps.attachments.fetch(url)], mediaSkipped: false };
  } catch (err) {
    // A media_url that cannot be fetched is the client's problem, said in words; anything else is ours.
    if (err instanceof AppError) throw new AppError('request.invalid', `media_url 无法使用：${err.message}`);
    throw err;
  }
}

function requestHash(keyId: string, r: NewOpen311Request): string {
  const canon = [keyId, r.serviceCode, r.lat ?? null, r.lng ?? null, r.addressString ?? null, r.description ?? null, r.mediaUrl ?? null];
  return crypto.createHash('sha256').update(JSON.stringify(canon)).digest('hex');
}
