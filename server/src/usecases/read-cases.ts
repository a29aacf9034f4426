import { and, asc, desc, eq, inArray, isNotNull, like, ne, or, sql, type SQL } from 'drizzle-orm';
import { OPEN_STATES, type CaseAction, type CaseSource, type CaseState } from '@finecity/types';
import type { CaseRow } from '../adapters/postgres/case-repo.js';
import { dalianClock, findCase } from '../adapters/postgres/case-repo.js';
import { caseDuplicateCandidates, caseEvents, caseFollowers, casePhotos, cases, orgNodes, users } from '../adapters/postgres/schema.js';
import { AppError } from '../domain/errors.js';
import { POLICY, canSee } from '../domain/authorization.js';
import { allowedActions, authorize, scopeFacts } from './access.js';
import type { CurrentUser, Deps } from './deps.js';

export interface CaseView {
  row: CaseRow;
  nodes: Map<string, { code: string; name: string; level: string }>;
  events: (typeof caseEvents.$inferSelect & { actorName: string | null })[];
  photos: (typeof casePhotos.$inferSelect)[];
  duplicates: { caseId: string; caseNo: string; distanceM: number }[];
  allowedActions: CaseAction[];
  viewerIsReporter: boolean;
  viewerIsStaff: boolean;
}

export async function getCase(deps: Deps, user: CurrentUser, id: string): Promise<CaseView> {
  const row = await findCase(deps.db, id);
  if (!row) throw new AppError('case.not_found', '案件不存在');
  const facts = await scopeFacts(deps.db, user, row);
  authorize(user, facts, 'case.read');
  const [events, photos, duplicates, nodes] = await Promise.all([
    deps.db
      .select({ e: caseEvents, actorName: users.name })
      .from(caseEvents)
      .leftJoin(users, eq(users.id, caseEvents.actorId))
      .where(eq(caseEvents.caseId, id))
      .orderBy(asc(caseEvents.seq)),
    deps.db.select().from(casePhotos).where(eq(casePhotos.caseId, id)).orderBy(asc(casePhotos.eventSeq), asc(casePhotos.createdAt)),
    deps.db
      .select({ caseId: caseDuplicateCandidates.candidateId, caseNo: cases.caseNo, distanceM: caseDuplicateCandidates.distanceM })
      .from(caseDuplicateCandidates)
      .innerJoin(cases, eq(cases.id, caseDuplicateCandidates.candidateId))
      .where(eq(caseDuplicateCandidates.caseId, id)),
    nodeNames(deps, [row]),
  ]);
  return {
    row,
    nodes,
    events: events.map((x) => ({ ...x.e, actorName: x.actorName })),
    photos,
    duplicates: await visibleOnly(deps, user, duplicates),
    allowedActions: allowedActions(user, facts, row, deps.clock.now()),
    viewerIsReporter: facts.isReporterOrFollower,
    viewerIsStaff: user.orgPath !== null,
  };
}

/** Duplicate candidates name other cases: show only those the caller may read. */
async function visibleOnly(deps: Deps, user: CurrentUser, dups: CaseView['duplicates']): Promise<CaseView['duplicates']> {
  const out: CaseView['duplicates'] = [];
  for (const d of dups) {
    const other = await findCase(deps.db, d.caseId);
    if (other && canSee(user.roles, await scopeFacts(deps.db, user, other))) out.push(d);
  }
  return out;
}

export async function nodeNames(deps: Deps, rows: CaseRow[]): Promise<CaseView['nodes']> {
  const codes = new Set<string>();
  for (const r of rows) for (const c of [r.gridCode, r.communityCode, r.streetCode, r.districtCode, r.responsibleCode]) if (c) codes.add(c);
  if (!codes.size) return new Map();
  const found = await deps.db.select({ code: orgNodes.code, name: orgNodes.name, level: orgNodes.level }).from(orgNodes).where(inArray(orgNodes.code, [...codes]));
  return new Map(found.map((n) => [n.code, n]));
}

export interface CaseFilters {
  state?: CaseState[];
  categoryCode?: string;
  source?: CaseSource;
  q?: string;
  orgNodeCode?: string;
  mine?: boolean;
  pendingExtension?: boolean;
  due?: ('green' | 'yellow' | 'red' | 'overdue')[];
  page: number;
  pageSize: number;
}

/** What the caller may see, as SQL: own reports, the subtree by location or holder, or held only. */
function visibleTo(user: CurrentUser): SQL {
  const parts: SQL[] = [eq(cases.reporterId, user.id), sql`${cases.id} in (select ${caseFollowers.caseId} from ${caseFollowers} where ${caseFollowers.userId} = ${user.id})`];
  const scopes = new Set(user.roles.map((r) => POLICY[r]['case.read']));
  if (user.orgPath && scopes.has('area')) parts.push(like(cases.locationPath, `${user.orgPath}%`), like(cases.responsiblePath, `${user.orgPath}%`));
  if (user.orgPath && scopes.has('held')) parts.push(like(cases.responsiblePath, `${user.orgPath}%`));
  return or(...parts)!;
}

