import type { CaseState } from '@finecity/types';
import type { TrackingLinkPorts } from '../residents/tracking-links.js';
import type { Channel, ChannelName, DeliveryOutcome } from '../../domain/notify-ports.js';
import type { Logger } from '../../logger.js';
import type { Policy } from '../../city-policy.js';
import type { DutyRoster } from '../duty-ports.js';
import type { OrgDirectory, Outbox } from '../repositories.js';

/**
 * The notification use cases' view of the world: ports phrased in the notifier's words. PostgreSQL
 * implementations live in adapters/postgres/notification-repo.ts, the queue and the robot gate in
 * adapters/queue/; the composition (notifier.ts) chooses them.
 */

/** One outbox row, as written at commit by the transaction that caused it. */
export interface OutboxEvent {
  id: number;
  topic: string;
  caseId: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/** What a message says about its case, stored with the notification (times as ISO strings). */
export interface StoredFacts {
  caseNo: string;
  category: string;
  state: CaseState;
  place: string;
  time: string;
  dueAt: string | null;
  note: string | null;
  holder: string | null;
  level?: string;
}

export interface NotificationPayload {
  topic: string;
  caseId?: string;
  /** Facts of a case message; null for a prepared text (the group reports). */
  facts: StoredFacts | null;
  /** A prepared robot text (the group reports). */
  text?: string;
  /** A robot image message: the id of the stored PNG (ReportFileStore); the bytes never go into the payload. */
  image?: string;
  /** A robot file message: the id of the stored file (the report's XLSX). */
  file?: string;
}

/** A file a robot message carries (a report's chart or workbook). */
export interface ReportFile {
  name: string;
  contentType: string;
  bytes: Buffer;
}

/** Report files, kept so a retried or late robot message sends the same bytes (adapters/postgres/report-file-repository.ts). */
export interface ReportFileStore {
  /** Stores the file under `key` (a notification dedupe key) once; answers its id (the same for the same key). */
  put(key: string, f: ReportFile, now: Date): Promise<string>;
  /** The id of the file stored under `key`, if any (a re-run need not draw the chart again). */
  find(key: string): Promise<string | null>;
  get(id: string): Promise<ReportFile | null>;
}

export interface NewNotification {
  dedupeKey: string;
  event: string;
  caseId: string | null;
  recipientUserId: string | null;
  recipientGroup: string | null;
  channels: ChannelName[];
  templateKey: string;
  payload: NotificationPayload;
}

export interface NotificationRecord extends NewNotification {
  id: number;
  channel: ChannelName | null;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
}

/** The case as the planner reads it: the columns messages and routes need. */
export interface CaseForNotice {
  id: string;
  caseNo: string;
  categoryCode: string;
  state: CaseState;
  complexity: string | null;
  address: string | null;
  gridCode: string | null;
  districtCode: string;
  locationPath: string;
  responsibleCode: string | null;
  reporterId: string | null;
  dueAt: Date | null;
  version: number;
}

export interface Recipient {
  id: string;
  openid: string | null;
  oaOpenid: string | null;
  mobile: string | null;
}

/** The notification ledger: the one place notification rows are created, and their delivery record. */
export interface NotificationStore {
  /**
   * Creates the rows whose dedupe key is new; returns the ids still to deliver (new rows, and earlier rows
   * with the same key that are still pending), so a replayed event never reaches anyone twice.
   */
  create(rows: NewNotification[], now: Date): Promise<number[]>;
  get(id: number): Promise<NotificationRecord | null>;
  pending(ids: number[]): Promise<NotificationRecord[]>;
  /**
   * One send of one row on `channel` and what came of it, in one write: the attempt row, the row's channel
   * and attempt count, and either sent (with its time) or the outcome as its last error.
   */
  attempted(id: number, channel: ChannelName, outcome: DeliveryOutcome, now: Date): Promise<void>;
  /** What came of a send (an attempt row; a non-sent outcome is also the row's last error). */
  recordAttempt(ids: number[], channel: ChannelName, outcome: DeliveryOutcome, now: Date): Promise<void>;
  markSent(ids: number[], channel: ChannelName, now: Date): Promise<void>;
  markFailed(ids: number[], reason: string): Promise<void>;
  /** Pending rows created before `before` with no attempt since then, oldest first (the re-drive). */
  stalePending(before: Date, limit: number): Promise<number[]>;
  /**
   * One-time subscribe consent: spend one credit (a long-term subscription is not spent), or zero them and
   * clear the long-term subscription (WeChat said 43101: none left, or the user turned the messages off).
   */
  spendCredit(userId: string, templateKey: string, zero: boolean, now: Date): Promise<void>;
  /** How the user may be sent this template now: long-term (not spent), one-time (a credit left) or not at all. */
  subscribeGrant(userId: string, templateKey: string): Promise<'long_term' | 'one_time' | null>;
}

/** What the planner reads about a case event. */
export interface CaseNotices {
  outboxEvent(id: number): Promise<OutboxEvent | null>;
  caseForNotice(caseId: string): Promise<CaseForNotice | null>;
  /** The note of the case event at a version (the decision's own words), if any. */
  eventNote(caseId: string, version: number): Promise<string | null>;
}

/** Who may be told: people by unit, duty and role. */
export interface RecipientDirectory {
  followers(caseId: string): Promise<string[]>;
  /** The inspectors of a grid on a duty slot (A/B). */
  onDuty(gridCode: string, slot: 'A' | 'B'): Promise<Recipient[]>;
  /** Staff (any staff role) attached to an org unit. */
  staffAt(orgCode: string): Promise<string[]>;
  /** People of a unit with a given role. */
  withRole(orgCode: string, role: string): Promise<string[]>;
  user(id: string): Promise<Recipient | null>;
}

/** The case's deadline alert, read and written under the case's lock. */
export interface ClockState {
  id: string;
  state: CaseState;
  dueAt: Date | null;
  clockAlert: string | null;
  overdueAt: Date | null;
  version: number;
  /** Quick squads: the holder, the arrival deadline and the on-site sign time (null: not arrived). */
  responsibleCode?: string | null;
  arriveDueAt?: Date | null;
  arrivedAt?: Date | null;
}

/** The ports of one deadline transaction. */
export interface DeadlineTx {
  lock(caseId: string): Promise<ClockState | null>;
  setAlert(caseId: string, level: string, overdueAt: Date | null): Promise<void>;
  /** Running cases past their deadline that no timer flagged, locked (skipping ones another worker holds). */
  lockUnflaggedOverdue(now: Date, limit: number): Promise<{ id: string; version: number; dueAt: Date | null }[]>;
  flagOverdue(caseIds: string[], now: Date): Promise<void>;
  outbox: Outbox;
}

export interface DeadlineStore {
  run<T>(work: (tx: DeadlineTx) => Promise<T>): Promise<T>;
}

/** Hands work to the queue (BullMQ on Redis). Job ids are unique per database instance. */
export interface NotificationQueue {
  deliver(notificationIds: number[]): Promise<void>;
  /**
   * Delivers rows again whose job was lost (Redis lost its data, a robot's parked list with it): a job id of
   * its own per row and `round`, so that workers re-driving the same round add one job, not one each.
   */
  redeliver(notificationIds: number[], round: string): Promise<void>;
  /** A flush of a robot's parked messages after `delayMs`. */
  flushRobot(robot: string, delayMs: number): Promise<void>;
}

/**
 * WeCom allows 20 messages a minute per group robot (https://developer.work.weixin.qq.com/document/path/91770,
 * "消息发送频率限制"). The gate spaces a robot's messages; what arrives faster is parked for a digest.
 */
export interface RobotGate {
  /** Takes the robot's next slot now, or says how long until one is free. */
  take(robot: string): Promise<{ ok: true } | { ok: false; waitMs: number }>;
  park(robot: string, notificationId: number): Promise<void>;
  /** Takes every parked id (oldest first) off the robot's list. */
  drain(robot: string): Promise<number[]>;
  /** Puts ids back at the head of the list (oldest first). */
  requeue(robot: string, ids: number[]): Promise<void>;
  parkedCount(robot: string): Promise<number>;
  /**
   * Claims the robot's one scheduled flush (for at most `ttlMs`): true means no flush is pending and the
   * caller must schedule one. A flush releases the claim as it starts, before it drains the list.
   */
  claimFlush(robot: string, ttlMs: number): Promise<boolean>;
  releaseFlush(robot: string): Promise<void>;
}

/** What the notification use cases need; built by the composition (notifier.ts). */
export interface NotifyDeps {
  policy: Readonly<Policy>;
  channels: Partial<Record<ChannelName, Channel>>;
  /** The WeCom robot webhook key of an org node's group, or null when the node has no group robot. */
  robotKey(orgNodeCode: string): string | null;
  org: OrgDirectory;
  notices: CaseNotices;
  recipients: RecipientDirectory;
  /** The duty rota (who is on duty in a grid); absent → the default rule over `recipients.onDuty`. */
  duty?: DutyRoster;
  /** The live category names (renamed by an admin); absent → the policy's names. */
  categoryNames?: { get(code: string): { name: string } | undefined };
  store: NotificationStore;
  deadlines: DeadlineStore;
  /** The files of image and file robot messages; absent → such rows cannot be delivered. */
  files?: ReportFileStore;
  queue: NotificationQueue;
  robots: RobotGate;
  clock: { now(): Date };
  logger: Logger;
  /** Case tracking links (issue 13, item 4): a reporter's SMS carries the case's link; absent → no link. */
  trackingLinks?: TrackingLinkPorts;
}
