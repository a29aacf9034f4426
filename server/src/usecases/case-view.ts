import type { CaseAction } from '@finecity/types';
import { canSee, type ScopeFacts } from '../domain/authorization.js';
import { allowedActions, scopeFacts } from './access.js';
import type { CurrentUser } from './deps.js';
import type { CaseEventRecord, CaseRecord, CaseRepository, PhotoRecord } from './repositories.js';

/** One case as its page shows it to one caller. */
export interface CaseView {
  row: CaseRecord;
  events: CaseEventRecord[];
  photos: PhotoRecord[];
  duplicates: { caseId: string; caseNo: string; distanceM: number }[];
  allowedActions: CaseAction[];
  viewerIsReporter: boolean;
  viewerIsStaff: boolean;
}

/** Reads what the page needs beyond the row (events, photos, duplicates) through `cases` — a transaction's or the pool's. */
export async function caseView(cases: CaseRepository, user: CurrentUser, row: CaseRecord, facts: ScopeFacts, now: Date): Promise<CaseView> {
  const d = await cases.detail(row.id);
  return {
    row,
    events: d.events,
    photos: d.photos,
    // Duplicate candidates name other cases: show only those the caller may read.
    duplicates: d.duplicates.filter((x) => canSee(user.roles, scopeFacts(user, { ...x, responsibleCode: null }, false))).map(({ caseId, caseNo, distanceM }) => ({ caseId, caseNo, distanceM })),
    allowedActions: allowedActions(user, facts, row, now),
    viewerIsReporter: facts.isReporterOrFollower,
    viewerIsStaff: user.orgPath !== null,
  };
}
