import type { CaseState } from '@finecity/types';
import { caseOccurrence, matchRoutes, notificationKey, routesFor, type Audience, type MessageFacts, type Route, type RouteOverrides } from '../../domain/notification-plan.js';
import { dutyPeople } from '../duty-ports.js';
import type { OrgNode } from '../repositories.js';
import { deliverNotification, TransientDeliveryError } from './deliver.js';
import { COMMENT_TOPIC, planCommentNotices } from './comment-notices.js';
import { HANDOVER_TOPIC, planHandoverNotices } from './handover-notices.js';
import type { CaseForNotice, NewNotification, NotifyDeps, StoredFacts } from './ports.js';

interface To {
  kind: 'resident' | 'staff' | 'group';
  key: string;
  userId?: string;
  group?: string;
}

/**
 * Turns one outbox event into notification rows (one per recipient) and queues their delivery. What a
 * message states comes from the event itself (its payload, written at commit): the state it moved the
 * case to, the unit it went to, the deadline it set. The case row supplies only what the event does not
 * change (number, category, place), so a card sent late never shows a later state.
 */
export async function planFromOutbox(d: NotifyDeps, outboxId: number): Promise<number[]> {
  const ev = await d.notices.outboxEvent(outboxId);
  if (ev?.topic === HANDOVER_TOPIC) return planHandoverNotices(d, ev);
  if (!ev?.caseId) return [];
  if (ev.topic === COMMENT_TOPIC) return planCommentNotices(d, ev);
  const c = await d.notices.caseForNotice(ev.caseId);
  if (!c) return [];
  const p = ev.payload as { toState?: CaseState; level?: string; version?: number; to?: string; dueAt?: string; complexity?: string | null; note?: string };
  const version = Number(p.version ?? c.version);
  // The unit the event sent the case to; else the case's holder, unless the case has moved on since.
  const holderCode = p.to ?? (version === c.version ? c.responsibleCode : null);
  const holder = holderCode ? (d.org.get(holderCode) ?? null) : null;
  const nearestFirst = c.locationPath.split('/').filter(Boolean).reverse();
  const table = routesFor(d.policy.notifications.routes as Record<string, Route[]>, d.policy.notifications.overrides as RouteOverrides, ev.topic, c.categoryCode, nearestFirst);
  const routes = matchRoutes(table, { topic: ev.topic, toState: p.toState, holderLevel: holder?.level ?? null, complexity: p.complexity ?? c.complexity });
  if (!routes.length) return [];
  const facts: MessageFacts = {
    caseNo: c.caseNo,
    category: categoryName(d, c.categoryCode),
    state: p.toState ?? c.state,
    place: placeOf(d, c),
    time: ev.createdAt,
    dueAt: p.dueAt ? new Date(p.dueAt) : c.dueAt,
    // A case event's note is its actor's; a timer's alert may carry its own (the squad arrival alert's).
    note: ev.topic.startsWith('case.') ? supervisionNote(ev.topic, await d.notices.eventNote(c.id, version)) : (p.note ?? null),
    holder: holder?.name ?? null,
    level: p.level,
  };
  const rows: NewNotification[] = [];
  for (const route of routes) {
    for (const to of await resolve(d, route.audience, c, holder, ev.createdAt)) {
      rows.push(notice(d, { event: ev.topic, occurrence: caseOccurrence(c.id, version), caseId: c.id, to, template: route.template, facts }));
    }
  }
  return createAndQueue(d, rows);
}

/** A 督办 says so in every message, not only in the group card's title. */
const supervisionNote = (topic: string, note: string | null): string | null => (topic === 'case.supervise' && note ? `督办：${note}` : note);

