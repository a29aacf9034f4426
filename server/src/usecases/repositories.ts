import type { AuditLog } from './admin/audit.js';
import type { PolicyTxStore } from './admin/categories.js';
import type { OrgGridStore } from './admin/org-import.js';
import type { StaffAccountStore } from './admin/invitations.js';
import type { StaffRoster } from './admin/staff-ports.js';
import type { CaseSource, OrgLevel } from '@finecity/types';
import type { CasePatch, Effect } from '../domain/case-machine.js';
import type { OfficialAccountStore } from './account-repositories.js';
import type { AccountabilityStore, CaseCommentStore } from './supervision/ports.js';
import type { PointsLedger } from './residents/points-ports.js';

/**
 * Persistence as the use cases see it: ports phrased in the domain's words. The implementations live in
 * adapters/postgres/ and are chosen by the composition root; use cases never see SQL, drizzle or a schema.
 *
 * A use case that writes runs its work in one transaction: `uow.run(async (tx) => …)`, where `tx` hands out
 * the same ports bound to that transaction. Reads that need no transaction use the ports on `Deps` itself
 * (`deps.cases`, `deps.caseQueries`, `deps.idempotency`, `deps.org`).
 */

/** A case as stored: every column the use cases and presenters read. */
export interface CaseRecord {
  id: string;
  caseNo: string;
  source: string;
  reporterId: string | null;
  anonymous: boolean;
  categoryCode: string;
  standardRef: string;
  description: string;
  lat: number;
  lng: number;
  address: string | null;
  gridCode: string | null;
  communityCode: string | null;
  streetCode: string | null;
  districtCode: string;
  locationPath: string;
  state: string;
  complexity: string | null;
  responsibleCode: string | null;
  responsiblePath: string | null;
  clockStartedAt: Date | null;
  dueAt: Date | null;
  clockCalendar: string | null;
  nationalDueAt: Date | null;
  nationalCalendar: string | null;
  pendingExtension: { hours: number; reason: string; requestedBy: string } | null;
  extendedHours: number;
  reworkCount: number;
  returnCount: number;
  escalationCount: number;
  mergedIntoId: string | null;
  ratingScore: number | null;
  ratingComment: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  moderation: string | null;
  clockAlert: string | null;
  overdueAt: Date | null;
  version: number;
  /** The category/time-limit policy version the case was reported under; null: reported before versioning (version 1). */
  policyVersion: number | null;
  /** 督办: when the case was last supervised, and the due time that supervision set (issue 10). */
  supervisedAt: Date | null;
  supervisionDueAt: Date | null;
  /** Quick squads (issue 10): the arrival deadline of a squad's case, and when the squad signed on site. */
  arriveDueAt: Date | null;
  arrivedAt: Date | null;
  /**
   * 待定位 (issue 11): a channel's ticket whose place could not be found; held at the city node until a
   * dispatcher pins it on the map (usecases/channels/locate-case.ts).
   */
  locationPending: boolean;
}

/** A case loaded for a decision or a page: the row, whether the caller follows it, and its timeline (one read). */
export interface LoadedCase {
  row: CaseRecord;
  callerFollows: boolean;
  /** Events, photos and duplicate candidates; empty when loaded without detail. */
  detail: CaseDetail;
}

export interface CaseEventRecord {
  seq: number;
  action: string;
  fromState: string | null;
  toState: string;
  actorId: string | null;
  actorRole: string;
  actorName: string | null;
  at: Date;
  note: string | null;
  data: Record<string, unknown>;
}

export interface PhotoMeta {
  id: string;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
}

export interface PhotoRecord extends PhotoMeta {
  caseId: string;
  eventSeq: number;
  kind: 'before' | 'after';
  createdAt: Date;
  /** When staff made it public (issue 13); null or absent: not public. */
  publishedAt?: Date | string | null;
}

export interface DuplicateRef {
  caseId: string;
  caseNo: string;
  distanceM: number;
  /** Where the other case lies and who holds it, so the caller's scope can be checked without a read. */
  locationPath: string;
  responsiblePath: string | null;
  reporterId: string | null;
}

/** Everything a case page shows, read in one go (inside the action's transaction, or alone). */
export interface CaseDetail {
  events: CaseEventRecord[];
  photos: PhotoRecord[];
  duplicates: DuplicateRef[];
}

/** The event a decision appends, as the case machine phrased it. */
export interface DecisionEvent {
  action: string;
  fromState: string | null;
  toState: string;
  actorId: string | null;
  actorRole: string;
  note: string | null;
  data: Record<string, unknown>;
}