export async function listCases(deps: Deps, user: CurrentUser, f: CaseFilters): Promise<{ rows: CaseRow[]; total: number; nodes: CaseView['nodes'] }> {
  const conds: SQL[] = [f.mine ? or(eq(cases.reporterId, user.id), sql`${cases.id} in (select ${caseFollowers.caseId} from ${caseFollowers} where ${caseFollowers.userId} = ${user.id})`)! : visibleTo(user)];
  if (f.state?.length) conds.push(inArray(cases.state, f.state));
  if (f.categoryCode) conds.push(eq(cases.categoryCode, f.categoryCode));
  if (f.source) conds.push(eq(cases.source, f.source));
  if (f.q) conds.push(or(like(cases.caseNo, `%${escapeLike(f.q)}%`), like(cases.description, `%${escapeLike(f.q)}%`), like(cases.address, `%${escapeLike(f.q)}%`))!);
  if (f.orgNodeCode) {
    const node = (await deps.db.select({ path: orgNodes.path }).from(orgNodes).where(eq(orgNodes.code, f.orgNodeCode)))[0];
    conds.push(node ? or(like(cases.locationPath, `${node.path}%`), like(cases.responsiblePath, `${node.path}%`))! : sql`false`);
  }
  if (f.pendingExtension) conds.push(isNotNull(cases.pendingExtension));
  if (f.due?.length) return byDeadlineColour(deps, and(...conds)!, f as CaseFilters & { due: NonNullable<CaseFilters['due']> });
  const where = and(...conds);
  const [rows, count] = await Promise.all([
    deps.db.select().from(cases).where(where).orderBy(desc(cases.createdAt)).limit(f.pageSize).offset((f.page - 1) * f.pageSize),
    deps.db.select({ n: sql<number>`count(*)::int` }).from(cases).where(where),
  ]);
  return { rows, total: count[0]?.n ?? 0, nodes: await nodeNames(deps, rows) };
}

/** Open cases a deadline-colour filter may scan; the oldest due come first, so the red ones are never cut. */
const DUE_SCAN_MAX = 2000;

/**
 * Deadline colours depend on each clock's calendar (working hours, holidays), so the SLA clock judges
 * them, not SQL: running clocks in the filter, most urgent first, coloured, then paged.
 */
async function byDeadlineColour(deps: Deps, where: SQL, f: CaseFilters & { due: NonNullable<CaseFilters['due']> }) {
  const running = and(where, inArray(cases.state, [...OPEN_STATES]), ne(cases.state, 'suspended'), isNotNull(cases.dueAt), isNotNull(cases.clockStartedAt));
  const candidates = await deps.db.select().from(cases).where(running).orderBy(asc(cases.dueAt), asc(cases.createdAt)).limit(DUE_SCAN_MAX);
  const now = deps.clock.now();
  const wanted = new Set<string>(f.due);
  const hits = candidates.filter((r) => {
    const clock = dalianClock(r);
    return clock !== null && wanted.has(deps.sla.status(clock, now).level);
  });
  const rows = hits.slice((f.page - 1) * f.pageSize, f.page * f.pageSize);
  return { rows, total: hits.length, nodes: await nodeNames(deps, rows) };
}

/**
 * The caller's inbox, most urgent first: what their unit holds (sign, handle), and — for those who
 * supervise — what waits in their area for registration, dispatch, extension decisions or verification.
 */
export async function listTasks(deps: Deps, user: CurrentUser, limit = 200): Promise<{ rows: CaseRow[]; nodes: CaseView['nodes'] }> {
  if (!user.orgPath || !user.orgNodeCode) return { rows: [], nodes: new Map() };
  const can = (p: CaseAction) => user.roles.some((r) => POLICY[r][p] !== undefined);
  const inArea = or(like(cases.locationPath, `${user.orgPath}%`), like(cases.responsiblePath, `${user.orgPath}%`))!;
  const parts: SQL[] = [];
  if (can('sign') || can('handle')) parts.push(and(eq(cases.responsibleCode, user.orgNodeCode), inArray(cases.state, ['dispatched', 'in_progress']))!);
  if (can('register')) parts.push(and(inArea, eq(cases.state, 'submitted'))!);
  if (can('register')) parts.push(and(inArea, eq(cases.state, 'registered'))!);
  if (can('decide-extension')) parts.push(and(inArea, isNotNull(cases.pendingExtension), sql`${cases.responsibleCode} <> ${user.orgNodeCode}`)!);
  if (can('verify')) parts.push(and(inArea, eq(cases.state, 'handled'))!);
  if (!parts.length) return { rows: [], nodes: new Map() };
  const rows = await deps.db
    .select()
    .from(cases)
    .where(or(...parts))
    .orderBy(sql`${cases.dueAt} asc nulls last`, asc(cases.createdAt))
    .limit(limit);
  return { rows, nodes: await nodeNames(deps, rows) };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
