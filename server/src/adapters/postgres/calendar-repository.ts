import { and, asc, eq, gte, inArray, isNotNull, lt, ne, or, sql } from 'drizzle-orm';
import { OPEN_STATES, type CaseState } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import type { CalendarRecomputeTx, StoredCalendarYear, WorkingCalendarStore } from '../../usecases/admin/calendar.js';
import { pgAuditLog } from './audit-repository.js';
import type { Db, DbOrTx } from './database.js';
import { outboxRows, pgOutbox } from './outbox-repository.js';
import { calendarYears, caseEvents, cases, type CalendarDayRow } from './schema.js';

const asYear = (r: typeof calendarYears.$inferSelect): StoredCalendarYear => ({ year: r.year, holidays: r.holidays, workdays: r.workdays, updatedAt: r.updatedAt });

/** The stored working calendar (table calendar_years); `reload` is the composition root's. */
export function pgWorkingCalendar(db: Db): Omit<WorkingCalendarStore, 'reload'> & { seedIfEmpty(years: { year: number; holidays: CalendarDayRow[]; workdays: CalendarDayRow[] }[]): Promise<number> } {
  return {
    async all() {
      return (await db.select().from(calendarYears).orderBy(asc(calendarYears.year))).map(asYear);
    },
    async year(year) {
      const rows = await db.select().from(calendarYears).where(eq(calendarYears.year, year));
      return rows[0] ? asYear(rows[0]) : null;
    },
    replace(year, lists, by, at, audit, recompute) {
      return db.transaction(async (tx) => {
        // One writer per calendar at a time (also when the year does not exist yet): `before` is what this change replaces.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext('finecity:calendar_years'))`);
        const rows = await tx.select().from(calendarYears).where(eq(calendarYears.year, year));
        const before = rows[0] ? asYear(rows[0]) : null;
        const values = { holidays: lists.holidays, workdays: lists.workdays, updatedAt: at, updatedBy: by };
        const [saved] = await tx
          .insert(calendarYears)
          .values({ year, ...values })
          .onConflictDoUpdate({ target: calendarYears.year, set: values })
          .returning();
        // Running clocks move under the same lock, so a concurrent save cannot interleave with them.
        const recomputed = recompute ? await recompute(before, recomputeTx(tx)) : null;
        await pgAuditLog(tx).record(audit(before, recomputed));
        return asYear(saved!);
      });
    },
    /** Loads the years of config/holidays.json when no year is stored yet (first start); returns how many. */
    async seedIfEmpty(years) {
      const [{ n }] = (await db.select({ n: sql<number>`count(*)::int` }).from(calendarYears)) as [{ n: number }];
      if (n > 0 || years.length === 0) return 0;
      const inserted = await db
        .insert(calendarYears)
        .values(years.map((y) => ({ year: y.year, holidays: y.holidays, workdays: y.workdays })))
        .onConflictDoNothing({ target: calendarYears.year })
        .returning({ year: calendarYears.year });
      return inserted.length;
    },
  };
}

/** Open states whose clock runs (a parked 挂账 case's clock is stopped). */
const RUNNING_STATES = OPEN_STATES.filter((st) => st !== 'suspended');

/** The re-computation's reads and writes inside the calendar save's transaction. */
function recomputeTx(tx: DbOrTx): CalendarRecomputeTx {
  return {
    async otherYears(year) {
      return (await tx.select().from(calendarYears).where(ne(calendarYears.year, year)).orderBy(asc(calendarYears.year))).map(asYear);
    },
    async runningWorkingClocks(from, to) {
      const rows = await tx
        .select({
          id: cases.id, caseNo: cases.caseNo, version: cases.version, state: cases.state, startedAt: cases.clockStartedAt,
          dueAt: cases.dueAt, calendar: cases.clockCalendar, nationalDueAt: cases.nationalDueAt, nationalCalendar: cases.nationalCalendar,
          arriveDueAt: cases.arriveDueAt, clockAlert: cases.clockAlert, overdueAt: cases.overdueAt,
        })
        .from(cases)
        .where(and(
          inArray(cases.state, [...RUNNING_STATES]), isNotNull(cases.clockStartedAt), isNotNull(cases.dueAt), lt(cases.clockStartedAt, to),
          or(
            and(eq(cases.clockCalendar, 'working'), gte(cases.dueAt, from)),
            and(eq(cases.nationalCalendar, 'working'), isNotNull(cases.nationalDueAt), gte(cases.nationalDueAt, from)),
          ),
        ))
        .orderBy(asc(cases.dueAt), asc(cases.id))
        .for('update');
      return rows.map((r) => ({
        caseId: r.id, caseNo: r.caseNo, version: r.version, state: r.state as CaseState, clockAlert: r.clockAlert, overdueAt: r.overdueAt,
        clock: {
          startedAt: r.startedAt!, dueAt: r.dueAt!, calendar: r.calendar === 'working' ? 'working' : 'natural',
          // A clock stored without its national half: that half stays as it is (natural time is never moved).
          nationalDueAt: r.nationalDueAt ?? r.dueAt!, nationalCalendar: r.nationalDueAt && r.nationalCalendar === 'working' ? 'working' : 'natural',
          ...(r.arriveDueAt ? { arriveDueAt: r.arriveDueAt } : {}),
        },
      }));
    },
    async moveClock(c, move, actor, at) {
      const version = c.version + 1;
      const updated = await tx
        .update(cases)
        .set({ dueAt: move.clock.dueAt, nationalDueAt: move.clock.nationalDueAt, clockAlert: move.clockAlert, overdueAt: move.overdueAt, version, updatedAt: at })
        .where(and(eq(cases.id, c.caseId), eq(cases.version, c.version)))
        .returning({ id: cases.id });
      if (!updated.length) throw new AppError('case.version_conflict', '案件已被他人更新，请稍后重试');
      const e = move.event;
      await tx.insert(caseEvents).values({
        caseId: c.caseId, seq: version, action: e.action, fromState: e.fromState, toState: e.toState, actorId: actor.id, actorRole: actor.role, at, note: e.note, data: e.data,
      });
      await pgOutbox(tx).append(outboxRows(c.caseId, version, move.effects), at);
    },
  };
}
