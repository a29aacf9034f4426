import type { CaseSource, Role } from '@finecity/types';
import { PHOTO_LIMITS, UNCLASSIFIED_CATEGORY } from '@finecity/types';
import { matchAddress } from '../../domain/address-match.js';
import { searchBox, windowStart } from '../../domain/duplicates.js';
import { AppError } from '../../domain/errors.js';
import { shanghaiDay } from '../../domain/shanghai-time.js';
import { effectsToRecord } from '../effects.js';
import type { Deps } from '../deps.js';
import { processPhotos, removePhotos, storeProcessed } from '../photo-intake.js';
import { ReportUnconfirmed, type NewReport, type NonceClaim, type OrgNode } from '../repositories.js';
import type { PinnedLocation } from './intake-ports.js';

/**
 * The one way a case comes in from a channel other than the resident's own app (issue 11): partner
 * platforms (12345, 12319, 民意网, 民心网, a company's system), the call centre's console and Open311.
 */
export interface ChannelCaseInput {
  /** '12345' | '12319' | 'minyi' | 'minxin' | 'tp-<companyId>' | 'open311' */
  channelId: string;
  origin: 'partner' | 'console' | 'open311';
  ticketNo: string;
  /** sha256 of the canonical request; the same ticket with another hash → 409. */
  requestHash: string;
  source: CaseSource;
  /** A staff member (hotline operator, company inspector), or null (a platform). */
  reporter: { id: string; role: Role; name?: string | null } | null;
  content: string;
  /** null or unknown → 待分类 (the city platform classifies it on registration). */
  categoryCode: string | null;
  /** Already WGS-84. */
  point: { lat: number; lng: number } | null;
  /** Matched to a place when `point` is null. */
  address: string | null;
  caller: { name: string | null; phone: string | null } | null;
  trackingTokenHash: string | null;
  /** Raw image bytes (already fetched), processed like mini-program photos. */
  photos: Buffer[];
  urgent: boolean;
  receivedAt: Date | null;
  /** A partner request's nonce, claimed by the case's own statement (seen within its window: 401, nothing written). */
  nonce?: NonceClaim | null;
}

export interface ChannelCaseResult {
  caseId: string;
  caseNo: string;
  replayed: boolean;
  locationPending: boolean;
}

/** Duplicate candidates kept per case, as for reports. */
const MAX_DUPLICATES = 20;

/** The role recorded on the submit event of a case no person FineCity knows reported. */
const PLATFORM_ROLE = 'channel';

/**
 * Opens the case of a channel's ticket, idempotent on (channelId, ticketNo): a replay with the same
 * request hash answers the first case (`replayed`), with another hash it is refused (409).
 *
 * The case, its submit event, photos, outbox effect ('case.submit') and the channel_tickets row are written
 * by one statement (CaseRepository.insertReport), as a report is: atomic without a transaction of its own.
 */
export async function openChannelCase(deps: Deps, input: ChannelCaseInput): Promise<ChannelCaseResult> {
  if (input.photos.length > PHOTO_LIMITS.maxPerReport) throw new AppError('photo.too_many', `最多上传 ${PHOTO_LIMITS.maxPerReport} 张照片`);
  const category = resolveCategory(deps, input.categoryCode);
  const where = await placeOf(deps, input.point, input.address);
  const stored = await storeProcessed(deps, await processIndexed(deps, input.photos));
  try {
    const now = deps.clock.now();
    const report: NewReport = {
      source: input.source,
      reporterId: input.reporter?.id ?? null,
      reporterRole: input.reporter?.role ?? PLATFORM_ROLE,
      anonymous: false,
      categoryCode: category.code,
      standardRef: category.code.startsWith('DL-') ? 'DL-local' : deps.policy.categories.standardRef,
      description: input.content,
      lat: where.lat,
      lng: where.lng,
      address: input.address,
      gridCode: where.gridCode,
      communityCode: where.communityCode,
      streetCode: where.streetCode,
      districtCode: where.districtCode,
      locationPath: where.locationPath,
      complexity: input.urgent || category.urgent ? 'urgent' : null,
      moderation: null,
      photos: stored.map((p) => p.meta),
      idempotency: null,
      at: now,
      locationPending: where.pending,
      channelTicket: {
        channelId: input.channelId, ticketNo: input.ticketNo, origin: input.origin, requestHash: input.requestHash,
        callerName: input.caller?.name ?? null, callerPhone: input.caller?.phone ?? null, trackingTokenHash: input.trackingTokenHash,
        urgent: input.urgent, receivedAt: input.receivedAt,
      },
      nonce: input.nonce ?? null,
    };
    const rules = deps.policy.rules.duplicates;
    const at = { lat: where.lat, lng: where.lng };
    // A 待定位 case sits at a stand-in point: it has no neighbours yet (limit 0 finds none).
    const near = { categoryCode: category.code, since: windowStart(now, rules), at, box: searchBox(at, rules.distanceM), distanceM: rules.distanceM, limit: where.pending ? 0 : MAX_DUPLICATES };
    const effects = effectsToRecord(deps, [{ kind: 'notify', topic: 'case.submit', payload: {} }]);
    const inserted = await deps.cases.insertReport(report, near, { prefix: deps.policy.rules.caseNoPrefix, day: shanghaiDay(now) }, effects);
    if (!inserted) throw nonceReused();
    if (input.nonce) await deps.channelIntake.pruneNonces(now, input.nonce.freshAfter);
    return { caseId: inserted.row.id, caseNo: inserted.row.caseNo, replayed: false, locationPending: where.pending };
  } catch (err) {
    // A report committed but not confirmed on disk may exist: its photos stay (orphans are cleaned hourly).
    if (!(err instanceof ReportUnconfirmed)) await removePhotos(deps, stored);
    if (isUniqueViolation(err)) {
      // The ticket was taken before (a partner's retry, or two racing): checked here, not before, so the
      // common path (a new ticket) costs no extra read. The statement that failed claimed no nonce: a
      // replay still spends its own, as any request does.
      if (input.nonce) await claimNonce(deps, input.nonce);
      const prior = await priorTicket(deps, input);
      if (prior) return prior;
    }
    throw err;
  }
}

