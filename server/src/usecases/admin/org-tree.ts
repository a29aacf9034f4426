import type { OrgLevel, OrgTreeNodeDto, OrgTreeQuery } from '@finecity/types';
import type { CurrentUser, Deps } from '../deps.js';
import type { OrgNode } from '../repositories.js';
import { requireAdmin, requireAdminOver } from './admin-scope.js';

const AREA: ReadonlySet<OrgLevel> = new Set(['city', 'district', 'street', 'community', 'grid']);
export const ORG_TREE_MAX_DEPTH = 4;

/**
 * The admin's org tree for the grid page (issue 9, item 5): a unit of the admin's subtree and its area
 * units down to `depth` levels (departments and squads left out), grids with their geometry.
 */
export async function orgTree(deps: Pick<Deps, 'org' | 'orgGeo'>, user: CurrentUser, q: OrgTreeQuery): Promise<OrgTreeNodeDto> {
  const rootCode = q.root ?? requireAdmin(user).orgNodeCode;
  requireAdminOver(user, deps.org, rootCode);
  const root = deps.org.get(rootCode)!;
  const depth = Math.min(Math.max(q.depth ?? 1, 0), ORG_TREE_MAX_DEPTH);
  const kids = (n: OrgNode) => deps.org.children(n.code).filter((c) => AREA.has(c.level));
  const wantsGrids = (n: OrgNode, left: number): boolean => n.level === 'grid' || (left > 0 && kids(n).some((c) => wantsGrids(c, left - 1)));
  const shapes = wantsGrids(root, depth) ? await deps.orgGeo.store.shapes({ levels: ['grid'], underPath: root.path }) : [];
  const geometry = new Map(shapes.map((s) => [s.code, s.polygon?.length ? { type: 'Polygon' as const, coordinates: [s.polygon] } : s.boundary ? { type: 'MultiPolygon' as const, coordinates: s.boundary } : null]));
  const build = (n: OrgNode, left: number): OrgTreeNodeDto => {
    const below = kids(n);
    return {
      code: n.code, name: n.name, level: n.level, parentCode: n.parentCode, gridType: n.gridType ?? null,
      ...(n.level === 'grid' ? { geometry: geometry.get(n.code) ?? null } : {}),
      hasChildren: below.length > 0,
      ...(left > 0 && below.length ? { children: below.map((c) => build(c, left - 1)) } : {}),
    };
  };
  return build(root, depth);
}
