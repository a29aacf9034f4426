import type { CaseState } from '@finecity/types';
import { formatBeijing } from './shanghai-time.js';

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

/** The topics some route or override can notify: any other event is published to nobody and needs no planning. */
export function topicsThatNotify(defaults: Readonly<Record<string, readonly Route[]>>, overrides: RouteOverrides): Set<string> {
  const topics = new Set(Object.entries(defaults).filter(([, r]) => r.length > 0).map(([t]) => t));
  for (const byTopic of [...Object.values(overrides.byCategory), ...Object.values(overrides.byNode)]) {
    for (const [t, r] of Object.entries(byTopic ?? {})) if (r.length > 0) topics.add(t);
  }
  return topics;
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
const LEVEL_TEXT: Record<string, string> = { yellow: '黄灯预警', red: '红灯预警', overdue: '已超期', double: '严重超期', arrival_overdue: '到场超时' };
/** What happened, as a card's title says it (the event, not the case's state when the card is sent). */
const EVENT_TITLE: Record<string, string> = {
  'case.dispatch': '新派遣案件',
  'case.escalate': '案件上报',
  'case.supervise': '督办',
  'case.comment': '案件留言',
  'duty.failover_b': '协助处置',
  'duty.failover_community': '社区协调',
  'staff.handover': '任务移交',
};

/**
 * The facts a message states, fixed when the event happened (the outbox row written at commit): the
 * state the event moved the case to, the unit it went to, its deadline then. Never the case's later state.
 */
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

export const stateText = (s: CaseState): string => STATE_TEXT[s] ?? '状态更新';
export const levelText = (level: string | undefined): string => LEVEL_TEXT[level ?? ''] ?? '时限预警';

/** Template values by source name, written for people: Beijing time, Chinese words, no codes. */
export function templateValues(fields: Readonly<Record<string, string>>, f: MessageFacts): Record<string, string> {
  const source: Record<string, string> = {
    caseNo: f.caseNo,
    category: f.category,
    stateText: stateText(f.state),
    time: formatBeijing(f.time),
    note: f.note ?? stateText(f.state),
    place: f.place,
    dueAt: formatBeijing(f.dueAt ?? f.time),
    levelText: f.level ? levelText(f.level) : '',
    holder: f.holder ?? '',
  };
  return Object.fromEntries(Object.entries(fields).map(([key, from]) => [key, source[from] ?? '']));
}

/** A card's title: the alert level for clock events, else what happened. */
export function eventTitle(topic: string, f: Pick<MessageFacts, 'level' | 'state'>): string {
  if (topic.startsWith('clock.')) return levelText(f.level);
  return EVENT_TITLE[topic] ?? `案件${stateText(f.state)}`;
}

/** The text a WeCom group robot posts (markdown), in Chinese for the people in the group. */
export function robotMarkdown(topic: string, f: MessageFacts, mentionNote: string | null): string {
  const lines = [
    `### 【${eventTitle(topic, f)}】${f.caseNo}`,
    `> 类别：${f.category}`,
    `> 位置：${f.place}`,
    `> 状态：${stateText(f.state)}${f.holder ? `（${f.holder}）` : ''}`,
  ];
  if (f.dueAt) lines.push(`> 时限：${formatBeijing(f.dueAt)}`);
  if (f.note) lines.push(`> 说明：${f.note}`);
  if (mentionNote) lines.push(mentionNote);
  return lines.join('\n');
}

/** One line of a robot digest (several cards folded into one message). */
export function digestLine(f: MessageFacts): string {
  return `- ${f.caseNo} ${f.category}｜${f.place}${f.dueAt ? `｜时限 ${formatBeijing(f.dueAt)}` : ''}`;
}

/**
 * The one dedupe-key format of a notification row: what happened (the event), to what and when (the
 * occurrence: a case at a version, or a reporting period), and to whom (`u-<user id>` or `g-<org code>`).
 * The same occurrence never reaches the same recipient twice, whichever path created the row.
 */
export function notificationKey(event: string, occurrence: string, recipient: string): string {
  return `${event}|${occurrence}|${recipient}`;
}

/** The occurrence of a case event: the case at the version the event produced. */
export const caseOccurrence = (caseId: string, version: number): string => `${caseId}@v${version}`;