/** Claims a partner's nonce on its own statement (a ticket with attachments, before fetching them; a replay). */
export async function claimNonce(deps: Deps, claim: NonceClaim): Promise<void> {
  if (!(await deps.channelIntake.claimNonce(claim.channelId, claim.nonce, deps.clock.now(), claim.freshAfter))) throw nonceReused();
}

const nonceReused = (): AppError => new AppError('channel.nonce_reused', '该 X-Nonce 在 10 分钟内已使用过');

/** The ticket as already taken: the same request → its case; another request under the same number → 409. */
export async function priorTicket(deps: Deps, input: Pick<ChannelCaseInput, 'channelId' | 'ticketNo' | 'requestHash'>): Promise<ChannelCaseResult | null> {
  const prior = await deps.channelIntake.findTicket(input.channelId, input.ticketNo);
  if (!prior) return null;
  if (prior.requestHash !== input.requestHash) {
    throw new AppError('channel.ticket_conflict', '该工单编号已用于另一份不同的工单', { ticketNo: input.ticketNo });
  }
  return { caseId: prior.caseId, caseNo: prior.caseNo, replayed: true, locationPending: prior.locationPending };
}

function resolveCategory(deps: Deps, code: string | null): { code: string; urgent: boolean } {
  const live = code ? deps.categories.get(code) : undefined;
  // A disabled category is refused to residents; a partner's ticket is kept and classified by the city.
  if (!live || !live.enabled) return { code: UNCLASSIFIED_CATEGORY.code, urgent: false };
  return { code: live.code, urgent: live.urgent };
}

/** Where the case lies (the columns a pin would set), and whether it still waits in the 待定位 queue. */
type Place = PinnedLocation & { pending: boolean };

/**
 * Where the ticket is: a point is located in a grid as reports are; an address alone is matched against
 * FineCity's place names (domain/address-match.ts) and the case is held at that place (a district, street,
 * community or grid; the point is the mean of its grids' centroids, for the map). Otherwise, or when the
 * point lies outside the service area, the case is 待定位.
 */
async function placeOf(deps: Deps, point: { lat: number; lng: number } | null, address: string | null): Promise<Place> {
  if (point) {
    const loc = deps.locator.locate(point.lat, point.lng);
    const node = loc ? deps.org.get(loc.gridCode ?? loc.districtCode) : undefined;
    if (loc && node) return { ...point, ...loc, locationPath: node.path, pending: false };
  } else if (address) {
    const match = matchAddress(address, deps.org.all());
    const centroid = match ? await deps.channelIntake.centroidUnder(match.path) : null;
    if (match && centroid) return { ...centroid, ...codesOf(deps, match), locationPath: match.path, pending: false };
  }
  return pendingPlace(deps);
}

/** A node's own code at its level and its ancestors' codes at theirs. */
function codesOf(deps: Deps, node: OrgNode): Pick<Place, 'gridCode' | 'communityCode' | 'streetCode' | 'districtCode'> {
  const out = { gridCode: null as string | null, communityCode: null as string | null, streetCode: null as string | null, districtCode: '' };
  for (let n: OrgNode | undefined = node; n; n = n.parentCode ? deps.org.get(n.parentCode) : undefined) {
    if (n.level === 'grid') out.gridCode = n.code;
    else if (n.level === 'community') out.communityCode = n.code;
    else if (n.level === 'street') out.streetCode = n.code;
    else if (n.level === 'district') out.districtCode = n.code;
  }
  return out;
}

/**
 * 待定位: held at the city node until a dispatcher pins it (usecases/channels/locate-case.ts). The columns
 * are NOT NULL, so district_code is the city node's code and location_path the city's path (city
 * dispatchers see it, nobody below); lat/lng is the mean of every grid centroid (the middle of the map the
 * dispatcher pins on) — a stand-in, flagged by location_pending, never read as the place.
 */
async function pendingPlace(deps: Deps): Promise<Place> {
  const city = deps.org.all().find((n) => n.level === 'city');
  if (!city) throw new AppError('internal', '组织树缺少市级节点');
  const centre = (await deps.channelIntake.centroidUnder(city.path)) ?? { lat: 0, lng: 0 };
  return { ...centre, gridCode: null, communityCode: null, streetCode: null, districtCode: city.code, locationPath: city.path, pending: true };
}

/** Photos checked one by one, so a refusal says which (details.photoIndex): a partner's attachment, a console upload. */
async function processIndexed(deps: Deps, files: Buffer[]): Promise<Awaited<ReturnType<typeof processPhotos>>> {
  const out: Awaited<ReturnType<typeof processPhotos>> = [];
  for (const [i, f] of files.entries()) {
    try {
      out.push(...(await processPhotos(deps, [f])));
    } catch (err) {
      if (err instanceof AppError) throw new AppError(err.code, err.message, { ...(err.details as object | undefined), photoIndex: i });
      throw err;
    }
  }
  return out;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}