/** The one builder of a case notification row: dedupe key, channel order and stored facts. */
export function notice(d: NotifyDeps, a: { event: string; occurrence: string; caseId: string; to: To; template: string; facts: MessageFacts }): NewNotification {
  return {
    dedupeKey: notificationKey(a.event, a.occurrence, a.to.key),
    event: a.event,
    caseId: a.caseId,
    recipientUserId: a.to.userId ?? null,
    recipientGroup: a.to.group ?? null,
    channels: [...d.policy.notifications.channelOrder[a.to.kind]],
    templateKey: a.template,
    payload: { topic: a.event, caseId: a.caseId, facts: storeFacts(a.facts) },
  };
}

/**
 * Creates the rows (the store skips known dedupe keys) and makes each one's first delivery attempt right
 * here, in the job that planned them: one queue hop less between a commit and the person. A row whose
 * attempt throws (a transient failure) goes to the queue, which retries it with backoff. Nothing here
 * throws once the rows exist, so this job is never retried while the queue delivers them.
 */
export async function createAndQueue(d: NotifyDeps, rows: NewNotification[]): Promise<number[]> {
  if (!rows.length) return [];
  const ids = await d.store.create(rows, d.clock.now());
  const retry: number[] = [];
  await Promise.all(
    ids.map(async (id) => {
      try {
        await deliverNotification(d, id);
      } catch (err) {
        retry.push(id);
        if (!(err instanceof TransientDeliveryError)) d.logger.warn('first delivery attempt failed; queued for retry', { notification: id, err: String((err as Error)?.message ?? err) });
      }
    }),
  );
  if (retry.length) await d.queue.deliver(retry);
  return ids;
}

export const staffTo = (userId: string): To => ({ kind: 'staff', key: `u-${userId}`, userId });

function storeFacts(f: MessageFacts): StoredFacts {
  return { ...f, time: f.time.toISOString(), dueAt: f.dueAt?.toISOString() ?? null };
}

const categoryNames = new WeakMap<object, Map<string, string>>();
/** The category's name (the live catalogue, else the policy's; in memory); people read names, not codes. */
export function categoryName(d: NotifyDeps, code: string): string {
  const live = d.categoryNames?.get(code)?.name;
  if (live) return live;
  let m = categoryNames.get(d.policy);
  if (!m) {
    m = new Map(d.policy.categories.categories.map((c) => [c.code, c.name]));
    categoryNames.set(d.policy, m);
  }
  return m.get(code) ?? '城市管理问题';
}

/** Where the case is, in words: its address, else its grid's or district's name. */
export function placeOf(d: NotifyDeps, c: Pick<CaseForNotice, 'address' | 'gridCode' | 'districtCode'>): string {
  return c.address ?? (c.gridCode ? d.org.get(c.gridCode)?.name : null) ?? d.org.get(c.districtCode)?.name ?? '';
}

async function resolve(d: NotifyDeps, a: Audience, c: CaseForNotice, holder: OrgNode | null, at: Date): Promise<To[]> {
  if (a === 'reporter') {
    const ids = [...new Set([c.reporterId, ...(await d.recipients.followers(c.id))].filter((x): x is string => !!x))];
    return ids.map((id) => ({ kind: 'resident', key: `u-${id}`, userId: id }));
  }
  if (a === 'on_duty') {
    if (holder?.level !== 'grid') return [];
    // Who was on duty when the event happened (the rota: rule, overrides, substitutes).
    return (await dutyPeople(d, holder.code, at, 'on')).map((u) => staffTo(u.id));
  }
  if (a === 'holder') return holder && holder.level !== 'grid' ? (await d.recipients.staffAt(holder.code)).map(staffTo) : [];
  if (a === 'parent') return holder?.parentCode ? (await d.recipients.staffAt(holder.parentCode)).map(staffTo) : [];
  const level = a.slice('group:'.length);
  const path = (holder?.path ?? c.locationPath).split('/').filter(Boolean);
  const target = path.map((code) => d.org.get(code)).find((n) => n?.level === level);
  return target && d.robotKey(target.code) ? [{ kind: 'group', key: `g-${target.code}`, group: target.code }] : [];
}
