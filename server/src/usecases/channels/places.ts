import type { Role } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { PlaceRow } from './call-centre-ports.js';

/** Who picks places: the call centre (a caller names a community, not an address) and the platforms that pin 待定位 cases. */
const PICKERS: Role[] = ['hotline', 'city', 'district', 'street', 'admin'];

export interface PlaceOption extends PlaceRow {
  hasChildren: boolean;
}

/**
 * The city's areas below `parent` (default: the city), with a point each for the map, so that a place named
 * on the phone (区 → 街道 → 社区 → 网格) becomes coordinates. Place names are public; the list is the whole
 * city's, whatever the caller's own unit.
 */
export async function placesBelow(deps: Deps, user: CurrentUser, parent?: string): Promise<PlaceOption[]> {
  if (!user.roles.some((r) => PICKERS.includes(r))) throw new AppError('auth.forbidden', '无权使用地点选择');
  const code = parent ?? deps.org.all().find((n) => n.level === 'city')?.code;
  if (!code || !deps.org.get(code)) throw new AppError('org.not_found', '没有这个地点');
  const rows = await deps.callCentre.reads.placesBelow(code);
  return rows.map((r) => ({ ...r, hasChildren: deps.org.children(r.code).some((c) => c.level !== 'department') }));
}
