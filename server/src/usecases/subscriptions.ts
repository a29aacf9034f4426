import { AppError } from '../domain/errors.js';
import type { CurrentUser, Deps } from './deps.js';

/**
 * The mini-program reports what the user answered to wx.requestSubscribeMessage
 * (https://developers.weixin.qq.com/miniprogram/dev/api/open-api/subscribe-message/wx.requestSubscribeMessage.html):
 * each "accept" is one credit to send one message with that template. Answers other than "accept" change
 * nothing: WeChat keeps the user's choice itself.
 */
export async function recordSubscribeResults(deps: Deps, user: CurrentUser, results: Record<string, string>): Promise<Record<string, number>> {
  const byTemplateId = new Map(Object.entries(deps.policy.notifications.templates).map(([key, t]) => [t.subscribe.templateId, key]));
  const unknown = Object.keys(results).filter((id) => !byTemplateId.has(id));
  if (unknown.length) throw new AppError('request.invalid', '未知的订阅消息模板', { templateIds: unknown });
  const now = deps.clock.now();
  const out: Record<string, number> = {};
  for (const [templateId, answer] of Object.entries(results)) {
    out[templateId] = await deps.subscriptions.add(user.id, byTemplateId.get(templateId)!, answer === 'accept' ? 1 : 0, now);
  }
  return out;
}
