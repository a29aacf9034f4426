import crypto from 'node:crypto';
import { PARTNER_CHANNEL_LABELS, type CallbackStatus, type PartnerChannel } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import type { CurrentUser } from '../deps.js';
import type { CallbackQueue } from './callbacks.js';

/**
 * The console's view of partner callbacks (issue 11, item 2): the ones that keep failing are listed, and a
 * dispatcher retries one by hand. City and district platforms and admins, each inside their own area
 * (the case's location).
 */

export type CallbackRowStatus = 'pending' | 'sent' | 'failed';

/** A callback row as the console lists it (the store joins the case and, for a company, its name). */
export interface CallbackListRow {
  id: number;
  channelId: string;
  companyName: string | null;
  caseId: string;
  caseNo: string;
  event: CallbackStatus;
  status: CallbackRowStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
}

export interface CallbackConsoleStore {
  /** Rows of cases located under `areaPath`, newest first. */
  list(f: { status: CallbackRowStatus | null; areaPath: string; limit: number; offset: number }): Promise<{ rows: CallbackListRow[]; total: number }>;
  /**
   * Sets a row under `areaPath` back to pending with its attempts at zero (one transaction, the row locked);
   * 'sent' when it was delivered already, null when there is no such row in the area.
   */
  resetForRetry(id: number, areaPath: string, now: Date): Promise<'reset' | 'sent' | null>;
  /** A row's status when it lies under `areaPath`, else null. */
  statusOf(id: number, areaPath: string): Promise<CallbackRowStatus | null>;
}

export interface CallbackConsole {
  store: CallbackConsoleStore;
  /** null when this process runs without the queues (notifications off): a retry cannot be queued. */
  queue: CallbackQueue | null;
  clock: { now(): Date };
}

const CONSOLE_ROLES = new Set(['city', 'district', 'admin']);

const STATUS_TEXT: Record<CallbackRowStatus, string> = { pending: '待发送', sent: '已送达', failed: '发送失败' };
export const CALLBACK_EVENT_TEXT: Record<CallbackStatus, string> = {
  accepted: '受理', dispatched: '派遣', handled: '办结', closed: '结案', rejected: '退回', reopened: '重新打开',
};

export interface CallbackItem {
  id: number;
  channelId: string;
  channelName: string;
  caseId: string;
  caseNo: string;
  event: CallbackStatus;
  eventText: string;
  status: CallbackRowStatus;
  statusText: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
}

/** The name people read for a channel: 12345 市长热线 …, or the company's name. */
export function channelName(channelId: string, companyName: string | null): string {
  if (channelId in PARTNER_CHANNEL_LABELS) return PARTNER_CHANNEL_LABELS[channelId as PartnerChannel];
  return companyName ?? '第三方巡查公司';
}

function areaOf(user: CurrentUser): string {
  if (!user.orgPath || !user.roles.some((r) => CONSOLE_ROLES.has(r))) throw new AppError('auth.forbidden', '只有市、区平台和管理员可以查看渠道回调');
  return user.orgPath;
}

export const CALLBACK_PAGE_SIZE = 20;

export async function listCallbacks(c: CallbackConsole, user: CurrentUser, q: { status?: CallbackRowStatus; page?: number }): Promise<{ items: CallbackItem[]; total: number; page: number; pageSize: number }> {
  const areaPath = areaOf(user);
  const page = q.page ?? 1;
  const { rows, total } = await c.store.list({ status: q.status ?? null, areaPath, limit: CALLBACK_PAGE_SIZE, offset: (page - 1) * CALLBACK_PAGE_SIZE });
  const items = rows.map((r) => ({
    id: r.id,
    channelId: r.channelId,
    channelName: channelName(r.channelId, r.companyName),
    caseId: r.caseId,
    caseNo: r.caseNo,
    event: r.event,
    eventText: CALLBACK_EVENT_TEXT[r.event] ?? '',
    status: r.status,
    statusText: STATUS_TEXT[r.status],
    attempts: r.attempts,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    lastAttemptAt: r.lastAttemptAt?.toISOString() ?? null,
  }));
  return { items, total, page, pageSize: CALLBACK_PAGE_SIZE };
}

/** Resets a failed (or stuck pending) callback and queues a new round of attempts; 409 when it was delivered. */
export async function retryCallback(c: CallbackConsole, user: CurrentUser, id: number): Promise<{ id: number; status: 'pending' }> {
  const areaPath = areaOf(user);
  const now = c.clock.now();
  const r = c.queue ? await c.store.resetForRetry(id, areaPath, now) : await c.store.statusOf(id, areaPath);
  if (!r) throw new AppError('channel.callback_not_found', '回调记录不存在');
  if (r === 'sent') throw new AppError('channel.callback_already_sent', '该回调已送达，无需重发');
  if (!c.queue) throw new AppError('service.unavailable', '消息队列未启用，暂时无法重发');
  // A new job id per retry by hand: BullMQ keeps finished jobs a while and drops a new one with a known id.
  await c.queue.deliver(id, `m${now.getTime()}${crypto.randomBytes(3).toString('hex')}`);
  return { id, status: 'pending' };
}
