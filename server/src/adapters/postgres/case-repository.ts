import crypto from 'node:crypto';
import { and, asc, desc, eq, getTableColumns, gte, inArray, isNotNull, like, lt, ne, not, or, sql, type SQL } from 'drizzle-orm';
import { OPEN_STATES } from '@finecity/types';
import type { CasePatch, Effect } from '../../domain/case-machine.js';
import { EARTH_RADIUS_M } from '../../domain/duplicates.js';
import { AppError } from '../../domain/errors.js';
import type {
  CaseDetail, CaseListFilter, CaseQueries, CaseRecord, CaseRepository, CaseVisibility, DecisionEvent, DuplicateQuery, DuplicateRef,
  LoadedCase, NewReport, PhotoMeta, TaskQuery,
} from '../../usecases/repositories.js';
import { ReportUnconfirmed } from '../../usecases/repositories.js';
import { OUTBOX_CHANNEL, outboxRows } from './outbox-repository.js';
import type { DbOrTx } from './database.js';
import { caseFollowers, cases } from './schema.js';

type Row = typeof cases.$inferSelect;
const asRecord = (r: Row): CaseRecord => r as CaseRecord;

/** `"case_no" as "caseNo", …`: raw statements answer with the record's own field names. */
const CASE_FIELDS = sql.raw(
  Object.entries(getTableColumns(cases))
    .map(([field, col]) => `"${col.name}" as "${field}"`)
    .join(', '),
);
const TIMESTAMP_FIELDS = Object.entries(getTableColumns(cases))
  .filter(([, col]) => col.columnType === 'PgTimestamp')
  .map(([field]) => field);

/** Drivers parse top-level timestamps, but not those inside JSON; real columns may arrive as strings. */
function caseFromRaw(r: Record<string, unknown>): CaseRecord {
  const out = { ...r } as Record<string, unknown>;
  for (const f of TIMESTAMP_FIELDS) if (typeof out[f] === 'string') out[f] = new Date(out[f] as string);
  out.extendedHours = Number(out.extendedHours);
  return out as unknown as CaseRecord;
}

const NO_DETAIL: CaseDetail = { events: [], photos: [], duplicates: [] };

/** The timeline of the case `c` as JSON, read in the same statement as the case. */
const DETAIL_JSON = sql`
  (select coalesce(json_agg(json_build_object('seq', e.seq, 'action', e.action, 'fromState', e.from_state, 'toState', e.to_state,
      'actorId', e.actor_id, 'actorRole', e.actor_role, 'actorName', u.name, 'at', e.at, 'note', e.note, 'data', e.data) order by e.seq), '[]')
     from case_events e left join users u on u.id = e.actor_id where e.case_id = c.id) as "events",
  (select coalesce(json_agg(json_build_object('id', p.id, 'caseId', p.case_id, 'eventSeq', p.event_seq, 'kind', p.kind, 'width', p.width,
      'height', p.height, 'bytes', p.bytes, 'sha256', p.sha256, 'createdAt', p.created_at, 'publishedAt', p.published_at) order by p.event_seq, p.created_at), '[]')
     from case_photos p where p.case_id = c.id) as "photos",
  (select coalesce(json_agg(json_build_object('caseId', d.candidate_id, 'caseNo', o.case_no, 'distanceM', d.distance_m,
      'locationPath', o.location_path, 'responsiblePath', o.responsible_path, 'reporterId', o.reporter_id) order by d.distance_m, d.candidate_id), '[]')
     from case_duplicate_candidates d join cases o on o.id = d.candidate_id where d.case_id = c.id) as "duplicates"`;

interface RawDetail {
  events: (Omit<CaseDetail['events'][number], 'at'> & { at: string })[];
  photos: (Omit<CaseDetail['photos'][number], 'createdAt'> & { createdAt: string })[];
  duplicates: CaseDetail['duplicates'];
}

