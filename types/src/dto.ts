import type { CaseAction, CaseSource, CaseState, ClockLevel, Complexity, OrgLevel, Role } from './case.js';
import type { UnitType } from './assessment.js';

export interface UserDto {
  id: string;
  name: string;
  roles: Role[];
  orgNodeCode: string | null;
  /** Grid inspectors' A/B post and whether it is on duty today (Asia/Shanghai); null for everyone else. */
  duty?: { slot: 'A' | 'B'; onDuty: boolean } | null;
}

export interface LoginResponse {
  token: string;
  user: UserDto;
}

export interface SandboxAccount {
  code: string;
  openid: string;
  role: Role;
  orgNodeCode: string | null;
  name: string;
  duty?: 'A' | 'B';
  lat?: number;
  lng?: number;
  /** Set when the account's org node has a WeCom group robot (the sandbox inbox groups by it). */
  groupNodeCode?: string;
}

export interface PhotoDto {
  id: string;
  kind: 'before' | 'after';
  url: string;
  thumbUrl: string;
  width: number;
  height: number;
  /** Staff only: a staff member made it public (the public pages show it). */
  published?: boolean;
}

export interface DeadlineDto {
  /** Dalian clock (大连标准): 24 h simple, 72 h complex, urgent hours. */
  dueAt: string;
  /** National-standard clock (处置时限), in its own natural or working calendar. */
  nationalDueAt: string | null;
  startedAt: string;
  calendar: 'natural' | 'working';
  level: ClockLevel;
  /** Share of the allowed time used so far, 0..n (1 = due now). */
  used: number;
  /** A quick squad's case (issue 10): the arrival deadline (5 or 30 minutes after dispatch), and the on-site sign time. */
  arriveDueAt?: string;
  arrivedAt?: string | null;
}

export interface CaseEventDto {
  seq: number;
  /**
   * 'locate': a dispatcher pinned a 待定位 channel ticket on the map (issue 11); the state stays.
   * 'clock.recomputed': a city admin's calendar change moved the running clock's deadlines (data: before/after); the state stays.
   */
  action: CaseAction | 'submit' | 'locate' | 'clock.recomputed';
  fromState: CaseState | null;
  toState: CaseState;
  /** 'channel': a partner platform (12345, 民意网 …) filed the case; no person FineCity knows. */
  actor: { id: string | null; role: Role | 'system' | 'channel'; name?: string } ;
  at: string;
  note: string | null;
  photos: PhotoDto[];
  data: Record<string, unknown>;
}

export interface OrgRefDto {
  code: string;
  name: string;
  level: OrgLevel;
}

