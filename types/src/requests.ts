// Request shapes: what a client sends, declared once. The server's zod schemas (server/src/http/schemas)
// `satisfies z.ZodType<…>` these, and the mini-program builds its requests from them.
import type { CaseAction, CaseSource, CaseState, ClockLevel, Complexity } from './case.js';
import type { StatsPeriod } from './dto.js';
import type { AccountabilityKind } from './assessment.js';

// ---- Case actions: POST /api/v1/cases/:id/actions/:action -----------------------------------------

/** Where the inspector stood when signing or handling on site (WGS-84): both coordinates or neither. */
export interface CheckInFields {
  lat?: number;
  lng?: number;
}

export interface RegisterBody {
  note?: string;
  /** The category the platform gives the case on registration: required for a 待分类 case (issue 11), else it reclassifies. */
  categoryCode?: string;
}
/** A reason is required. */
export interface RejectBody {
  note: string;
}
export interface MergeBody {
  /** The open case this one duplicates. */
  intoCaseId: string;
  note?: string;
}
export interface DispatchBody {
  /** Target unit; without it the case goes to the grid it lies in. */
  orgNodeCode?: string;
  complexity?: Complexity;
  note?: string;
}
export interface SignBody extends CheckInFields {
  note?: string;
}
export interface ReturnBody {
  note: string;
}
export interface EscalateBody {
  note: string;
}
/** Sent as multipart text fields (numbers as decimal strings) with the after-photos in `photos`. */
export interface HandleBody extends CheckInFields {
  note?: string;
}
export interface RequestExtensionBody {
  /** Whole hours, 1–720. */
  hours: number;
  note: string;
}
export interface DecideExtensionBody {
  approved: boolean;
  note?: string;
}
export interface SuspendBody {
  note: string;
}
export interface VerifyBody {
  passed: boolean;
  note?: string;
}
export interface ReopenBody {
  note: string;
}
export interface RateBody {
  /** 1–5. */
  score: number;
  comment?: string;
}
/** 督办: what is asked of the holder (required), and by when (an ISO instant in the future), if anything. */
export interface SuperviseBody {
  note: string;
  dueAt?: string;
}

/** The body of each case action, by action name. */
export interface ActionBodies {
  register: RegisterBody;
  reject: RejectBody;
  merge: MergeBody;
  dispatch: DispatchBody;
  sign: SignBody;
  return: ReturnBody;
  escalate: EscalateBody;
  handle: HandleBody;
  'request-extension': RequestExtensionBody;
  'decide-extension': DecideExtensionBody;
  suspend: SuspendBody;
  verify: VerifyBody;
  reopen: ReopenBody;
  rate: RateBody;
  supervise: SuperviseBody;
}

/** A validated case action: the action name (from the path) with its body, discriminated on `action`. */
export type ActionRequest = { [A in CaseAction]: { action: A } & ActionBodies[A] }[CaseAction];

/** The request of one action, e.g. `ActionRequestOf<'dispatch'>`. */
export type ActionRequestOf<A extends CaseAction> = Extract<ActionRequest, { action: A }>;

// ---- Reports: POST /api/v1/reports ------------------------------------------------------------------

/** Multipart text fields of a report (numbers and the flag travel as strings); photos go in `photos`. */
export interface ReportFields {
  categoryCode: string;
  description: string;
  /** WGS-84, as wx.getLocation({ type: 'wgs84' }) gives it. */
  lat: number;
  lng: number;
  address?: string;
  anonymous: boolean;
}

// ---- Queries ----------------------------------------------------------------------------------------

/** Colours of a running clock the case list can filter by (`?due=red,overdue`). */
export const DUE_COLOURS = ['green', 'yellow', 'red', 'overdue'] as const satisfies readonly ClockLevel[];
export type DueColour = (typeof DUE_COLOURS)[number];

