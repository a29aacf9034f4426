/**
 * What the scheduled reports read besides the scorecards (issue 10, item 3): the week's patrol per grid, for
 * 周巡查. The PostgreSQL implementation is adapters/postgres/patrol-repository.ts.
 */
export interface GridPatrol {
  gridCode: string;
  /** Cases located in the grid that were reported in the period (problems found), from any channel. */
  found: number;
  /** Of those, the inspectors' own patrol reports (source patrol). */
  patrolReports: number;
  /** Signs for a case of the grid made by an inspector with an on-site check-in (location sent). */
  checkIns: number;
}

export interface PatrolFigures {
  /** Every grid under `rootPath` (with zero figures when nothing happened), over [start, end). */
  byGrid(q: { rootPath: string; start: Date; end: Date }): Promise<GridPatrol[]>;
}
