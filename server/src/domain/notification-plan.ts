import type { CaseState } from '@finecity/types';

/**
 * Who hears what (config/notifications.json "routes"): pure matching of an event against the routes,
 * and the template values a message carries. Recipients are resolved by the use case.
 */
export type Audience = 'reporter' | 'on_duty' | 'holder' | 'parent' | `group:${'grid' | 'community' | 'street' | 'district' | 'city'}`;

export interface Route {
  audience: Audience;
  template: string;
  when?: { toState?: CaseState; holderLevel?: string[]; complexity?: string };
}

export interface EventFacts {
  topic: string;
  toState?: CaseState;
  holderLevel?: string | null;
  complexity?: string | null;
}

export interface RouteOverrides {
  byCategory: Readonly<Record<string, Readonly<Record<string, readonly Route[]>>>>;
  byNode: Readonly<Record<string, Readonly<Record<string, readonly Route[]>>>>;
}

/**
 * The routes that apply to a topic for a case: a category's own list if configured, else the nearest
 * org node's (the case's grid, then its community, street, district, city), else the defaults.
 */
export function routesFor(
  defaults: Readonly<Record<string, readonly Route[]>>,
  overrides: RouteOverrides,
  topic: string,
  categoryCode: string,
  nodePathNearestFirst: readonly string[],
): Readonly<Record<string, readonly Route[]>> {
  const byCat = overrides.byCategory[categoryCode]?.[topic];
  if (byCat) return { [topic]: byCat };
  for (const code of nodePathNearestFirst) {
    const byNode = overrides.byNode[code]?.[topic];
    if (byNode) return { [topic]: byNode };
  }
  return defaults;
}

export function matchRoutes(routes: Readonly<Record<string, readonly Route[]>>, e: EventFacts): Route[] {
  return (routes[e.topic] ?? []).filter((r) => {
    const w = r.when;
    if (!w) return true;
    if (w.toState && w.toState !== e.toState) return false;
    if (w.holderLevel && !w.holderLevel.includes(e.holderLevel ?? '')) return false;
    if (w.complexity && w.complexity !== e.complexity) return false;
    return true;
  });
}

const STATE_TEXT: Record<CaseState, string> = {
  submitted: '已提交',
  registered: '已受理',
  rejected: '不予受理',
  merged: '已合并',
  dispatched: '已派遣',
  in_progress: '处理中',
  handled: '已处置',
  closed: '已办结',
  suspended: '已挂账',
};
const LEVEL_TEXT: Record<string, string> = { yellow: '黄灯预警', red: '红灯预警', overdue: '已超期' };

export interface MessageFacts {
  caseNo: string;
  category: string;
  state: CaseState;
  place: string;
  time: Date;
  dueAt: Date | null;
  note: string | null;
  holder: string | null;
  level?: string;
}

/** Raw values by source name; the channel adapter normalises them per WeChat's value rules. */
export function templateValues(fields: Readonly<Record<string, string>>, f: MessageFacts): Record<string, string> {
  const source: Record<string, string> = {
    caseNo: f.caseNo,
    category: f.category,
    stateText: STATE_TEXT[f.state],
    time: f.time.toISOString(),
    note: f.note ?? STATE_TEXT[f.state],
    place: f.place,
    dueAt: (f.dueAt ?? f.time).toISOString(),
    levelText: LEVEL_TEXT[f.level ?? ''] ?? '',
    holder: f.holder ?? '',
  };
  return Object.fromEntries(Object.entries(fields).map(([key, from]) => [key, source[from] ?? '']));
}

/** The text a WeCom group robot posts (markdown), in Chinese for the people in the group. */
export function robotMarkdown(topic: string, f: MessageFacts, mentionNote: string | null): string {
  const title = topic.startsWith('clock.') ? `【${LEVEL_TEXT[f.level ?? ''] ?? '预警'}】` : topic === 'case.escalate' ? '【案件上报】' : '【新派遣案件】';
  const lines = [
    `### ${title}${f.caseNo}`,
    `> 类别：${f.category}`,
    `> 位置：${f.place}`,
    `> 状态：${STATE_TEXT[f.state]}${f.holder ? `（${f.holder}）` : ''}`,
  ];
  if (f.dueAt) lines.push(`> 时限：${shanghaiTime(f.dueAt)}`);
  if (f.note) lines.push(`> 说明：${f.note}`);
  if (mentionNote) lines.push(mentionNote);
  return lines.join('\n');
}

export function shanghaiTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** A/B rotation [design]: A is on duty on even days of the month (Asia/Shanghai), B on odd days. */
export function onDutySlot(now: Date): 'A' | 'B' {
  const day = new Date(now.getTime() + 8 * 3600_000).getUTCDate();
  return day % 2 === 0 ? 'A' : 'B';
}