/** A report as it becomes a case: the case's own columns, plus what is written beside it. */
export interface NewReport
  extends Pick<CaseRecord, 'anonymous' | 'categoryCode' | 'standardRef' | 'description' | 'lat' | 'lng' | 'address' | 'gridCode' | 'communityCode' | 'streetCode' | 'districtCode' | 'locationPath'> {
  source: CaseSource;
  /** Null: a case from a platform (a partner's ticket, an Open311 client), not from a person FineCity knows. */
  reporterId: string | null;
  reporterRole: string;
  complexity: 'urgent' | null;
  moderation: 'review' | null;
  photos: PhotoMeta[];
  idempotency: { key: string; requestHash: string } | null;
  at: Date;
  /** 待定位: the place is not known yet (issue 11); absent: false. */
  locationPending?: boolean;
  /** The channel ticket the case comes from (issue 11), written in the same statement; its key is (channelId, ticketNo). */
  channelTicket?: NewChannelTicket | null;
  /** A partner request's nonce (issue 11), claimed by the same statement: when it was already seen, nothing is written. */
  nonce?: NonceClaim | null;
}

/** A partner request's nonce, to be claimed once: refused when the channel saw it after `freshAfter` (10 minutes). */
export interface NonceClaim {
  channelId: string;
  nonce: string;
  freshAfter: Date;
}

/** A channel_tickets row (issue 11): the ticket's number, who sent it and the caller's details (never on the case). */
export interface NewChannelTicket {
  channelId: string;
  ticketNo: string;
  origin: 'partner' | 'console' | 'open311';
  requestHash: string;
  callerName: string | null;
  callerPhone: string | null;
  trackingTokenHash: string | null;
  urgent: boolean;
  receivedAt: Date | null;
}

/**
 * The duplicate rule, applied where a report is written: open cases of the same category created within
 * the window (since … the report's own time) and within `distanceM` of the reported point, nearest first,
 * at most `limit`. domain/duplicates.ts `findDuplicates` is the rule's definition; an integration test
 * holds the adapter's answer equal to it.
 */
export interface DuplicateQuery {
  categoryCode: string;
  since: Date;
  at: { lat: number; lng: number };
  /** A lat/lng box holding the circle (domain `searchBox`), for the index. */
  box: { minLat: number; maxLat: number; minLng: number; maxLng: number };
  distanceM: number;
  /** At most this many candidates (a busy corner must not make every report read hundreds). */
  limit: number;
}

/**
 * insertReport wrote and committed the report but could not confirm that the commit reached the disk (the
 * flush barrier failed: a lost connection, a database going down). The case may exist, so its photo files
 * stay; the request fails, and the client's retry with the same key answers the case if the database kept it
 * (files of a report it lost are orphans, removed by the hourly job).
 */
export class ReportUnconfirmed extends Error {
  constructor(cause: unknown) {
    super('the report was committed but its flush to disk is not confirmed', { cause });
    this.name = 'ReportUnconfirmed';
  }
}

export interface CaseRepository {
  /** Loads the case and locks it for the rest of the transaction, with the caller's follow flag and, unless told not to, its timeline. */
  loadForUpdate(id: string, callerId: string, withDetail?: boolean): Promise<LoadedCase | null>;
  /** Loads without a lock (reads). */
  load(id: string, callerId: string): Promise<LoadedCase | null>;
  /**
   * Writes a report in one statement, so it needs no transaction of its own: its readable per-day
   * number (the counter row is locked only for that statement; see README), the case row, its submit
   * event, its photos, the idempotency key, its duplicate candidates (the `near` rule) and its outbox
   * effects. Answers with the row as inserted and the candidates found. A reused idempotency key (or
   * channel ticket) fails with a unique violation, and then nothing is written; a nonce seen within its
   * window (`r.nonce`) answers null, and nothing is written. The report is durable when this answers.
   */
  insertReport(r: NewReport, near: DuplicateQuery, caseNo: { prefix: string; day: string }, effects: Effect[]): Promise<{ row: CaseRecord; duplicates: DuplicateRef[] } | null>;
  /**
   * Saves a decision in one statement: the patch (optimistic version check: two dispatchers acting at once
   * cannot both win), its event at the new version, any photos taken with it, and its outbox effects.
   */
  saveDecision(current: CaseRecord, patch: CasePatch, extra: { responsiblePath: string | null; now: Date }, event: DecisionEvent, photos: PhotoMeta[], effects: Effect[]): Promise<CaseRecord>;
  /** The merged case's reporter and followers follow the surviving case. */
  moveFollowers(fromCaseId: string, intoCaseId: string, now: Date): Promise<void>;
}

