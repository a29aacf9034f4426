import type { CaseRecord } from '../repositories.js';

/**
 * The inspector's app (issue 12, item 4): 已办 from the case event log, and patrol sessions with the day's
 * check-ins, finds and grid coverage. Implemented in adapters/postgres/inspector-repository.ts.
 */

/** The actions that make a case part of someone's 已办. */
export const HISTORY_ACTIONS = ['sign', 'handle', 'return', 'request-extension'] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

export interface HistoryRow {
  row: CaseRecord;
  /** The person's latest history action on the case, and when. */
  action: HistoryAction;
  at: Date;
}

export interface PatrolSessionRecord {
  id: string;
  userId: string;
  startedAt: Date;
  stoppedAt: Date | null;
}

export interface CheckinRecord {
  id: string;
  gridCode: string;
  day: string;
  at: Date;
  companyId: string | null;
}

export interface InspectorStore {
  /** Cases `userId` acted on (HISTORY_ACTIONS), latest action first; `q` matches case number, description or address. */
  history(userId: string, q: string | undefined, page: { limit: number; offset: number }): Promise<{ rows: HistoryRow[]; total: number }>;
  /** Opens a session unless one is open; returns the open one either way (created: this call opened it). */
  startSession(s: { id: string; userId: string; at: Date; now: Date }): Promise<{ session: PatrolSessionRecord; created: boolean }>;
  /** Stops the person's session `id` at `at` (not before its start); a stopped one is returned as it is. Null: no such session of theirs. */
  stopSession(userId: string, id: string, at: Date): Promise<PatrolSessionRecord | null>;
  /** The person's sessions that overlap [start, end), oldest first. */
  sessionsBetween(userId: string, start: Date, end: Date): Promise<PatrolSessionRecord[]>;
  /** The person's check-ins of a Beijing day, oldest first. */
  checkinsOf(userId: string, day: string): Promise<CheckinRecord[]>;
  /** Check-ins per grid on a Beijing day, by anyone, for these grids (grids without any are left out). */
  gridCheckins(gridCodes: string[], day: string): Promise<{ gridCode: string; checkins: number }[]>;
  /** The person's own reports created in [start, end), newest first. */
  findsBetween(userId: string, start: Date, end: Date, limit: number): Promise<CaseRecord[]>;
}
