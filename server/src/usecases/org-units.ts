import { asc, eq, sql } from 'drizzle-orm';
import type { OrgLevel, OrgUnitDto } from '@finecity/types';
import { orgNodes } from '../adapters/postgres/schema.js';
import { AppError } from '../domain/errors.js';
import type { CurrentUser, Deps } from './deps.js';

export interface OrgNodeRef {
  code: string;
  name: string;
  level: OrgLevel;
  path: string;
}

/**
 * An org node the caller may look into: their own node or one below it. Anything else does not exist
 * for them (404), so the tree outside their area does not leak.
 */
export async function nodeInScope(deps: Deps, user: CurrentUser, code: string | undefined): Promise<OrgNodeRef> {
  if (!user.orgPath || !user.orgNodeCode) throw new AppError('auth.forbidden', '仅工作人员可以查看单位');
  const wanted = code ?? user.orgNodeCode;
  const node = (await deps.db.select({ code: orgNodes.code, name: orgNodes.name, level: orgNodes.level, path: orgNodes.path }).from(orgNodes).where(eq(orgNodes.code, wanted)))[0];
  if (!node || !node.path.startsWith(user.orgPath)) throw new AppError('org.not_found', '单位不存在或不在本辖区', { orgNodeCode: wanted });
  return { ...node, level: node.level as OrgLevel };
}

const LEVEL_ORDER = sql`case ${orgNodes.level} when 'district' then 1 when 'street' then 2 when 'community' then 3 when 'grid' then 4 else 5 end`;

/**
 * The units directly below a node of the caller's subtree: what a dispatcher drills through to pick
 * a dispatch target (streets → communities → grids, and departments where the node has them).
 */
export async function childUnits(deps: Deps, user: CurrentUser, parentCode?: string): Promise<OrgUnitDto[]> {
  const parent = await nodeInScope(deps, user, parentCode);
  const rows = await deps.db
    .select({
      code: orgNodes.code,
      name: orgNodes.name,
      level: orgNodes.level,
      parentCode: orgNodes.parentCode,
      // Spelled out: inside a single-table select drizzle leaves columns unqualified, which the subquery would capture.
      hasChildren: sql<boolean>`exists (select 1 from org_nodes as c where c.parent_code = org_nodes.code)`,
    })
    .from(orgNodes)
    .where(eq(orgNodes.parentCode, parent.code))
    .orderBy(LEVEL_ORDER, asc(orgNodes.code));
  return rows.map((r) => ({ ...r, level: r.level as OrgLevel, hasChildren: Boolean(r.hasChildren) }));
}