function detailFromRaw(r: RawDetail): CaseDetail {
  return {
    events: r.events.map((e) => ({ ...e, at: new Date(e.at), data: e.data ?? {} })),
    photos: r.photos.map((p) => ({ ...p, createdAt: new Date(p.createdAt) })),
    duplicates: r.duplicates,
  };
}

/** The cases of the database, bound to a transaction (or to the pool for reads). */
export function pgCaseRepository(db: DbOrTx, o: { deferredCommit?: boolean; namedStatements?: boolean } = {}): CaseRepository {
  // The pool of a PostgreSQL server: a report runs as a named statement and commits without waiting for the
  // disk, then waits on a shared flush barrier (flushBarrier below).
  const execute = o.namedStatements ? named(db) : (s: SQL) => db.execute(s);
  const durable = o.deferredCommit ? flushBarrier(db, execute) : null;
  async function load(id: string, callerId: string, lock: boolean, withDetail: boolean): Promise<LoadedCase | null> {
    // One statement: the row, the caller's follow flag and (for a page or an action's answer) the timeline.
    const res = await db.execute(sql`
      select ${CASE_FIELDS},
        exists (select 1 from case_followers f where f.case_id = c.id and f.user_id = ${callerId}) as "callerFollows"
        ${withDetail ? sql`, ${DETAIL_JSON}` : sql``}
      from cases c where c.id = ${id} ${lock ? sql`for update of c` : sql``}`);
    const r = rowsOf<Record<string, unknown>>(res)[0];
    if (!r) return null;
    const { callerFollows, events, photos, duplicates, ...row } = r;
    return {
      row: caseFromRaw(row),
      callerFollows: !!callerFollows,
      detail: withDetail ? detailFromRaw({ events, photos, duplicates } as RawDetail) : NO_DETAIL,
    };
  }

  return {
    loadForUpdate: (id, callerId, withDetail = true) => load(id, callerId, true, withDetail),
    load: (id, callerId) => load(id, callerId, false, true),

    async insertReport(r: NewReport, near: DuplicateQuery, caseNo: { prefix: string; day: string }, effects: Effect[]) {
      const id = crypto.randomUUID();
      const key = r.idempotency;
      const t = r.channelTicket;
      const photos = r.photos.map((p) => sql`(${p.id}::uuid, ${id}::uuid, 1, 'before', ${p.width}::int, ${p.height}::int, ${p.bytes}::int, ${p.sha256}::text, ${r.at}::timestamptz)`);
      const data = JSON.stringify({ photoIds: r.photos.map((p) => p.id) });
      const outbox = outboxRows(id, 1, effects);
      const lat0 = sql`${near.at.lat}::float8`;
      const lng0 = sql`${near.at.lng}::float8`;
      // Haversine on the sphere of domain/duplicates.ts `distanceM`, term by term as written there
      // (degrees × π ÷ 180; Math.round(x × 10) ÷ 10 is floor(x × 10 + 0.5) ÷ 10 for a distance).
      const exact = sql`2 * ${EARTH_RADIUS_M}::float8 * asin(least(1::float8, sqrt(
          power(sin(((n.lat - ${lat0}) * pi() / 180) / 2), 2)
          + cos(${lat0} * pi() / 180) * cos(n.lat * pi() / 180) * power(sin(((n.lng - ${lng0}) * pi() / 180) / 2), 2))))`;
      // A partner's nonce is claimed by the same statement: a nonce seen within its window claims nothing,
      // the number is not taken, and every write below, gated on the case row, writes nothing.
      const nonce = r.nonce
        ? sql`nc as (insert into channel_nonces (channel_id, nonce, seen_at) values (${r.nonce.channelId}::text, ${r.nonce.nonce}::text, ${r.at}::timestamptz)
            on conflict (channel_id, nonce) do update set seen_at = excluded.seen_at where channel_nonces.seen_at < ${r.nonce.freshAfter}::timestamptz
            returning 1),`
        : sql``;
      // One statement, atomic on its own: the per-day number, the case, its submit event, its photos, its
      // idempotency key (or channel ticket), its duplicate candidates and its outbox rows. The statement's
      // snapshot does not see the new row, so a report is never its own duplicate; the counter row is locked
      // only until this statement commits.
      const res = await execute(sql`
        with ${nonce}
        n as (
          insert into case_counters (day, last) select ${caseNo.day}::text, 1 ${r.nonce ? sql`from nc` : sql``}
          on conflict (day) do update set last = case_counters.last + 1 returning last),
        c as (
          insert into cases (id, case_no, source, reporter_id, anonymous, category_code, standard_ref, description, lat, lng, address,
            grid_code, community_code, street_code, district_code, location_path, state, complexity, moderation, created_at, updated_at, policy_version, location_pending)
          select ${id}::uuid, ${caseNo.prefix + caseNo.day + '-'} || lpad(n.last::text, 6, '0'), ${r.source}::text, ${r.reporterId}::uuid,
            ${r.anonymous}::boolean, ${r.categoryCode}::text, ${r.standardRef}::text, ${r.description}::text, ${r.lat}::float8, ${r.lng}::float8,
            ${r.address}::text, ${r.gridCode}::text, ${r.communityCode}::text, ${r.streetCode}::text, ${r.districtCode}::text,
            ${r.locationPath}::text, 'submitted', ${r.complexity}::text, ${r.moderation}::text, ${r.at}::timestamptz, ${r.at}::timestamptz,
            -- the category/time-limit policy in force as this statement sees it: the case's clocks use its limits
            (select max(version) from policy_versions), ${r.locationPending ?? false}::boolean
          from n
          returning case_no, policy_version),
        e as (insert into case_events (case_id, seq, action, from_state, to_state, actor_id, actor_role, at, note, data)
              select ${id}::uuid, 1, 'submit', null::text, 'submitted', ${r.reporterId}::uuid, ${r.reporterRole}::text, ${r.at}::timestamptz, null::text, ${data}::jsonb from c),
        ${photos.length ? sql`p as (insert into case_photos (id, case_id, event_seq, kind, width, height, bytes, sha256, created_at) select v.* from (values ${sql.join(photos, sql`, `)}) as v(id, case_id, event_seq, kind, width, height, bytes, sha256, created_at), c),` : sql``}
        ${t ? sql`t as (insert into channel_tickets (channel_id, ticket_no, case_id, origin, request_hash, caller_name, caller_phone, tracking_token_hash, urgent, received_at, created_at)
          select ${t.channelId}::text, ${t.ticketNo}::text, ${id}::uuid, ${t.origin}::text, ${t.requestHash}::text, ${t.callerName}::text, ${t.callerPhone}::text, ${t.trackingTokenHash}::text,
            ${t.urgent}::boolean, ${t.receivedAt}::timestamptz, ${r.at}::timestamptz from c),` : sql``}
        ${key ? sql`k as (insert into idempotency_keys (user_id, key, request_hash, case_id, created_at) select ${r.reporterId}::uuid, ${key.key}::text, ${key.requestHash}::text, ${id}::uuid, ${r.at}::timestamptz from c),` : sql``}
        box as (
          select * from cases n
          where n.category_code = ${near.categoryCode} and n.created_at >= ${near.since} and n.created_at <= ${r.at}
            and n.state in (${sql.join(OPEN_STATES.map((s) => sql`${s}`), sql`, `)})
            and n.lat between ${near.box.minLat} and ${near.box.maxLat} and n.lng between ${near.box.minLng} and ${near.box.maxLng}
          -- nearest first on a local flat projection, with room to spare; the exact distance is then taken on
          -- these only (at 50 m the two orders differ by micrometres, so the nearest \`limit\` are among them)
          order by power(n.lat - ${lat0}, 2) + power((n.lng - ${lng0}) * ${Math.cos((near.at.lat * Math.PI) / 180)}::float8, 2)
          limit ${near.limit * 2}),
        near as (select n.id, n.case_no, n.location_path, n.responsible_path, n.reporter_id, ${exact} as exact from box n),
        dup as (
          select id, case_no, location_path, responsible_path, reporter_id, floor(exact * 10 + 0.5) / 10 as distance_m
          from near where exact <= ${near.distanceM}::float8
          order by exact, id
          limit ${near.limit}),
        d as (insert into case_duplicate_candidates (case_id, candidate_id, distance_m) select ${id}::uuid, dup.id, dup.distance_m from dup, c),
        ${outboxCte(outbox, r.at, sql`c`)}
        x as (select 1)
        select c.case_no as "caseNo", c.policy_version as "policyVersion",
          (select coalesce(json_agg(json_build_object('caseId', dup.id, 'caseNo', dup.case_no, 'distanceM', dup.distance_m,
              'locationPath', dup.location_path, 'responsiblePath', dup.responsible_path, 'reporterId', dup.reporter_id)
              order by dup.distance_m, dup.id), '[]') from dup) as "duplicates"
          ${wake(outbox.length > 0)}
          ${durable ? sql`, (select set_config('synchronous_commit', 'off', true)) as "deferred"` : sql``}
        from c`);
      const first = rowsOf<{ caseNo: string; policyVersion: number | null; duplicates: DuplicateRef[] }>(res)[0];
      if (!first) return null; // the nonce was seen: nothing was written
      // The counter row was released at commit, before that commit reached the disk; the report is
      // answered only once it has (flushBarrier).
      if (durable) {
        try {
          await durable();
        } catch (err) {
          throw new ReportUnconfirmed(err);
        }
      }
      const { duplicates, caseNo: no, policyVersion } = first;
      // The row is what was inserted plus the columns' defaults: no need to send it back.
      const row: CaseRecord = {
        id, caseNo: no, source: r.source, reporterId: r.reporterId, anonymous: r.anonymous, categoryCode: r.categoryCode,
        standardRef: r.standardRef, description: r.description, lat: r.lat, lng: r.lng, address: r.address, gridCode: r.gridCode,
        communityCode: r.communityCode, streetCode: r.streetCode, districtCode: r.districtCode, locationPath: r.locationPath,
        state: 'submitted', complexity: r.complexity, responsibleCode: null, responsiblePath: null, clockStartedAt: null, dueAt: null,
        clockCalendar: null, nationalDueAt: null, nationalCalendar: null, pendingExtension: null, extendedHours: 0, reworkCount: 0,
        returnCount: 0, escalationCount: 0, mergedIntoId: null, ratingScore: null, ratingComment: null, createdAt: r.at, updatedAt: r.at,
        closedAt: null, moderation: r.moderation, clockAlert: null, overdueAt: null, version: 1, policyVersion: policyVersion ?? null,
        supervisedAt: null, supervisionDueAt: null, arriveDueAt: null, arrivedAt: null, locationPending: r.locationPending ?? false,
      };
      return { row, duplicates: duplicates.map((x) => ({ ...x, distanceM: Number(x.distanceM) })) };
    },

    async saveDecision(current: CaseRecord, patch: CasePatch, extra, e: DecisionEvent, photos: PhotoMeta[], effects: Effect[]): Promise<CaseRecord> {
      const version = current.version + 1;
      const set = db.update(cases).set(patchColumns(current, patch, extra)).where(and(eq(cases.id, current.id), eq(cases.version, current.version))).getSQL();
      const photoRows = photos.map((p) => sql`(${p.id}::uuid, ${current.id}::uuid, ${version}::int, 'after', ${p.width}::int, ${p.height}::int, ${p.bytes}::int, ${p.sha256}, ${extra.now}::timestamptz)`);
      // One statement; the event, photos and outbox rows are written only if the versioned update matched.
      const res = await db.execute(sql`
        with u as (${set} returning *),
        e as (insert into case_events (case_id, seq, action, from_state, to_state, actor_id, actor_role, at, note, data)
              select u.id, u.version, ${e.action}::text, ${e.fromState}::text, ${e.toState}::text, ${e.actorId}::uuid, ${e.actorRole}::text, ${extra.now}::timestamptz, ${e.note}::text, ${JSON.stringify(e.data)}::jsonb from u),
        ${photoRows.length ? sql`p as (insert into case_photos (id, case_id, event_seq, kind, width, height, bytes, sha256, created_at) select v.* from (values ${sql.join(photoRows, sql`, `)}) as v(id, case_id, event_seq, kind, width, height, bytes, sha256, created_at), u),` : sql``}
        ${outboxCte(outboxRows(current.id, version, effects), extra.now, sql`u`)}
        x as (select 1)
        select ${CASE_FIELDS} from u ${wake(effects.length > 0)}`);
      const row = rowsOf<Record<string, unknown>>(res)[0];
      if (!row) throw new AppError('case.version_conflict', '案件已被他人更新，请刷新后重试');
      return caseFromRaw(row);
    },

    async moveFollowers(fromCaseId, intoCaseId, now) {
      await db.execute(sql`
        insert into case_followers (case_id, user_id, since)
        select ${intoCaseId}::uuid, who, ${now}::timestamptz from (
          select reporter_id as who from cases where id = ${fromCaseId} and reporter_id is not null
          union select user_id from case_followers where case_id = ${fromCaseId}) s
        on conflict do nothing`);
    },
  };
}

