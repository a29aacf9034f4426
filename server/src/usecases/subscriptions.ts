import { AppError } from '../domain/errors.js';
import type { CurrentUser, Deps } from './deps.js';

/** What the mini-program asks consent for: one-time ids, and long-term ids where the account may use them. */
export interface SubscribeTemplates {
  templates: Record<string, string>;
  longTerm: Record<string, string>;
}

export function subscribeTemplates(deps: Pick<Deps, 'policy'>): SubscribeTemplates {
  const all = Object.entries(deps.policy.notifications.templates);
  return {
    templates: Object.fromEntries(all.map(([k, t]) => [k, t.subscribe.templateId])),
    longTerm: Object.fromEntries(all.flatMap(([k, t]) => (t.subscribe.longTermTemplateId ? [[k, t.subscribe.longTermTemplateId]] : []))),
  };
}

/**
 * The mini-program reports what the user answered to wx.requestSubscribeMessage
 * (https://developers.weixin.qq.com/miniprogram/dev/api/open-api/subscribe-message/wx.requestSubscribeMessage.html):
 * each "accept" of a one-time template is one credit to send one message with it; an "accept" of a long-term
 * template (长期订阅, issue 13, item 8) lets every message of that kind go out until the user turns it off, and
 * any other answer to it withdraws that. Other answers to one-time templates change nothing: WeChat keeps the
 * user's choice itself.
 */
export async function recordSubscribeResults(deps: Deps, user: CurrentUser, results: Record<string, string>): Promise<{ credits: Record<string, number>; longTerm: Record<string, boolean> }> {
  const entries = Object.entries(deps.policy.notifications.templates);
  const oneTime = new Map(entries.map(([key, t]) => [t.subscribe.templateId, key]));
  const longTerm = new Map(entries.flatMap(([key, t]) => (t.subscribe.longTermTemplateId ? [[t.subscribe.longTermTemplateId, key] as const] : [])));
  const unknown = Object.keys(results).filter((id) => !oneTime.has(id) && !longTerm.has(id));
  if (unknown.length) throw new AppError('request.invalid', '未知的订阅消息模板', { templateIds: unknown });
  // WeChat refuses one call that mixes the kinds (errCode 20002); so does FineCity.
  if (Object.keys(results).some((id) => oneTime.has(id)) && Object.keys(results).some((id) => longTerm.has(id))) {
    throw new AppError('request.invalid', '一次性订阅和长期订阅不能在同一次授权中', { templateIds: Object.keys(results) });
  }
  const now = deps.clock.now();
  const out = { credits: {} as Record<string, number>, longTerm: {} as Record<string, boolean> };
  for (const [templateId, answer] of Object.entries(results)) {
    const lt = longTerm.get(templateId);
    if (lt) {
      await deps.subscriptions.setLongTerm(user.id, lt, answer === 'accept', now);
      out.longTerm[templateId] = answer === 'accept';
    } else {
      out.credits[templateId] = await deps.subscriptions.add(user.id, oneTime.get(templateId)!, answer === 'accept' ? 1 : 0, now);
    }
  }
  return out;
}
