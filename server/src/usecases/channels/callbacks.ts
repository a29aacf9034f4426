import type { CallbackStatus, CaseState, ChannelCallback } from '@finecity/types';
import { SHANGHAI_OFFSET_MS } from '../../domain/shanghai-time.js';
import type { Logger } from '../../logger.js';
import type { OrgDirectory } from '../repositories.js';

/**
 * Status back to a partner platform (issue 11, item 2): a case that came in through a partner channel tells
 * that channel when it is accepted (受理), dispatched (派遣), handled (办结), closed (结案), rejected (退回,
 * 退单, with the reason) or reopened. Each such event of the case's outbox becomes one `channel_callbacks`
 * row (deduplicated per case, version and status), delivered by a signed POST with retries and backoff;
 * a row whose attempts are spent is `failed`, listed on the console and retried by hand.
 */

/** The outbox topics a partner hears of, and the status each one means (verify only when it closed the case). */
export const CALLBACK_TOPICS: ReadonlySet<string> = new Set(['case.register', 'case.dispatch', 'case.handle', 'case.verify', 'case.reject', 'case.reopen']);

export function callbackStatus(topic: string, toState: CaseState | undefined): CallbackStatus | null {
  switch (topic) {
    case 'case.register':
      return 'accepted';
    case 'case.dispatch':
      return 'dispatched';
    case 'case.handle':
      return 'handled';
    case 'case.verify':
      return toState === 'closed' ? 'closed' : null;
    case 'case.reject':
      return 'rejected';
    case 'case.reopen':
      return 'reopened';
    default:
      return null;
  }
}

/** What one outbox event says about a partner's case: null when the case did not come from a partner. */
export interface PartnerCaseEvent {
  channelId: string;
  ticketNo: string;
  caseId: string;
  caseNo: string;
  topic: string;
  version: number;
  toState: CaseState | undefined;
  /** The unit the event sent the case to, else the case's holder. */
  unitCode: string | null;
  /** The event's note (a rejection's reason). */
  note: string | null;
  at: Date;
  /** 办结 and 结案: the after-photos of the handling. */
  photoIds: string[];
}

export interface NewCallback {
  channelId: string;
  caseId: string;
  dedupeKey: string;
  payload: ChannelCallback;
}

export interface CallbackRecord extends NewCallback {
  id: number;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
  sentAt: Date | null;
}

/** The callbacks' ledger (adapters/postgres/channel-callback-repository.ts). */
export interface CallbackStore {
  /** The outbox event `outboxId` as a partner case's event; null when its case has no partner ticket. */
  partnerEvent(outboxId: number): Promise<PartnerCaseEvent | null>;
  /** Creates the row unless its dedupe key exists; answers the row (new or known). */
  create(row: NewCallback, now: Date): Promise<CallbackRecord>;
  get(id: number): Promise<CallbackRecord | null>;
  /** One attempt and its result: `sent`, still `pending` (to retry) or `failed` (given up), with the error. */
  attempted(id: number, result: { status: 'sent' | 'pending' | 'failed'; error: string | null }, now: Date): Promise<void>;
}

/** One signed POST's outcome: delivered, worth retrying (timeout, 5xx, network), or refused for good (4xx). */
export type SendOutcome = { status: 'sent' } | { status: 'transient'; error: string } | { status: 'permanent'; error: string };

/**
 * Posts a body to a partner, signed with the channel's secret by the partner scheme (signing.ts: X-Timestamp,
 * X-Nonce, X-Signature); the timestamp is the wall clock's, which the partner checks against its own
 * (adapters/channels/callback-sender.ts).
 */
export interface CallbackSender {
  post(url: string, body: string, secret: string): Promise<SendOutcome>;
}

/**
 * Queues delivery attempts of a callback row (BullMQ: the retry policy's attempts and exponential backoff).
 * `key` makes the job id; `afterBackoff` waits one backoff before the first attempt (after a failed one).
 */
export interface CallbackQueue {
  deliver(callbackId: number, key: string, afterBackoff?: boolean): Promise<void>;
}

