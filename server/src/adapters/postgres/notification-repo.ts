import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { CaseState } from '@finecity/types';
import type { ChannelName } from '../../domain/notify-ports.js';
import type {
  CaseNotices, DeadlineStore, NotificationPayload, NotificationRecord, NotificationStore, OutboxEvent, RecipientDirectory,
} from '../../usecases/notifications/ports.js';
import type { Database, DbOrTx } from './database.js';
import { pgOutbox } from './outbox-repository.js';
import { caseEvents, caseFollowers, cases, notificationAttempts, notifications, outbox, subscriptionCredits, users } from './schema.js';

const STAFF_ROLES = ['inspector', 'community', 'street', 'district', 'city', 'department'];
const RUNNING = ['dispatched', 'in_progress'];

type Row = typeof notifications.$inferSelect;
const toRecord = (n: Row): NotificationRecord => ({
  id: n.id, dedupeKey: n.dedupeKey, event: n.event, caseId: n.caseId, recipientUserId: n.recipientUserId, recipientGroup: n.recipientGroup,
  channels: n.channels as ChannelName[], channel: (n.channel as ChannelName | null) ?? null, templateKey: n.templateKey,
  payload: n.payload as unknown as NotificationPayload, status: n.status as NotificationRecord['status'], attempts: n.attempts,
});

/** The notification ledger on PostgreSQL (or PGlite). */
export function pgNotificationStore(db: DbOrTx): NotificationStore {
  return {
    async create(rows, now) {
      if (!rows.length) return [];
      const inserted = await db
        .insert(notifications)
        .values(rows.map((r) => ({ ...r, channels: r.channels as string[], payload: r.payload as unknown as Record<string, unknown>, createdAt: now })))
        .onConflictDoNothing({ target: notifications.dedupeKey })
        .returning({ id: notifications.id, dedupeKey: notifications.dedupeKey });
      if (inserted.length === rows.length) return inserted.map((r) => r.id);
      // A replay: rows already there that are still pending are still to deliver (their job may be lost).
      const fresh = new Set(inserted.map((r) => r.dedupeKey));
      const known = rows.map((r) => r.dedupeKey).filter((k) => !fresh.has(k));
      const pending = await db
        .select({ id: notifications.id })
        .from(notifications)
        .where(and(inArray(notifications.dedupeKey, known), eq(notifications.status, 'pending')));
      return [...inserted.map((r) => r.id), ...pending.map((r) => r.id)];
    },
    async get(id) {
      const n = (await db.select().from(notifications).where(eq(notifications.id, id)))[0];
      return n ? toRecord(n) : null;
    },
    async stalePending(before, limit) {
      const cutoff = before.toISOString(); // a query parameter, never read by a person
      const res = await db.execute(sql`
        select n.id from notifications n
        where n.status = 'pending' and n.created_at < ${cutoff}::timestamptz
          and not exists (select 1 from notification_attempts a where a.notification_id = n.id and a.at >= ${cutoff}::timestamptz)
        order by n.created_at, n.id limit ${limit}`);
      return (res as unknown as { rows: { id: number | string }[] }).rows.map((r) => Number(r.id));
    },
    async pending(ids) {
      if (!ids.length) return [];
      const rows = await db.select().from(notifications).where(and(inArray(notifications.id, ids), eq(notifications.status, 'pending')));
      const byId = new Map(rows.map((r) => [r.id, toRecord(r)]));
      return ids.map((id) => byId.get(id)).filter((r): r is NotificationRecord => !!r);
    },
    async attempted(id, channel, o, now) {
      const sent = o.status === 'sent';
      const at = now.toISOString();
      const lastError = sent ? null : `${channel}: ${o.errcode} ${o.errmsg}`;
      await db.execute(sql`
        with attempt as (
          insert into notification_attempts (notification_id, channel, at, outcome, errcode, errmsg)
          values (${id}, ${channel}, ${at}::timestamptz, ${o.status}, ${sent ? null : String(o.errcode)}, ${sent ? null : o.errmsg})
        )
        update notifications
        set channel = ${channel}, attempts = attempts + 1, last_error = ${lastError},
            status = case when ${sent} then 'sent' else status end,
            sent_at = case when ${sent} then ${at}::timestamptz else sent_at end
        where id = ${id}`);
    },
    async recordAttempt(ids, channel, o, now) {
      if (!ids.length) return;
      await db.insert(notificationAttempts).values(ids.map((notificationId) => ({
        notificationId, channel, at: now, outcome: o.status,
        errcode: o.status === 'sent' ? null : String(o.errcode), errmsg: o.status === 'sent' ? null : o.errmsg,
      })));
      if (o.status !== 'sent') await db.update(notifications).set({ lastError: `${channel}: ${o.errcode} ${o.errmsg}` }).where(inArray(notifications.id, ids));
    },
    async markSent(ids, channel, now) {
      if (ids.length) await db.update(notifications).set({ status: 'sent', channel, sentAt: now, lastError: null }).where(inArray(notifications.id, ids));
    },
    async markFailed(ids, reason) {
      if (ids.length) await db.update(notifications).set({ status: 'failed', lastError: reason }).where(inArray(notifications.id, ids));
    },
    async spendCredit(userId, templateKey, zero, now) {
      await db
        .update(subscriptionCredits)
        .set(zero ? { credits: 0, longTerm: false, updatedAt: now } : { credits: sql`case when ${subscriptionCredits.longTerm} then ${subscriptionCredits.credits} else greatest(${subscriptionCredits.credits} - 1, 0) end`, updatedAt: now })
        .where(and(eq(subscriptionCredits.userId, userId), eq(subscriptionCredits.templateKey, templateKey)));
    },
    async subscribeGrant(userId, templateKey) {
      const r = await db
        .select({ credits: subscriptionCredits.credits, longTerm: subscriptionCredits.longTerm })
        .from(subscriptionCredits)
        .where(and(eq(subscriptionCredits.userId, userId), eq(subscriptionCredits.templateKey, templateKey)));
      if (r[0]?.longTerm) return 'long_term';
      return (r[0]?.credits ?? 0) > 0 ? 'one_time' : null;
    },
  };
}