/** GET /api/v1/cases: lists travel comma-separated, flags as 'true'/'false'. */
export interface CaseListQuery {
  state?: CaseState[];
  categoryCode?: string;
  /** The channel the report came in by, e.g. 'patrol' for an inspector's own finds. */
  source?: CaseSource;
  q?: string;
  orgNodeCode?: string;
  /** Only the caller's own reports and the cases they follow. */
  mine?: boolean;
  /** Only cases with an extension request waiting for a decision. */
  pendingExtension?: boolean;
  /** Deadline colours of running clocks (computed by the server, exact). */
  due?: DueColour[];
  /** Only cases under 督办 (supervised at least once). */
  supervised?: boolean;
  /** Reported on or after this Beijing date (YYYY-MM-DD). */
  from?: string;
  /** Reported on or before this Beijing date (YYYY-MM-DD), the whole day included. */
  to?: string;
  /** 'newest' (default): newest first; 'sla': overdue, red, yellow, green, then cases with no running clock, soonest due first. */
  sort?: CaseSort;
  page?: number;
  pageSize?: number;
}

export const CASE_SORTS = ['newest', 'sla'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

/**
 * The dispatcher console's work queues, declared once: the console's tabs and the server's
 * GET /api/v1/cases/queue-counts both read this list, so a tab's count is exactly its list's total.
 */
export const CONSOLE_QUEUE_KEYS = ['incoming', 'registered', 'extensions', 'verify', 'overdue', 'all'] as const;
export type ConsoleQueueKey = (typeof CONSOLE_QUEUE_KEYS)[number];
export interface ConsoleQueue {
  key: ConsoleQueueKey;
  label: string;
  /** The server does all the narrowing (state, pending extension, deadline colour): counts are exact. */
  query: CaseListQuery;
}
export const CONSOLE_QUEUES: readonly ConsoleQueue[] = [
  { key: 'incoming', label: '待受理', query: { state: ['submitted'] } },
  { key: 'registered', label: '待派遣', query: { state: ['registered'] } },
  { key: 'extensions', label: '延期审批', query: { pendingExtension: true } },
  { key: 'verify', label: '待核查', query: { state: ['handled'] } },
  { key: 'overdue', label: '超时督办', query: { due: ['red', 'overdue'] } },
  { key: 'all', label: '全部', query: {} },
];

/** GET /api/v1/cases/queue-counts: how many cases each console queue holds in the caller's scope now. */
export interface QueueCountsDto {
  counts: Record<ConsoleQueueKey, number>;
  asOf: string;
}

/** Actions the console may run on many cases at once (POST /api/v1/cases/batch). */
export const BATCH_ACTIONS = ['register', 'dispatch'] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];
export const BATCH_MAX_ITEMS = 100;

/**
 * POST /api/v1/cases/batch: each item runs as its own single action (own transaction, permissions and
 * notifications); `version`, when given, must still be the case's version; `body` is that action's body.
 */
export interface BatchActionRequest {
  action: BatchAction;
  items: { caseId: string; version?: number; body?: ActionBodies[BatchAction] }[];
}

/** One item's outcome: `status` is the case's state after the action (null when it failed). */
export interface BatchItemResult {
  caseId: string;
  caseNo?: string;
  ok: boolean;
  status: CaseState | null;
  error?: { code: string; message: string };
}

export interface BatchActionResponse {
  results: BatchItemResult[];
}

/** The case list query as the server reads it: defaults filled in (page 1, 20 a page, flags false). */
export type CaseListFilter = CaseListQuery & Required<Pick<CaseListQuery, 'mine' | 'pendingExtension' | 'page' | 'pageSize'>>;

/** GET /api/v1/org/units: children of `parent` (default: the caller's own unit). */
export interface OrgUnitsQuery {
  parent?: string;
  /** Type-ahead: units anywhere below `parent` whose name holds these words or whose code starts with them. */
  q?: string;
}

/** GET /api/v1/stats/overview. */
export interface StatsQuery {
  period?: StatsPeriod;
  orgNodeCode?: string;
}

/** The stats query as the server reads it: the period defaults to 'month'. */
export type StatsFilter = StatsQuery & Required<Pick<StatsQuery, 'period'>>;

// ---- Login and notices ------------------------------------------------------------------------------

