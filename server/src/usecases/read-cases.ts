import { CONSOLE_QUEUES, type CaseAction, type CaseListFilter as CaseListFilterRequest, type ConsoleQueueKey } from '@finecity/types';
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
  const filter = toRepoFilter(deps, f);
  const v = visibilityOf(user);
  if (f.due?.length) return byDeadlineColour(deps, v, filter, f as CaseFilters & { due: NonNullable<CaseFilters['due']> });
  if (f.sort === 'sla') return bySla(deps, v, filter, f);
  return deps.caseQueries.list(v, filter, { limit: f.pageSize, offset: (f.page - 1) * f.pageSize });
}

/** A Beijing calendar date's first instant (UTC+8 all year: China keeps no summer time). */
const beijingMidnight = (day: string): Date => new Date(`${day}T00:00:00+08:00`);
const DAY_MS = 86_400_000;

function toRepoFilter(deps: Deps, f: Omit<CaseFilters, 'page' | 'pageSize'>): CaseListFilter {
  return {
    mine: f.mine, state: f.state, categoryCode: f.categoryCode, source: f.source, q: f.q, pendingExtension: f.pendingExtension, supervised: f.supervised,
    ...(f.orgNodeCode ? { underPath: deps.org.get(f.orgNodeCode)?.path ?? null } : {}),
    ...(f.from ? { createdFrom: beijingMidnight(f.from) } : {}),
    ...(f.to ? { createdBefore: new Date(beijingMidnight(f.to).getTime() + DAY_MS) } : {}),
  };
}

/** Open cases a deadline-colour filter may scan; the oldest due come first, so the red ones are never cut. */
const DUE_SCAN_MAX = 2000;

/** The SLA sort's order of colours: the most urgent first. */
const COLOUR_RANK = { overdue: 0, red: 1, yellow: 2, green: 3 } as const;

/** Running clocks coloured by the SLA clock, most urgent colour first, soonest due within a colour. */
function byUrgency(deps: Deps, rows: CaseRecord[]): { row: CaseRecord; level: keyof typeof COLOUR_RANK }[] {
  const now = deps.clock.now();
  const coloured = rows.flatMap((r) => {
    const clock = dalianClock(r);
    return clock ? [{ row: r, level: deps.sla.status(clock, now).level }] : [];
  });
  // Array.prototype.sort is stable (ES2019), so the SQL order (due time, then age) stays within a colour.
  return coloured.sort((a, b) => COLOUR_RANK[a.level] - COLOUR_RANK[b.level]);
}

/**
 * Deadline colours depend on each clock's calendar (working hours, holidays), so the SLA clock judges
 * them, not SQL: running clocks in the filter, most urgent first, coloured, then paged.
 */
async function byDeadlineColour(deps: Deps, v: ReturnType<typeof visibilityOf>, filter: CaseListFilter, f: CaseFilters & { due: NonNullable<CaseFilters['due']> }) {
  const candidates = await deps.caseQueries.running(v, filter, DUE_SCAN_MAX);
  const wanted = new Set<string>(f.due);
  const hits = byUrgency(deps, candidates).filter((x) => wanted.has(x.level)).map((x) => x.row);
  return { rows: hits.slice((f.page - 1) * f.pageSize, f.page * f.pageSize), total: hits.length };
}

/**
 * sort=sla: the running clocks (read soonest due first through the due-time index, at most DUE_SCAN_MAX,
 * coloured by the SLA clock as the badges are), then every case with no running clock, newest first,
 * paged in SQL. A page may span both parts.
 */
async function bySla(deps: Deps, v: ReturnType<typeof visibilityOf>, filter: CaseListFilter, f: CaseFilters) {
  const running = byUrgency(deps, await deps.caseQueries.running(v, filter, DUE_SCAN_MAX)).map((x) => x.row);
  const start = (f.page - 1) * f.pageSize;
  const head = running.slice(start, start + f.pageSize);
  const restOffset = Math.max(0, start - running.length);
  const restLimit = f.pageSize - head.length;
  const rest = await deps.caseQueries.list(v, { ...filter, notRunning: true }, { limit: Math.max(restLimit, 1), offset: restOffset });
  return { rows: [...head, ...(restLimit > 0 ? rest.rows.slice(0, restLimit) : [])], total: running.length + rest.total };
}

/**
 * GET /api/v1/cases/queue-counts: each console queue's total in the caller's scope. The queues that narrow
 * in SQL are counted in one statement; the deadline-colour queue is counted by the SLA clock, as its list is.
 */
export async function queueCounts(deps: Deps, user: CurrentUser): Promise<Record<ConsoleQueueKey, number>> {
  const v = visibilityOf(user);
  const sqlQueues = CONSOLE_QUEUES.filter((x) => !x.query.due?.length);
  const counts = await deps.caseQueries.counts(v, Object.fromEntries(sqlQueues.map((x) => [x.key, toRepoFilter(deps, { mine: false, pendingExtension: false, ...x.query })])));
  const out = { ...counts } as Record<ConsoleQueueKey, number>;
  for (const x of CONSOLE_QUEUES.filter((q) => q.query.due?.length)) {
    const wanted = new Set<string>(x.query.due);
    const running = await deps.caseQueries.running(v, toRepoFilter(deps, { mine: false, pendingExtension: false, ...x.query }), DUE_SCAN_MAX);
    out[x.key] = byUrgency(deps, running).filter((r) => wanted.has(r.level)).length;
  }
  return out;
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
