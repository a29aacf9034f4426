import { randomUUID } from 'node:crypto';
import { askedPeriod, previousPeriod, type PeriodBounds } from '../../domain/assessment/periods.js';
import { AppError } from '../../domain/errors.js';
import { notificationKey } from '../../domain/notification-plan.js';
import { beijingDate, formatBeijing } from '../../domain/shanghai-time.js';
import type { CurrentUser, Deps } from '../deps.js';
import { createAndQueue } from '../notifications/plan.js';
import type { NewNotification, NotifyDeps } from '../notifications/ports.js';
import { cityRoot } from '../assessment/scorecards.js';
import type { CompanyRecord } from './ports.js';

/**
 * 周反馈 (issue 11, item 4; 大政办发〔2018〕125号: 日巡查、周反馈、月评估): every Monday, with the 周巡查 report,
 * each district's WeCom group gets each company's last week in its grids: finds per grid (most first),
 * coverage (grid-days visited) and finds rejected on review. One markdown robot message per company and group;
 * the dedupe key is per company, week and group, so a schedule that fires twice posts once.
 */
type WeeklyDeps = Pick<Deps, 'companies' | 'org' | 'clock' | 'categories'>;

const EVENT = 'report.company_weekly';
const TOP_GRIDS = 10;

export interface CompanyWeeklySent {
  at: string;
  label: string;
  messages: { companyId: string; group: string }[];
}

const short = (d: Date) => formatBeijing(d).slice(5);

/** The text one district's group reads about one company's week. */
async function districtText(deps: WeeklyDeps, c: CompanyRecord, district: string, b: PeriodBounds): Promise<string | null> {
  const grids = c.gridCodes.filter((g) => deps.org.get(g)?.path.includes(`/${district}/`));
  if (!grids.length) return null;
  const days: string[] = [];
  for (let t = b.start.getTime(); t < b.end.getTime(); t += 86_400_000) {
    const d = beijingDate(new Date(t));
    if (c.contractStart <= d && d <= c.contractEnd) days.push(d);
  }
  if (!days.length) return null;
  const visits = (await deps.companies.visits(c.id, days[0]!, days.at(-1)!)).filter((v) => grids.includes(v.gridCode));
  const finds = (await deps.companies.findsByGrid(c.id, b.start, b.end)).filter((f) => f.gridCode && grids.includes(f.gridCode));
  const rejected = (await deps.companies.rejectedFinds(c.id, b.start, b.end)).filter((r) => r.gridCode && grids.includes(r.gridCode));
  const name = (code: string | null) => (code ? (deps.org.get(code)?.name ?? code) : '未定位');
  const due = grids.length * days.length;
  const visited = new Set(visits.map((v) => `${v.gridCode}|${v.day}`)).size;
  const total = finds.reduce((n, f) => n + f.finds, 0);
  const idle = grids.filter((g) => !visits.some((v) => v.gridCode === g));
  const lines = [
    `**第三方巡查周反馈（${b.label}）**`,
    `公司：${c.name}，合同网格：${grids.length} 个`,
    `发现量：${total} 件，复核退回：${rejected.length} 件`,
    `覆盖：${visited}/${due} 网格·天（${due ? Math.round((visited / due) * 1000) / 10 : 0}%）`,
    '',
    '**各网格发现量**',
    ...(finds.filter((f) => f.finds > 0).slice(0, TOP_GRIDS).map((f, i) => `${i + 1}. ${name(f.gridCode)}：${f.finds} 件`)),
    ...(total === 0 ? ['本周无发现'] : []),
    ...(idle.length ? ['', `**本周未签到网格**（${idle.length} 个）：${idle.slice(0, TOP_GRIDS).map(name).join('、')}${idle.length > TOP_GRIDS ? ' 等' : ''}`] : []),
    ...(rejected.length ? ['', '**复核退回（不予立案）**', ...rejected.slice(0, TOP_GRIDS).map((r) => `- ${r.caseNo} ${deps.categories.get(r.categoryCode)?.name ?? '未分类'} ${name(r.gridCode)} ${short(r.at)}${r.note ? `：${r.note}` : ''}`)] : []),
  ];
  return lines.join('\n');
}

/** Districts that hold at least one of the company's grids. */
function districtsOf(deps: Pick<Deps, 'org'>, c: CompanyRecord): string[] {
  const out = new Set<string>();
  for (const g of c.gridCodes) {
    const node = deps.org.get(g);
    const district = node?.path.split('/').filter(Boolean)[1];
    if (district) out.add(district);
  }
  return [...out].sort();
}

export async function sendCompanyWeekly(deps: WeeklyDeps, notify: NotifyDeps, b: PeriodBounds, occurrence = b.at): Promise<CompanyWeeklySent> {
  const rows: NewNotification[] = [];
  const messages: CompanyWeeklySent['messages'] = [];
  for (const c of await deps.companies.list()) {
    for (const district of districtsOf(deps, c)) {
      if (!notify.robotKey(district)) continue;
      const text = await districtText(deps, c, district, b);
      if (!text) continue;
      rows.push({
        dedupeKey: notificationKey(EVENT, `${occurrence}:${c.id}`, `g-${district}`), event: EVENT, caseId: null, recipientUserId: null, recipientGroup: district,
        channels: ['wecom_robot'], templateKey: 'case_progress', payload: { topic: EVENT, facts: null, text },
      });
      messages.push({ companyId: c.id, group: district });
    }
  }
  await createAndQueue(notify, rows);
  return { at: b.at, label: b.label, messages };
}

/** The Monday job: last week's 周反馈. */
export function runCompanyWeekly(deps: WeeklyDeps, notify: NotifyDeps): Promise<CompanyWeeklySent> {
  return sendCompanyWeekly(deps, notify, previousPeriod('week', deps.clock.now()));
}

/** A re-send by hand (city platform or city admin), with its own key so it posts again on purpose. */
export async function resendCompanyWeekly(deps: WeeklyDeps, notify: NotifyDeps | null, user: CurrentUser, at: string): Promise<CompanyWeeklySent> {
  const city = cityRoot(deps);
  if (!user.roles.some((r) => r === 'city' || r === 'admin') || user.orgNodeCode !== city.code) throw new AppError('auth.forbidden', '只有市级平台或市级管理员可以重发周反馈');
  if (!notify) throw new AppError('assessment.reports_unavailable', '消息通知未启用，无法发送周反馈');
  const b = askedPeriod('week', at, deps.clock.now());
  return sendCompanyWeekly(deps, notify, b, `${b.at}#resend-${randomUUID().slice(0, 8)}`);
}
