import type { AssessmentLevel, AssessmentPeriod, ScorecardRowDto } from '@finecity/types';
import type { RawCounts } from '../../domain/assessment/indicators.js';

/**
 * What the counts depend on besides the period: the roster's response minutes and the satisfaction threshold.
 * (Squads' on-time figures use the deadlines stored on the case at dispatch, so no minutes are needed here.)
 */
export interface CountingRules {
  satisfiedAtLeast: number;
  responseMinutes: { A: number; B: number };
  /** 漏查 window of the companies' 月评估 (issue 11), hours. */
  companyMissWindowHours?: number;
}

/** One unit's raw counts. `unitCode` is an org node code, or for inspectors `<gridCode>:<A|B>` (the post). */
export interface UnitCounts {
  unitCode: string;
  counts: RawCounts;
}

/**
 * The indicator engine's reads (issue 10): raw counts per unit of a level, over [start, end) in one grouped
 * statement over cases and the event log, for the units inside the subtree whose path starts with `rootPath`.
 * Units with no activity may be missing from the answer; the use case fills them with zero counts.
 */
export interface AssessmentQueries {
  /**
   * The counts. Region levels over whole Beijing days read the day rollup for the days it holds (and counts
   * the others live); every other level and window is counted directly. Equal to `directRawCounts`.
   */
  rawCounts(level: AssessmentLevel, q: { rootPath: string; start: Date; end: Date }, rules: CountingRules): Promise<UnitCounts[]>;
  /** The same counts from cases and events alone, never from the rollup: the reference. */
  directRawCounts(level: AssessmentLevel, q: { rootPath: string; start: Date; end: Date }, rules: CountingRules): Promise<UnitCounts[]>;
  /**
   * (Re)computes the day rollup of the Beijing days [from, to) (YYYY-MM-DD), replacing what it held; days
   * whose events may not all be in yet at `now` are left out. Returns how many days it wrote.
   */
  rollUpDays(from: string, to: string, rules: CountingRules, now: Date): Promise<number>;
  /** The days of [from, to) the rollup lacks, holds under other rules, or holds stale. */
  daysToRollUp(from: string, to: string, rules: CountingRules): Promise<string[]>;
}

/** One published version of a period: every level's rows, as they were when published. */
export interface PublishedSnapshot {
  period: AssessmentPeriod;
  at: string;
  version: number;
  formulaVersion: string;
  publishedAt: Date;
  publishedBy: string | null;
  reason: string | null;
  rows: Partial<Record<AssessmentLevel, ScorecardRowDto[]>>;
}

/** Published snapshots: append-only; a correction is version n+1. */
export interface SnapshotStore {
  /** The latest version, or the one asked for; null when the period was never published. */
  find(period: AssessmentPeriod, at: string, version?: number): Promise<PublishedSnapshot | null>;
  /** Every version of a period, oldest first, without rows. */
  versions(period: AssessmentPeriod, at: string): Promise<Omit<PublishedSnapshot, 'rows'>[]>;
  /** Writes the next version; refuses (returns null) when `expectVersion` is no longer the latest. */
  append(s: Omit<PublishedSnapshot, 'version'>, expectVersion: number): Promise<PublishedSnapshot | null>;
}
