import { asc, eq, sql } from 'drizzle-orm';
import type { StoredCalendarYear, WorkingCalendarStore } from '../../usecases/admin/calendar.js';
import { pgAuditLog } from './audit-repository.js';
import type { Db } from './database.js';
import { calendarYears, type CalendarDayRow } from './schema.js';

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
    replace(year, lists, by, at, audit) {
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
        await pgAuditLog(tx).record(audit(before));
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
