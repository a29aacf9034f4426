import type { CaseAction, CaseSource, CaseState, ClockLevel, Complexity, OrgLevel, Role } from './case.js';

export interface UserDto {
  id: string;
  name: string;
  roles: Role[];
  orgNodeCode: string | null;
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