export interface IdempotencyKeys {
  /** The case a key already produced, with the hash of the request that produced it. */
  find(userId: string, key: string): Promise<{ caseId: string; requestHash: string } | null>;
}

/**
 * The outbox for messages that are not a case transition (clock alerts, sweeps). A transition's own effects
 * are written by `CaseRepository.saveDecision` / `insertReport` in the same statement as the transition;
 * both shape their rows with the one builder in adapters/postgres/outbox-repository.ts.
 */
export interface Outbox {
  append(rows: { topic: string; caseId: string | null; payload: Record<string, unknown> }[], now: Date): Promise<void>;
}

export interface OrgNode {
  code: string;
  parentCode: string | null;
  level: OrgLevel;
  name: string;
  /** '/210200/210202/…/<code>/': a subtree is a prefix. */
  path: string;
  /** A grid's type (居民区, 商业区（公共区）, 海边, 工地): it may have its own time limits per category. */
  gridType?: string | null;
  /** A handling unit's type (department, repair_squad, street_squad; issue 10); null or absent for areas. */
  unitType?: string | null;
}

/**
 * The org tree is policy: held in memory, loaded once, refreshed by the admin actions that change it.
 * Lookups are synchronous.
 */
export interface OrgDirectory {
  get(code: string): OrgNode | undefined;
  children(code: string): OrgNode[];
  all(): readonly OrgNode[];
  /** Reloads from the database (after an admin change to the tree). */
  refresh(): Promise<void>;
}

/** The ports bound to one transaction. */
export interface TxPorts {
  cases: CaseRepository;
  /** Admin changes write their audit line in their own transaction. */
  audit: AuditLog;
  /** Staff records, for the roster import (issue 9). */
  staff: StaffRoster;
  /** Invitations, activation attempts, bindings and deactivation (issue 9, staff lifecycle). */
  staffAccounts: StaffAccountStore;
  outbox: Outbox;
  idempotency: IdempotencyKeys;
  officialAccount: OfficialAccountStore;
  /** Category and time-limit policy versions, and moving open cases off a disabled category (issue 9, item 6). */
  policy: PolicyTxStore;
  /** Grid shapes and their upsert, for the grid import (issue 9, item 5). */
  orgGrids: OrgGridStore;
  /** 问责 records (issue 10, item 4). */
  accountability: AccountabilityStore;
  /** Talking on a case (issue 10, item 5). */
  comments: CaseCommentStore;
  /** Residents' points, rebuilt per case by the decisions that change them (issue 13, item 7). */
  points: PointsLedger;
}

export interface UnitOfWork {
  /** One transaction: commits when `work` resolves, rolls back when it throws. */
  run<T>(work: (tx: TxPorts) => Promise<T>): Promise<T>;
}

/** Who may see what, as the case lists need it (from domain/authorization.ts). */
export interface CaseVisibility {
  userId: string;
  /** The caller's subtree when a role reads by area (location or holder). */
  areaPath: string | null;
  /** The caller's subtree when a role reads only what its units hold. */
  heldPath: string | null;
  /** A third-party company's contracted grids (issue 11): cases located in them. */
  gridCodes?: string[] | null;
}

export interface CaseListFilter {
  /** Only the caller's own reports and the cases they follow. */
  mine?: boolean;
  state?: string[];
  categoryCode?: string;
  source?: string;
  q?: string;
  /** Located in or held inside this subtree; null: a node that does not exist (matches nothing). */
  underPath?: string | null;
  pendingExtension?: boolean;
  /** Only cases under 督办. */
  supervised?: boolean;
  /** Reported at or after this instant. */
  createdFrom?: Date;
  /** Reported before this instant. */
  createdBefore?: Date;
  /** Only cases with no running clock (the complement of `running`): the tail of the SLA sort. */
  notRunning?: boolean;
}

/** What an inbox collects for one unit: its held tasks, and what waits in its area. */
export interface TaskQuery {
  orgNodeCode: string;
  orgPath: string;
  held: boolean;
  toRegister: boolean;
  extensions: boolean;
  toVerify: boolean;
  limit: number;
}

export interface CaseQueries {
  list(v: CaseVisibility, f: CaseListFilter, page: { limit: number; offset: number }): Promise<{ rows: CaseRecord[]; total: number }>;
  /** Open cases with a running clock, soonest due first (the deadline-colour filters judge them). */
  running(v: CaseVisibility, f: CaseListFilter, max: number): Promise<CaseRecord[]>;
  /** How many cases each named filter matches, in one statement. */
  counts<K extends string>(v: CaseVisibility, filters: Record<K, CaseListFilter>): Promise<Record<K, number>>;
  tasks(q: TaskQuery): Promise<CaseRecord[]>;
}
