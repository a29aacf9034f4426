import type { PointsKind } from '@finecity/types';

/** config/rules.json `points`. */
export interface PointsRules {
  registered: number;
  firstFinder: number;
  monthlyListSize: number;
}

/**
 * The points projection inside a case decision's transaction: rebuilds one case's credit from its events, so
 * the incremental rows are by construction what a full rebuild gives.
 */
export interface PointsLedger {
  refreshCase(caseId: string, rules: PointsRules): Promise<void>;
}

export interface PointsEntryRow {
  caseId: string;
  caseNo: string;
  categoryCode: string;
  kind: PointsKind;
  points: number;
  earnedAt: Date;
}

export interface MonthlyRow {
  districtCode: string;
  userId: string;
  name: string;
  points: number;
  /** When the resident reached that total (the tie rule: earlier first). */
  lastEarnedAt: Date;
}

/** Reads and the full rebuild of residents' points (issue 13, item 7). */
export interface PointsStore {
  entriesOf(userId: string): Promise<PointsEntryRow[]>;
  listed(userId: string): Promise<boolean>;
  setListed(userId: string, listed: boolean): Promise<void>;
  /**
   * The best `perDistrict` listed residents of each district by points earned in [from, to), best first (ties:
   * earlier last credit, then id).
   */
  monthly(from: Date, to: Date, districtCode: string | null, perDistrict: number): Promise<MonthlyRow[]>;
  /** Every resident's total, from the projection as it stands. */
  totals(): Promise<Map<string, number>>;
  /** Throws the projection away and rebuilds it from the case events, in one transaction; answers the rows written. */
  rebuild(rules: PointsRules): Promise<number>;
}