export interface CaseDto {
  id: string;
  caseNo: string;
  state: CaseState;
  source: CaseSource;
  category: { code: string; name: string; standardRef: string };
  description: string;
  anonymous: boolean;
  location: { lat: number; lng: number; address: string | null };
  grid: OrgRefDto | null;
  community: OrgRefDto | null;
  street: OrgRefDto | null;
  district: OrgRefDto | null;
  responsible: OrgRefDto | null;
  complexity: Complexity | null;
  deadline: DeadlineDto | null;
  pendingExtension: { hours: number; reason: string } | null;
  reworkCount: number;
  rating: { score: number; comment: string | null } | null;
  mergedIntoId: string | null;
  /** 'review': content security asked for a human look before registration (dispatchers see it). */
  moderation: 'review' | null;
  /** 督办: the case has been supervised (lists flag it); the latest supervision's due time, if one was set. */
  supervised: boolean;
  supervisionDueAt: string | null;
  /** 待定位 (issue 11): a channel's ticket whose place is not known yet; held at the city until a dispatcher pins it. */
  locationPending: boolean;
  duplicateCandidates?: { caseId: string; caseNo: string; distanceM: number }[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  version: number;
  photos?: PhotoDto[];
  events?: CaseEventDto[];
  allowedActions?: CaseAction[];
  /** The caller may make this case's photos public (permission photo.publish, issue 13). */
  canPublishPhotos?: boolean;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** Where a check-in was made (WGS-84) and how far from the reported point; sent with sign/handle. */
export interface CheckInDto {
  lat: number;
  lng: number;
  /** Metres from the case location, computed by the server. */
  distanceM: number;
  /** Within the on-site radius (config/rules.json checkIn.radiusM). */
  onSite: boolean;
}

/** A unit of the org tree a case can be dispatched to (GET /api/v1/org/units). */
export interface OrgUnitDto {
  code: string;
  name: string;
  level: OrgLevel;
  parentCode: string | null;
  /** Has child units (grids, squads) to drill into. */
  hasChildren: boolean;
  /** Handling units (level 'department'): a city department or a quick squad, and its name for people; null for areas. */
  unitType: UnitType | null;
  unitTypeLabel: string | null;
  /** Grids only: the policy's grid type (居民区, 商业区（公共区）, 海边, 工地), or null when none is on file. */
  gridType?: string | null;
}

export const STATS_PERIODS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type StatsPeriod = (typeof STATS_PERIODS)[number];

/** Figures of one scope over one period (Asia/Shanghai calendar periods). */
export interface StatsFiguresDto {
  /** Cases reported in the period. */
  reported: number;
  /** Cases closed in the period. */
  closed: number;
  /** Of those closed, closed before their Dalian due time (cases without a clock count as on time). */
  closedOnTime: number;
  /** 按期结案率 in %, one decimal; null when nothing closed. */
  onTimeRate: number | null;
  /** Open now (any open state) and overdue now (open, not suspended, past due). */
  open: number;
  overdue: number;
}

/** GET /api/v1/stats/overview: the caller's scope (or a node inside it) and the units one level below. */
export interface StatsOverviewDto {
  scope: OrgRefDto;
  period: StatsPeriod;
  /** Start of the period; it runs to asOf (now). */
  from: string;
  asOf: string;
  today: { reported: number; closed: number };
  figures: StatsFiguresDto;
  /** Units one level below the scope, ranked by on-time rate, then fewer overdue, then more closed. */
  units: (OrgRefDto & StatsFiguresDto)[];
}

/** GET /api/v1/auth/options: how the H5 console may sign in. */
export interface AuthOptionsDto {
  /** WeCom OAuth (企业微信网页授权): the authorize URL without redirect_uri/state; null when WeCom is not configured. */
  wecom: { authorizeUrl: string; corpId: string; agentId: string | null } | null;
  /** The sandbox is on: the demo-account picker may be shown. */
  sandbox: boolean;
}

/** GET /api/v1/admin/calendar/:year: the stored schedule of one year (stored false: not entered yet). */
export interface CalendarYearDto {
  year: number;
  stored: boolean;
  holidays: { date: string; name: string }[];
  workdays: { date: string; name: string }[];
  updatedAt: string | null;
  /**
   * Only in the answer to `PUT …/calendar/:year?recompute=true`: the running clocks (Dalian and national, of
   * open cases) whose working-time deadlines were moved onto the new calendar, each recorded as a case event
   * and in the audit line. Without `recompute`, running clocks keep their deadlines.
   */
  recomputed?: CalendarRecomputeDto;
}

/** What a calendar re-computation moved: how many open cases were looked at and which deadlines changed. */
export interface CalendarRecomputeDto {
  /** Open cases with a running working-time clock that the year's change could touch. */
  examined: number;
  /** Cases whose deadline moved (the first 200, earliest deadline first; `changed` counts them all). */
  cases: {
    caseId: string;
    caseNo: string;
    /** The Dalian clock's deadline (equal before and after when only the national clock moved). */
    dueAtBefore: string;
    dueAtAfter: string;
    /** Only when the national clock moved. */
    nationalDueAtBefore?: string;
    nationalDueAtAfter?: string;
  }[];
  changed: number;
}

// ---- Staff roster and audit log (issue 9) ------------------------------------------------------------

/** One refused row of a roster import: spreadsheet row (1-based, the header is row 1), column header, code, Chinese message. */
export interface StaffImportErrorDto {
  row: number;
  column: string | null;
  code: string;
  message: string;
}

/**
 * POST /api/v1/admin/staff/import. The counts are what the good rows do (or, with `dryRun` or when
 * errors stopped the import, would do); `committed` says whether anything was written.
 */
export interface StaffImportResultDto {
  created: number;
  updated: number;
  unchanged: number;
  errors: StaffImportErrorDto[];
  committed: boolean;
  /** After a committed import that created people: whether their invitations went out ('none' when nobody sends them). */
  invitations: 'sent' | 'failed' | 'none';
}

/** GET /api/v1/admin/staff: one staff member; the mobile is masked (138****1234). */
export interface StaffDto {
  id: string;
  name: string;
  mobile: string | null;
  roles: Role[];
  orgNodeCode: string | null;
  orgNodeName: string | null;
  post: 'A' | 'B' | null;
  status: 'invited' | 'active' | 'deactivated';
  wecomUserid: string | null;
}

export interface StaffListDto {
  items: StaffDto[];
  total: number;
}

/** GET /api/v1/admin/audit: one audit line (`at` is ISO 8601). */
export interface AuditEntryDto {
  id: number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  actorRole: string;
  action: string;
  entityType: string;
  entityId: string | null;
  /** The entity in words: a person's name, a unit's or category's name, a case's number. */
  entityName: string | null;
  orgNodeCode: string | null;
  before: unknown;
  after: unknown;
  note: string | null;
}

export interface AuditListDto {
  items: AuditEntryDto[];
  total: number;
}

/** A person on a post of the duty rota. */
export interface DutyPersonDto {
  id: string;
  name: string;
  post: 'A' | 'B';
  /** Covers the post for someone on leave. */
  substitute: boolean;
}

export interface DutyRuleDto {
  districtCode: string;
  districtName: string;
  rule: 'alternate_days' | 'alternate_weeks' | 'a_only';
  /** False when no rule is stored and the default applies. */
  stored: boolean;
  setAt: string | null;
  setByName: string | null;
}

export interface DutyOverrideDto {
  id: number;
  gridCode: string;
  gridName: string;
  date: string;
  slot: 'A' | 'B';
  setAt: string;
  setByName: string | null;
}

export interface DutySubstituteDto {
  id: number;
  gridCode: string;
  gridName: string;
  post: 'A' | 'B';
  userId: string;
  name: string;
  from: string;
  to: string;
  setAt: string;
  setByName: string | null;
}

/** GET /api/v1/admin/duty: a grid's month day by day, or a unit's rules and changes in that month. */
export interface DutyMonthDto {
  orgNodeCode: string;
  level: OrgLevel;
  month: string;
  /** The rules of the districts the unit lies in or holds. */
  rules: DutyRuleDto[];
  /** A grid's days (empty for other units). */
  days: { date: string; slot: 'A' | 'B'; source: 'rule' | 'override'; people: DutyPersonDto[] }[];
  /** Overrides and substitutes in force in the month, in the unit's subtree (at most 500 of each). */
  overrides: DutyOverrideDto[];
  substitutes: DutySubstituteDto[];
  /** True when there were more than 500 of either. */
  truncated: boolean;
}

// ---- Categories and time limits (admin, issue 9 item 6) ------------------------------------------------

/** One clock's effective limits: the calendar it counts in and the hours per complexity. */
export interface ClockLimitsDto {
  calendar: 'natural' | 'working';
  hours: Record<Complexity, number>;
}
export interface CategoryLimitsDto {
  dalian: ClockLimitsDto;
  national: ClockLimitsDto;
}

/** A category as the city admin edits it, with the limits new cases get. */
export interface AdminCategoryDto {
  code: string;
  name: string;
  bigClassCode: string;
  bigClassName: string;
  department: { code: string; name: string };
  hint: string | null;
  enabled: boolean;
  urgent: boolean;
  /** Effective limits (defaults ← big class ← the category's own). */
  limits: CategoryLimitsDto;
  /** The category's own override, as stored (null: none). */
  ownLimits: Partial<Record<'dalian' | 'national', { calendar?: 'natural' | 'working'; hours?: Partial<Record<Complexity, number>> }>> | null;
  /** Effective limits in grids of each type that has its own standard for this category. */
  gridTypeLimits: Record<string, CategoryLimitsDto>;
}

export interface PolicyVersionSummaryDto {
  version: number;
  /** ISO instant; the admin pages format it in Beijing time. */
  createdAt: string;
  createdBy: { id: string; name: string } | null;
  reason: string;
  /** What the version changed: the category and its fields before and after (null for the first, seeded version). */
  change: { categoryCode: string; before: Record<string, unknown>; after: Record<string, unknown>; movedCases?: number } | null;
}

/** GET /api/v1/admin/categories. */
export interface AdminCategoriesDto {
  version: PolicyVersionSummaryDto;
  /** The grid types that may have their own limits. */
  gridTypes: string[];
  departments: { code: string; name: string }[];
  defaults: CategoryLimitsDto;
  categories: AdminCategoryDto[];
}

/** PUT /api/v1/admin/categories/:code. */
export interface CategoryUpdateResultDto {
  /** The new version (or the current one when nothing changed). */
  version: PolicyVersionSummaryDto;
  category: AdminCategoryDto;
  /** False when the request changed nothing: no version was written. */
  changed: boolean;
  /** Open cases moved to `mapOpenCasesTo`. */
  movedCases: number;
}

/** GET /api/v1/admin/time-limits/versions: newest first. */
export interface PolicyVersionsDto {
  current: number;
  items: PolicyVersionSummaryDto[];
  total: number;
}

// ---- Grid import and the admin's org tree (issue 9, item 5) ---------------------------------------------

/** One check's result: `code` is the grid (or community) it is about; any `error` means nothing was written. */
export interface OrgImportFinding {
  code: string;
  /** code.format, code.duplicate, code.prefix, code.taken, parent.unknown, parent.changed, scope.forbidden, name.invalid,
   *  gridType.unknown, feature.invalid, geometry.invalid, geometry.unclosed_ring, geometry.self_intersection,
   *  geometry.outside_dalian, outside_district, overlap (errors); gap, grid.absent, district.no_outline (warnings). */
  kind: string;
  message: string;
  severity: 'error' | 'warning';
  detail?: Record<string, unknown>;
}

/** POST /api/v1/admin/org/import. */
export interface OrgImportResultDto {
  created: number;
  updated: number;
  unchanged: number;
  /** Written (false on dryRun, on any error, or when nothing changed). */
  committed: boolean;
  dryRun: boolean;
  findings: OrgImportFinding[];
}

/** GET /api/v1/admin/org/tree: a node and, down to `depth`, its area units (no departments). */
export interface OrgTreeNodeDto {
  code: string;
  name: string;
  level: OrgLevel;
  parentCode: string | null;
  gridType: string | null;
  /** Grids: their GeoJSON geometry (WGS-84 [lng, lat]); null when none is stored. */
  geometry?: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown } | null;
  /** Has area units below (whether or not they are listed). */
  hasChildren: boolean;
  /** Present above the depth limit. */
  children?: OrgTreeNodeDto[];
}
