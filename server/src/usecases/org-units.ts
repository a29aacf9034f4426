import { UNIT_TYPE_LABELS, UNIT_TYPES, type OrgLevel, type OrgUnitDto, type UnitType } from '@finecity/types';
import { AppError } from '../domain/errors.js';
import type { CurrentUser, Deps } from './deps.js';
import type { OrgNode } from './repositories.js';

/**
 * An org node the caller may look into: their own node or one below it. Anything else does not exist
 * for them (404), so the tree outside their area does not leak. Read from the in-memory tree.
 */
export function nodeInScope(deps: Pick<Deps, 'org'>, user: CurrentUser, code: string | undefined): OrgNode {
  if (!user.orgPath || !user.orgNodeCode) throw new AppError('auth.forbidden', '仅工作人员可以查看单位');
  const wanted = code ?? user.orgNodeCode;
  const node = deps.org.get(wanted);
  if (!node || !node.path.startsWith(user.orgPath)) throw new AppError('org.not_found', '单位不存在或不在本辖区', { orgNodeCode: wanted });
  return node;
}

/** Areas from the top down, then the handling units (departments, squads). */
const LEVEL_ORDER: Record<OrgLevel, number> = { city: 0, district: 1, street: 2, community: 3, grid: 4, department: 5 };
const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The units directly below a node of the caller's subtree: what a dispatcher drills through to pick
 * a dispatch target (streets → communities → grids, and departments where the node has them).
 */
export function childUnits(deps: Pick<Deps, 'org'>, user: CurrentUser, parentCode?: string, q?: string): OrgUnitDto[] {
  const parent = nodeInScope(deps, user, parentCode);
  // A type-ahead (?q=): any unit below the node whose name holds the words or whose code starts with them.
  const words = q?.trim();
  const found = words
    ? deps.org.all().filter((n) => n.code !== parent.code && n.path.startsWith(parent.path) && (n.name.includes(words) || n.code.startsWith(words)))
    : deps.org.children(parent.code);
  return [...found]
    .sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || byCode(a.code, b.code))
    .slice(0, words ? UNIT_SEARCH_MAX : undefined)
    .map((c) => ({
      code: c.code, name: c.name, level: c.level, parentCode: c.parentCode, hasChildren: deps.org.children(c.code).length > 0, ...unitTypeOf(c),
      // Grids name their type (居民区, 商业区（公共区）, 海边, 工地): it decides who inspects them and may carry its own limits.
      ...(c.level === 'grid' ? { gridType: c.gridType ?? null } : {}),
    }));
}

/** A type-ahead answers with this many units at most, the higher levels first. */
const UNIT_SEARCH_MAX = 30;

/** A handling unit's type and its name for people (职能部门, 抢修小分队, 便民小分队); null for areas. */
function unitTypeOf(n: OrgNode): Pick<OrgUnitDto, 'unitType' | 'unitTypeLabel'> {
  const t = UNIT_TYPES.find((u) => u === n.unitType) as UnitType | undefined;
  return t ? { unitType: t, unitTypeLabel: UNIT_TYPE_LABELS[t] } : { unitType: null, unitTypeLabel: null };
}
