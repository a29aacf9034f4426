import { notificationKey } from '../../domain/notification-plan.js';
import { periodBounds, renderSummary, type Period, type UnitFigures } from '../../domain/summary.js';
import { createAndQueue } from './plan.js';
import type { NewNotification, NotifyDeps } from './ports.js';

/** Figures per district for [start, end): new, closed, closed on time (Dalian clock), newly overdue. */
export async function districtFigures(d: NotifyDeps, start: Date, end: Date): Promise<UnitFigures[]> {
  const byCode = new Map((await d.figures.byDistrict(start, end)).map((r) => [r.code, r]));
  return d.org.all().filter((n) => n.level === 'district').map((x) => {
    const r = byCode.get(x.code);
    return { code: x.code, name: x.name, created: r?.created ?? 0, closed: r?.closed ?? 0, closedOnTime: r?.closedOnTime ?? 0, overdue: r?.overdue ?? 0 };
  });
}

/**
 * Posts the period's report to the city group (all districts, ranked) and to each district group
 * (its own figures). Dedupe keys are per period and group: a schedule that fires twice, or on two
 * workers at once, posts once.
 */
export async function sendSummary(d: NotifyDeps, period: Period): Promise<{ label: string; texts: Record<string, string> }> {
  const { start, end, label } = periodBounds(period, d.clock.now());
  const units = await districtFigures(d, start, end);
  const city = d.org.all().find((n) => n.level === 'city')!;
  const texts: Record<string, string> = { [city.code]: renderSummary(period, label, city.name, units.filter((u) => !u.code.startsWith('PZ-') || u.created > 0)) };
  for (const u of units) if (u.created + u.closed + u.overdue > 0 || !u.code.startsWith('PZ-')) texts[u.code] = renderSummary(period, label, u.name, [u]);
  const event = `summary.${period}`;
  const rows: NewNotification[] = Object.entries(texts)
    .filter(([group]) => d.robotKey(group))
    .map(([group, text]) => ({
      dedupeKey: notificationKey(event, label, `g-${group}`), event, caseId: null, recipientUserId: null, recipientGroup: group,
      channels: ['wecom_robot'], templateKey: 'case_progress', payload: { topic: event, text, facts: null },
    }));
  await createAndQueue(d, rows);
  return { label, texts };
}
