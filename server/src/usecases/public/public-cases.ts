import type { PublicCaseDto, PublicCaseListDto, PublicCaseQuery, PublicCaseSummaryDto, PublicMapDto } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import { formatBeijing, fromBeijing } from '../../domain/shanghai-time.js';
import { canSee, grantFor } from '../../domain/authorization.js';
import { scopeFacts } from '../access.js';
import { STATUS, timeline } from '../channels/tracking.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { PublicCaseReads, PublicCaseRow, PublicFilter } from './public-ports.js';

/** At most this many points on the public map: beyond it, the filters narrow the view. */
export const PUBLIC_MAP_LIMIT = 2000;

type PublicDeps = Pick<Deps, 'org' | 'categories' | 'publicCases'>;

function reads(deps: Pick<Deps, 'publicCases'>): PublicCaseReads {
  if (!deps.publicCases) throw new AppError('service.unavailable', '公开查询暂不可用');
  return deps.publicCases;
}

/** Beijing calendar days to the instants bounding created_at: [from 00:00, day after `to` 00:00). */
function filterOf(q: PublicCaseQuery): PublicFilter {
  const day = (s: string) => s.split('-').map(Number) as [number, number, number];
  const since = q.from ? fromBeijing(...day(q.from)) : undefined;
  const until = q.to ? (([y, m, d]) => fromBeijing(y, m, d + 1))(day(q.to)) : undefined;
  return { categoryCode: q.categoryCode, status: q.status, districtCode: q.districtCode, since, until };
}

/** The community, or only the street for a report made anonymously: 中山区 桃源街道 · 桃源社区. */
function placeOf(deps: Pick<Deps, 'org'>, r: PublicCaseRow): string {
  const name = (code: string | null) => (code ? deps.org.get(code)?.name : undefined);
  const parts = [name(r.districtCode), name(r.streetCode), r.anonymous ? undefined : name(r.communityCode)].filter(Boolean);
  return parts.length ? parts.join(' ') : '大连市';
}

/**
 * About 10 m (4 decimals) for a named report. For an anonymous one, the street's centre when it is on file,
 * else the point snapped to a 0.01° cell (about 1.1 km × 0.9 km at Dalian's latitude): street level either way.
 */
function pointOf(r: PublicCaseRow): { lat: number; lng: number } {
  if (!r.anonymous) return { lat: round(r.lat, 1e4), lng: round(r.lng, 1e4) };
  if (r.streetLat !== null && r.streetLng !== null) return { lat: round(r.streetLat, 1e4), lng: round(r.streetLng, 1e4) };
  return { lat: round(r.lat, 1e2), lng: round(r.lng, 1e2) };
}
const round = (x: number, scale: number) => Math.round(x * scale) / scale;

function summary(deps: PublicDeps, r: PublicCaseRow, photoUrl: (id: string, v: 'full' | 'thumb') => string): PublicCaseSummaryDto {
  return {
    id: r.id,
    category: { code: r.categoryCode, name: deps.categories.get(r.categoryCode)?.name ?? '其他问题' },
    open: r.state !== 'closed',
    statusText: STATUS[r.state] ?? '正在处理',
    place: placeOf(deps, r),
    point: pointOf(r),
    reportedAt: formatBeijing(r.createdAt),
    thumbUrl: r.thumbPhotoId ? photoUrl(r.thumbPhotoId, 'thumb') : null,
  };
}

/**
 * The list counts matches up to this many and then says "more" (totalCapped): 500 pages of 20 are more than
 * anyone pages through, and an exact count of 100,000 cases on every view was most of the list's cost
 * (test/load/residents-bench.ts).
 */
export const PUBLIC_COUNT_CAP = 10_000;

export async function publicCaseList(deps: PublicDeps, q: PublicCaseQuery & { page: number; pageSize: number }, photoUrl: (id: string, v: 'full' | 'thumb') => string): Promise<PublicCaseListDto> {
  const f = filterOf(q);
  const [rows, total] = await Promise.all([reads(deps).list(f, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize }), reads(deps).count(f, PUBLIC_COUNT_CAP + 1)]);
  return { items: rows.map((r) => summary(deps, r, photoUrl)), total: Math.min(total, PUBLIC_COUNT_CAP), totalCapped: total > PUBLIC_COUNT_CAP, page: q.page, pageSize: q.pageSize };
}

export async function publicCaseMap(deps: PublicDeps, q: PublicCaseQuery): Promise<PublicMapDto> {
  const rows = await reads(deps).points(filterOf(q), PUBLIC_MAP_LIMIT + 1);
  const points = rows.slice(0, PUBLIC_MAP_LIMIT).map((r) => ({ id: r.id, ...pointOf(r), open: r.state !== 'closed', categoryName: deps.categories.get(r.categoryCode)?.name ?? '其他问题' }));
  return { points, truncated: rows.length > PUBLIC_MAP_LIMIT };
}

export async function publicCase(deps: PublicDeps, id: string, photoUrl: (id: string, v: 'full' | 'thumb') => string): Promise<PublicCaseDto> {
  const d = await reads(deps).one(id);
  if (!d) throw new AppError('not_found', '案件不存在或尚未公开');
  return {
    ...summary(deps, d.row, photoUrl),
    description: d.row.description,
    timeline: timeline(d),
    replies: d.replies.map((r) => ({ body: r.body, at: formatBeijing(r.at) })),
    photos: d.photos.map((p) => ({ kind: p.kind, url: photoUrl(p.id, 'full'), thumbUrl: photoUrl(p.id, 'thumb') })),
    supporters: d.supporters,
  };
}

/**
 * POST /api/v1/cases/:id/photos/:photoId/publish: a district (or city) staff member marks a photo public, or
 * takes it back. Faces and number plates appear in photos, so nothing is public until a person decides.
 * Recorded in the audit log.
 */
export async function publishPhoto(deps: Pick<Deps, 'cases' | 'clock' | 'audit' | 'publicCases'>, user: CurrentUser, caseId: string, photoId: string, published: boolean): Promise<{ photoId: string; published: boolean }> {
  const loaded = await deps.cases.load(caseId, user.id);
  const facts = loaded ? scopeFacts(user, loaded.row, loaded.callerFollows) : null;
  if (!loaded || !facts || !canSee(user.roles, facts)) throw new AppError('case.not_found', '案件不存在');
  if (!grantFor(user.roles, 'photo.publish', facts)) throw new AppError('auth.forbidden', '只有区级平台工作人员可以公开照片');
  const now = deps.clock.now();
  if (!(await reads(deps).setPhotoPublished(caseId, photoId, published ? now : null))) throw new AppError('not_found', '照片不存在');
  await deps.audit.record({
    at: now, actorId: user.id, actorRole: user.roles.find((r) => r === 'district' || r === 'city') ?? 'district', action: published ? 'photo.publish' : 'photo.unpublish', entityType: 'case', entityId: caseId,
    orgNodeCode: loaded.row.districtCode, before: { photoId, published: !published }, after: { photoId, published }, note: null,
  });
  return { photoId, published };
}
