import { and, inArray, like, ne, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { OPEN_STATES } from '@finecity/types';
import type { StatsQueries, StatsScope } from '../../usecases/account-repositories.js';
import type { DbOrTx } from './database.js';
import { cases } from './schema.js';

/** The case column naming the unit of each level a scope is grouped by. */
const UNIT_COLUMN: Record<NonNullable<StatsScope['groupBy']>, AnyPgColumn> = {
  district: cases.districtCode,
  street: cases.streetCode,
  community: cases.communityCode,
  grid: cases.gridCode,
};

/** The dashboard's figures, counted in one grouped statement so no case list leaves the database. */
export function pgStatsQueries(db: DbOrTx): StatsQueries {
  return {
    async caseCounts(scope, { from, today, now }) {
      const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
      const count = (cond: SQL) => sql<number>`count(*) filter (where ${cond})::int`;
      const closedSince = (d: Date) => sql`${cases.state} = 'closed' and ${cases.closedAt} >= ${ts(d)}`;
      const open = inArray(cases.state, [...OPEN_STATES]);
      const unitCol = scope.groupBy ? UNIT_COLUMN[scope.groupBy] : null;
      const earliest = from < today ? from : today;
      const inScope = scope.by === 'holder' ? like(cases.responsiblePath, `${scope.path}%`) : like(cases.locationPath, `${scope.path}%`);
      return db
        .select({
          unit: unitCol ? sql<string | null>`${unitCol}` : sql<string | null>`null`,
          reported: count(sql`${cases.createdAt} >= ${ts(from)}`),
          closed: count(closedSince(from)),
          closedOnTime: count(sql`${closedSince(from)} and ${cases.closedAt} <= coalesce(${cases.dueAt}, ${cases.closedAt})`),
          open: count(open),
          overdue: count(and(open, ne(cases.state, 'suspended'), sql`${cases.dueAt} < ${ts(now)}`)!),
          todayReported: count(sql`${cases.createdAt} >= ${ts(today)}`),
          todayClosed: count(closedSince(today)),
        })
        .from(cases)
        .where(and(inScope, or(open, sql`${cases.createdAt} >= ${ts(earliest)}`, sql`${cases.closedAt} >= ${ts(earliest)}`)))
        .groupBy(unitCol ?? sql`1`);
    },
  };
}
