import type { CaseAction, CaseSource, CaseState, ClockLevel, Complexity, OrgLevel, Role } from './case.js';

export interface UserDto {
  id: string;
  name: string;
  roles: Role[];
  orgNodeCode: string | null;
  /** Grid inspectors' A/B post and whether it is on duty today (Asia/Shanghai); null for everyone else. */
  duty?: { slot: 'A' | 'B'; onDuty: boolean } | null;
}

export interface LoginResponse {
  token: string;
  user: UserDto;
}

export interface SandboxAccount {
  code: string;
  openid: string;
  role: Role;
  orgNodeCode: string | null;
  name: string;
  duty?: 'A' | 'B';
  lat?: number;
  lng?: number;
  /** Set when the account's org node has a WeCom group robot (the sandbox inbox groups by it). */
  groupNodeCode?: string;
}

export interface PhotoDto {
  id: string;
  kind: 'before' | 'after';
  url: string;
  thumbUrl: string;
  width: number;
  height: number;
}

export interface DeadlineDto {
  /** Dalian clock (大连标准): 24 h simple, 72 h complex, urgent hours. */
  dueAt: string;
  /** National-standard clock (处置时限), in its own natural or working calendar. */
  nationalDueAt: string | null;
  startedAt: string;
  calendar: 'natural' | 'working';
  level: ClockLevel;
  /** Share of the allowed time used so far, 0..n (1 = due now). */
  used: number;
}

export interface CaseEventDto {
  seq: number;
  action: CaseAction | 'submit';
  fromState: CaseState | null;
  toState: CaseState;
  actor: { id: string | null; role: Role | 'system'; name?: string } ;
  at: string;
  note: string | null;
  photos: PhotoDto[];
  data: Record<string, unknown>;
}

export interface OrgRefDto {
  code: string;
  name: string;
  level: OrgLevel;
}

export interface CaseDto {
  id: string;
  caseNo: string;
  state: CaseState;
  source: CaseSource;
  category: { code: string; name: string; standardRef: string };
  description: string;
  anonymous: boolean;
  location: { lat: number; lng: number; address: string | null };
  grid: OrgRefDto | null;
  community: OrgRefDto | null;
  street: OrgRefDto | null;
  district: OrgRefDto | null;
  responsible: OrgRefDto | null;
  complexity: Complexity | null;
  deadline: DeadlineDto | null;
  pendingExtension: { hours: number; reason: string } | null;
  reworkCount: number;
  rating: { score: number; comment: string | null } | null;
  mergedIntoId: string | null;
  /** 'review': content security asked for a human look before registration (dispatchers see it). */
  moderation: 'review' | null;
  duplicateCandidates?: { caseId: string; caseNo: string; distanceM: number }[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  version: number;
  photos?: PhotoDto[];
  events?: CaseEventDto[];
  allowedActions?: CaseAction[];
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** Where a check-in was made (WGS-84) and how far from the reported point; sent with sign/handle. */
export interface CheckInDto {
  lat: number;
  lng: number;
  /** Metres from the case location, computed by the server. */
  distanceM: number;
  /** Within the on-site radius (config/rules.json checkIn.radiusM). */
  onSite: boolean;
}

/** A unit of the org tree a case can be dispatched to (GET /api/v1/org/units). */
export interface OrgUnitDto {
  code: string;
  name: string;
  level: OrgLevel;
  parentCode: string | null;
  /** Has child units (grids, squads) to drill into. */
  hasChildren: boolean;
}

export const STATS_PERIODS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type StatsPeriod = (typeof STATS_PERIODS)[number];

/** Figures of one scope over one period (Asia/Shanghai calendar periods). */
export interface StatsFiguresDto {
  /** Cases reported in the period. */
  reported: number;
  /** Cases closed in the period. */
  closed: number;
  /** Of those closed, closed before their Dalian due time (cases without a clock count as on time). */
  closedOnTime: number;
  /** 按期结案率 in %, one decimal; null when nothing closed. */
  onTimeRate: number | null;
  /** Open now (any open state) and overdue now (open, not suspended, past due). */
  open: number;
  overdue: number;
}

/** GET /api/v1/stats/overview: the caller's scope (or a node inside it) and the units one level below. */
export interface StatsOverviewDto {
  scope: OrgRefDto;
  period: StatsPeriod;
  /** Start of the period; it runs to asOf (now). */
  from: string;
  asOf: string;
  today: { reported: number; closed: number };
  figures: StatsFiguresDto;
  /** Units one level below the scope, ranked by on-time rate, then fewer overdue, then more closed. */
  units: (OrgRefDto & StatsFiguresDto)[];
}
