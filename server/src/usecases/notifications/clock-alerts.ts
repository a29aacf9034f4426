import { caseOccurrence } from '../../domain/notification-plan.js';
import { dutyPeople } from '../duty-ports.js';
import { categoryName, createAndQueue, notice, staffTo } from './plan.js';
import type { NotifyDeps } from './ports.js';

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
 * not been warned at this level yet, so late, duplicate or superseded timers are harmless. The alert goes
 * to the outbox like every other event, and is planned from there.
 */
export async function onClockTimer(d: NotifyDeps, job: ClockJob): Promise<'acted' | 'stale'> {
  return d.deadlines.run(async (tx) => {
    const c = await tx.lock(job.caseId);
    const sameClock = c?.dueAt?.toISOString() === job.dueAt;
    if (!c || !sameClock || !RUNNING.includes(c.state) || (RANK[c.clockAlert ?? ''] ?? 0) >= RANK[job.stage]!) return 'stale';
    const now = d.clock.now();
    const overdue = job.stage === 'overdue' || job.stage === 'double';
    await tx.setAlert(c.id, job.stage, overdue && !c.overdueAt ? now : null);
    await tx.outbox.append([{ topic: `clock.${job.stage}`, caseId: c.id, payload: { level: job.stage, version: c.version, dueAt: job.dueAt } }], now);
    return 'acted';
  });
}

/**
 * The safety net for timers lost with Redis: every run flags running cases past their deadline that no
 * timer has flagged, in PostgreSQL alone, and writes their overdue alerts to the outbox. Rows another
 * worker is sweeping are skipped, so M workers sweep without flagging a case twice.
 */
export async function sweepOverdue(d: NotifyDeps, limit = 500): Promise<string[]> {
  const now = d.clock.now();
  return d.deadlines.run(async (tx) => {
    const due = await tx.lockUnflaggedOverdue(now, limit);
    if (!due.length) return [];
    await tx.flagOverdue(due.map((r) => r.id), now);
    await tx.outbox.append(due.map((r) => ({ topic: 'clock.overdue', caseId: r.id, payload: { level: 'overdue', version: r.version, dueAt: r.dueAt?.toISOString(), swept: true } })), now);
    return due.map((r) => r.id);
  });
}

export interface FailoverJob {
  caseId: string;
  version: number;
  step: 'b' | 'community';
}

const FAILOVER_NOTE = { b: '值班网格员未及时签收，请协助处置', community: '网格员未及时签收，请社区协调' } as const;

/** Not signed in time: tell the off-duty inspector (B), later the community (A/B roster failover). */
export async function onFailover(d: NotifyDeps, job: FailoverJob): Promise<number> {
  const c = await d.notices.caseForNotice(job.caseId);
  if (!c || c.version !== job.version || c.state !== 'dispatched' || !c.responsibleCode) return 0;
  const grid = c.responsibleCode;
  const now = d.clock.now();
  const who =
    job.step === 'b'
      ? (await dutyPeople(d, grid, now, 'off')).map((u) => u.id) // the rota's other post
      : await d.recipients.withRole(d.org.get(grid)?.parentCode ?? grid.slice(0, 11), 'community');
  const gridName = d.org.get(grid)?.name ?? '责任网格';
  const event = `duty.failover_${job.step}`;
  const facts = {
    caseNo: c.caseNo, category: categoryName(d, c.categoryCode), state: c.state, place: c.address ?? gridName, time: now,
    dueAt: c.dueAt, note: FAILOVER_NOTE[job.step], holder: gridName,
  };
  const rows = who.map((id) => notice(d, { event, occurrence: caseOccurrence(c.id, c.version), caseId: c.id, to: staffTo(id), template: 'case_task', facts }));
  return (await createAndQueue(d, rows)).length;
}
