import { and, eq, sql } from 'drizzle-orm';
import type { CaseState } from '@finecity/types';
import { notificationAttempts, notifications, subscriptionCredits, users } from '../../adapters/postgres/schema.js';
import { onDutySlot, robotMarkdown, templateValues, type MessageFacts } from '../../domain/notification-plan.js';
import type { ChannelName, DeliveryOutcome, OutgoingMessage } from '../../domain/notify-ports.js';
import { redactSecrets } from '../../adapters/wechat/outcomes.js';
import type { NotifyDeps } from './context.js';
import { robotGate } from './robot-gate.js';

type NotificationRow = typeof notifications.$inferSelect;

/** A transient failure: the job is retried with backoff (or after `retryAfterMs`). */
export class TransientDeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransientDeliveryError';
  }
}

export type DeliverResult = 'sent' | 'failed' | 'deferred' | 'skipped';

/**
 * Delivers one notification: channels in order, each either sends, fails for now (retry), or cannot
 * serve this message (next channel). `giveUp` moves past a channel whose retries are exhausted.
 */
export async function deliverNotification(d: NotifyDeps, id: number, opts: { giveUp?: boolean } = {}): Promise<DeliverResult> {
  const n = (await d.db.select().from(notifications).where(eq(notifications.id, id)))[0];
  if (!n || n.status !== 'pending') return 'skipped';
  const channels = n.channels as ChannelName[];
  let i = n.channel ? Math.max(0, channels.indexOf(n.channel as ChannelName)) : 0;
  if (opts.giveUp && n.channel) {
    await record(d, n, n.channel as ChannelName, { status: 'permanent', errcode: 'retries_exhausted', errmsg: 'transient failures exhausted the retries' });
    i += 1;
  }
  for (; i < channels.length; i++) {
    const ch = channels[i]!;
    const msg = await buildMessage(d, n, ch);
    if (!msg) {
      await record(d, n, ch, { status: 'fallback', errcode: 'no_address', errmsg: 'recipient has no address on this channel' });
      continue;
    }
    if (ch === 'wecom_robot' && !(await robotGate(d).admit(msg.to, n.id))) return 'deferred';
    await d.db.update(notifications).set({ channel: ch, attempts: sql`${notifications.attempts} + 1` }).where(eq(notifications.id, n.id));
    const outcome = await send(d, ch, msg);
    await record(d, n, ch, outcome);
    if (outcome.status === 'sent') {
      await markSent(d, n, ch);
      return 'sent';
    }
    if (outcome.status === 'transient') throw new TransientDeliveryError(`${ch}: ${outcome.errcode} ${outcome.errmsg}`, outcome.retryAfterMs);
    if (ch === 'subscribe' && String(outcome.errcode) === '43101') await spendCredit(d, n, true);
  }
  await d.db.update(notifications).set({ status: 'failed', lastError: 'no channel could deliver' }).where(eq(notifications.id, n.id));
  return 'failed';
}

export async function send(d: NotifyDeps, ch: ChannelName, msg: OutgoingMessage): Promise<DeliveryOutcome> {
  const channel = d.channels[ch];
  if (!channel) return { status: 'fallback', errcode: 'channel_off', errmsg: `channel ${ch} is not configured` };
  try {
    return await channel.send(msg);
  } catch (err) {
    return { status: 'transient', errcode: 'exception', errmsg: redactSecrets(String((err as Error)?.message ?? err)) };
  }
}

export async function record(d: NotifyDeps, n: NotificationRow, ch: ChannelName, o: DeliveryOutcome): Promise<void> {
  await d.db.insert(notificationAttempts).values({
    notificationId: n.id, channel: ch, at: d.clock.now(), outcome: o.status,
    errcode: o.status === 'sent' ? null : String(o.errcode), errmsg: o.status === 'sent' ? null : o.errmsg,
  });
  if (o.status !== 'sent') await d.db.update(notifications).set({ lastError: `${ch}: ${o.errcode} ${o.errmsg}` }).where(eq(notifications.id, n.id));
}

