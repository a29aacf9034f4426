import { and, asc, desc, eq } from 'drizzle-orm';
import type { AssessmentPeriod } from '@finecity/types';
import type { PublishedSnapshot, SnapshotStore } from '../../usecases/assessment/ports.js';
import type { DbOrTx } from './database.js';
import { assessmentSnapshots } from './schema.js';

type Row = typeof assessmentSnapshots.$inferSelect;

const head = (r: Row): Omit<PublishedSnapshot, 'rows'> => ({
  period: r.period as AssessmentPeriod,
  at: r.at,
  version: r.version,
  formulaVersion: r.formulaVersion,
  publishedAt: r.publishedAt,
  publishedBy: r.publishedBy,
  reason: r.reason,
});

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}

/**
 * Published scorecards in assessment_snapshots: only ever inserted. The unique (period, at, version) index
 * makes two publications racing for the same version end with one row; the loser gets null.
 */
export function pgSnapshotStore(db: DbOrTx): SnapshotStore {
  const ofPeriod = (period: AssessmentPeriod, at: string) => and(eq(assessmentSnapshots.period, period), eq(assessmentSnapshots.at, at));
  return {
    async find(period, at, version) {
      const where = version === undefined ? ofPeriod(period, at) : and(ofPeriod(period, at), eq(assessmentSnapshots.version, version));
      const [r] = await db.select().from(assessmentSnapshots).where(where).orderBy(desc(assessmentSnapshots.version)).limit(1);
      return r ? { ...head(r), rows: r.rows as PublishedSnapshot['rows'] } : null;
    },
    async versions(period, at) {
      const rows = await db.select().from(assessmentSnapshots).where(ofPeriod(period, at)).orderBy(asc(assessmentSnapshots.version));
      return rows.map(head);
    },
    async append(s, expectVersion) {
      const [latest] = await db.select({ version: assessmentSnapshots.version }).from(assessmentSnapshots).where(ofPeriod(s.period, s.at)).orderBy(desc(assessmentSnapshots.version)).limit(1);
      if ((latest?.version ?? 0) !== expectVersion) return null;
      try {
        const [r] = await db
          .insert(assessmentSnapshots)
          .values({ period: s.period, at: s.at, version: expectVersion + 1, formulaVersion: s.formulaVersion, publishedAt: s.publishedAt, publishedBy: s.publishedBy, reason: s.reason, rows: s.rows as Record<string, unknown[]> })
          .returning();
        return { ...head(r!), rows: r!.rows as PublishedSnapshot['rows'] };
      } catch (err) {
        if (isUniqueViolation(err)) return null;
        throw err;
      }
    },
  };
}