/**
 * `o as (insert into outbox …),` for rows from the one outbox row builder; with `gate`, only when that
 * CTE produced a row (a decision whose versioned update matched).
 */
function outboxCte(rows: ReturnType<typeof outboxRows>, now: Date, gate?: SQL): SQL {
  if (!rows.length) return sql``;
  const values = rows.map((r) => sql`(${r.topic}::text, ${r.caseId}::uuid, ${JSON.stringify(r.payload)}::jsonb, ${now}::timestamptz)`);
  return gate
    ? sql`o as (insert into outbox (topic, case_id, payload, created_at) select v.* from (values ${sql.join(values, sql`, `)}) as v(topic, case_id, payload, created_at), ${gate}),`
    : sql`o as (insert into outbox (topic, case_id, payload, created_at) values ${sql.join(values, sql`, `)}),`;
}

/**
 * Wakes the relay at commit (https://www.postgresql.org/docs/current/sql-notify.html): another process's
 * LISTEN on PostgreSQL, PGlite's in-process listen on the embedded database.
 */
function wake(when = true): SQL {
  return when ? sql`, (select pg_notify(${OUTBOX_CHANNEL}, '')) as "woken"` : sql``;
}

function patchColumns(current: CaseRecord, patch: CasePatch, extra: { responsiblePath: string | null; now: Date }): Partial<typeof cases.$inferInsert> {
  const set: Partial<typeof cases.$inferInsert> = { state: patch.state, version: current.version + 1, updatedAt: extra.now };
  if (patch.complexity !== undefined) set.complexity = patch.complexity;
  if (patch.categoryCode !== undefined) set.categoryCode = patch.categoryCode;
  if (patch.standardRef !== undefined) set.standardRef = patch.standardRef;
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
  if (patch.arriveDueAt !== undefined) set.arriveDueAt = patch.arriveDueAt;
  if (patch.arrivedAt !== undefined) set.arrivedAt = patch.arrivedAt;
  if (patch.supervision) {
    set.supervisedAt = patch.supervision.at;
    set.supervisionDueAt = patch.supervision.dueAt;
  }
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
  if (v.gridCodes?.length) parts.push(inArray(cases.gridCode, v.gridCodes));
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
  if (f.supervised) conds.push(isNotNull(cases.supervisedAt));
  if (f.createdFrom) conds.push(gte(cases.createdAt, f.createdFrom));
  if (f.createdBefore) conds.push(lt(cases.createdAt, f.createdBefore));
  if (f.notRunning) conds.push(not(runningClock()));
  return and(...conds)!;
}

