import { robotMarkdown, templateValues, type MessageFacts } from '../../domain/notification-plan.js';
import type { ChannelName, DeliveryOutcome, OutgoingMessage } from '../../domain/notify-ports.js';
import { redactSecrets } from '../../domain/notify-ports.js';
import { dutyPeople } from '../duty-ports.js';
import { caseTrackingUrl } from '../residents/tracking-links.js';
import type { NotificationRecord, NotifyDeps } from './ports.js';

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
  const n = await d.store.get(id);
  if (!n || n.status !== 'pending') return 'skipped';
  const channels = n.channels;
  let i = n.channel ? Math.max(0, channels.indexOf(n.channel)) : 0;
  if (opts.giveUp && n.channel) {
    await d.store.recordAttempt([n.id], n.channel, { status: 'permanent', errcode: 'retries_exhausted', errmsg: 'transient failures exhausted the retries' }, d.clock.now());
    i += 1;
  }
  for (; i < channels.length; i++) {
    const ch = channels[i]!;
    const msg = await buildMessage(d, n, ch);
    if (!msg) {
      await d.store.recordAttempt([n.id], ch, { status: 'fallback', errcode: 'no_address', errmsg: 'recipient has no address on this channel' }, d.clock.now());
      continue;
    }
    if (ch === 'wecom_robot') {
      const slot = await d.robots.take(msg.to);
      if (!slot.ok) {
        await d.robots.park(msg.to, n.id);
        await scheduleFlush(d, msg.to, slot.waitMs);
        return 'deferred';
      }
    }
    const outcome = await send(d, ch, msg);
    await d.store.attempted(n.id, ch, outcome, d.clock.now());
    if (outcome.status === 'sent') {
      if (ch === 'subscribe' && n.recipientUserId) await d.store.spendCredit(n.recipientUserId, n.templateKey, false, d.clock.now());
      return 'sent';
    }
    if (outcome.status === 'transient') throw new TransientDeliveryError(`${ch}: ${outcome.errcode} ${outcome.errmsg}`, outcome.retryAfterMs);
    if (ch === 'subscribe' && String(outcome.errcode) === '43101' && n.recipientUserId) await d.store.spendCredit(n.recipientUserId, n.templateKey, true, d.clock.now());
  }
  await d.store.markFailed([n.id], 'no channel could deliver');
  return 'failed';
}

/**
 * One pending flush per robot, however many messages are parked: a burst of 200 parks schedules one job,
 * not 200 that each wake, find the robot busy and schedule themselves again. The claim expires on its own,
 * so a flush job lost with Redis never strands the list.
 */
export async function scheduleFlush(d: NotifyDeps, robot: string, waitMs: number): Promise<void> {
  if (await d.robots.claimFlush(robot, waitMs + 10_000)) await d.queue.flushRobot(robot, waitMs);
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

/** Marks rows sent; a subscribe message spends the recipient's one-time consent. */
export async function markSent(d: NotifyDeps, ns: NotificationRecord[], ch: ChannelName): Promise<void> {
  await d.store.markSent(ns.map((n) => n.id), ch, d.clock.now());
  if (ch === 'subscribe') for (const n of ns) if (n.recipientUserId) await d.store.spendCredit(n.recipientUserId, n.templateKey, false, d.clock.now());
}

export function factsOf(n: NotificationRecord): MessageFacts {
  const f = n.payload.facts!;
  return { ...f, time: new Date(f.time), dueAt: f.dueAt ? new Date(f.dueAt) : null };
}

/** What a robot posts for this row: its prepared text (the group reports) or its card. */
export function robotText(n: NotificationRecord, mention: string | null = null): string {
  return n.payload.text ?? robotMarkdown(n.event, factsOf(n), mention);
}

async function buildMessage(d: NotifyDeps, n: NotificationRecord, ch: ChannelName): Promise<OutgoingMessage | null> {
  if (ch === 'wecom_robot') {
    const key = n.recipientGroup ? d.robotKey(n.recipientGroup) : null;
    if (!key) return null;
    if (n.payload.image || n.payload.file) return attachmentMessage(d, n, key);
    if (n.payload.text) return { channel: ch, to: key, text: n.payload.text, dedupeKey: n.dedupeKey };
    // In a grid's group, the on-duty inspector is @-mentioned by mobile (WeCom mentioned_mobile_list).
    const onDuty = d.org.get(n.recipientGroup!)?.level === 'grid' ? await dutyPeople(d, n.recipientGroup!, d.clock.now(), 'on') : [];
    const mobile = onDuty[0]?.mobile ?? null;
    return { channel: ch, to: key, text: robotText(n), mentionMobiles: mobile ? [mobile] : undefined, dedupeKey: n.dedupeKey };
  }
  const tpl = d.policy.notifications.templates[n.templateKey]!;
  const facts = factsOf(n);
  const caseId = n.payload.caseId ?? '';
  const data = templateValues(tpl.fields, facts);
  if (!n.recipientUserId) return null;
  const u = await d.recipients.user(n.recipientUserId);
  if (!u) return null;
  if (ch === 'subscribe') {
    const grant = u.openid ? await d.store.subscribeGrant(u.id, n.templateKey) : null;
    if (!u.openid || !grant) return null;
    // A long-term subscription (issue 13, item 8) goes out with the template's long-term id; without one, a
    // one-time credit with the one-time id, as before.
    const templateId = grant === 'long_term' && tpl.subscribe.longTermTemplateId ? tpl.subscribe.longTermTemplateId : tpl.subscribe.templateId;
    return { channel: ch, to: u.openid, templateId, page: `${tpl.subscribe.page}?id=${caseId}`, data, dedupeKey: n.dedupeKey };
  }
  if (ch === 'oa_template') {
    return u.oaOpenid ? { channel: ch, to: u.oaOpenid, templateId: tpl.oaTemplate.templateId, page: `${tpl.subscribe.page}?id=${caseId}`, data, dedupeKey: n.dedupeKey } : null;
  }
  if (!u.mobile) return null;
  // A resident's progress SMS carries the case's tracking link (issue 13, item 4): an SMS opens no mini-program page.
  const link = n.templateKey === 'case_progress' && caseId && d.trackingLinks ? await caseTrackingUrl(d.trackingLinks, caseId, d.clock.now()) : null;
  const sms = link ? { ...data, link } : data;
  return { channel: ch, to: u.mobile, templateId: tpl.sms.templateCode, data: sms, text: Object.values(sms).join('，'), dedupeKey: n.dedupeKey };
}

/** A prepared robot message (a report's text, chart or workbook) for `robot`; null when its stored file is gone. */
export async function preparedRobotMessage(d: NotifyDeps, n: NotificationRecord, robot: string): Promise<OutgoingMessage | null> {
  if (n.payload.image || n.payload.file) return attachmentMessage(d, n, robot);
  return { channel: 'wecom_robot', to: robot, text: robotText(n), dedupeKey: n.dedupeKey };
}

async function attachmentMessage(d: NotifyDeps, n: NotificationRecord, robot: string): Promise<OutgoingMessage | null> {
  const f = d.files ? await d.files.get((n.payload.image ?? n.payload.file)!) : null;
  if (!f) return null;
  const base = { channel: 'wecom_robot' as const, to: robot, dedupeKey: n.dedupeKey };
  return n.payload.image ? { ...base, image: f.bytes } : { ...base, file: { name: f.name, bytes: f.bytes } };
}
