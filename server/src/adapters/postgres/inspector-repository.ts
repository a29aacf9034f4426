import { and, asc, desc, eq, gte, inArray, isNull, like, lt, or, sql, type SQL } from 'drizzle-orm';
import type { CaseRecord } from '../../usecases/repositories.js';
import { HISTORY_ACTIONS, type HistoryAction, type InspectorStore, type PatrolSessionRecord } from '../../usecases/inspector/ports.js';
import type { DbOrTx } from './database.js';
import { caseEvents, cases, patrolCheckins, patrolSessions } from './schema.js';

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const asSession = (r: typeof patrolSessions.$inferSelect): PatrolSessionRecord => ({ id: r.id, userId: r.userId, startedAt: r.startedAt, stoppedAt: r.stoppedAt });

/** 已办 and patrol sessions (issue 12): see usecases/inspector/ports.ts. */
export function pgInspectorStore(db: DbOrTx): InspectorStore {
  return {
    async history(userId, q, page) {
      // One row per case the person acted on, with their latest such action (index case_events_actor_at_idx).
      const mine = db
        .select({
          caseId: caseEvents.caseId,
          at: sql<Date>`max(${caseEvents.at})`.mapWith(caseEvents.at).as('my_at'),
          action: sql<string>`(array_agg(${caseEvents.action} order by ${caseEvents.at} desc, ${caseEvents.id} desc))[1]`.as('my_action'),
        })
        .from(caseEvents)
        .where(and(eq(caseEvents.actorId, userId), inArray(caseEvents.action, [...HISTORY_ACTIONS])))
        .groupBy(caseEvents.caseId)
        .as('mine');
      let where: SQL | undefined;
      if (q) {
        const p = `%${escapeLike(q)}%`;
        where = or(like(cases.caseNo, p), like(cases.description, p), like(cases.address, p));
      }
      const [rows, count] = await Promise.all([
        db.select({ c: cases, at: mine.at, action: mine.action }).from(mine).innerJoin(cases, eq(cases.id, mine.caseId))
          .where(where).orderBy(desc(mine.at), asc(cases.id)).limit(page.limit).offset(page.offset),
        db.select({ n: sql<number>`count(*)::int` }).from(mine).innerJoin(cases, eq(cases.id, mine.caseId)).where(where),
      ]);
      return {
        rows: rows.map((r) => ({ row: r.c as CaseRecord, action: r.action as HistoryAction, at: r.at instanceof Date ? r.at : new Date(r.at) })),
        total: Number(count[0]?.n ?? 0),
      };
    },

    async startSession({ id, userId, at, now }) {
      // The partial unique index keeps one open session per person; a second start meets it and reads the open one.
      const inserted = await db.insert(patrolSessions).values({ id, userId, startedAt: at, createdAt: now })
        .onConflictDoNothing().returning();
      if (inserted[0]) return { session: asSession(inserted[0]), created: true };
      const open = await db.select().from(patrolSessions).where(and(eq(patrolSessions.userId, userId), isNull(patrolSessions.stoppedAt))).limit(1);
      if (open[0]) return { session: asSession(open[0]), created: false };
      // The id was taken: the same start sent again after it was stopped (an offline retry).
      const same = await db.select().from(patrolSessions).where(and(eq(patrolSessions.id, id), eq(patrolSessions.userId, userId))).limit(1);
      if (same[0]) return { session: asSession(same[0]), created: false };
      throw new Error('patrol session id taken by another person');
    },

    async stopSession(userId, id, at) {
      const updated = await db.update(patrolSessions)
        .set({ stoppedAt: sql`greatest(${at}::timestamptz, ${patrolSessions.startedAt})` })
        .where(and(eq(patrolSessions.id, id), eq(patrolSessions.userId, userId), isNull(patrolSessions.stoppedAt)))
        .returning();
      if (updated[0]) return asSession(updated[0]);
      const found = await db.select().from(patrolSessions).where(and(eq(patrolSessions.id, id), eq(patrolSessions.userId, userId))).limit(1);
      return found[0] ? asSession(found[0]) : null;
    },

    async sessionsBetween(userId, start, end) {
      const rows = await db.select().from(patrolSessions)
        .where(and(eq(patrolSessions.userId, userId), lt(patrolSessions.startedAt, end), or(isNull(patrolSessions.stoppedAt), gte(patrolSessions.stoppedAt, start))))
        .orderBy(asc(patrolSessions.startedAt));
      return rows.map(asSession);
    },

    async checkinsOf(userId, day) {
      return db.select({ id: patrolCheckins.id, gridCode: patrolCheckins.gridCode, day: patrolCheckins.day, at: patrolCheckins.at, companyId: patrolCheckins.companyId })
        .from(patrolCheckins).where(and(eq(patrolCheckins.userId, userId), eq(patrolCheckins.day, day))).orderBy(asc(patrolCheckins.at));
    },

    async gridCheckins(gridCodes, day) {
      if (!gridCodes.length) return [];
      return db.select({ gridCode: patrolCheckins.gridCode, checkins: sql<number>`count(*)::int`.mapWith(Number) })
        .from(patrolCheckins).where(and(inArray(patrolCheckins.gridCode, gridCodes), eq(patrolCheckins.day, day))).groupBy(patrolCheckins.gridCode);
    },

    async findsBetween(userId, start, end, limit) {
      const rows = await db.select().from(cases)
        .where(and(eq(cases.reporterId, userId), gte(cases.createdAt, start), lt(cases.createdAt, end)))
        .orderBy(desc(cases.createdAt)).limit(limit);
      return rows as CaseRecord[];
    },
  };
}