/** POST /api/v1/auth/wechat: a wx.login code (in the sandbox, "sandbox:<openid>"). */
export interface LoginRequest {
  code: string;
  /** Staff activation: the 6-digit code from the invitation SMS binds this WeChat identity to the staff record. */
  inviteCode?: string;
  /** Staff activation: the code of getPhoneNumber (手机号快速验证); a mobile of exactly one unbound staff record binds it. */
  phoneCode?: string;
}

/** POST /api/v1/admin/staff/:id/deactivate. */
export interface DeactivateStaffBody {
  reason?: string;
}

/** What the user answered per template in wx.requestSubscribeMessage. */
export const SUBSCRIBE_RESULTS = ['accept', 'reject', 'ban', 'filter'] as const;
export type SubscribeResult = (typeof SUBSCRIBE_RESULTS)[number];

/** POST /api/v1/subscriptions: answers by template id, 1–5 templates; each "accept" is one credit. */
export interface SubscriptionsRequest {
  results: Record<string, SubscribeResult>;
}

/**
 * Query of WeChat's push to the official-account URL (the signature check, and the encrypted mode's
 * fields): https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html
 */
export interface WeChatPushQuery {
  signature?: string;
  timestamp?: string;
  nonce?: string;
  echostr?: string;
  encrypt_type?: string;
  msg_signature?: string;
  openid?: string;
}

/** A named day of the working calendar: YYYY-MM-DD (Asia/Shanghai) and its name (春节, 国庆节调休上班). */
export interface CalendarDay {
  date: string;
  name: string;
}

/** PUT /api/v1/admin/calendar/:year: the year's rest days (holidays) and 调休 working days, replacing the stored ones. */
export interface CalendarYearBody {
  holidays: CalendarDay[];
  workdays: CalendarDay[];
}

// ---- Staff roster and audit log (issue 9) ------------------------------------------------------------

/** POST /api/v1/admin/staff/import?dryRun=&partial= (multipart field `file`: XLSX or CSV). */
export interface StaffImportQuery {
  /** Validate only: nothing is written. */
  dryRun?: boolean;
  /** Write the good rows even when other rows have errors. */
  partial?: boolean;
}
export type StaffImportOptions = Required<StaffImportQuery>;

/** GET /api/v1/admin/staff and /api/v1/admin/staff/export.xlsx. */
export interface StaffListQuery {
  /** A name substring, or a full 11-digit mobile number (exact). */
  q?: string;
  /** Only this unit and those below it (inside the admin's scope). */
  orgNodeCode?: string;
  status?: 'invited' | 'active' | 'deactivated';
  page?: number;
  pageSize?: number;
}
export type StaffListFilterQuery = StaffListQuery & Required<Pick<StaffListQuery, 'page' | 'pageSize'>>;

