import { and, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { cases, categories, notifications, orgNodes, outbox, users } from '../../adapters/postgres/schema.js';
import { jobId } from '../../adapters/queue/queues.js';
import { onDutySlot } from '../../domain/notification-plan.js';
import type { NotifyDeps } from './context.js';

const RANK: Record<string, number> = { yellow: 1, red: 2, overdue: 3, double: 4 };
const RUNNING = ['dispatched', 'in_progress'];

export interface ClockJob {
  caseId: string;
  version: number;
  stage: 'yellow' | 'red' | 'overdue' | 'double';
  dueAt: string;
}

/**
 * A deadline timer fired. It acts only if the case still runs the same clock (same due date) and has
 * not been warned at this level yet, so late, duplicate or superseded timers are harmless (habit 4).
 */
export async function onClockTimer(d: NotifyDeps, job: ClockJob): Promise<'acted' | 'stale'> {
  return d.db.transaction(async (tx) => {
    const c = (await tx.select().from(cases).where(eq(cases.id, job.caseId)).for('update'))[0];
    const sameClock = c?.dueAt?.toISOString() === job.dueAt;
    if (!c || !sameClock || !RUNNING.includes(c.state) || (RANK[c.clockAlert ?? ''] ?? 0) >= RANK[job.stage]!) return 'stale';
    const now = d.clock.now();
    const overdue = job.stage === 'overdue' || job.stage === 'double';
    await tx.update(cases).set({ clockAlert: job.stage, ...(overdue && !c.overdueAt ? { overdueAt: now } : {}) }).where(eq(cases.id, c.id));
    await tx.insert(outbox).values({ topic: `clock.${job.stage}`, caseId: c.id, payload: { level: job.stage, version: c.version, dueAt: job.dueAt }, createdAt: now });
    return 'acted';
  });
}

/**
 * The safety net for timers lost with Redis: every run flags running cases past their deadline that no
 * timer has flagged, in PostgreSQL alone, and writes their overdue notifications to the outbox.
 */
export async function sweepOverdue(d: NotifyDeps, limit = 500): Promise<string[]> {
  const now = d.clock.now();
  return d.db.transaction(async (tx) => {
    const due = await tx
      .select({ id: cases.id, version: cases.version, dueAt: cases.dueAt })
      .from(cases)
      .where(and(inArray(cases.state, RUNNING), lte(cases.dueAt, now), or(isNull(cases.clockAlert), inArray(cases.clockAlert, ['yellow', 'red']))))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (!due.length) return [];
    const ids = due.map((r) => r.id);
    await tx.update(cases).set({ clockAlert: 'overdue', overdueAt: sql`coalesce(${cases.overdueAt}, ${now.toISOString()}::timestamptz)` }).where(inArray(cases.id, ids));
    await tx.insert(outbox).values(due.map((r) => ({ topic: 'clock.overdue', caseId: r.id, payload: { level: 'overdue', version: r.version, dueAt: r.dueAt?.toISOString(), swept: true }, createdAt: now })));
    return ids;
  });
}

export interface FailoverJob {
  caseId: string;
  version: number;
  step: 'b' | 'community';
  outboxId: number;
}

/** Not signed in time: tell the off-duty inspector (B), later the community (A/B roster failover). */
export async function onFailover(d: NotifyDeps, job: FailoverJob): Promise<number> {
  const c = (await d.db.select().from(cases).where(eq(cases.id, job.caseId)))[0];
  if (!c || c.version !== job.version || c.state !== 'dispatched' || !c.responsibleCode) return 0;
  const grid = c.responsibleCode;
  const offDuty = onDutySlot(d.clock.now()) === 'A' ? 'B' : 'A';
  const who =
    job.step === 'b'
      ? await d.db.select({ id: users.id }).from(users).where(and(eq(users.orgNodeCode, grid), eq(users.dutySlot, offDuty)))
      : await d.db.select({ id: users.id }).from(users).where(and(eq(users.orgNodeCode, grid.slice(0, 11)), sql`'community' = any(${users.roles})`));
  // People read these: the category's and the grid's names, not their codes.
  const cat = (await d.db.select({ name: categories.name }).from(categories).where(eq(categories.code, c.categoryCode)))[0]?.name ?? c.categoryCode;
  const gridName = (await d.db.select({ name: orgNodes.name }).from(orgNodes).where(eq(orgNodes.code, grid)))[0]?.name ?? grid;
  const ids: number[] = [];
  for (const u of who) {
    const rows = await d.db
      .insert(notifications)
      .values({
        dedupeKey: `failover|${c.id}|v${c.version}|${job.step}|u-${u.id}`, event: `duty.failover_${job.step}`, caseId: c.id, recipientUserId: u.id,
        channels: d.policy.notifications.channelOrder.staff, templateKey: 'case_task', createdAt: d.clock.now(),
        payload: { caseId: c.id, topic: `duty.failover_${job.step}`, facts: { caseNo: c.caseNo, category: cat, state: c.state, place: c.address ?? gridName, time: d.clock.now().toISOString(), dueAt: c.dueAt?.toISOString() ?? null, note: job.step === 'b' ? '值班网格员未及时签收，请协助处置' : '网格员未及时签收，请社区协调', holder: gridName } },
      })
      .onConflictDoNothing({ target: notifications.dedupeKey })
      .returning({ id: notifications.id });
    if (rows[0]) ids.push(rows[0].id);
  }
  if (ids.length) await d.queues.notifications.addBulk(ids.map((id) => ({ name: 'deliver', data: { notificationId: id }, opts: { jobId: jobId('deliver', id) } })));
  return ids.length;
}