export interface CallbackDeps {
  store: CallbackStore;
  sender: CallbackSender;
  queue: CallbackQueue;
  /** The channel's secret and callback URL (config: CHANNEL_<ID>_SECRET, CHANNEL_<ID>_CALLBACK_URL). */
  settings(channelId: string): { secret: string | null; callbackUrl: string | null };
  /** Attempts before a row is `failed` (CHANNEL_CALLBACK_ATTEMPTS). */
  maxAttempts: number;
  org: Pick<OrgDirectory, 'get'>;
  /** An absolute, signed, expiring URL of a processed photo (the partner fetches it without logging in). */
  photoUrl?: (photoId: string, now: Date) => string;
  clock: { now(): Date };
  logger: Logger;
}

/** A failed attempt that is worth another: the queue retries the job with backoff. */
export class CallbackRetryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CallbackRetryError';
  }
}

export const callbackKey = (caseId: string, version: number, status: CallbackStatus): string => `cb:${caseId}:v${version}:${status}`;

/**
 * Turns one outbox event into a callback row when its case came from a partner, and makes the first
 * attempt at once; a transient failure goes to the queue, which retries with backoff.
 */
export async function callbackFromOutbox(d: CallbackDeps, outboxId: number): Promise<number | null> {
  const ev = await d.store.partnerEvent(outboxId);
  if (!ev) return null;
  const status = callbackStatus(ev.topic, ev.toState);
  if (!status) return null;
  const payload: ChannelCallback = {
    ticketNo: ev.ticketNo,
    caseNo: ev.caseNo,
    status,
    // Machine to machine: ISO 8601 with Beijing's offset, as the partner contract says.
    at: beijingIso(ev.at),
    unit: ev.unitCode ? (d.org.get(ev.unitCode)?.name ?? null) : null,
    note: ev.note,
    ...(ev.photoIds.length && d.photoUrl ? { photos: ev.photoIds.map((id) => d.photoUrl!(id, d.clock.now())) } : {}),
  };
  const row = await d.store.create({ channelId: ev.channelId, caseId: ev.caseId, dedupeKey: callbackKey(ev.caseId, ev.version, status), payload }, d.clock.now());
  if (row.status !== 'pending') return row.id;
  try {
    await deliverCallback(d, row.id);
  } catch (err) {
    if (!(err instanceof CallbackRetryError)) d.logger.warn('partner callback: first attempt failed; queued for retry', { callback: row.id, err: String((err as Error)?.message ?? err) });
    await d.queue.deliver(row.id, 'auto', true);
  }
  return row.id;
}

/**
 * One delivery attempt of a pending row: sign the body with the channel's secret, POST it, record the result.
 * Throws CallbackRetryError while attempts remain after a transient failure; the last one marks it failed.
 */
export async function deliverCallback(d: CallbackDeps, id: number): Promise<'sent' | 'failed' | 'skipped'> {
  const row = await d.store.get(id);
  if (!row || row.status !== 'pending') return 'skipped';
  const { secret, callbackUrl } = d.settings(row.channelId);
  if (!secret || !callbackUrl) {
    await d.store.attempted(id, { status: 'failed', error: '该渠道未配置密钥或回调地址' }, d.clock.now());
    return 'failed';
  }
  const body = JSON.stringify(row.payload);
  const outcome = await d.sender.post(callbackUrl, body, secret);
  const now = d.clock.now();
  if (outcome.status === 'sent') {
    await d.store.attempted(id, { status: 'sent', error: null }, now);
    return 'sent';
  }
  const last = outcome.status === 'permanent' || row.attempts + 1 >= d.maxAttempts;
  await d.store.attempted(id, { status: last ? 'failed' : 'pending', error: outcome.error }, now);
  if (last) return 'failed';
  throw new CallbackRetryError(outcome.error);
}

/** ISO 8601 in Beijing time with its offset, to the second: `2026-12-02T16:05:09+08:00`. */
export function beijingIso(d: Date): string {
  return `${new Date(d.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}
