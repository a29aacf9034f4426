import type { Indicators } from '@finecity/types';

/**
 * What the database counts for one unit and period: numerators and denominators only, so the rates are
 * derived in one place (here) whatever level or store the counts came from. Each field's definition is the
 * README's "Assessment" table; the SQL lives behind the AssessmentQueries port.
 */
export interface RawCounts {
  /** Cases created in the period (上报数). */
  reported: number;
  /** Of those, cases the platform registered (立案) rather than rejected or merged (有效上报数). */
  validReported: number;
  /** register events in the period (立案数). */
  registered: number;
  /**
   * Cases whose Dalian due time falls in the period, plus cases closed in the period whose due time is outside
   * it, later or earlier (应结案数): every closed case is also due, so 结案率 never exceeds 100 %.
   */
  due: number;
  /** Cases closed (verify passed) in the period (结案数). */
  closed: number;
  /** Of closed: closed by the Dalian due time. */
  closedOnTime: number;
  /** Of closed: closed by the national due time. */
  closedOnTimeNational: number;
  /** Cases that went overdue in the period (超期数). */
  overdue: number;
  /** handle events in the period (the base of 返工率). */
  handled: number;
  /** verify events that failed in the period (返工数). */
  rework: number;
  /** dispatch events in the period (the base of 退回率 and 延期率). */
  dispatched: number;
  /** return events in the period (退回数). */
  returned: number;
  /** Approved extensions in the period (延期数). */
  extended: number;
  /** suspend events in the period (挂账数). */
  suspended: number;
  /** Sum and count of closed cases' handling hours (clock start → close) for 平均处置时长. */
  handlingHoursSum: number;
  handlingCount: number;
  /** Dispatches to a grid in the period, and those signed within the post's response minutes (响应率). */
  responseBase: number;
  responded: number;
  /** Cases rated in the period, and those rated ≥ satisfiedAtLeast (满意率). */
  rated: number;
  satisfied: number;
  /** Patrol reports in the period, and those the inspector fixed on the spot: handled by their reporter within the period (自处置率). */
  patrolReports: number;
  selfHandled: number;
  /** Reports by residents (mini-program, official account, Open311) in the period (公众参与数). */
  publicReports: number;
  /** 督办 issued in the period (督办数); of those with an outcome, closed by their due time. */
  supervised: number;
  supervisedDecided: number;
  supervisedOnTime: number;
  /** 问责 records in the period (问责数). */
  accountability: number;
  /** Squad cases: arrivals (on-site sign) and those within the squad's arrival minutes; fixes likewise. */
  arrivals: number;
  arrivalsOnTime: number;
  fixes: number;
  fixesOnTime: number;
  /** Companies (issue 11, 月评估): finds reported in the period (发现量); of those, registered (复核量, 立案); finds closed in the period (办结量). */
  companyFinds: number;
  companyConfirmed: number;
  companyClosed: number;
  /** Contracted grid-days in the period and the contract, and those with a check-in (覆盖率). */
  coverageBase: number;
  coverageVisited: number;
  /** Problems others reported in the contracted grids inside patrol hours that the company had not reported (漏查). */
  missed: number;
}

export const ZERO_COUNTS: Readonly<RawCounts> = Object.freeze({
  reported: 0, validReported: 0, registered: 0, due: 0, closed: 0, closedOnTime: 0, closedOnTimeNational: 0, overdue: 0,
  handled: 0, rework: 0, dispatched: 0, returned: 0, extended: 0, suspended: 0, handlingHoursSum: 0, handlingCount: 0,
  responseBase: 0, responded: 0, rated: 0, satisfied: 0, patrolReports: 0, selfHandled: 0, publicReports: 0,
  supervised: 0, supervisedDecided: 0, supervisedOnTime: 0, accountability: 0, arrivals: 0, arrivalsOnTime: 0, fixes: 0, fixesOnTime: 0,
  companyFinds: 0, companyConfirmed: 0, companyClosed: 0, coverageBase: 0, coverageVisited: 0, missed: 0,
});

/** a / b in %, one decimal; null when b is 0 (no denominator: the indicator does not apply this period). */
export function pct(a: number, b: number): number | null {
  return b > 0 ? Math.round((a / b) * 1000) / 10 : null;
}

/** Adds counts (a community's from its grids, a scorecard's city total). */
export function addCounts(a: RawCounts, b: RawCounts): RawCounts {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof RawCounts)[]) out[k] += b[k];
  return out;
}

/** The published indicators of a unit, from its raw counts. */
export function indicatorsOf(c: RawCounts): Indicators {
  return {
    reported: c.reported,
    validReported: c.validReported,
    registered: c.registered,
    due: c.due,
    closed: c.closed,
    closeRate: pct(c.closed, c.due),
    onTimeRate: pct(c.closedOnTime, c.closed),
    onTimeRateNational: pct(c.closedOnTimeNational, c.closed),
    overdue: c.overdue,
    rework: c.rework,
    reworkRate: pct(c.rework, c.handled),
    returned: c.returned,
    returnRate: pct(c.returned, c.dispatched),
    extended: c.extended,
    extensionRate: pct(c.extended, c.dispatched),
    suspended: c.suspended,
    avgHandlingHours: c.handlingCount > 0 ? Math.round((c.handlingHoursSum / c.handlingCount) * 10) / 10 : null,
    responseRate: pct(c.responded, c.responseBase),
    satisfactionRate: pct(c.satisfied, c.rated),
    selfHandledRate: pct(c.selfHandled, c.patrolReports),
    publicReports: c.publicReports,
    supervised: c.supervised,
    supervisedOnTimeRate: pct(c.supervisedOnTime, c.supervisedDecided),
    accountability: c.accountability,
    arrivalOnTimeRate: pct(c.arrivalsOnTime, c.arrivals),
    fixOnTimeRate: pct(c.fixesOnTime, c.fixes),
    companyFinds: c.companyFinds,
    companyConfirmed: c.companyConfirmed,
    companyValidRate: pct(c.companyConfirmed, c.companyFinds),
    companyClosed: c.companyClosed,
    coverageRate: pct(c.coverageVisited, c.coverageBase),
    missed: c.missed,
    // 漏查率: of the problems known in the company's grids and hours (its finds and what it missed), the share it missed.
    missRate: pct(c.missed, c.companyFinds + c.missed),
  };
}

/** Another level's indicators: the company-only ones do not apply (null). */
export function withoutCompanyIndicators(i: Indicators): Indicators {
  return { ...i, companyFinds: null, companyConfirmed: null, companyValidRate: null, companyClosed: null, coverageRate: null, missed: null, missRate: null };
}