export function pgCaseNotices(db: DbOrTx): CaseNotices {
  return {
    async outboxEvent(id) {
      const r = (await db.select().from(outbox).where(eq(outbox.id, id)))[0];
      return r ? { id: r.id, topic: r.topic, caseId: r.caseId, payload: r.payload, createdAt: r.createdAt } : null;
    },
    async caseForNotice(caseId) {
      const c = (
        await db
          .select({
            id: cases.id, caseNo: cases.caseNo, categoryCode: cases.categoryCode, state: cases.state, complexity: cases.complexity, address: cases.address,
            gridCode: cases.gridCode, districtCode: cases.districtCode, locationPath: cases.locationPath, responsibleCode: cases.responsibleCode,
            reporterId: cases.reporterId, dueAt: cases.dueAt, version: cases.version,
          })
          .from(cases)
          .where(eq(cases.id, caseId))
      )[0];
      return c ? { ...c, state: c.state as CaseState } : null;
    },
    async eventNote(caseId, version) {
      const r = await db.select({ note: caseEvents.note }).from(caseEvents).where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.seq, version)));
      return r[0]?.note ?? null;
    },
  };
}

export function pgRecipients(db: DbOrTx): RecipientDirectory {
  const person = { id: users.id, openid: users.openid, oaOpenid: users.oaOpenid, mobile: users.mobile };
  return {
    async followers(caseId) {
      return (await db.select({ id: caseFollowers.userId }).from(caseFollowers).where(eq(caseFollowers.caseId, caseId))).map((r) => r.id);
    },
    async onDuty(gridCode, slot) {
      return db.select(person).from(users).where(and(eq(users.orgNodeCode, gridCode), eq(users.dutySlot, slot)));
    },
    async staffAt(orgCode) {
      const rows = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.orgNodeCode, orgCode), sql`${users.roles} && ${sql.raw(`ARRAY['${STAFF_ROLES.join("','")}']::text[]`)}`));
      return rows.map((r) => r.id);
    },
    async withRole(orgCode, role) {
      const rows = await db.select({ id: users.id }).from(users).where(and(eq(users.orgNodeCode, orgCode), sql`${role} = any(${users.roles})`));
      return rows.map((r) => r.id);
    },
    async user(id) {
      return (await db.select(person).from(users).where(eq(users.id, id)))[0] ?? null;
    },
  };
}

/** Deadline alerts: the case locked, its alert level set, the alert written through the one outbox writer. */
export function pgDeadlines(database: Database): DeadlineStore {
  return {
    run: (work) =>
      database.db.transaction((tx) =>
        work({
          async lock(caseId) {
            const c = (
              await tx
                .select({
                  id: cases.id, state: cases.state, dueAt: cases.dueAt, clockAlert: cases.clockAlert, overdueAt: cases.overdueAt, version: cases.version,
                  responsibleCode: cases.responsibleCode, arriveDueAt: cases.arriveDueAt, arrivedAt: cases.arrivedAt,
                })
                .from(cases)
                .where(eq(cases.id, caseId))
                .for('update')
            )[0];
            return c ? { ...c, state: c.state as CaseState } : null;
          },
          async setAlert(caseId, level, overdueAt) {
            await tx.update(cases).set({ clockAlert: level, ...(overdueAt ? { overdueAt } : {}) }).where(eq(cases.id, caseId));
          },
          async lockUnflaggedOverdue(now, limit) {
            return tx
              .select({ id: cases.id, version: cases.version, dueAt: cases.dueAt })
              .from(cases)
              .where(and(inArray(cases.state, RUNNING), lte(cases.dueAt, now), or(isNull(cases.clockAlert), inArray(cases.clockAlert, ['yellow', 'red']))))
              .limit(limit)
              .for('update', { skipLocked: true });
          },
          async flagOverdue(ids, now) {
            await tx.update(cases).set({ clockAlert: 'overdue', overdueAt: sql`coalesce(${cases.overdueAt}, ${now.toISOString()}::timestamptz)` }).where(inArray(cases.id, ids));
          },
          outbox: pgOutbox(tx),
        }),
      ),
  };
}

