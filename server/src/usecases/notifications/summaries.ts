import { eq, sql } from 'drizzle-orm';
import { cases, notifications, orgNodes } from '../../adapters/postgres/schema.js';
import { jobId } from '../../adapters/queue/queues.js';
import { periodBounds, renderSummary, type Period, type UnitFigures } from '../../domain/summary.js';
import type { NotifyDeps } from './context.js';

/** Figures per district for [start, end): new, closed, closed on time (Dalian clock), newly overdue. */
export async function districtFigures(d: NotifyDeps, start: Date, end: Date): Promise<UnitFigures[]> {
  const districts = await d.db.select({ code: orgNodes.code, name: orgNodes.name }).from(orgNodes).where(eq(orgNodes.level, 'district'));
  const count = (cond: ReturnType<typeof sql>) => sql<number>`count(*) filter (where ${cond})::int`;
  const rows = await d.db
    .select({
      code: cases.districtCode,
      created: count(sql`${cases.createdAt} >= ${start.toISOString()}::timestamptz and ${cases.createdAt} < ${end.toISOString()}::timestamptz`),
      closed: count(sql`${cases.state} = 'closed' and ${cases.closedAt} >= ${start.toISOString()}::timestamptz and ${cases.closedAt} < ${end.toISOString()}::timestamptz`),
      closedOnTime: count(sql`${cases.state} = 'closed' and ${cases.closedAt} >= ${start.toISOString()}::timestamptz and ${cases.closedAt} < ${end.toISOString()}::timestamptz and ${cases.closedAt} <= ${cases.dueAt}`),
      overdue: count(sql`${cases.overdueAt} >= ${start.toISOString()}::timestamptz and ${cases.overdueAt} < ${end.toISOString()}::timestamptz`),
    })
    .from(cases)
    .groupBy(cases.districtCode);
  const byCode = new Map(rows.map((r) => [r.code, r]));
  return districts.map((x) => {
    const r = byCode.get(x.code);
    return { code: x.code, name: x.name, created: r?.created ?? 0, closed: r?.closed ?? 0, closedOnTime: r?.closedOnTime ?? 0, overdue: r?.overdue ?? 0 };
  });
}

/**
 * Posts the period's report to the city group (all districts, ranked) and to each district group
 * (its own figures). Notification ids are deterministic per period and group: a schedule that fires
 * twice posts once.
 */
export async function sendSummary(d: NotifyDeps, period: Period): Promise<{ label: string; texts: Record<string, string> }> {
  const { start, end, label } = periodBounds(period, d.clock.now());
  const units = await districtFigures(d, start, end);
  const city = (await d.db.select().from(orgNodes).where(eq(orgNodes.level, 'city')))[0]!;
  const texts: Record<string, string> = { [city.code]: renderSummary(period, label, city.name, units.filter((u) => !u.code.startsWith('PZ-') || u.created > 0)) };
  for (const u of units) if (u.created + u.closed + u.overdue > 0 || !u.code.startsWith('PZ-')) texts[u.code] = renderSummary(period, label, u.name, [u]);
  const ids: number[] = [];
  for (const [group, text] of Object.entries(texts)) {
    if (!d.robotKey(group)) continue;
    const rows = await d.db
      .insert(notifications)
      .values({ dedupeKey: `summary|${period}|${label}|g-${group}`, event: `summary.${period}`, recipientGroup: group, channels: ['wecom_robot'], templateKey: 'case_progress', payload: { text, facts: null }, createdAt: d.clock.now() })
      .onConflictDoNothing({ target: notifications.dedupeKey })
      .returning({ id: notifications.id });
    if (rows[0]) ids.push(rows[0].id);
  }
  if (ids.length) await d.queues.notifications.addBulk(ids.map((id) => ({ name: 'deliver', data: { notificationId: id }, opts: { jobId: jobId('deliver', id) } })));
  return { label, texts };
}

