import type { Complexity, Role } from '@finecity/types';
import type { CaseClock } from '../domain/case-model.js';
import type { Locator } from '../domain/locate.js';
import type { ContentCheck } from '../domain/notify-ports.js';
import type { Clock, WeChatAuth } from '../domain/ports.js';
import type { Policy } from '../city-policy.js';
import type { AuditLog } from './admin/audit.js';
import type { Spreadsheets } from './admin/spreadsheets.js';
import type { StaffRoster } from './admin/staff-ports.js';
import type { StaffActivationPorts } from './admin/invitations.js';
import type { PhotoRows, Photos } from './photo-intake.js';
import type { WeComSignIn } from './wecom-login.js';
import type { WorkingCalendarStore } from './admin/calendar.js';
import type { NearbyStore } from './residents/nearby-ports.js';
import type { ResidentPrivacyStore } from './residents/privacy-ports.js';
import type { PointsStore } from './residents/points-ports.js';
import type { PublicCaseReads } from './public/public-ports.js';
import type { TrackingLinkPorts } from './residents/tracking-links.js';
import type { CategoryCatalog } from './admin/categories.js';
import type { OrgGeo } from './admin/org-import.js';
import type { LeaderViews } from './assessment/leader-ports.js';
import type { DutyRoster, DutyStore } from './duty-ports.js';
import type { OfficialAccountStore, StatsQueries, SubscriptionCredits, UserDirectory } from './account-repositories.js';
import type { CaseQueries, CaseRepository, IdempotencyKeys, OrgDirectory, UnitOfWork } from './repositories.js';
import type { AssessmentQueries, SnapshotStore } from './assessment/ports.js';
import type { ChartRenderer } from './assessment/chart-ports.js';
import type { PatrolFigures } from './assessment/report-ports.js';
import type { AttachmentFetcher, ChannelIntakeStore } from './channels/intake-ports.js';
import type { CallCentrePorts } from './channels/call-centre-ports.js';
import type { CompanyScope, CompanyStore } from './companies/ports.js';
import type { InspectorStore } from './inspector/ports.js';
import type { Open311Store } from './open311/ports.js';

/** The SLA clock as the use cases see it: both clocks of a case, its colour, extensions. */
export interface SlaClock {
  /**
   * Both clocks from `start`, with the limits of the case's policy `version` (the one it was reported under;
   * null: version 1) and its grid's type (that type's own limits for the category, when it has any).
   */
  compute(categoryCode: string, complexity: Complexity, start: Date, on?: { version: number | null; gridType?: string | null }): CaseClock;
  status(clock: Pick<CaseClock, 'startedAt' | 'dueAt' | 'calendar'>, now: Date): { level: 'green' | 'yellow' | 'red' | 'overdue'; used: number };
  extend(clock: CaseClock, hours: number): CaseClock;
  /** When the clock turns yellow, red and overdue (for the deadline timers). */
  warnings(clock: Pick<CaseClock, 'startedAt' | 'dueAt' | 'calendar'>): { yellowAt: Date; redAt: Date; overdueAt: Date };
  /** The working calendar's answer for a Beijing day (YYYY-MM-DD): 调休 workdays in, holidays out (季奖励, 年排名). */
  isWorkingDay?(day: string): boolean;
}

