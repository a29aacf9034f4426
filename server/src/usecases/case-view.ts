import type { CaseAction } from '@finecity/types';
import { canSee, grantFor, type ScopeFacts } from '../domain/authorization.js';
import { allowedActions, scopeFacts } from './access.js';
import type { CurrentUser } from './deps.js';
import type { CaseDetail, CaseEventRecord, CaseRecord, PhotoRecord } from './repositories.js';

/** One case as its page shows it to one caller. */
export interface CaseView {
  row: CaseRecord;
  events: CaseEventRecord[];
  photos: PhotoRecord[];
  duplicates: { caseId: string; caseNo: string; distanceM: number }[];
  allowedActions: CaseAction[];
  /** photo.publish in scope (district and city staff). */
  canPublishPhotos: boolean;
  viewerIsReporter: boolean;
  viewerIsStaff: boolean;
  /** A third-party company never learns who reported (issue 11): residents' names and ids are hidden from it. */
  hideReporters: boolean;
}

/** The page of one case for one caller, from rows already read (no query here). */
export function caseView(user: CurrentUser, row: CaseRecord, d: CaseDetail, facts: ScopeFacts, now: Date): CaseView {
  return {
    row,
    events: d.events,
    photos: d.photos,
    // Duplicate candidates name other cases: show only those the caller may read.
    duplicates: d.duplicates.filter((x) => canSee(user.roles, scopeFacts(user, { ...x, responsibleCode: null }, false))).map(({ caseId, caseNo, distanceM }) => ({ caseId, caseNo, distanceM })),
    allowedActions: allowedActions(user, facts, row, now),
    canPublishPhotos: grantFor(user.roles, 'photo.publish', facts),
    viewerIsReporter: facts.isReporterOrFollower,
    viewerIsStaff: user.orgPath !== null,
    hideReporters: user.roles.includes('third_party') && !user.roles.some((r) => r !== 'third_party' && r !== 'resident'),
  };
}