/** Open, not suspended, with a clock: the cases whose SLA colour the clock judges. */
function runningClock(): SQL {
  return and(inArray(cases.state, [...OPEN_STATES]), ne(cases.state, 'suspended'), isNotNull(cases.dueAt), isNotNull(cases.clockStartedAt))!;
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
      const where = and(conditions(v, f), runningClock());
      return (await db.select().from(cases).where(where).orderBy(asc(cases.dueAt), asc(cases.createdAt)).limit(max)).map(asRecord);
    },
    async counts(v, filters) {
      const keys = Object.keys(filters) as (keyof typeof filters)[];
      if (!keys.length) return {} as Record<(typeof keys)[number], number>;
      // One scan of the caller's scope; each queue is a FILTER clause (PostgreSQL aggregate FILTER,
      // https://www.postgresql.org/docs/current/sql-expressions.html#SYNTAX-AGGREGATES).
      const cols = Object.fromEntries(keys.map((k, i) => [`c${i}`, sql<number>`count(*) filter (where ${conditions(v, filters[k])})::int`]));
      const [row] = await db.select(cols).from(cases).where(visible(v));
      return Object.fromEntries(keys.map((k, i) => [k, Number((row as Record<string, unknown> | undefined)?.[`c${i}`] ?? 0)])) as Record<(typeof keys)[number], number>;
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

/**
 * A report's statement commits with synchronous_commit off
 * (https://www.postgresql.org/docs/current/wal-async-commit.html), so the per-day counter row it locked is
 * free as soon as its commit record is in the WAL buffers, not after the disk flush: concurrent reports no
 * longer queue behind each other's fsync. The report is answered only after a barrier: a transaction that
 * writes a transactional WAL record (pg_logical_emit_message,
 * https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-REPLICATION) and commits
 * synchronously. Its commit is flushed, and with it every earlier WAL record (the WAL is flushed in order),
 * the report's commit included. One barrier started after a report's commit covers it, so reports that wait
 * at once share one: a barrier in flight when a report commits may have started before it, so that report
 * waits for the next one, which starts when the one in flight ends.
 * Numbers stay gapless after a crash: a later number's commit follows an earlier number's in the WAL, so no
 * later number can survive without every earlier one.
 */
export function flushBarrier(db: DbOrTx, execute: (s: SQL) => Promise<unknown> = (s) => db.execute(s)): () => Promise<void> {
  const barrier = () => execute(sql`select pg_logical_emit_message(true, 'finecity.durable', '') as "lsn"`).then(() => undefined);
  let inFlight: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const run = barrier().finally(() => {
      if (inFlight === run) inFlight = null;
    });
    inFlight = run;
    return run;
  };
  return () => {
    if (!inFlight) return start();
    // One in flight: join the barrier that starts when it ends.
    next ??= inFlight.catch(() => undefined).then(() => {
      next = null;
      return start();
    });
    return next;
  };
}

/**
 * Runs a statement as a named prepared statement of node-postgres (the pool of a PostgreSQL server): the
 * server parses and plans it once per connection, not once per execution. The name is the hash of the text,
 * so one text is one statement on every connection. Behind PgBouncer, 1.21 or later with
 * `max_prepared_statements` (README, Production).
 */
export function named(db: DbOrTx): (s: SQL) => Promise<{ rows: unknown[] }> {
  const d = db as unknown as {
    dialect: { sqlToQuery(s: SQL): { sql: string; params: unknown[] } };
    $client: { query(c: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }> };
  };
  return (s) => {
    const q = d.dialect.sqlToQuery(s);
    return d.$client.query({ name: `fc_${crypto.createHash('sha1').update(q.sql).digest('hex').slice(0, 24)}`, text: q.sql, values: q.params });
  };
}