export async function markSent(d: NotifyDeps, n: NotificationRow, ch: ChannelName): Promise<void> {
  await d.db.update(notifications).set({ status: 'sent', channel: ch, sentAt: d.clock.now(), lastError: null }).where(eq(notifications.id, n.id));
  if (ch === 'subscribe') await spendCredit(d, n, false);
}

/** One-time consent: a send spends a credit; 43101 means WeChat holds none, so ours is zeroed. */
async function spendCredit(d: NotifyDeps, n: NotificationRow, zero: boolean): Promise<void> {
  if (!n.recipientUserId) return;
  const where = and(eq(subscriptionCredits.userId, n.recipientUserId), eq(subscriptionCredits.templateKey, n.templateKey));
  await d.db
    .update(subscriptionCredits)
    .set({ credits: zero ? 0 : sql`greatest(${subscriptionCredits.credits} - 1, 0)`, updatedAt: d.clock.now() })
    .where(where);
}

async function hasCredit(d: NotifyDeps, userId: string, templateKey: string): Promise<boolean> {
  const r = await d.db
    .select({ credits: subscriptionCredits.credits })
    .from(subscriptionCredits)
    .where(and(eq(subscriptionCredits.userId, userId), eq(subscriptionCredits.templateKey, templateKey)));
  return (r[0]?.credits ?? 0) > 0;
}

/** In a grid's group, the on-duty inspector is @-mentioned by mobile (WeCom mentioned_mobile_list). */
async function onDutyMobile(d: NotifyDeps, groupCode: string): Promise<string | null> {
  const u = await d.db
    .select({ mobile: users.mobile })
    .from(users)
    .where(and(eq(users.orgNodeCode, groupCode), eq(users.dutySlot, onDutySlot(d.clock.now()))));
  return u[0]?.mobile ?? null;
}

export function factsOf(n: NotificationRow): MessageFacts {
  const f = (n.payload as { facts: Record<string, unknown> }).facts;
  return { ...(f as unknown as MessageFacts), state: f.state as CaseState, time: new Date(String(f.time)), dueAt: f.dueAt ? new Date(String(f.dueAt)) : null };
}

async function buildMessage(d: NotifyDeps, n: NotificationRow, ch: ChannelName): Promise<OutgoingMessage | null> {
  const tpl = d.policy.notifications.templates[n.templateKey]!;
  if (ch === 'wecom_robot' && (n.payload as { text?: string }).text) {
    const key = n.recipientGroup ? d.robotKey(n.recipientGroup) : null;
    return key ? { channel: ch, to: key, text: String((n.payload as { text: string }).text), dedupeKey: n.dedupeKey } : null;
  }
  const facts = factsOf(n);
  const caseId = String((n.payload as { caseId?: string }).caseId ?? '');
  const data = templateValues(tpl.fields, facts);
  if (ch === 'wecom_robot') {
    const key = n.recipientGroup ? d.robotKey(n.recipientGroup) : null;
    if (!key) return null;
    const mobile = await onDutyMobile(d, n.recipientGroup!);
    return { channel: ch, to: key, text: robotMarkdown(n.event, facts, null), mentionMobiles: mobile ? [mobile] : undefined, dedupeKey: n.dedupeKey };
  }
  if (!n.recipientUserId) return null;
  const u = (await d.db.select().from(users).where(eq(users.id, n.recipientUserId)))[0];
  if (!u) return null;
  if (ch === 'subscribe') {
    if (!u.openid || !(await hasCredit(d, u.id, n.templateKey))) return null;
    return { channel: ch, to: u.openid, templateId: tpl.subscribe.templateId, page: `${tpl.subscribe.page}?id=${caseId}`, data, dedupeKey: n.dedupeKey };
  }
  if (ch === 'oa_template') {
    return u.oaOpenid ? { channel: ch, to: u.oaOpenid, templateId: tpl.oaTemplate.templateId, page: `${tpl.subscribe.page}?id=${caseId}`, data, dedupeKey: n.dedupeKey } : null;
  }
  return u.mobile ? { channel: ch, to: u.mobile, templateId: tpl.sms.templateCode, data, text: `${facts.caseNo} ${data[Object.keys(data)[2] ?? ''] ?? ''}`, dedupeKey: n.dedupeKey } : null;
}
