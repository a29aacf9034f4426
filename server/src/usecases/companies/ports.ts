import type { CompanyDto, CompanyInput } from '@finecity/types';

/**
 * Third-party inspection companies (issue 11, item 4; 大政办发〔2018〕125号: 日巡查、周反馈、月评估): the
 * contract, its grids, the people attached, 日巡查 check-ins, and the reads that coverage, 周反馈 and 漏查
 * need. Implemented in adapters/postgres/company-repository.ts.
 */
export type CompanyRecord = Omit<CompanyDto, 'active'>;

/** What a request of a company's inspector carries (CurrentUser.company): scope facts read it. */
export interface CompanyScope {
  id: string;
  name: string;
  gridCodes: ReadonlySet<string>;
  mayVerify: boolean;
  /** The contract is in force today (Beijing date inside the period). */
  active: boolean;
}

export interface NewCheckin {
  userId: string;
  companyId: string | null;
  gridCode: string;
  day: string;
  at: Date;
  lat: number;
  lng: number;
}

export interface GridDayVisit {
  gridCode: string;
  day: string;
  checkins: number;
}

export interface GridFinds {
  gridCode: string | null;
  /** Finds reported in the window. */
  finds: number;
  /** Of the company's finds (any date), those rejected (不予立案) in the window. */
  rejected: number;
}

export interface MissedRow {
  caseId: string;
  caseNo: string;
  categoryCode: string;
  gridCode: string;
  createdAt: Date;
  source: string;
}

export interface RejectedFind {
  caseNo: string;
  gridCode: string | null;
  categoryCode: string;
  note: string | null;
  at: Date;
}

export interface CompanyStore {
  /** Creates or replaces a company and its grid list; true when it was new. */
  save(input: Required<CompanyInput>, now: Date): Promise<boolean>;
  list(): Promise<CompanyRecord[]>;
  get(id: string): Promise<CompanyRecord | null>;
  /** The contract for a request, cached briefly in this process (cleared by `save`). */
  contract(id: string): Promise<CompanyRecord | null>;
  /** Attaches a staff member to a company (null detaches); false when no such user. */
  assignUser(userId: string, companyId: string | null): Promise<boolean>;
  checkIn(c: NewCheckin): Promise<{ id: string }>;
  /** Check-ins per grid and Beijing day of the company, days in [fromDay, toDay]. */
  visits(companyId: string, fromDay: string, toDay: string): Promise<GridDayVisit[]>;
  /** The company's finds per grid over [start, end), and its finds rejected in it. */
  findsByGrid(companyId: string, start: Date, end: Date): Promise<GridFinds[]>;
  rejectedFinds(companyId: string, start: Date, end: Date): Promise<RejectedFind[]>;
  /** 漏查 over [start, end) by the rule of the README (window in hours). */
  missed(companyId: string, start: Date, end: Date, windowHours: number): Promise<MissedRow[]>;
}
