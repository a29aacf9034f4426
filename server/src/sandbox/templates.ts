/**
 * The templates "added in the WeChat console" of the sandbox apps: the ids it knows (others → 40037), the
 * data keys each declares, and titles and field labels in Chinese for the inbox page. Built from
 * config/notifications.json, whose default ids are the sandbox's.
 */
export interface SandboxTemplate {
  id: string;
  /** The notifications.json key (case_progress …), for display. */
  key: string;
  title: string;
  /** Data key → Chinese label (character_string1 → 案件编号). */
  fields: Record<string, string>;
  /** Mini-program templates: one accept = one message, or long-term (one accept = many; issue 13, item 8). */
  kind?: 'one_time' | 'long_term';
}

export interface SandboxTemplates {
  mp: Map<string, SandboxTemplate>;
  oa: Map<string, SandboxTemplate>;
  sms: Map<string, SandboxTemplate>;
}

/** The part of config/notifications.json the sandbox reads (policy.notifications). */
export interface NotificationTemplatesConfig {
  templates: Record<
    string,
    { subscribe: { templateId: string; longTermTemplateId?: string }; oaTemplate: { templateId: string }; sms: { templateCode: string }; fields: Record<string, string> }
  >;
}

const TITLES: Record<string, string> = {
  case_progress: '案件进度通知',
  case_task: '案件任务提醒',
  clock_alert: '案件时限预警',
};

/** Labels of the semantic field names used in notifications.json. */
const LABELS: Record<string, string> = {
  caseNo: '案件编号',
  category: '问题类型',
  stateText: '办理状态',
  levelText: '预警级别',
  time: '时间',
  dueAt: '办理时限',
  note: '备注',
  place: '地点',
  holder: '责任单位',
  link: '办理进度查询',
};

/** The SMS template code of the staff activation message. */
export const STAFF_INVITE_SMS = 'SMS_STAFF_INVITE';
/** The SMS template code of the call centre's message to a caller (adapters/sms/caller-sms.ts). */
export const HOTLINE_TRACKING_SMS = 'SMS_HOTLINE_TRACKING';

export function sandboxTemplates(cfg?: NotificationTemplatesConfig): SandboxTemplates {
  const t: SandboxTemplates = { mp: new Map(), oa: new Map(), sms: new Map() };
  for (const [key, v] of Object.entries(cfg?.templates ?? {})) {
    const fields = Object.fromEntries(Object.entries(v.fields).map(([k, name]) => [k, LABELS[name] ?? name]));
    const base = { key, title: TITLES[key] ?? key, fields };
    t.mp.set(v.subscribe.templateId, { id: v.subscribe.templateId, ...base, kind: 'one_time' });
    const lt = v.subscribe.longTermTemplateId;
    if (lt) t.mp.set(lt, { id: lt, ...base, kind: 'long_term' });
    t.oa.set(v.oaTemplate.templateId, { id: v.oaTemplate.templateId, ...base });
    t.sms.set(v.sms.templateCode, { id: v.sms.templateCode, ...base });
  }
  // The staff activation SMS (issue 9): an SMS-only template, registered at the provider (config/env.example).
  t.sms.set(STAFF_INVITE_SMS, { id: STAFF_INVITE_SMS, key: 'staff_invite', title: '工作人员激活码', fields: { role: '身份', code: '激活码', expiresAt: '有效期至' } });
  // The 12319 call centre's SMS to a caller (issue 11): the case number and the public tracking link.
  t.sms.set(HOTLINE_TRACKING_SMS, { id: HOTLINE_TRACKING_SMS, key: 'hotline_tracking', title: '12319 受理通知', fields: { caseNo: '案件编号', link: '办理进度查询' } });
  return t;
}

/** Plain text of a template message as the reader sees it: the title, then one "label：value" per line. */
export function renderTemplate(tpl: SandboxTemplate | undefined, data: Record<string, string>): string {
  const lines = Object.entries(data).map(([k, v]) => `${fieldLabel(tpl, k)}：${v}`);
  return [tpl?.title ?? '模板消息', ...lines].join('\n');
}

export function fieldLabel(tpl: SandboxTemplate | undefined, key: string): string {
  return tpl?.fields[key] ?? LABELS[key] ?? key;
}
