import { and, count, desc, eq, like, lte, sql } from 'drizzle-orm';
import type { CallbackStatus, CaseState, ChannelCallback } from '@finecity/types';
import type { CallbackConsoleStore, CallbackListRow, CallbackRowStatus } from '../../usecases/channels/callback-console.js';
import type { CallbackRecord, CallbackStore } from '../../usecases/channels/callbacks.js';
import type { Database } from './database.js';
import { caseEvents, casePhotos, cases, channelCallbacks, channelTickets, companies, outbox } from './schema.js';

type Row = typeof channelCallbacks.$inferSelect;
const toRecord = (r: Row): CallbackRecord => ({
  id: r.id,
  channelId: r.channelId,
  caseId: r.caseId,
  dedupeKey: r.dedupeKey,
  payload: r.payload as unknown as ChannelCallback,
  status: r.status as CallbackRecord['status'],
  attempts: r.attempts,
  lastError: r.lastError,
  createdAt: r.createdAt,
  lastAttemptAt: r.lastAttemptAt,
  sentAt: r.sentAt,
});

/** `areaPath` as a LIKE prefix: org paths are digits and slashes, so nothing to escape but to be sure. */
const under = (areaPath: string): string => `${areaPath.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Partner callbacks on PostgreSQL (or PGlite): the ledger the workers write and the console reads. */
export function pgCallbackStore(database: Database): CallbackStore & CallbackConsoleStore {
  const db = database.db;
  /** The after-photos of the last handling up to `version` (a rework's new photos replace the earlier ones). */
  async function afterPhotos(caseId: string, version: number): Promise<string[]> {
    const rows = await db
      .select({ id: casePhotos.id, seq: casePhotos.eventSeq })
      .from(casePhotos)
      .where(and(eq(casePhotos.caseId, caseId), eq(casePhotos.kind, 'after'), lte(casePhotos.eventSeq, version)))
      .orderBy(desc(casePhotos.eventSeq), casePhotos.id);
    const last = rows[0]?.seq;
    return rows.filter((x) => x.seq === last).map((x) => x.id);
  }
  return {
    async partnerEvent(outboxId) {
      // One read: the outbox row, its case's partner ticket (origin 'partner' only), the case and the event's note.
      const r = (
        await db
          .select({
            topic: outbox.topic, payload: outbox.payload, createdAt: outbox.createdAt, caseId: cases.id, caseNo: cases.caseNo,
            districtCode: cases.districtCode, version: cases.version, channelId: channelTickets.channelId, ticketNo: channelTickets.ticketNo,
            note: sql<string | null>`(select ${caseEvents.note} from ${caseEvents} where ${caseEvents.caseId} = ${outbox.caseId} and ${caseEvents.seq} = (${outbox.payload}->>'version')::int)`,
            // Who held the case at that event: the unit its last dispatch or escalation up to then sent it to.
            heldBy: sql<string | null>`(select ${caseEvents.data}->>'to' from ${caseEvents} where ${caseEvents.caseId} = ${outbox.caseId} and ${caseEvents.seq} <= (${outbox.payload}->>'version')::int and ${caseEvents.data} ? 'to' order by ${caseEvents.seq} desc limit 1)`,
          })
          .from(outbox)
          .innerJoin(channelTickets, and(eq(channelTickets.caseId, outbox.caseId), eq(channelTickets.origin, 'partner')))
          .innerJoin(cases, eq(cases.id, outbox.caseId))
          .where(eq(outbox.id, outboxId))
          .limit(1)
      )[0];
      if (!r) return null;
      const p = r.payload as { version?: number; toState?: CaseState; to?: string };
      const version = Number(p.version ?? r.version);
      const photoIds = r.topic === 'case.handle' || (r.topic === 'case.verify' && p.toState === 'closed') ? await afterPhotos(r.caseId, version) : [];
      return {
        channelId: r.channelId, ticketNo: r.ticketNo, caseId: r.caseId, caseNo: r.caseNo, topic: r.topic, version, toState: p.toState,
        // The unit the event sent the case to; else the one holding it then; else (受理 or 退回 at the platform,
        // before any dispatch) the district platform that has it.
        unitCode: p.to ?? r.heldBy ?? r.districtCode,
        note: r.note, at: r.createdAt, photoIds,
      };
    },
    async create(row, now) {
      const inserted = await db
        .insert(channelCallbacks)
        .values({ channelId: row.channelId, caseId: row.caseId, dedupeKey: row.dedupeKey, payload: row.payload as unknown as Record<string, unknown>, createdAt: now })
        .onConflictDoNothing({ target: channelCallbacks.dedupeKey })
        .returning();
      const r = inserted[0] ?? (await db.select().from(channelCallbacks).where(eq(channelCallbacks.dedupeKey, row.dedupeKey)))[0]!;
      return toRecord(r);
    },
    async get(id) {
      const r = (await db.select().from(channelCallbacks).where(eq(channelCallbacks.id, id)))[0];
      return r ? toRecord(r) : null;
    },
    async attempted(id, result, now) {
      await db
        .update(channelCallbacks)
        .set({
          status: result.status,
          attempts: sql`${channelCallbacks.attempts} + 1`,
          lastError: result.error,
          lastAttemptAt: now,
          ...(result.status === 'sent' ? { sentAt: now } : {}),
        })
        // Only a pending row moves: a retry by hand racing a late attempt never turns `sent` back.
        .where(and(eq(channelCallbacks.id, id), eq(channelCallbacks.status, 'pending')));
    },
    async list(f) {
      const where = and(like(cases.locationPath, under(f.areaPath)), f.status ? eq(channelCallbacks.status, f.status) : undefined);
      const [rows, totals] = await Promise.all([
        db
          .select({ c: channelCallbacks, caseNo: cases.caseNo, companyName: companies.name })
          .from(channelCallbacks)
          .innerJoin(cases, eq(cases.id, channelCallbacks.caseId))
          .leftJoin(companies, eq(sql`'tp-' || ${companies.id}`, channelCallbacks.channelId))
          .where(where)
          .orderBy(desc(channelCallbacks.createdAt), desc(channelCallbacks.id))
          .limit(f.limit)
          .offset(f.offset),
        db.select({ n: count() }).from(channelCallbacks).innerJoin(cases, eq(cases.id, channelCallbacks.caseId)).where(where),
      ]);
      const list: CallbackListRow[] = rows.map(({ c, caseNo, companyName }) => ({
        id: c.id, channelId: c.channelId, companyName, caseId: c.caseId, caseNo,
        event: (c.payload as { status?: CallbackStatus }).status ?? 'accepted',
        status: c.status as CallbackRowStatus, attempts: c.attempts, lastError: c.lastError, createdAt: c.createdAt, lastAttemptAt: c.lastAttemptAt,
      }));
      return { rows: list, total: Number(totals[0]?.n ?? 0) };
    },
    async statusOf(id, areaPath) {
      const r = await db
        .select({ status: channelCallbacks.status })
        .from(channelCallbacks)
        .innerJoin(cases, eq(cases.id, channelCallbacks.caseId))
        .where(and(eq(channelCallbacks.id, id), like(cases.locationPath, under(areaPath))));
      return (r[0]?.status as CallbackRowStatus | undefined) ?? null;
    },
    async resetForRetry(id, areaPath) {
      return db.transaction(async (tx) => {
        const r = (
          await tx
            .select({ status: channelCallbacks.status })
            .from(channelCallbacks)
            .innerJoin(cases, eq(cases.id, channelCallbacks.caseId))
            .where(and(eq(channelCallbacks.id, id), like(cases.locationPath, under(areaPath))))
            .for('update', { of: channelCallbacks })
        )[0];
        if (!r) return null;
        if (r.status === 'sent') return 'sent';
        await tx.update(channelCallbacks).set({ status: 'pending', attempts: 0 }).where(eq(channelCallbacks.id, id));
        return 'reset';
      });
    },
  };
}
