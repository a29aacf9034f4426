import { sql } from 'drizzle-orm';
import type { GridPatrol, PatrolFigures } from '../../usecases/assessment/report-ports.js';
import { rowsOf } from './case-repository.js';
import type { DbOrTx } from './database.js';

/**
 * 周巡查 per grid in one statement: problems found (cases located in the grid, reported in the week), the
 * inspectors' patrol reports among them, and signs with a check-in by an inspector (the event's data carries
 * `checkIn` when the sign sent a location; domain/case-machine.ts).
 */
export function pgPatrolFigures(db: DbOrTx): PatrolFigures {
  return {
    async byGrid({ rootPath, start, end }) {
      const res = await db.execute(sql`
        select g.code as "gridCode",
          (select count(*)::int from cases c where c.grid_code = g.code and c.created_at >= ${start} and c.created_at < ${end}) as "found",
          (select count(*)::int from cases c where c.grid_code = g.code and c.source = 'patrol' and c.created_at >= ${start} and c.created_at < ${end}) as "patrolReports",
          (select count(*)::int from case_events e join cases c on c.id = e.case_id
            where c.grid_code = g.code and e.action = 'sign' and e.actor_role = 'inspector' and (e.data -> 'checkIn') is not null
              and e.at >= ${start} and e.at < ${end}) as "checkIns"
        from org_nodes g
        where g.level = 'grid' and g.path like ${`${rootPath}%`}
        order by g.code`);
      return rowsOf<GridPatrol>(res).map((r) => ({ gridCode: r.gridCode, found: Number(r.found), patrolReports: Number(r.patrolReports), checkIns: Number(r.checkIns) }));
    },
  };
}
