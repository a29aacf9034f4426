import { sql } from 'drizzle-orm';
import type { TrendQueries } from '../../usecases/assessment/leader-ports.js';
import { rowsOf } from './case-repository.js';
import type { DbOrTx } from './database.js';
import { cases } from './schema.js';

/**
 * Reported and closed cases per Beijing day, in one grouped statement. A Beijing day is counted from the
 * epoch shifted by +8 h (China has kept UTC+8 without daylight saving since 1991), which matches
 * beijingDayIndex in domain/shanghai-time.ts and needs no time-zone data in the database.
 */
export function pgTrendQueries(db: DbOrTx): TrendQueries {
  return {
    async dailyCounts(scope, { start, end }) {
      const from = sql`${start.toISOString()}::timestamptz`;
      const to = sql`${end.toISOString()}::timestamptz`;
      const col = scope.by === 'holder' ? cases.responsiblePath : cases.locationPath;
      const prefix = `${scope.path}%`;
      const day = (t: unknown) => sql`floor((extract(epoch from ${t}) + 28800) / 86400)::int`;
      const result = await db.execute(sql`
        select d as "day", sum(r)::int as "reported", sum(c)::int as "closed" from (
          select ${day(cases.createdAt)} as d, 1 as r, 0 as c from ${cases}
            where ${col} like ${prefix} and ${cases.createdAt} >= ${from} and ${cases.createdAt} < ${to}
          union all
          select ${day(cases.closedAt)} as d, 0 as r, 1 as c from ${cases}
            where ${col} like ${prefix} and ${cases.state} = 'closed' and ${cases.closedAt} >= ${from} and ${cases.closedAt} < ${to}
        ) t group by d order by d`);
      return rowsOf<{ day: number; reported: number; closed: number }>(result).map((r) => ({ day: Number(r.day), reported: Number(r.reported), closed: Number(r.closed) }));
    },
  };
}
