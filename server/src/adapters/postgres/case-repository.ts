import crypto from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, isNotNull, like, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { OPEN_STATES, type CaseState } from '@finecity/types';
import type { CasePatch } from '../../domain/case-machine.js';
import { AppError } from '../../domain/errors.js';
import type {
  CaseDetail, CaseListFilter, CaseQueries, CaseRecord, CaseRepository, CaseVisibility, DecisionEvent, DuplicateQuery,
  LoadedCase, NearbyCase, NewReport, PhotoMeta, TaskQuery,
} from '../../usecases/repositories.js';
import type { DbOrTx } from './database.js';
import { caseCounters, caseDuplicateCandidates, caseEvents, caseFollowers, casePhotos, cases, idempotencyKeys, users } from './schema.js';

type Row = typeof cases.$inferSelect;
const asRecord = (r: Row): CaseRecord => r as CaseRecord;

/** The cases of the database, bound to a transaction (or to the pool for reads). */
export function pgCaseRepository(db: DbOrTx): CaseRepository {
  async function load(id: string, callerId: string, lock: boolean): Promise<LoadedCase | null> {
    // The follow flag rides along in the same statement: one read per action.
    const q = db
      .select({ c: cases, follows: sql<boolean>`exists (select 1 from ${caseFollowers} where ${caseFollowers.caseId} = ${cases.id} and ${caseFollowers.userId} = ${callerId})` })
      .from(cases)
      .where(eq(cases.id, id));
    const rows = lock ? await q.for('update', { of: cases }) : await q;
    const r = rows[0];
    return r ? { row: asRecord(r.c), callerFollows: !!r.follows } : null;
  }

  return {
    loadForUpdate: (id, callerId) => load(id, callerId, true),
    load: (id, callerId) => load(id, callerId, false),

    async insertReport(r: NewReport): Promise<CaseRecord> {
      const id = crypto.randomUUID();
      const [row] = await db
        .insert(cases)
        .values({
          id,
          // The readable number is given as the transaction's last statement (assignCaseNo), so the per-day
          // counter row is locked only for the commit, not for the whole report.
          caseNo: `pending-${id}`,
          source: r.source,
          reporterId: r.reporterId,
          anonymous: r.anonymous,
          categoryCode: r.categoryCode,
          standardRef: r.standardRef,
          description: r.description,
          lat: r.lat,
          lng: r.lng,
          address: r.address,
          gridCode: r.gridCode,
          communityCode: r.communityCode,
          streetCode: r.streetCode,
          districtCode: r.districtCode,
          locationPath: r.locationPath,
          state: 'submitted',
          complexity: r.complexity,
          moderation: r.moderation,
          createdAt: r.at,
          updatedAt: r.at,
        })
        .returning();
      const event = {
        caseId: id, seq: 1, action: 'submit', fromState: null, toState: 'submitted', actorId: r.reporterId,
        actorRole: r.reporterRole, at: r.at, note: null, data: { photoIds: r.photos.map((p) => p.id) },
      };
      const photoRows = r.photos.map((p) => ({ ...p, caseId: id, eventSeq: 1, kind: 'before', createdAt: r.at }));
      // Event, photos and idempotency key in one statement (data-modifying CTEs).
      const key = r.idempotency;
      await db.execute(sql`
        with e as (insert into ${caseEvents} (case_id, seq, action, from_state, to_state, actor_id, actor_role, at, note, data)
                   values (${event.caseId}, 1, 'submit', null, 'submitted', ${event.actorId}, ${event.actorRole}, ${event.at}, null, ${JSON.stringify(event.data)}::jsonb))
        ${photoRows.length ? sql`, p as (insert into ${casePhotos} (id, case_id, event_seq, kind, width, height, bytes, sha256, created_at) values ${sql.join(
          photoRows.map((p) => sql`(${p.id}, ${p.caseId}, 1, 'before', ${p.width}, ${p.height}, ${p.bytes}, ${p.sha256}, ${p.createdAt})`),
          sql`, `,
        )})` : sql``}
        ${key ? sql`insert into ${idempotencyKeys} (user_id, key, request_hash, case_id, created_at) values (${r.reporterId}, ${key.key}, ${key.requestHash}, ${id}, ${r.at})` : sql`select 1`}`);
      return asRecord(row!);
    },

    async assignCaseNo(caseId, prefix, day) {
      const res = await db.execute<{ case_no: string }>(sql`
        with n as (
          insert into ${caseCounters} (day, last) values (${day}, 1)
          on conflict (day) do update set last = ${caseCounters}.last + 1
          returning last)
        update ${cases} set case_no = ${prefix + day + '-'} || lpad(n.last::text, 6, '0') from n
        where ${cases.id} = ${caseId} returning case_no`);
      return rowsOf<{ case_no: string }>(res)[0]!.case_no;
    },

    async nearbyOpen(q: DuplicateQuery): Promise<NearbyCase[]> {
      const rows = await db
        .select({ id: cases.id, caseNo: cases.caseNo, categoryCode: cases.categoryCode, lat: cases.lat, lng: cases.lng, createdAt: cases.createdAt, state: cases.state })
        .from(cases)
        .where(
          and(
            eq(cases.categoryCode, q.categoryCode),
            gte(cases.createdAt, q.since),
            inArray(cases.state, [...OPEN_STATES]),
            gte(cases.lat, q.box.minLat), lte(cases.lat, q.box.maxLat), gte(cases.lng, q.box.minLng), lte(cases.lng, q.box.maxLng),
          ),
        );
      return rows.map((r) => ({ ...r, state: r.state as CaseState }));
    },

    async recordDuplicates(caseId, found) {
      if (found.length) await db.insert(caseDuplicateCandidates).values(found.map((d) => ({ caseId, candidateId: d.caseId, distanceM: d.distanceM })));
    },

    async saveDecision(current: CaseRecord, patch: CasePatch, extra, e: DecisionEvent, photos: PhotoMeta[]): Promise<CaseRecord> {
      const set = patchColumns(current, patch, extra);
      const version = current.version + 1;
      const updated = await db
        .update(cases)
        .set(set)
        .where(and(eq(cases.id, current.id), eq(cases.version, current.version)))
        .returning();
      if (!updated[0]) throw new AppError('case.version_conflict', '案件已被他人更新，请刷新后重试');
      const photoRows = photos.map((p) => sql`(${p.id}, ${current.id}, ${version}, 'after', ${p.width}, ${p.height}, ${p.bytes}, ${p.sha256}, ${extra.now})`);
      await db.execute(sql`
        ${photoRows.length ? sql`with p as (insert into ${casePhotos} (id, case_id, event_seq, kind, width, height, bytes, sha256, created_at) values ${sql.join(photoRows, sql`, `)})` : sql``}
        insert into ${caseEvents} (case_id, seq, action, from_state, to_state, actor_id, actor_role, at, note, data)
        values (${current.id}, ${version}, ${e.action}, ${e.fromState}, ${e.toState}, ${e.actorId}, ${e.actorRole}, ${extra.now}, ${e.note}, ${JSON.stringify(e.data)}::jsonb)`);
      return asRecord(updated[0]);
    },

    async addFollowers(caseId, userIds, now) {
      if (userIds.length) await db.insert(caseFollowers).values(userIds.map((userId) => ({ caseId, userId, since: now }))).onConflictDoNothing();
    },

    async followerIds(caseId) {
      return (await db.select({ id: caseFollowers.userId }).from(caseFollowers).where(eq(caseFollowers.caseId, caseId))).map((r) => r.id);
    },

    async detail(caseId): Promise<CaseDetail> {
      const [events, photos, duplicates] = await Promise.all([
        db
          .select({ e: caseEvents, actorName: users.name })
          .from(caseEvents)
          .leftJoin(users, eq(users.id, caseEvents.actorId))
          .where(eq(caseEvents.caseId, caseId))
          .orderBy(asc(caseEvents.seq)),
        db.select().from(casePhotos).where(eq(casePhotos.caseId, caseId)).orderBy(asc(casePhotos.eventSeq), asc(casePhotos.createdAt)),
        db
          .select({
            caseId: caseDuplicateCandidates.candidateId, caseNo: cases.caseNo, distanceM: caseDuplicateCandidates.distanceM,
            locationPath: cases.locationPath, responsiblePath: cases.responsiblePath, reporterId: cases.reporterId,
          })
          .from(caseDuplicateCandidates)
          .innerJoin(cases, eq(cases.id, caseDuplicateCandidates.candidateId))
          .where(eq(caseDuplicateCandidates.caseId, caseId)),
      ]);
      return {
        events: events.map(({ e, actorName }) => ({
          seq: e.seq, action: e.action, fromState: e.fromState, toState: e.toState, actorId: e.actorId, actorRole: e.actorRole,
          actorName, at: e.at, note: e.note, data: e.data,
        })),
        photos: photos.map((p) => ({ ...p, kind: p.kind as 'before' | 'after' })),
        duplicates,
      };
    },
  };
}

