// Third-party inspection companies (issue 11, item 4): contracts, 日巡查 check-ins, coverage, 漏查.

import { COMPANY_ID } from './channels.js';

/** A company id (the `tp-<id>` channel's id): types/src/channels.ts COMPANY_ID. */
export const COMPANY_ID_PATTERN = COMPANY_ID;

export interface CompanyDto {
  id: string;
  name: string;
  /** Contract period, Beijing dates, both inclusive. */
  contractStart: string;
  contractEnd: string;
  /** The contract lets the company verify fixes (第三方核查). */
  mayVerify: boolean;
  /** Daily patrol hours, Beijing time HH:MM. */
  patrolFrom: string;
  patrolTo: string;
  gridCodes: string[];
  /** Staff attached to the company. */
  inspectors: number;
  /** The contract is in force today. */
  active: boolean;
}

export interface CompanyInput {
  id: string;
  name: string;
  contractStart: string;
  contractEnd: string;
  mayVerify?: boolean;
  patrolFrom?: string;
  patrolTo?: string;
  gridCodes: string[];
}

export interface PatrolCheckinDto {
  id: string;
  gridCode: string;
  gridName: string;
  day: string;
  at: string;
  companyId: string | null;
}

export interface CoverageGridDto {
  gridCode: string;
  gridName: string;
  visited: boolean;
  /** Check-ins in the grid that day. */
  checkins: number;
  /** The company's finds (发现) in the grid that day. */
  finds: number;
}

export interface CoverageDto {
  companyId: string;
  day: string;
  /** False outside the contract period: no grid is due that day. */
  inContract: boolean;
  grids: CoverageGridDto[];
  visited: number;
  contracted: number;
}

/** 漏查: a problem others reported in a contracted grid inside patrol hours that the company had not reported. */
export interface MissedCaseDto {
  caseId: string;
  caseNo: string;
  categoryCode: string;
  categoryName: string;
  gridCode: string;
  gridName: string;
  reportedAt: string;
  source: string;
  /** The source as people read it (执法巡查, 市民上报, 12345 …). */
  sourceLabel: string;
}

export interface CompanyMissedDto {
  month: string;
  companies: { companyId: string; name: string; missed: number; cases: MissedCaseDto[] }[];
}

/** 月评估 figures of one company and month (the scorecard engine's company level). */
export interface CompanyMonthDto {
  companyId: string;
  name: string;
  month: string;
  label: string;
  finds: number;
  confirmed: number;
  validRate: number | null;
  closed: number;
  coverageRate: number | null;
  missed: number;
  missRate: number | null;
  score: number | null;
  rank: number | null;
  /** Per contracted grid: days visited in the month (within the contract) and finds. */
  grids: { gridCode: string; gridName: string; daysVisited: number; daysDue: number; finds: number }[];
  missedCases: MissedCaseDto[];
  published: boolean;
}