export interface Deps {
  /** One transaction with the ports bound to it. */
  uow: UnitOfWork;
  /** Case reads outside a transaction. */
  cases: CaseRepository;
  caseQueries: CaseQueries;
  idempotency: IdempotencyKeys;
  /** The org tree, in memory. */
  org: OrgDirectory;
  users: UserDirectory;
  subscriptions: SubscriptionCredits;
  /** The official account's followers, pending halves, bind codes and push nonces. */
  officialAccount: OfficialAccountStore;
  stats: StatsQueries;
  /** The indicator engine's counts (issue 10). */
  assessment: AssessmentQueries;
  /** Published scorecard snapshots: append-only (issue 10). */
  snapshots: SnapshotStore;
  /** Charts drawn as PNG on the server, for the group reports (issue 10, item 3); absent → reports go without a chart. */
  charts?: ChartRenderer;
  /** The week's patrol per grid, for 周巡查 (issue 10, item 3). */
  patrol?: PatrolFigures;
  /** Spreadsheet files in and out (imports, exports, templates). */
  sheets: Spreadsheets;
  /** The audit log, for reads and for writes outside a transaction (inside one, use TxPorts.audit). */
  audit: AuditLog;
  /** Who is on duty in a grid (cached; invalidated by rota changes in this process). */
  duty: DutyRoster;
  /** The duty rota's tables (the admin view and changes). */
  dutyStore: DutyStore;
  /** Staff records outside a transaction (the admin's staff list and export). */
  staff: StaffRoster;
  /** Sends the first invitation to people a roster import created (optional: absent → none sent). */
  staffInvitations?: { inviteNew(userIds: string[], actor: CurrentUser): Promise<void> };
  /** Staff activation codes (hash, draw) and their SMS (issue 9). */
  staffActivation: StaffActivationPorts;
  policy: Readonly<Policy>;
  locator: Locator;
  sla: SlaClock;
  photos: Photos;
  photoRows: PhotoRows;
  wechat: WeChatAuth;
  clock: Clock;
  /** msgSecCheck v2 on report text; absent → no check (e.g. a tool with no WeChat access). */
  contentCheck?: ContentCheck;
  /** WeCom web sign-in (H5 console); null or absent when WeCom is not configured. */
  wecomSignIn?: WeComSignIn | null;
  /** The working calendar (holidays, 调休) stored per year; absent in tools that do not edit it. */
  calendar?: WorkingCalendarStore;
  /** Categories and every version of the time limits, in memory (issue 9, item 6). */
  categories: CategoryCatalog;
  /** Grid shapes outside a transaction, the geometry checks and the locator's rebuild (issue 9, grid import). */
  orgGeo: OrgGeo;
  /** The leaders' trend and map (issue 10, item 7). */
  leader: LeaderViews;
  /** Channel tickets, partner nonces, companies' existence and the 待定位 queue (issue 11). */
  channelIntake: ChannelIntakeStore;
  /** The 12319 call centre's list, the public tracking page's reads and the caller's SMS (issue 11, item 3). */
  callCentre: CallCentrePorts;
  /** Partner attachments by URL (issue 11); absent → a ticket with URL attachments is refused. */
  attachments?: AttachmentFetcher;
  /** A partner channel's signing secret (CHANNEL_<ID>_SECRET, else the sandbox's); null: not configured. */
  channelSecret(channelId: string): string | null;
  /** Third-party inspection companies: contracts, check-ins, coverage and 漏查 (issue 11, item 4). */
  companies: CompanyStore;
  /** The inspector's 已办 and patrol sessions (issue 12, item 4). */
  inspector: InspectorStore;
  /** Residents' nearby open cases and 我也遇到 (issue 13, item 2); absent → those routes answer 503. */
  nearby?: NearbyStore;
  /** A resident's data export and 注销 (issue 13, item 5); absent → those routes answer 503. */
  privacy?: ResidentPrivacyStore;
  /** Residents' 积分 and the monthly list (issue 13, item 7); absent → those routes answer 503. */
  points?: PointsStore;
  /** The public view of registered cases and photo publishing (issue 13, item 3); absent → those routes answer 503. */
  publicCases?: PublicCaseReads;
  /** Every case's tracking link /t/<token> (issue 13, item 4); absent → those routes answer 503. */
  trackingLinks?: TrackingLinkPorts;
  /** Open311 GeoReport v2: API keys and the public view of cases (issue 11, item 5); absent → the Open311 routes answer 503. */
  open311?: Open311Store;
}

/** The caller, as loaded for each request from the token's user id. */
export interface CurrentUser {
  id: string;
  name: string;
  /** The mini-program openid (msgSecCheck needs it); null for accounts without one. */
  openid: string | null;
  roles: Role[];
  orgNodeCode: string | null;
  /** The org node's subtree prefix, '/210200/210202/…/'; null for residents. */
  orgPath: string | null;
  /** Grid inspectors' A/B post (which post is on duty on a day is the rota's: DutyRoster); null for everyone else. */
  dutySlot: 'A' | 'B' | null;
  /** A third-party inspector's company and contract (issue 11); absent or null for everyone else. */
  company?: CompanyScope | null;
}
