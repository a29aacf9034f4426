import { and, eq, inArray, sql } from 'drizzle-orm';
import type { CaseState } from '@finecity/types';
import { caseEvents, caseFollowers, cases, categories, notifications, orgNodes, outbox, users } from '../../adapters/postgres/schema.js';
import { jobId } from '../../adapters/queue/queues.js';
import { matchRoutes, onDutySlot, routesFor, type Audience, type MessageFacts, type Route, type RouteOverrides } from '../../domain/notification-plan.js';
import type { NotifyDeps } from './context.js';

const STAFF_ROLES = ['inspector', 'community', 'street', 'district', 'city', 'department'];
type Node = typeof orgNodes.$inferSelect;
type CaseRow = typeof cases.$inferSelect;
interface Recipient {
  kind: 'resident' | 'staff' | 'group';
  key: string;
  userId?: string;
  group?: string;
}

/**
 * Turns one outbox event into notification rows (one per recipient, deduplicated by event and
 * recipient) and queues their delivery.
 */
export async function planFromOutbox(d: NotifyDeps, outboxId: number): Promise<number[]> {
  const row = (await d.db.select().from(outbox).where(eq(outbox.id, outboxId)))[0];
  if (!row?.caseId) return [];
  const c = (await d.db.select().from(cases).where(eq(cases.id, row.caseId)))[0];
  if (!c) return [];
  const holder = c.responsibleCode ? await node(d, c.responsibleCode) : null;
  const payload = row.payload as { toState?: CaseState; level?: string };
  const nearestFirst = c.locationPath.split('/').filter(Boolean).reverse();
  const table = routesFor(d.policy.notifications.routes as Record<string, Route[]>, d.policy.notifications.overrides as RouteOverrides, row.topic, c.categoryCode, nearestFirst);
  const routes = matchRoutes(table, {
    topic: row.topic, toState: payload.toState, holderLevel: holder?.level ?? null, complexity: c.complexity,
  });
  if (!routes.length) return [];
  const facts = await messageFacts(d, c, holder, payload.level);
  const ids: number[] = [];
  for (const route of routes) {
    for (const r of await resolve(d, route.audience, c, holder)) {
      const id = await insertNotification(d, { row, c, route, r, facts });
      if (id) ids.push(id);
    }
  }
  if (ids.length) await d.queues.notifications.addBulk(ids.map((id) => ({ name: 'deliver', data: { notificationId: id }, opts: { jobId: jobId('deliver', id) } })));
  return ids;
}

async function node(d: NotifyDeps, code: string): Promise<Node | null> {
  return (await d.db.select().from(orgNodes).where(eq(orgNodes.code, code)))[0] ?? null;
}

async function staffAt(d: NotifyDeps, code: string): Promise<Recipient[]> {
  const rows = await d.db
    .select({ id: users.id, roles: users.roles })
    .from(users)
    .where(and(eq(users.orgNodeCode, code), sql`${users.roles} && ${sql.raw(`ARRAY['${STAFF_ROLES.join("','")}']::text[]`)}`));
  return rows.map((u) => ({ kind: 'staff', key: `u-${u.id}`, userId: u.id }));
}

async function resolve(d: NotifyDeps, a: Audience, c: CaseRow, holder: Node | null): Promise<Recipient[]> {
  if (a === 'reporter') {
    const followers = await d.db.select({ id: caseFollowers.userId }).from(caseFollowers).where(eq(caseFollowers.caseId, c.id));
    const ids = [...new Set([c.reporterId, ...followers.map((f) => f.id)].filter((x): x is string => !!x))];
    return ids.map((id) => ({ kind: 'resident', key: `u-${id}`, userId: id }));
  }
  if (a === 'on_duty') {
    if (holder?.level !== 'grid') return [];
    const slot = onDutySlot(d.clock.now());
    const u = await d.db.select({ id: users.id }).from(users).where(and(eq(users.orgNodeCode, holder.code), eq(users.dutySlot, slot)));
    return u.map((x) => ({ kind: 'staff', key: `u-${x.id}`, userId: x.id }));
  }
  if (a === 'holder') return holder && holder.level !== 'grid' ? staffAt(d, holder.code) : [];
  if (a === 'parent') return holder?.parentCode ? staffAt(d, holder.parentCode) : [];
  const level = a.slice('group:'.length);
  const path = (holder?.path ?? c.locationPath).split('/').filter(Boolean);
  const ancestors = await d.db.select().from(orgNodes).where(inArray(orgNodes.code, path));
  const target = ancestors.find((n) => n.level === level);
  return target && d.robotKey(target.code) ? [{ kind: 'group', key: `g-${target.code}`, group: target.code }] : [];
}

async function messageFacts(d: NotifyDeps, c: CaseRow, holder: Node | null, level?: string): Promise<MessageFacts> {
  const cat = (await d.db.select({ name: categories.name }).from(categories).where(eq(categories.code, c.categoryCode)))[0];
  const place = c.address ?? (c.gridCode ? (await node(d, c.gridCode))?.name : null) ?? (await node(d, c.districtCode))?.name ?? '';
  const last = await d.db.select({ note: caseEvents.note }).from(caseEvents).where(eq(caseEvents.caseId, c.id)).orderBy(sql`${caseEvents.seq} desc`).limit(1);
  return { caseNo: c.caseNo, category: cat?.name ?? c.categoryCode, state: c.state as CaseState, place, time: d.clock.now(), dueAt: c.dueAt, note: last[0]?.note ?? null, holder: holder?.name ?? null, level };
}

interface InsertArgs {
  row: typeof outbox.$inferSelect;
  c: CaseRow;
  route: Route;
  r: Recipient;
  facts: MessageFacts;
}

async function insertNotification(d: NotifyDeps, a: InsertArgs): Promise<number | null> {
  const order = d.policy.notifications.channelOrder[a.r.kind];
  const dedupeKey = `${a.row.topic}|${a.row.id}|${a.r.key}`;
  const inserted = await d.db
    .insert(notifications)
    .values({
      dedupeKey, event: a.row.topic, caseId: a.c.id, recipientUserId: a.r.userId ?? null, recipientGroup: a.r.group ?? null,
      channels: order, templateKey: a.route.template, createdAt: d.clock.now(),
      payload: { facts: { ...a.facts, time: a.facts.time.toISOString(), dueAt: a.facts.dueAt?.toISOString() ?? null }, caseId: a.c.id, topic: a.row.topic },
    })
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning({ id: notifications.id });
  if (inserted[0]) return inserted[0].id;
  const existing = await d.db.select({ id: notifications.id, status: notifications.status }).from(notifications).where(eq(notifications.dedupeKey, dedupeKey));
  return existing[0]?.status === 'pending' ? existing[0].id : null;
}
