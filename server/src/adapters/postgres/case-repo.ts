import { and, eq, sql } from 'drizzle-orm';
import type { CaseState } from '@finecity/types';
import type { CasePatch, Effect } from '../../domain/case-machine.js';
import type { CaseSnapshot } from '../../domain/case-model.js';
import { AppError } from '../../domain/errors.js';
import type { DbOrTx, Tx } from './database.js';
import { caseCounters, caseEvents, caseFollowers, casePhotos, cases, outbox } from './schema.js';

export type CaseRow = typeof cases.$inferSelect;

export function toSnapshot(r: CaseRow): CaseSnapshot {
  return {
    id: r.id,
    state: r.state as CaseState,
    version: r.version,
    reporterId: r.reporterId,
    categoryCode: r.categoryCode,
    complexity: r.complexity as CaseSnapshot['complexity'],
    responsibleCode: r.responsibleCode,
    pendingExtension: r.pendingExtension ?? null,
    reworkCount: r.reworkCount,
    extendedHours: r.extendedHours,
    ratingScore: r.ratingScore,
    closedAt: r.closedAt,
  };
}

/** The Dalian clock a row carries (what the SLA clock colours), or null before dispatch. */
export function dalianClock(r: CaseRow): { startedAt: Date; dueAt: Date; calendar: 'natural' | 'working' } | null {
  if (!r.dueAt || !r.clockStartedAt) return null;
  return { startedAt: r.clockStartedAt, dueAt: r.dueAt, calendar: (r.clockCalendar ?? 'natural') as 'natural' | 'working' };
}

export async function findCase(db: DbOrTx, id: string, forUpdate = false): Promise<CaseRow | null> {
  const q = db.select().from(cases).where(eq(cases.id, id));
  const rows = forUpdate ? await q.for('update') : await q;
  return rows[0] ?? null;
}

/** Readable number DL20261127-000123: a per-day counter row, locked by the upsert until commit. */
export async function nextCaseNo(tx: Tx, prefix: string, day: string): Promise<string> {
  const rows = await tx
    .insert(caseCounters)
    .values({ day, last: 1 })
    .onConflictDoUpdate({ target: caseCounters.day, set: { last: sql`${caseCounters.last} + 1` } })
    .returning({ last: caseCounters.last });
  const n = rows[0]!.last;
  return `${prefix}${day}-${String(n).padStart(6, '0')}`;
}

export async function insertCase(tx: Tx, row: typeof cases.$inferInsert): Promise<CaseRow> {
  const rows = await tx.insert(cases).values(row).returning();
  return rows[0]!;
}

/**
 * Applies a decision's patch with an optimistic version check (the row is also locked FOR UPDATE by
 * the caller), so two dispatchers acting at once cannot both win.
 */
export async function applyPatch(
  tx: Tx,
  current: CaseRow,
  patch: CasePatch,
  extra: { responsiblePath?: string | null; now: Date },
): Promise<CaseRow> {
  const set: Partial<typeof cases.$inferInsert> = { state: patch.state, version: current.version + 1, updatedAt: extra.now };
  if (patch.complexity !== undefined) set.complexity = patch.complexity;
  if (patch.responsibleCode !== undefined) {
    set.responsibleCode = patch.responsibleCode;
    set.responsiblePath = extra.responsiblePath ?? null;
  }
  if (patch.clock !== undefined) {
    const c = patch.clock;
    Object.assign(set, {
      clockStartedAt: c?.startedAt ?? null,
      dueAt: c?.dueAt ?? null,
      clockCalendar: c?.calendar ?? null,
      nationalDueAt: c?.nationalDueAt ?? null,
      nationalCalendar: c?.nationalCalendar ?? null,
      // A new clock starts with no warnings sent (timers and the sweep set these).
      clockAlert: null,
      overdueAt: null,
    });
  }
  if (patch.pendingExtension !== undefined) set.pendingExtension = patch.pendingExtension;
  if (patch.extendedHours !== undefined) set.extendedHours = patch.extendedHours;
  if (patch.reworkCount !== undefined) set.reworkCount = patch.reworkCount;
  if (patch.returnCount) set.returnCount = current.returnCount + 1;
  if (patch.escalationCount) set.escalationCount = current.escalationCount + 1;
  if (patch.mergedIntoId !== undefined) set.mergedIntoId = patch.mergedIntoId;
  if (patch.ratingScore !== undefined) set.ratingScore = patch.ratingScore;
  if (patch.ratingComment !== undefined) set.ratingComment = patch.ratingComment;
  if (patch.closedAt !== undefined) set.closedAt = patch.closedAt;
  const rows = await tx
    .update(cases)
    .set(set)
    .where(and(eq(cases.id, current.id), eq(cases.version, current.version)))
    .returning();
  if (!rows[0]) throw new AppError('case.version_conflict', '案件已被他人更新，请刷新后重试');
  return rows[0];
}

export async function appendEvent(tx: Tx, e: typeof caseEvents.$inferInsert): Promise<void> {
  await tx.insert(caseEvents).values(e);
}

export async function insertPhotos(tx: Tx, rows: (typeof casePhotos.$inferInsert)[]): Promise<void> {
  if (rows.length) await tx.insert(casePhotos).values(rows);
}

/** Effects are recorded with the transition (outbox); delivery happens after commit. */
export async function recordEffects(tx: Tx, caseId: string, version: number, effects: Effect[], now: Date): Promise<void> {
  if (!effects.length) return;
  await tx
    .insert(outbox)
    .values(effects.map((e) => ({ topic: e.kind === 'notify' ? e.topic : e.kind, caseId, payload: { ...e.payload, caseId, version }, createdAt: now })));
}

export async function addFollower(tx: Tx, caseId: string, userId: string, now: Date): Promise<void> {
  await tx.insert(caseFollowers).values({ caseId, userId, since: now }).onConflictDoNothing();
}

export async function isFollower(db: DbOrTx, caseId: string, userId: string): Promise<boolean> {
  const rows = await db
    .select({ one: sql<number>`1` })
    .from(caseFollowers)
    .where(and(eq(caseFollowers.caseId, caseId), eq(caseFollowers.userId, userId)));
  return rows.length > 0;
}
