import { OPEN_STATES, type FollowDto, type NearbyCaseDto, type NearbyDto, type NearbyQuery } from '@finecity/types';
import { distanceM, searchBox, windowStart } from '../../domain/duplicates.js';
import { AppError } from '../../domain/errors.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { NearbyStore } from './nearby-ports.js';

/** A busy corner lists at most this many (nearest first): the resident needs to recognise theirs, not browse. */
const NEARBY_LIMIT = 20;

export type NearbyDeps = Pick<Deps, 'clock' | 'policy' | 'locator' | 'categories' | 'nearby'>;

function store(deps: Pick<Deps, 'nearby'>): NearbyStore {
  if (!deps.nearby) throw new AppError('service.unavailable', '附近案件暂不可用');
  return deps.nearby;
}

/**
 * "Someone already reported this" (issue 13, item 2): open cases of the category within the duplicate rule's
 * distance and window (config/rules.json duplicates), nearest first, as the public may see them. A point
 * outside the service area is refused with the report form's own message.
 */
export async function nearbyCases(deps: NearbyDeps, user: CurrentUser, q: NearbyQuery, photoUrl: (id: string) => string): Promise<NearbyDto> {
  if (!deps.locator.locate(q.lat, q.lng)) throw new AppError('location.outside_service_area', '该位置不在大连市服务范围内', { lat: q.lat, lng: q.lng });
  if (!deps.categories.get(q.categoryCode)) throw new AppError('category.unknown', '问题类别不存在', { fields: [{ field: 'categoryCode', message: '问题类别不存在' }] });
  const rules = deps.policy.rules.duplicates;
  const now = deps.clock.now();
  const rows = await store(deps).openInBox({
    categoryCode: q.categoryCode, since: windowStart(now, rules), box: searchBox(q, rules.distanceM), callerId: user.id, limit: 200,
  });
  const items: NearbyCaseDto[] = rows
    .map((r) => ({ r, d: distanceM(q, r) }))
    .filter(({ r, d }) => d <= rules.distanceM && OPEN_STATES.includes(r.state))
    .sort((a, b) => a.d - b.d)
    .slice(0, NEARBY_LIMIT)
    .map(({ r, d }) => ({
      id: r.id,
      category: { code: r.categoryCode, name: deps.categories.get(r.categoryCode)?.name ?? '其他问题' },
      distanceM: Math.round(d),
      // For the pin picker's markers: about 10 m, as the public map rounds.
      point: { lat: Math.round(r.lat * 1e4) / 1e4, lng: Math.round(r.lng * 1e4) / 1e4 },
      state: r.state,
      thumbUrl: r.publishedPhotoId ? photoUrl(r.publishedPhotoId) : null,
      supporters: r.supporters,
      following: r.callerFollows || r.reporterId === user.id,
    }));
  return { items, distanceM: rules.distanceM, windowHours: rules.windowHours };
}

/**
 * 我也遇到: the resident follows the case (its notifications reach them, as they reach a merged duplicate's
 * reporter) and counts as one more supporter. Idempotent; the first reporter keeps the first-finder credit
 * (nothing about the case's reporter changes). Only open cases can be followed.
 */
export async function followCase(deps: Pick<Deps, 'clock' | 'nearby'>, user: CurrentUser, caseId: string): Promise<FollowDto> {
  const s = store(deps);
  const target = await s.followTarget(caseId);
  if (!target) throw new AppError('case.not_found', '案件不存在');
  if (target.mergedIntoId) throw new AppError('case.not_followable', '该案件已并入另一案件，请关注合并后的案件');
  if (!OPEN_STATES.includes(target.state)) throw new AppError('case.not_followable', '该案件已办结或不予受理，无需再关注');
  const { supporters } = await s.follow(caseId, user.id, deps.clock.now());
  return { caseId, following: true, supporters };
}