/**
 * The relay's side of the outbox: claims unpublished rows, hands them to `publish`, and marks them
 * published only if it succeeded. On PostgreSQL the claim is `FOR UPDATE SKIP LOCKED` inside a
 * transaction, so M relays never publish the same row at once; PGlite has one process and one session.
 */
export interface OutboxFeed {
  claim(batch: number, publish: (rows: OutboxEvent[]) => Promise<void>, now: () => Date): Promise<number>;
}

export function pgOutboxFeed(database: Database): OutboxFeed {
  const select = (db: DbOrTx, batch: number, lock: boolean) => {
    const q = db.select().from(outbox).where(isNull(outbox.publishedAt)).orderBy(asc(outbox.id)).limit(batch);
    return lock ? q.for('update', { skipLocked: true }) : q;
  };
  const work = async (db: DbOrTx, batch: number, publish: (rows: OutboxEvent[]) => Promise<void>, now: () => Date, lock: boolean) => {
    const rows = await select(db, batch, lock);
    if (!rows.length) return 0;
    await publish(rows.map((r) => ({ id: r.id, topic: r.topic, caseId: r.caseId, payload: r.payload, createdAt: r.createdAt })));
    await db.update(outbox).set({ publishedAt: now() }).where(inArray(outbox.id, rows.map((r) => r.id)));
    return rows.length;
  };
  return {
    claim: (batch, publish, now) =>
      database.kind === 'postgres'
        ? database.db.transaction((tx) => work(tx, batch, publish, now, true))
        : work(database.db, batch, publish, now, false),
  };
}

/**
 * This database's instance id (app_meta 'instance'), made at first boot. Queue job ids carry it, so a
 * second database on the same Redis (another instance, a test run, a reset data folder) never reuses the
 * ids of this one's jobs.
 */
export async function databaseInstanceId(db: DbOrTx, fresh: () => string): Promise<string> {
  await db.execute(sql`insert into app_meta (key, value) values ('instance', ${JSON.stringify(fresh())}::jsonb) on conflict (key) do nothing`);
  const r = (await db.execute(sql`select value from app_meta where key = 'instance'`)) as unknown as { rows: { value: string }[] };
  return String(r.rows[0]!.value);
}

/**
 * Wakes `onWake` when a transaction that wrote the outbox commits (the writer's pg_notify:
 * https://www.postgresql.org/docs/current/sql-notify.html). PostgreSQL: one pooled connection held for
 * LISTEN, re-opened after an error; PGlite: its in-process listen. Returns a stop function.
 */
export async function listenOutbox(database: Database, channel: string, onWake: () => void, onError: (err: Error) => void): Promise<() => Promise<void>> {
  const client = (database.db as unknown as { $client: unknown }).$client;
  if (database.kind === 'pglite') {
    const unsub = await (client as { listen(ch: string, cb: () => void): Promise<() => Promise<void>> }).listen(channel, onWake);
    return unsub;
  }
  type PoolClient = { query(q: string): Promise<unknown>; on(ev: string, cb: (...a: unknown[]) => void): void; release(err?: Error | boolean): void };
  const pool = client as { connect(): Promise<PoolClient> };
  let stopped = false;
  let held: PoolClient | null = null;
  let retry: NodeJS.Timeout | null = null;
  const open = async (): Promise<void> => {
    try {
      const c = await pool.connect();
      c.on('notification', () => onWake());
      c.on('error', (err) => {
        if (held !== c) return;
        held = null;
        c.release(err as Error);
        onError(err as Error);
        if (!stopped) retry = setTimeout(() => void open(), 1000);
      });
      await c.query(`LISTEN ${channel}`);
      if (stopped) {
        c.release(true);
        return;
      }
      held = c;
      onWake(); // rows written while no one listened
    } catch (err) {
      onError(err as Error);
      if (!stopped) retry = setTimeout(() => void open(), 1000);
    }
  };
  await open();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const c = held;
    held = null;
    if (c) {
      await c.query(`UNLISTEN ${channel}`).catch(() => undefined);
      c.release(true);
    }
  };
}
