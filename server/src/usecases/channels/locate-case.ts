import type { CoordSystem, Role } from '@finecity/types';
import { toWgs84 } from '../../domain/coords.js';
import { AppError } from '../../domain/errors.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { UnlocatedCase } from './intake-ports.js';

/**
 * The 待定位 queue (issue 11): channel tickets whose place could not be found wait at the city node until a
 * dispatcher pins them on the console's map. The place of such a ticket is unknown, so the city and every
 * district dispatcher see the whole queue; a district pins only inside its own district.
 */
const QUEUE_ROLES: readonly Role[] = ['city', 'district'];

function dispatcherOf(deps: Deps, user: CurrentUser): { role: Role; orgPath: string; cityPath: string } {
  const role = user.roles.find((r) => QUEUE_ROLES.includes(r));
  const city = deps.org.all().find((n) => n.level === 'city');
  if (!role || !user.orgPath || !city) throw new AppError('auth.forbidden', '只有市、区指挥中心调度员可以处理待定位案件');
  return { role, orgPath: user.orgPath, cityPath: city.path };
}

export async function listUnlocated(deps: Deps, user: CurrentUser, page: { page: number; pageSize: number }): Promise<{ rows: UnlocatedCase[]; total: number }> {
  const d = dispatcherOf(deps, user);
  return deps.channelIntake.unlocated(d.cityPath, { limit: page.pageSize, offset: (page.page - 1) * page.pageSize });
}

export interface PinInput {
  lat: number;
  lng: number;
  coordSystem?: CoordSystem;
  note?: string;
}

/**
 * Pins a 待定位 case: the point (converted to WGS-84) is located in a grid as a report's is; the case takes
 * that place, leaves the queue, and its timeline records who pinned it where (event 'locate').
 */
export async function pinCase(deps: Deps, user: CurrentUser, caseId: string, input: PinInput): Promise<void> {
  const d = dispatcherOf(deps, user);
  const loaded = await deps.cases.load(caseId, user.id);
  if (!loaded || !loaded.row.locationPath.startsWith(d.cityPath)) throw new AppError('case.not_found', '案件不存在');
  if (!loaded.row.locationPending) throw new AppError('case.location_not_pending', '该案件已有位置，不在待定位队列中');
  const p = toWgs84({ lat: input.lat, lng: input.lng }, input.coordSystem ?? 'wgs84');
  const where = deps.locator.locate(p.lat, p.lng);
  const node = where ? deps.org.get(where.gridCode ?? where.districtCode) : undefined;
  if (!where || !node) throw new AppError('location.outside_service_area', '该位置不在大连市服务范围内', { lat: p.lat, lng: p.lng });
  if (d.role !== 'city' && !node.path.startsWith(d.orgPath)) throw new AppError('auth.forbidden', '只能定位到本区范围内，请交市指挥中心处理');
  const ok = await deps.channelIntake.pin(
    caseId, loaded.row.version,
    { lat: p.lat, lng: p.lng, gridCode: where.gridCode, communityCode: where.communityCode, streetCode: where.streetCode, districtCode: where.districtCode, locationPath: node.path },
    { actorId: user.id, actorRole: d.role, note: input.note ?? null, data: { lat: p.lat, lng: p.lng, gridCode: where.gridCode, districtCode: where.districtCode } },
    deps.clock.now(),
  );
  if (!ok) throw new AppError('case.version_conflict', '案件已被他人更新，请刷新后重试');
}