/** GET /api/v1/admin/audit: `from`/`to` are ISO 8601 instants or Beijing dates (YYYY-MM-DD; `to` inclusive). */
export interface AuditListQuery {
  /** The acting user's id. */
  actor?: string;
  /** The entity type, e.g. `user`. */
  entity?: string;
  entityId?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

// ---- Duty rota (admin) -------------------------------------------------------------------------------

/** An inspector post of a grid; A and B take turns by the district's rule. */
export type DutySlot = 'A' | 'B';
/** A district's default rota: A on even days of the month, A on even ISO weeks, or A every day. */
export const DUTY_RULE_KINDS = ['alternate_days', 'alternate_weeks', 'a_only'] as const;
export type DutyRuleKind = (typeof DUTY_RULE_KINDS)[number];

/** GET and PUT /api/v1/admin/duty: a unit and a month ('YYYY-MM', Beijing calendar). */
export interface DutyQuery {
  orgNodeCode: string;
  month: string;
}

/**
 * PUT /api/v1/admin/duty?orgNodeCode=&month=: any of the parts; each applies to the unit of the query.
 * `rule` needs a district; `overrides`, `substitutes` and `cancelSubstitutes` need a grid. Nothing is
 * deleted: a change supersedes the row it replaces, which stays readable.
 */
export interface DutyUpdateRequest {
  /** The district's default rule. */
  rule?: DutyRuleKind;
  /** Days of the month whose on-duty slot is fixed by hand; `slot: null` returns the day to the rule. */
  overrides?: { date: string; slot: DutySlot | null }[];
  /** A named staff member covers post A or B from `from` to `to` (inclusive, at most 92 days). */
  substitutes?: { post: DutySlot; userId: string; from: string; to: string }[];
  /** Ends substitutes early (their ids, as GET lists them). */
  cancelSubstitutes?: number[];
  /** Why (kept in the audit line). */
  note?: string;
}

// ---- Categories and time limits (admin, issue 9 item 6) ------------------------------------------------

/** The two clocks of a case: Dalian's (drives colours and escalation) and the national-style 处置时限. */
export type ClockName = 'dalian' | 'national';
/** Whether a clock counts every hour or only working hours (工作时, on the working calendar). */
export type ClockCalendarKind = 'natural' | 'working';

/** One clock's limits as an override: any field left out comes from the layer below. Hours may be fractional. */
export interface ClockLimitsInput {
  calendar?: ClockCalendarKind;
  hours?: Partial<Record<Complexity, number>>;
}
/** A category's limits for either clock (config/time-limits.json `byCategory` entries have this shape). */
export type CategoryLimitsInput = Partial<Record<ClockName, ClockLimitsInput>>;

/**
 * PUT /api/v1/admin/categories/:code: any of the fields; one request is one new policy version.
 * `limits` replaces the category's own limits (null: back to its big class's and the defaults);
 * `gridTypeLimits[type]` replaces this category's limits in grids of that type (null: removes them).
 * Disabling a category that still has open cases needs `mapOpenCasesTo`: those cases move to that category.
 */
export interface CategoryUpdateRequest {
  name?: string;
  /** A city department's org code (DEPT-*). */
  department?: string;
  /** The picker's hint (null or '' removes it). */
  hint?: string | null;
  enabled?: boolean;
  mapOpenCasesTo?: string;
  limits?: CategoryLimitsInput | null;
  gridTypeLimits?: Record<string, CategoryLimitsInput | null>;
  /** Why (kept with the version and in the audit line). */
  reason: string;
}

/** GET /api/v1/admin/categories?q=&enabled= : all categories (no paging: about 250). */
export interface AdminCategoriesQuery {
  /** A code or name substring. */
  q?: string;
  enabled?: boolean;
}

/** GET /api/v1/admin/time-limits/versions. */
export interface PolicyVersionsQuery {
  /** Only versions that changed this category. */
  categoryCode?: string;
  page?: number;
  pageSize?: number;
}

// ---- Grid import and the admin's org tree (issue 9, item 5) ---------------------------------------------

/** POST /api/v1/admin/org/import?dryRun= (body: a GeoJSON FeatureCollection, JSON or multipart field `file`). */
export interface OrgImportQuery {
  /** Validate only: nothing is written. */
  dryRun?: boolean;
}
export type OrgImportOptions = Required<OrgImportQuery>;

/** GET /api/v1/admin/org/tree?root=&depth=. */
export interface OrgTreeQuery {
  /** Default: the admin's own unit. */
  root?: string;
  /** Levels below the root to list, 0–4 (default 1). */
  depth?: number;
}

// ---- 问责 and talking on a case (issue 10, items 4 and 5) ------------------------------------------------

/** POST /api/v1/accountability. */
export interface AccountabilityBody {
  orgNodeCode: string;
  kind: AccountabilityKind;
  note: string;
  /** Cases the record refers to, by number (e.g. DL20261127-000123). */
  caseNos?: string[];
}

/** GET /api/v1/accountability?orgNodeCode=&page=: the unit (default: the caller's own) and the units under it. */
export interface AccountabilityQuery {
  orgNodeCode?: string;
  page?: number;
  pageSize?: number;
}

/** POST /api/v1/cases/:id/comments. @街道, @社区, @区, @领导, @网格员 or @<name> notify the people named. */
export interface CaseCommentBody {
  body: string;
  /** Staff only: shown to residents too (default internal). A resident's comment is always public. */
  public?: boolean;
}
