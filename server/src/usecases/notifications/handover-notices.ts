import type { MessageFacts } from '../../domain/notification-plan.js';
import { categoryName, createAndQueue, notice, placeOf, staffTo } from './plan.js';
import type { CaseForNotice, NotifyDeps, OutboxEvent } from './ports.js';

/** The outbox topic of a grid's open cases passing to its remaining inspectors (written by usecases/admin/deactivate.ts). */
export const HANDOVER_TOPIC = 'staff.handover';

/**
 * A deactivated inspector's grid keeps its open cases: who takes them over, fixed when the deactivation
 * committed. `caseIds` are the cases the grid holds; `to` the grid's inspectors still active.
 */
export interface HandoverPayload {
  fromUserId: string;
  fromName: string;
  gridCode: string;
  caseIds: string[];
  to: string[];
}

/** The message's own words (Chinese, for the person who now holds the cases). */
export function handoverNote(fromName: string, count: number): string {
  return `【任务移交】${fromName}已停用，${count}件在办案件转由您办理`;
}

/**
 * One message to each inspector who now holds the cases: how many and from whom, with the soonest deadline
 * among them (its case opens from the message). The occurrence is the outbox row, so a replayed row tells
 * nobody twice.
 */
export async function planHandoverNotices(d: NotifyDeps, ev: OutboxEvent): Promise<number[]> {
  const p = ev.payload as unknown as HandoverPayload;
  if (!p.to?.length || !p.caseIds?.length) return [];
  const found = (await Promise.all(p.caseIds.map((id) => d.notices.caseForNotice(id)))).filter((c): c is CaseForNotice => !!c);
  const first = [...found].sort((a, b) => (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity))[0];
  if (!first) return [];
  const grid = d.org.get(p.gridCode);
  const facts: MessageFacts = {
    caseNo: first.caseNo, category: categoryName(d, first.categoryCode), state: first.state, place: grid?.name ?? placeOf(d, first), time: ev.createdAt,
    dueAt: first.dueAt, note: handoverNote(p.fromName, p.caseIds.length), holder: grid?.name ?? null,
  };
  const base = { event: HANDOVER_TOPIC, occurrence: `handover-${ev.id}`, caseId: first.id, template: 'case_task', facts };
  return createAndQueue(d, [...new Set(p.to)].map((id) => notice(d, { ...base, to: staffTo(id) })));
}
