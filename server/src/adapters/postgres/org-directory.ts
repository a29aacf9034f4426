import type { OrgLevel } from '@finecity/types';
import type { OrgDirectory, OrgNode } from '../../usecases/repositories.js';
import type { DbOrTx } from './database.js';
import { orgNodes } from './schema.js';

/**
 * The org tree in memory (5 levels, ~2 000 nodes): read once at start, refreshed by the admin actions that
 * change it. Every lookup by code or parent is a map access, not a query.
 */
export async function pgOrgDirectory(db: DbOrTx): Promise<OrgDirectory> {
  let byCode = new Map<string, OrgNode>();
  let byParent = new Map<string, OrgNode[]>();
  let list: OrgNode[] = [];
  async function refresh(): Promise<void> {
    const rows = await db.select({ code: orgNodes.code, parentCode: orgNodes.parentCode, level: orgNodes.level, name: orgNodes.name, path: orgNodes.path, gridType: orgNodes.gridType, unitType: orgNodes.unitType }).from(orgNodes);
    const nodes = rows.map((r) => ({ ...r, level: r.level as OrgLevel }));
    const parents = new Map<string, OrgNode[]>();
    for (const n of nodes) if (n.parentCode) parents.set(n.parentCode, [...(parents.get(n.parentCode) ?? []), n]);
    for (const kids of parents.values()) kids.sort((a, b) => a.code.localeCompare(b.code));
    byCode = new Map(nodes.map((n) => [n.code, n]));
    byParent = parents;
    list = nodes;
  }
  await refresh();
  return {
    get: (code) => byCode.get(code),
    children: (code) => byParent.get(code) ?? [],
    all: () => list,
    refresh,
  };
}
