import { and, inArray, like, sql, type SQL } from 'drizzle-orm';
import type { OrgLevel } from '@finecity/types';
import type { GeoNodeRow, OrgGridStore } from '../../usecases/admin/org-import.js';
import { rowsOf } from './case-repository.js';
import type { DbOrTx } from './database.js';
import { orgNodes } from './schema.js';

/** Grid shapes and their upsert (issue 9, grid import). Grids are never deleted: cases.grid_code refers to them. */
export function pgOrgGridStore(db: DbOrTx): OrgGridStore {
  return {
    async lock() {
      // A transaction-level advisory lock (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS).
      await db.execute(sql`select pg_advisory_xact_lock(hashtext('finecity.org_import'))`);
    },

    async shapes(filter) {
      const where: SQL[] = [];
      if (filter.codes) {
        if (filter.codes.length === 0) return [];
        where.push(inArray(orgNodes.code, filter.codes));
      }
      if (filter.levels) where.push(inArray(orgNodes.level, filter.levels));
      if (filter.underPath) where.push(like(orgNodes.path, `${filter.underPath}%`));
      const rows = await db
        .select({
          code: orgNodes.code, parentCode: orgNodes.parentCode, level: orgNodes.level, name: orgNodes.name, path: orgNodes.path,
          gridType: orgNodes.gridType, polygon: orgNodes.polygon, boundary: orgNodes.boundary,
        })
        .from(orgNodes)
        .where(where.length ? and(...where) : undefined)
        .orderBy(orgNodes.code);
      return rows.map((r): GeoNodeRow => ({ ...r, level: r.level as OrgLevel }));
    },

    async upsertGrids(rows) {
      for (let i = 0; i < rows.length; i += 200) {
        const values = rows.slice(i, i + 200).map((r) => ({
          code: r.code, parentCode: r.parentCode, level: 'grid', name: r.name, path: r.path, gridType: r.gridType,
          polygon: r.polygon, boundary: r.boundary, centroidLat: r.centroid.lat, centroidLng: r.centroid.lng,
        }));
        await db
          .insert(orgNodes)
          .values(values)
          .onConflictDoUpdate({
            target: orgNodes.code,
            set: {
              name: sql`excluded.name`, gridType: sql`excluded.grid_type`, polygon: sql`excluded.polygon`, boundary: sql`excluded.boundary`,
              centroidLat: sql`excluded.centroid_lat`, centroidLng: sql`excluded.centroid_lng`,
            },
          });
      }
      // The tree's version, in the same transaction: other processes poll it and reload (orgTreeVersion).
      if (rows.length) await db.execute(sql`
        insert into app_meta (key, value) values (${ORG_VERSION_KEY}, '1'::jsonb)
        on conflict (key) do update set value = to_jsonb((app_meta.value #>> '{}')::int + 1)`);
    },
  };
}

const ORG_VERSION_KEY = 'org_tree_version';

/** The stored tree's version: 0 until a grid import changes it, then one more per applied import. */
export async function orgTreeVersion(db: DbOrTx): Promise<number> {
  const res = await db.execute(sql`select (value #>> '{}')::int as v from app_meta where key = ${ORG_VERSION_KEY}`);
  const row = rowsOf<{ v: number }>(res)[0];
  return row ? Number(row.v) : 0;
}
