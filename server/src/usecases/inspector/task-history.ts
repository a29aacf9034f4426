import type { CurrentUser, Deps } from '../deps.js';
import type { HistoryRow } from './ports.js';

/** The history query as the route validated it. */
export interface HistoryQuery {
  q?: string;
  page: number;
  pageSize: number;
}

/**
 * 已办 (issue 12, item 4): the cases the caller signed, handled, returned or asked an extension for, from the
 * case event log by actor, latest action first. Only the caller's own actions count, so another inspector's
 * history never shows; what the case became since (closed, handed up) is shown as it is now.
 */
export async function taskHistory(deps: Pick<Deps, 'inspector'>, user: CurrentUser, f: HistoryQuery): Promise<{ rows: HistoryRow[]; total: number }> {
  return deps.inspector.history(user.id, f.q?.trim() || undefined, { limit: f.pageSize, offset: (f.page - 1) * f.pageSize });
}
