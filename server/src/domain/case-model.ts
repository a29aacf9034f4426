import type { CaseState, Complexity, Role } from '@finecity/types';

/** What the domain needs to know about a case to decide a transition. */
export interface CaseSnapshot {
  id: string;
  state: CaseState;
  version: number;
  reporterId: string | null;
  categoryCode: string;
  complexity: Complexity | null;
  responsibleCode: string | null;
  pendingExtension: { hours: number; reason: string; requestedBy: string } | null;
  reworkCount: number;
  extendedHours: number;
  ratingScore: number | null;
  closedAt: Date | null;
}

export interface Actor {
  id: string;
  role: Role;
  orgNodeCode: string | null;
}

/** The clock of a case, as computed by deadlines.ts and stored on the case. */
export interface CaseClock {
  startedAt: Date;
  dueAt: Date;
  calendar: 'natural' | 'working';
  nationalDueAt: Date;
  nationalCalendar: 'natural' | 'working';
  /** A quick squad's arrival deadline (domain/squad-clock.ts); absent for other units. */
  arriveDueAt?: Date;
}
