import type { MapGeometryDto } from '@finecity/types';
import type { StatsScope } from '../account-repositories.js';
import type { OrgNode } from '../repositories.js';

/** One Beijing calendar day's counts (`day` as counted by beijingDayIndex: days since 1970-01-01). */
export interface DayCounts {
  day: number;
  reported: number;
  closed: number;
}

/** The trend's reads: cases reported and closed per Beijing day in [start, end), in one grouped statement. */
export interface TrendQueries {
  dailyCounts(scope: Pick<StatsScope, 'path' | 'by'>, range: { start: Date; end: Date }): Promise<DayCounts[]>;
}

/**
 * The outlines of area units as the leader's map draws them: a unit's own stored shape, else the union of
 * the grids below it; simplified for phones. Units with neither are absent from the answer.
 */
export interface MapShapes {
  outlines(units: readonly OrgNode[]): Promise<Map<string, MapGeometryDto>>;
}

/** The leaders' charts and map (issue 10, item 7). */
export interface LeaderViews {
  trend: TrendQueries;
  shapes: MapShapes;
}
