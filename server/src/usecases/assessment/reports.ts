import { randomUUID } from 'node:crypto';
import type { AssessmentPeriod } from '@finecity/types';
import { askedPeriod, periodAt, periodBounds, previousPeriod, type PeriodBounds } from '../../domain/assessment/periods.js';
import { REPORT_KINDS, type ReportKind } from '../../domain/assessment/report-text.js';
import { calendarConfigFrom, dayOf, makeCalendar } from '../../domain/calendar.js';
import { AppError } from '../../domain/errors.js';
import { notificationKey } from '../../domain/notification-plan.js';
import type { CurrentUser, Deps } from '../deps.js';
import { createAndQueue } from '../notifications/plan.js';
import type { NewNotification, NotificationPayload, NotifyDeps } from '../notifications/ports.js';
import { cityRoot } from './scorecards.js';
import { dailyReport, monthlyReport, rewardReport, weeklyReport, type ReportContent } from './report-content.js';

/**
 * The scheduled reports to the WeCom groups (issue 10, item 3; policy 大政办发〔2018〕125号: 日报告、周巡查、
 * 月评比、季奖励、年排名): for each group a markdown text, then the ranking chart as an image message, then the
 * workbook as a file message (https://developer.work.weixin.qq.com/document/path/91770).
 *
 * Idempotent: every row's dedupe key is `report.<kind> | <period>:<part> | g-<group>`, so a schedule that fires
 * twice, or on two workers, posts once, and a period is published once. A re-send by hand adds its own mark to
 * the occurrence, so it posts again, on purpose, and never publishes.
 */
export { REPORT_KINDS, type ReportKind };

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const REPORT_PERIOD: Record<ReportKind, AssessmentPeriod> = { daily: 'day', weekly: 'week', monthly: 'month', quarterly: 'quarter', yearly: 'year' };

export interface ReportSent {
  kind: ReportKind;
  at: string;
  label: string;
  /** Org node codes of the groups the report went to. */
  groups: string[];
}

/** What a scheduled run did: sent (or found already sent), or skipped (not the first working day). */
export type ScheduledOutcome = ReportSent | { kind: ReportKind; skipped: 'not_first_working_day' };

/** The schedule's job: the period before now; 季奖励 and 年排名 only on the first working day of their period. */
export async function runScheduledReport(app: Deps, notify: NotifyDeps, kind: ReportKind): Promise<ScheduledOutcome> {
  const now = app.clock.now();
  if ((kind === 'quarterly' || kind === 'yearly') && !isFirstWorkingDay(app, REPORT_PERIOD[kind], now)) return { kind, skipped: 'not_first_working_day' };
  const bounds = previousPeriod(REPORT_PERIOD[kind], now);
  return sendReport(app, notify, kind, bounds, { publish: true, occurrence: bounds.at });
}

/** A re-send from the console (city role or admin): posts the period's report again, with a new key. */
export async function resendReport(app: Deps, notify: NotifyDeps | null, user: CurrentUser, kind: ReportKind, at: string): Promise<ReportSent> {
  const city = cityRoot(app);
  if (!user.roles.some((r) => r === 'city' || r === 'admin') || user.orgNodeCode !== city.code) throw new AppError('auth.forbidden', '只有市级平台或市级管理员可以重发考核报告');
  const now = app.clock.now();
  const bounds = askedPeriod(REPORT_PERIOD[kind], at, now);
  if (!notify) throw new AppError('assessment.reports_unavailable', '消息通知未启用，无法发送报告');
  // Each re-send its own occurrence: two re-sends in the same second still both post.
  return sendReport(app, notify, kind, bounds, { publish: false, occurrence: `${bounds.at}#resend-${randomUUID().slice(0, 8)}` });
}

/** True on the first working day (working calendar: holidays, 调休) of the period that contains `now`. */
export function isFirstWorkingDay(app: Pick<Deps, 'sla' | 'policy'>, period: AssessmentPeriod, now: Date): boolean {
  const isWorking = app.sla.isWorkingDay?.bind(app.sla) ?? policyCalendar(app.policy);
  const today = dayOf(now);
  if (!isWorking(today)) return false;
  const start = periodBounds(period, periodAt(period, now)).start;
  for (let t = start.getTime(); dayOf(new Date(t)) < today; t += 86_400_000) if (isWorking(dayOf(new Date(t)))) return false;
  return true;
}

function policyCalendar(policy: Deps['policy']): (day: string) => boolean {
  const cal = makeCalendar(calendarConfigFrom(policy.holidays, policy.timeLimits.workingHours));
  return (day) => cal.isWorkingDay(day);
}

async function contentOf(app: Deps, notify: NotifyDeps, kind: ReportKind, bounds: PeriodBounds, publish: boolean): Promise<ReportContent> {
  switch (kind) {
    case 'daily':
      return dailyReport(app, notify, bounds);
    case 'weekly':
      return weeklyReport(app, bounds);
    case 'monthly':
      return monthlyReport(app, bounds, publish);
    default:
      return rewardReport(app, kind, bounds, publish);
  }
}

/**
 * Builds the report and posts it to every group that has a robot: the texts first (all groups), then the
 * charts, then the workbook, each wave after the one before, so a group reads them in that order.
 */
export async function sendReport(app: Deps, notify: NotifyDeps, kind: ReportKind, bounds: PeriodBounds, o: { publish: boolean; occurrence: string }): Promise<ReportSent> {
  const content = await contentOf(app, notify, kind, bounds, o.publish);
  const groups = content.groups.filter((g) => notify.robotKey(g.group));
  const event = `report.${kind}`;
  const key = (part: string, group: string) => notificationKey(event, `${o.occurrence}:${part}`, `g-${group}`);
  const row = (group: string, part: string, payload: Omit<NotificationPayload, 'topic' | 'facts'>): NewNotification => ({
    dedupeKey: key(part, group), event, caseId: null, recipientUserId: null, recipientGroup: group,
    channels: ['wecom_robot'], templateKey: 'case_progress', payload: { topic: event, facts: null, ...payload },
  });
  const now = app.clock.now();
  await createAndQueue(notify, groups.map((g) => row(g.group, 'text', { text: g.text })));
  if (notify.files) {
    const images: NewNotification[] = [];
    for (const g of groups) {
      if (!app.charts) break;
      const k = key('image', g.group);
      const id = (await notify.files.find(k)) ?? (await notify.files.put(k, { name: `${bounds.label}.png`, contentType: 'image/png', bytes: await app.charts.png(g.chart.option, g.chart) }, now));
      images.push(row(g.group, 'image', { image: id }));
    }
    await createAndQueue(notify, images);
    const file = await notify.files.put(key('file', 'all'), { ...content.workbook, contentType: XLSX_TYPE }, now);
    await createAndQueue(notify, groups.map((g) => row(g.group, 'file', { file })));
  }
  return { kind, at: bounds.at, label: bounds.label, groups: groups.map((g) => g.group) };
}
