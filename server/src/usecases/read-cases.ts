import type { CaseAction, CaseListFilter as CaseListFilterRequest } from '@finecity/types';
import { AppError } from '../domain/errors.js';
import { POLICY } from '../domain/authorization.js';
import { authorize, dalianClock, scopeFacts, visibilityOf } from './access.js';
import { caseView, type CaseView } from './case-view.js';
import type { CurrentUser, Deps } from './deps.js';
import type { CaseListFilter, CaseRecord } from './repositories.js';

export type { CaseView } from './case-view.js';

export async function getCase(deps: Deps, user: CurrentUser, id: string): Promise<CaseView> {
  const loaded = await deps.cases.load(id, user.id);
  if (!loaded) throw new AppError('case.not_found', '案件不存在');
  const facts = scopeFacts(user, loaded.row, loaded.callerFollows);
  authorize(user, facts, 'case.read');
  return caseView(user, loaded.row, loaded.detail, facts, deps.clock.now());
}

/** The case list's filters, as the route validated them (declared once, in @finecity/types). */
export type CaseFilters = CaseListFilterRequest;

export async function listCases(deps: Deps, user: CurrentUser, f: CaseFilters): Promise<{ rows: CaseRecord[]; total: number }> {
  const filter: CaseListFilter = {
    mine: f.mine, state: f.state, categoryCode: f.categoryCode, source: f.source, q: f.q, pendingExtension: f.pendingExtension, supervised: f.supervised,
    ...(f.orgNodeCode ? { underPath: deps.org.get(f.orgNodeCode)?.path ?? null } : {}),
  };
  const v = visibilityOf(user);
  if (f.due?.length) return byDeadlineColour(deps, v, filter, f as CaseFilters & { due: NonNullable<CaseFilters['due']> });
  return deps.caseQueries.list(v, filter, { limit: f.pageSize, offset: (f.page - 1) * f.pageSize });
}

/** Open cases a deadline-colour filter may scan; the oldest due come first, so the red ones are never cut. */
const DUE_SCAN_MAX = 2000;

/**
 * Deadline colours depend on each clock's calendar (working hours, holidays), so the SLA clock judges
 * them, not SQL: running clocks in the filter, most urgent first, coloured, then paged.
 */
async function byDeadlineColour(deps: Deps, v: ReturnType<typeof visibilityOf>, filter: CaseListFilter, f: CaseFilters & { due: NonNullable<CaseFilters['due']> }) {
  const candidates = await deps.caseQueries.running(v, filter, DUE_SCAN_MAX);
  const now = deps.clock.now();
  const wanted = new Set<string>(f.due);
  const hits = candidates.filter((r) => {
    const clock = dalianClock(r);
    return clock !== null && wanted.has(deps.sla.status(clock, now).level);
  });
  return { rows: hits.slice((f.page - 1) * f.pageSize, f.page * f.pageSize), total: hits.length };
}

/**
 * The caller's inbox, most urgent first: what their unit holds (sign, handle), and — for those who
 * supervise — what waits in their area for registration, dispatch, extension decisions or verification.
 */
export async function listTasks(deps: Deps, user: CurrentUser, limit = 200): Promise<{ rows: CaseRecord[] }> {
  if (!user.orgPath || !user.orgNodeCode) return { rows: [] };
  const can = (p: CaseAction) => user.roles.some((r) => POLICY[r][p] !== undefined);
  const rows = await deps.caseQueries.tasks({
    orgNodeCode: user.orgNodeCode, orgPath: user.orgPath, limit,
    held: can('sign') || can('handle'), toRegister: can('register'), extensions: can('decide-extension'), toVerify: can('verify'),
  });
  return { rows };
}
