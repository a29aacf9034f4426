import { randomUUID } from 'node:crypto';
import { AppError } from '../../domain/errors.js';
import { beijingDate } from '../../domain/shanghai-time.js';
import { beijingDayBounds } from '../companies/patrol.js';
import type { CaseRecord } from '../repositories.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { CheckinRecord, PatrolSessionRecord } from './ports.js';
import { pressedAt } from './pressed-at.js';

/**
 * Patrol sessions (巡查, issue 12, item 4): a grid inspector, a company's inspector or an enforcement member
 * starts and stops a patrol. One open session per person: starting again returns the open one, stopping again
 * returns the stopped one. Times are when the inspector pressed (pressed-at.ts).
 */
type SessionDeps = Pick<Deps, 'inspector' | 'clock' | 'org'>;

export const PATROL_ROLES = new Set(['inspector', 'third_party', 'enforcement']);
const FINDS_MAX = 50;
const COVERAGE_LIST_MAX = 50;

function requirePatroller(user: CurrentUser): void {
  if (!user.roles.some((r) => PATROL_ROLES.has(r))) throw new AppError('auth.forbidden', '只有巡查人员可以开始巡查');
}

export async function startPatrol(deps: SessionDeps, user: CurrentUser, input: { id?: string; at?: string }): Promise<{ session: PatrolSessionRecord; created: boolean }> {
  requirePatroller(user);
  const now = deps.clock.now();
  const at = pressedAt(now, input.at);
  const res = await deps.inspector.startSession({ id: input.id ?? randomUUID(), userId: user.id, at, now });
  return res;
}

export async function stopPatrol(deps: SessionDeps, user: CurrentUser, id: string, input: { at?: string }): Promise<PatrolSessionRecord> {
  requirePatroller(user);
  const at = pressedAt(deps.clock.now(), input.at);
  const s = await deps.inspector.stopSession(user.id, id, at);
  if (!s) throw new AppError('not_found', '没有这次巡查', { id });
  return s;
}

/** Seconds of a session, to its stop or to `now`. */
export const sessionSeconds = (s: PatrolSessionRecord, now: Date): number =>
  Math.max(0, Math.round(((s.stoppedAt ?? now).getTime() - s.startedAt.getTime()) / 1000));

export interface PatrolToday {
  day: string;
  now: Date;
  open: PatrolSessionRecord | null;
  sessions: PatrolSessionRecord[];
  /** Seconds patrolled inside today (sessions clipped to the day). */
  seconds: number;
  checkins: CheckinRecord[];
  finds: CaseRecord[];
  coverage: { grids: number; visited: number; items: { gridCode: string; gridName: string; checkins: number }[] };
}

/** The grids a person patrols: a company's contracted grids, else their own grid, else the grids under their unit. */
function patrolGrids(deps: SessionDeps, user: CurrentUser): string[] {
  if (user.company) return [...user.company.gridCodes];
  const own = user.orgNodeCode ? deps.org.get(user.orgNodeCode) : undefined;
  if (!own) return [];
  if (own.level === 'grid') return [own.code];
  return deps.org.all().filter((n) => n.level === 'grid' && n.path.startsWith(own.path)).map((n) => n.code);
}

/** The caller's Beijing day of patrol: sessions, check-ins, finds and the coverage of their grids. */
export async function patrolToday(deps: SessionDeps, user: CurrentUser): Promise<PatrolToday> {
  requirePatroller(user);
  const now = deps.clock.now();
  const day = beijingDate(now);
  const { start, end } = beijingDayBounds(day);
  const grids = patrolGrids(deps, user);
  const [sessions, checkins, finds, visits] = await Promise.all([
    deps.inspector.sessionsBetween(user.id, start, end),
    deps.inspector.checkinsOf(user.id, day),
    deps.inspector.findsBetween(user.id, start, end, FINDS_MAX),
    deps.inspector.gridCheckins(grids, day),
  ]);
  const seconds = sessions.reduce((sum, s) => {
    const from = Math.max(s.startedAt.getTime(), start.getTime());
    const to = Math.min((s.stoppedAt ?? now).getTime(), end.getTime(), now.getTime());
    return sum + Math.max(0, Math.round((to - from) / 1000));
  }, 0);
  const counts = new Map(visits.map((v) => [v.gridCode, v.checkins]));
  const items = grids
    .map((code) => ({ gridCode: code, gridName: deps.org.get(code)?.name ?? code, checkins: counts.get(code) ?? 0 }))
    .sort((a, b) => b.checkins - a.checkins || a.gridCode.localeCompare(b.gridCode))
    .slice(0, COVERAGE_LIST_MAX);
  return {
    day, now, sessions, seconds, checkins, finds,
    open: sessions.find((s) => s.stoppedAt === null) ?? null,
    coverage: { grids: grids.length, visited: grids.filter((g) => counts.has(g)).length, items },
  };
}
