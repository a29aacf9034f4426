// The inspector's app (issue 12, item 4): task history (已办) and patrol sessions (巡查).
import type { CaseDto, Page } from './dto.js';
import type { PatrolCheckinDto } from './companies.js';

/** GET /api/v1/tasks/history: cases the caller acted on (sign, handle, return, request-extension), newest first. */
export interface TaskHistoryQuery {
  q?: string;
  page?: number;
  pageSize?: number;
}

/** One 已办 row: the case summary and the caller's latest action on it. */
export interface TaskHistoryItemDto extends CaseDto {
  myLastAction: { action: 'sign' | 'handle' | 'return' | 'request-extension'; at: string };
}

export type TaskHistoryDto = Page<TaskHistoryItemDto>;

/**
 * A patrol session (巡查): started and stopped by the inspector. `at` in start/stop/check-in is the moment the
 * inspector pressed the button (an offline phone sends it later); the server accepts it up to 24 h back.
 */
export interface PatrolSessionDto {
  id: string;
  startedAt: string;
  stoppedAt: string | null;
  /** Seconds patrolled: to the stop, or to now for the open session. */
  seconds: number;
}

export interface PatrolStartRequest {
  /** A client-made id, so a start queued offline and its stop can name the same session. */
  id?: string;
  at?: string;
}

export interface PatrolStopRequest {
  at?: string;
}

export interface PatrolCoverageDto {
  /** The caller's grids (a grid inspector: their grid; a company: its contracted grids; others: the grids under their unit). */
  grids: number;
  /** Of them, grids with at least one check-in today. */
  visited: number;
  /** The first grids, visited ones first (at most 50), for the list on the page. */
  items: { gridCode: string; gridName: string; checkins: number }[];
}

/** GET /api/v1/patrols/today: the caller's Beijing day of patrol. */
export interface PatrolTodayDto {
  day: string;
  open: PatrolSessionDto | null;
  sessions: PatrolSessionDto[];
  /** Total seconds patrolled today (open session to now). */
  seconds: number;
  checkins: PatrolCheckinDto[];
  /** The caller's own reports today (巡查发现). */
  finds: CaseDto[];
  coverage: PatrolCoverageDto;
}