function patchColumns(current: CaseRecord, patch: CasePatch, extra: { responsiblePath: string | null; now: Date }): Partial<typeof cases.$inferInsert> {
  const set: Partial<typeof cases.$inferInsert> = { state: patch.state, version: current.version + 1, updatedAt: extra.now };
  if (patch.complexity !== undefined) set.complexity = patch.complexity;
  if (patch.responsibleCode !== undefined) {
    set.responsibleCode = patch.responsibleCode;
    set.responsiblePath = extra.responsiblePath;
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
  return set;
}

/** node-postgres answers `{rows}`, PGlite answers `{rows}` too; drizzle's execute type differs per driver. */
export function rowsOf<T>(res: unknown): T[] {
  return ((res as { rows?: T[] }).rows ?? (res as T[])) as T[];
}

/* ---- Lists ---- */

const followedBy = (userId: string) => sql`${cases.id} in (select ${caseFollowers.caseId} from ${caseFollowers} where ${caseFollowers.userId} = ${userId})`;

function visible(v: CaseVisibility): SQL {
  const parts: SQL[] = [eq(cases.reporterId, v.userId), followedBy(v.userId)];
  if (v.areaPath) parts.push(like(cases.locationPath, `${v.areaPath}%`), like(cases.responsiblePath, `${v.areaPath}%`));
  if (v.heldPath) parts.push(like(cases.responsiblePath, `${v.heldPath}%`));
  return or(...parts)!;
}

function conditions(v: CaseVisibility, f: CaseListFilter): SQL {
  const conds: SQL[] = [f.mine ? or(eq(cases.reporterId, v.userId), followedBy(v.userId))! : visible(v)];
  if (f.state?.length) conds.push(inArray(cases.state, f.state));
  if (f.categoryCode) conds.push(eq(cases.categoryCode, f.categoryCode));
  if (f.source) conds.push(eq(cases.source, f.source));
  if (f.q) {
    const q = `%${escapeLike(f.q)}%`;
    conds.push(or(like(cases.caseNo, q), like(cases.description, q), like(cases.address, q))!);
  }
  if (f.underPath !== undefined) conds.push(f.underPath ? or(like(cases.locationPath, `${f.underPath}%`), like(cases.responsiblePath, `${f.underPath}%`))! : sql`false`);
  if (f.pendingExtension) conds.push(isNotNull(cases.pendingExtension));
  return and(...conds)!;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function pgCaseQueries(db: DbOrTx): CaseQueries {
  return {
    async list(v, f, page) {
      const where = conditions(v, f);
      const [rows, count] = await Promise.all([
        db.select().from(cases).where(where).orderBy(desc(cases.createdAt)).limit(page.limit).offset(page.offset),
        db.select({ n: sql<number>`count(*)::int` }).from(cases).where(where),
      ]);
      return { rows: rows.map(asRecord), total: count[0]?.n ?? 0 };
    },
    async running(v, f, max) {
      const where = and(conditions(v, f), inArray(cases.state, [...OPEN_STATES]), ne(cases.state, 'suspended'), isNotNull(cases.dueAt), isNotNull(cases.clockStartedAt));
      return (await db.select().from(cases).where(where).orderBy(asc(cases.dueAt), asc(cases.createdAt)).limit(max)).map(asRecord);
    },
    async tasks(q: TaskQuery) {
      const inArea = or(like(cases.locationPath, `${q.orgPath}%`), like(cases.responsiblePath, `${q.orgPath}%`))!;
      const parts: SQL[] = [];
      if (q.held) parts.push(and(eq(cases.responsibleCode, q.orgNodeCode), inArray(cases.state, ['dispatched', 'in_progress']))!);
      if (q.toRegister) parts.push(and(inArea, inArray(cases.state, ['submitted', 'registered']))!);
      if (q.extensions) parts.push(and(inArea, isNotNull(cases.pendingExtension), sql`${cases.responsibleCode} <> ${q.orgNodeCode}`)!);
      if (q.toVerify) parts.push(and(inArea, eq(cases.state, 'handled'))!);
      if (!parts.length) return [];
      const rows = await db
        .select()
        .from(cases)
        .where(or(...parts))
        .orderBy(sql`${cases.dueAt} asc nulls last`, asc(cases.createdAt))
        .limit(q.limit);
      return rows.map(asRecord);
    },
  };
}
