import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A case's place, as the indicator engine groups it (index columns for index-only scans). */
const place = <C>(t: { locationPath: C; districtCode: C; streetCode: C; communityCode: C; gridCode: C }): C[] =>
  [t.locationPath, t.districtCode, t.streetCode, t.communityCode, t.gridCode];

/** The five-level grid plus departments. `path` is '/210200/210202/…/<code>/' so a subtree is a prefix. */
export const orgNodes = pgTable(
  'org_nodes',
  {
    code: text('code').primaryKey(),
    parentCode: text('parent_code'),
    level: text('level').notNull(),
    name: text('name').notNull(),
    path: text('path').notNull(),
    polygon: jsonb('polygon').$type<[number, number][]>(),
    boundary: jsonb('boundary').$type<[number, number][][][]>(),
    centroidLat: doublePrecision('centroid_lat'),
    centroidLng: doublePrecision('centroid_lng'),
    /** Grids (issue 9, grid import): the policy's grid type (config/grid-types.json), null for seeded grids. */
    gridType: text('grid_type'),
    /** Handling units (level 'department', issue 10): 'department', 'repair_squad' (抢修小分队) or 'street_squad' (便民小分队). */
    unitType: text('unit_type'),
  },
  (t) => [
    index('org_nodes_parent_idx').on(t.parentCode),
    index('org_nodes_path_idx').using('btree', t.path.op('text_pattern_ops')),
    check('org_nodes_level_check', sql`${t.level} in ('city','district','street','community','grid','department')`),
  ],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    openid: text('openid'),
    name: text('name').notNull(),
    mobile: text('mobile'),
    roles: text('roles').array().notNull(),
    orgNodeCode: text('org_node_code').references(() => orgNodes.code),
    /** Grid inspectors work in A/B rotation; the inspector code is grid code + slot. */
    dutySlot: text('duty_slot'),
    staffCode: text('staff_code'),
    /** Official-account openid once bound (openids are per app: https://developers.weixin.qq.com/miniprogram/dev/server/API/user-login/api_code2session). */
    oaOpenid: text('oa_openid'),
    /**
     * Staff lifecycle: imported staff are `invited` until they bind a WeChat or WeCom identity, then
     * `active`; `deactivated` staff are refused at once (every request re-reads the record). Residents are
     * `active` from their first login.
     */
    status: text('status').notNull().default('active'),
    /** The WeCom (企业微信) userid, from the roster; WeCom OAuth sign-in matches it. */
    wecomUserid: text('wecom_userid'),
    deactivatedAt: ts('deactivated_at'),
    /** Logout (POST /api/v1/auth/logout): tokens issued up to this instant answer 401 (issue 14, item 8). */
    tokensRevokedAt: ts('tokens_revoked_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Third-party inspectors (issue 11): the company they work for; it bounds what they see. */
    companyId: text('company_id').references(() => companies.id),
    /** A resident appears on the public monthly 市民监督员 list unless they opt out (issue 13, item 7). */
    pointsListed: boolean('points_listed').notNull().default(true),
  },
  (t) => [
    uniqueIndex('users_openid_uq').on(t.openid),
    uniqueIndex('users_staff_code_uq').on(t.staffCode),
    uniqueIndex('users_oa_openid_uq').on(t.oaOpenid),
    uniqueIndex('users_wecom_userid_uq').on(t.wecomUserid),
    index('users_org_node_idx').on(t.orgNodeCode),
    index('users_mobile_idx').on(t.mobile),
    // `deleted`: a resident who closed their account (注销, issue 13): identity gone, row kept so their cases stay.
    check('users_status_check', sql`${t.status} in ('invited','active','deactivated','deleted')`),
  ],
);

/**
 * Every admin action and every staff binding: who, when, what, before and after. Append-only; an
 * admin's scope is checked on `org_node_code` (the unit the entity belongs to).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    actorRole: text('actor_role').notNull(),
    /** A dotted verb: `staff.import`, `staff.bind`, `staff.deactivate`, `duty.update`, … */
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    orgNodeCode: text('org_node_code'),
    before: jsonb('before'),
    after: jsonb('after'),
    note: text('note'),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_idx').on(t.actorId, t.at),
    index('audit_log_entity_idx').on(t.entityType, t.entityId),
  ],
);

export const categories = pgTable('categories', {
  code: text('code').primaryKey(),
  kind: text('kind').notNull(),
  name: text('name').notNull(),
  bigClassCode: text('big_class_code').notNull(),
  bigClassName: text('big_class_name').notNull(),
  standardRef: text('standard_ref').notNull(),
  departmentCode: text('department_code').references(() => orgNodes.code),
  urgent: boolean('urgent').notNull().default(false),
  common: boolean('common').notNull().default(false),
  keywords: jsonb('keywords').$type<string[]>().notNull().default([]),
  hint: text('hint'),
  confusableWith: jsonb('confusable_with').$type<string[]>().notNull().default([]),
  /** A disabled category is gone from the picker and refused in reports; its cases keep it (issue 9, item 6). */
  enabled: boolean('enabled').notNull().default(true),
});

export const cases = pgTable(
  'cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseNo: text('case_no').notNull(),
    source: text('source').notNull(),
    reporterId: uuid('reporter_id').references(() => users.id),
    anonymous: boolean('anonymous').notNull().default(false),
    categoryCode: text('category_code').notNull().references(() => categories.code),
    standardRef: text('standard_ref').notNull(),
    description: text('description').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    address: text('address'),
    gridCode: text('grid_code').references(() => orgNodes.code),
    communityCode: text('community_code').references(() => orgNodes.code),
    streetCode: text('street_code').references(() => orgNodes.code),
    districtCode: text('district_code').notNull().references(() => orgNodes.code),
    locationPath: text('location_path').notNull(),
    state: text('state').notNull(),
    complexity: text('complexity'),
    responsibleCode: text('responsible_code').references(() => orgNodes.code),
    responsiblePath: text('responsible_path'),
    clockStartedAt: ts('clock_started_at'),
    dueAt: ts('due_at'),
    clockCalendar: text('clock_calendar'),
    nationalDueAt: ts('national_due_at'),
    nationalCalendar: text('national_calendar'),
    pendingExtension: jsonb('pending_extension').$type<{ hours: number; reason: string; requestedBy: string }>(),
    extendedHours: real('extended_hours').notNull().default(0),
    reworkCount: integer('rework_count').notNull().default(0),
    returnCount: integer('return_count').notNull().default(0),
    escalationCount: integer('escalation_count').notNull().default(0),
    mergedIntoId: uuid('merged_into_id'),
    ratingScore: integer('rating_score'),
    ratingComment: text('rating_comment'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    closedAt: ts('closed_at'),
    /** msgSecCheck said 'review': visible to dispatchers as needing a human look before registration. */
    moderation: text('moderation'),
    /** Last clock warning acted on (yellow/red/overdue) for the current clock, set by timers and the sweep. */
    clockAlert: text('clock_alert'),
    overdueAt: ts('overdue_at'),
    version: integer('version').notNull().default(1),
    /** The category/time-limit policy version the case was reported under (policy_versions); null = before versioning, i.e. version 1. */
    policyVersion: integer('policy_version'),
    /** 督办 (issue 10): the latest supervision's time and due time; lists flag supervised cases from these. */
    supervisedAt: ts('supervised_at'),
    supervisionDueAt: ts('supervision_due_at'),
    /** Quick squads (issue 10): the arrival deadline on the squad's minute clock, and the on-site sign time. */
    arriveDueAt: ts('arrive_due_at'),
    arrivedAt: ts('arrived_at'),
    /**
     * 待定位 (issue 11): a partner ticket whose place could not be matched. The case is held at the city
     * node (district_code = the city, no grid) until a dispatcher pins it on the map.
     */
    locationPending: boolean('location_pending').notNull().default(false),
  },
  (t) => [
    uniqueIndex('cases_case_no_uq').on(t.caseNo),
    index('cases_state_idx').on(t.state),
    index('cases_dup_idx').on(t.categoryCode, t.createdAt),
    // The duplicate rule's box (category, then a latitude band of twice the rule's distance): a busy category
    // has thousands of open cases in the 72-hour window city-wide, of which the band holds a handful.
    index('cases_dup_geo_idx').on(t.categoryCode, t.lat),
    index('cases_location_path_idx').using('btree', t.locationPath.op('text_pattern_ops')),
    index('cases_responsible_path_idx').using('btree', t.responsiblePath.op('text_pattern_ops')),
    index('cases_reporter_idx').on(t.reporterId),
    index('cases_due_idx').on(t.dueAt),
    // The indicator engine (issue 10) selects a period's cases by any of their dates (created, closed, due,
    // overdue, arrived): one index each, OR'ed in a bitmap scan.
    index('cases_created_idx').on(t.createdAt),
    // The public map's district filter (issue 13), newest first: without it a district with few cases reads the
    // whole created_at index to fill a page (test/load/residents-bench.ts).
    index('cases_district_created_idx').on(t.districtCode, t.createdAt),
    index('cases_closed_idx').on(t.closedAt).where(sql`${t.closedAt} is not null`),
    index('cases_arrived_idx').on(t.arrivedAt).where(sql`${t.arrivedAt} is not null`),
    // The indicator engine's live parts beside its day rollup (assessment_day_counts), each read by an
    // index-only scan (the place columns are in the index, so no case row is fetched): 超期数; cases due in a
    // period but not closed in it; the few cases of a period not (yet) registered, for 有效上报数.
    index('cases_overdue_idx').on(t.overdueAt, ...place(t)).where(sql`${t.overdueAt} is not null`),
    index('cases_closed_due_idx').on(t.dueAt, t.closedAt, ...place(t)).where(sql`${t.state} = 'closed'`),
    index('cases_open_due_idx').on(t.dueAt, ...place(t)).where(sql`${t.state} <> 'closed' and ${t.dueAt} is not null`),
    index('cases_not_valid_created_idx').on(t.createdAt, ...place(t)).where(sql`${t.state} in ('submitted', 'rejected', 'merged')`),
    check(
      'cases_state_check',
      sql`${t.state} in ('submitted','registered','rejected','merged','dispatched','in_progress','handled','closed','suspended')`,
    ),
    check('cases_complexity_check', sql`${t.complexity} is null or ${t.complexity} in ('simple','complex','urgent')`),
    check('cases_rating_check', sql`${t.ratingScore} is null or ${t.ratingScore} between 1 and 5`),
  ],
);

/** Append-only: every transition is an event; nothing is updated or deleted here. */
export const caseEvents = pgTable(
  'case_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: uuid('case_id').notNull().references(() => cases.id),
    seq: integer('seq').notNull(),
    action: text('action').notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    actorRole: text('actor_role').notNull(),
    at: ts('at').notNull(),
    note: text('note'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    uniqueIndex('case_events_case_seq_uq').on(t.caseId, t.seq),
    // The indicator engine (issue 10) reads a period's events by time.
    index('case_events_at_idx').on(t.at),
    // The rare actions the indicator engine reads live beside its day rollup: 督办 (their outcome depends on
    // the case's close), and locate / reopen (they make a rolled-up day stale).
    index('case_events_rare_at_idx').on(t.at).where(sql`${t.action} in ('supervise', 'locate', 'reopen')`),
    // 已办 (issue 12): the cases one person acted on, newest first.
    index('case_events_actor_at_idx').on(t.actorId, t.at),
  ],
);

export const casePhotos = pgTable(
  'case_photos',
  {
    id: uuid('id').primaryKey(),
    caseId: uuid('case_id').notNull().references(() => cases.id),
    eventSeq: integer('event_seq').notNull(),
    kind: text('kind').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    bytes: integer('bytes').notNull(),
    sha256: text('sha256').notNull(),
    createdAt: ts('created_at').notNull(),
    /** When staff marked the photo public (faces and plates: nothing is public by default); Open311 and public pages show only these. */
    publishedAt: ts('published_at'),
  },
  (t) => [index('case_photos_case_idx').on(t.caseId), check('case_photos_kind_check', sql`${t.kind} in ('before','after')`)],
);

/**
 * 积分 (issue 13, item 7): a projection of the case events, one row per case and kind of credit. A decision
 * that changes a case's credit rebuilds that case's rows in its own transaction; a full rebuild from the events
 * gives the same rows (config/rules.json `points`).
 */
export const residentPoints = pgTable(
  'resident_points',
  {
    caseId: uuid('case_id').notNull().references(() => cases.id),
    kind: text('kind').notNull(),
    userId: uuid('user_id').notNull().references(() => users.id),
    points: integer('points').notNull(),
    districtCode: text('district_code').notNull(),
    earnedAt: ts('earned_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.kind] }),
    index('resident_points_user_idx').on(t.userId),
    index('resident_points_earned_idx').on(t.earnedAt),
    check('resident_points_kind_check', sql`${t.kind} in ('registered','first_finder')`),
  ],
);

/** Reporters whose duplicate was merged follow the surviving case. */
export const caseFollowers = pgTable(
  'case_followers',
  {
    caseId: uuid('case_id').notNull().references(() => cases.id),
    userId: uuid('user_id').notNull().references(() => users.id),
    since: ts('since').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.userId] }), index('case_followers_user_idx').on(t.userId)],
);

export const caseDuplicateCandidates = pgTable(
  'case_duplicate_candidates',
  {
    caseId: uuid('case_id').notNull().references(() => cases.id),
    candidateId: uuid('candidate_id').notNull().references(() => cases.id),
    distanceM: real('distance_m').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.candidateId] })],
);

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id').notNull().references(() => users.id),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    caseId: uuid('case_id').notNull().references(() => cases.id),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

/** Per-day counter behind the readable case number DL20261127-000123. */
export const caseCounters = pgTable('case_counters', {
  day: text('day').primaryKey(),
  last: integer('last').notNull(),
});

/** Transactional outbox: written with each transition, delivered after commit by the relay. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    topic: text('topic').notNull(),
    caseId: uuid('case_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull(),
    publishedAt: ts('published_at'),
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [index('outbox_unpublished_idx').on(t.id).where(sql`${t.publishedAt} is null`)],
);

export const appMeta = pgTable('app_meta', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
});

/* ---- Notifications, clocks and the official account (issue: notifications) ---- */

/** WeChat identities beyond the mini-program openid: the official account's openid and follow state. */
export const oaFollowers = pgTable('oa_followers', {
  oaOpenid: text('oa_openid').primaryKey(),
  userId: uuid('user_id').references(() => users.id),
  subscribed: boolean('subscribed').notNull(),
  changedAt: ts('changed_at').notNull(),
});

/** One-time subscribe-message consent credits (wx.requestSubscribeMessage "accept" → +1), per template. */
export const subscriptionCredits = pgTable(
  'subscription_credits',
  {
    userId: uuid('user_id').notNull().references(() => users.id),
    templateKey: text('template_key').notNull(),
    credits: integer('credits').notNull().default(0),
    /**
     * The user accepted the template's long-term (长期订阅) variant: every message may be sent without spending
     * a credit until WeChat answers 43101 (the user turned it off), which clears it (issue 13, item 8).
     */
    longTerm: boolean('long_term').notNull().default(false),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.templateKey] }), check('subscription_credits_nonneg', sql`${t.credits} >= 0`)],
);

/** Every notification and its delivery: recipient, channel, template, payload, attempts, final result. */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** event + recipient + channel: the same event never reaches the same person twice on one channel. */
    dedupeKey: text('dedupe_key').notNull(),
    event: text('event').notNull(),
    caseId: uuid('case_id'),
    recipientUserId: uuid('recipient_user_id').references(() => users.id),
    recipientGroup: text('recipient_group'),
    channels: jsonb('channels').$type<string[]>().notNull(),
    channel: text('channel'),
    templateKey: text('template_key').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    uniqueIndex('notifications_dedupe_uq').on(t.dedupeKey),
    index('notifications_case_idx').on(t.caseId),
    // The re-drive of stranded rows (usecases/notifications/redrive.ts) reads the pending ones only.
    index('notifications_pending_idx').on(t.createdAt).where(sql`${t.status} = 'pending'`),
    check('notifications_status_check', sql`${t.status} in ('pending','sent','failed')`),
  ],
);

export const notificationAttempts = pgTable(
  'notification_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    notificationId: integer('notification_id').notNull(),
    channel: text('channel').notNull(),
    at: ts('at').notNull(),
    outcome: text('outcome').notNull(),
    errcode: text('errcode'),
    errmsg: text('errmsg'),
  },
  (t) => [index('notification_attempts_n_idx').on(t.notificationId)],
);

/** Push-message replay protection (our window; WeChat defines none): a nonce+timestamp is accepted once. */
export const wechatPushNonces = pgTable(
  'wechat_push_nonces',
  {
    nonce: text('nonce').notNull(),
    timestamp: integer('timestamp').notNull(),
    receivedAt: ts('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.nonce, t.timestamp] })],
);

/** A follower's photo or location waiting for its other half (photo + location → a report). */
export const oaPendingReports = pgTable('oa_pending_reports', {
  oaOpenid: text('oa_openid').primaryKey(),
  mediaId: text('media_id'),
  picUrl: text('pic_url'),
  lat: doublePrecision('lat'),
  lng: doublePrecision('lng'),
  label: text('label'),
  updatedAt: ts('updated_at').notNull(),
});

/** Staff bind their official-account openid by sending a one-time code to the account. */
export const oaBindCodes = pgTable('oa_bind_codes', {
  code: text('code').primaryKey(),
  userId: uuid('user_id').notNull().references(() => users.id),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
});

/* ---- Working calendar (issue 9, item 6): one row per year, edited by the city admin ---- */

/** A named day of the working calendar (YYYY-MM-DD, Asia/Shanghai). */
export interface CalendarDayRow {
  date: string;
  name: string;
}

/**
 * The State Council holiday schedule of one year: rest days (weekend days inside a holiday period
 * included) and 调休 working weekends. Seeded from config/holidays.json when the table is empty.
 */
export const calendarYears = pgTable('calendar_years', {
  year: integer('year').primaryKey(),
  holidays: jsonb('holidays').$type<CalendarDayRow[]>().notNull(),
  workdays: jsonb('workdays').$type<CalendarDayRow[]>().notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  updatedBy: uuid('updated_by').references(() => users.id),
});

/* ---- Staff invitations and activation (issue 9, item 2: SMS invitations, activation, deactivation) ---- */

/**
 * A staff member's 6-digit activation code, sent by SMS: stored only as HMAC-SHA256(auth secret, code), so
 * it is found by its hash; a live hash (neither used nor revoked) is unique, so a code names one person.
 */
export const staffInvitations = pgTable(
  'staff_invitations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id),
    codeHash: text('code_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    createdAt: ts('created_at').notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    usedAt: ts('used_at'),
    usedByOpenid: text('used_by_openid'),
    revokedAt: ts('revoked_at'),
    /** `sent`, or the SMS gateway's error code (the admin re-sends). */
    smsStatus: text('sms_status'),
  },
  (t) => [
    uniqueIndex('staff_invitations_live_code_uq').on(t.codeHash).where(sql`used_at is null and revoked_at is null`),
    index('staff_invitations_user_idx').on(t.userId),
  ],
);

/** Wrong activation codes per WeChat identity: 5 failures lock that openid until `locked_until`. */
export const staffInviteAttempts = pgTable('staff_invite_attempts', {
  openid: text('openid').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lockedUntil: ts('locked_until'),
  updatedAt: ts('updated_at').notNull(),
});

// ---- Duty rota as data (issue 9, item 4) ----------------------------------------------------------------
// Nothing here is deleted or updated except `superseded_at`/`superseded_by`: a change supersedes the row it
// replaces, which stays readable, so who was on duty on any past day has an answer.

/** A district's default A/B rule; the current one has `superseded_at` null. No row → alternate_days. */
export const dutyRules = pgTable(
  'duty_rules',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    districtCode: text('district_code').notNull().references(() => orgNodes.code),
    rule: text('rule').notNull(),
    setBy: uuid('set_by').references(() => users.id),
    setAt: ts('set_at').notNull(),
    supersededAt: ts('superseded_at'),
    supersededBy: uuid('superseded_by').references(() => users.id),
  },
  (t) => [
    uniqueIndex('duty_rules_current_uq').on(t.districtCode).where(sql`${t.supersededAt} is null`),
    check('duty_rules_rule_check', sql`${t.rule} in ('alternate_days','alternate_weeks','a_only')`),
  ],
);

/** A grid's slot on one Beijing date ('YYYY-MM-DD'), whatever the rule says. */
export const dutyOverrides = pgTable(
  'duty_overrides',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    gridCode: text('grid_code').notNull().references(() => orgNodes.code),
    day: text('day').notNull(),
    slot: text('slot').notNull(),
    setBy: uuid('set_by').references(() => users.id),
    setAt: ts('set_at').notNull(),
    supersededAt: ts('superseded_at'),
    supersededBy: uuid('superseded_by').references(() => users.id),
  },
  (t) => [
    index('duty_overrides_grid_day_idx').on(t.gridCode, t.day),
    check('duty_overrides_slot_check', sql`${t.slot} in ('A','B')`),
  ],
);

/** A named person covering post A or B of a grid from `from_day` to `to_day` (inclusive; leave cover). */
export const dutySubstitutes = pgTable(
  'duty_substitutes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    gridCode: text('grid_code').notNull().references(() => orgNodes.code),
    post: text('post').notNull(),
    userId: uuid('user_id').notNull().references(() => users.id),
    fromDay: text('from_day').notNull(),
    toDay: text('to_day').notNull(),
    setBy: uuid('set_by').references(() => users.id),
    setAt: ts('set_at').notNull(),
    supersededAt: ts('superseded_at'),
    supersededBy: uuid('superseded_by').references(() => users.id),
  },
  (t) => [
    index('duty_substitutes_grid_idx').on(t.gridCode, t.fromDay),
    check('duty_substitutes_post_check', sql`${t.post} in ('A','B')`),
    check('duty_substitutes_range_check', sql`${t.fromDay} <= ${t.toDay}`),
  ],
);

// ---- Categories and time limits as versioned data (issue 9, item 6) ------------------------------------

/**
 * One version of the category and time-limit policy, append-only: the full document (every category's
 * editable fields, and the limits: defaults, by big class, by category, by grid type), who made it, when,
 * why, and what that change was. A case records the version it was reported under (cases.policy_version).
 */
export const policyVersions = pgTable('policy_versions', {
  version: integer('version').primaryKey(),
  createdAt: ts('created_at').notNull(),
  createdBy: uuid('created_by').references(() => users.id),
  reason: text('reason').notNull(),
  document: jsonb('document').$type<Record<string, unknown>>().notNull(),
  change: jsonb('change').$type<Record<string, unknown>>(),
});

// ---- Assessment and supervision (issue 10) --------------------------------------------------------------

/**
 * A published period's results, all levels at once, append-only: publishing again (a correction) writes
 * version n+1 with its reason, and every version stays readable. `rows` maps a level to its scorecard rows.
 */
export const assessmentSnapshots = pgTable(
  'assessment_snapshots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    period: text('period').notNull(),
    at: text('at').notNull(),
    version: integer('version').notNull(),
    formulaVersion: text('formula_version').notNull(),
    publishedAt: ts('published_at').notNull(),
    publishedBy: uuid('published_by').references(() => users.id),
    reason: text('reason'),
    rows: jsonb('rows').$type<Record<string, unknown[]>>().notNull(),
  },
  (t) => [uniqueIndex('assessment_snapshots_uq').on(t.period, t.at, t.version)],
);

/**
 * The indicator engine's day rollup (issue 10): per Beijing day and place of the case (its grid, community,
 * street and district codes and location path), the counts that cannot change once the day is over: events
 * of the day (立案, 处置, 返工, 派遣, 退回, 延期, 挂账, 评价, grid dispatches and their answers), cases
 * created (上报, 巡查上报, 公众上报) and closed (结案, 按期, 处置时长) that day. Rows with `signer_id` hold
 * the answered grid dispatches by who signed them, within post A's and post B's minutes (the signer's
 * post is read when the figures are); rows with `ref_day` hold the patrol cases created on `ref_day` whose
 * first self-handling by their reporter fell on `day` (自处置). Filled by a worker job once the day is over;
 * a day missing from assessment_rollup_days, or stale, is counted live instead.
 */
export const assessmentDayCounts = pgTable(
  'assessment_day_counts',
  {
    day: date('day', { mode: 'string' }).notNull(),
    refDay: date('ref_day', { mode: 'string' }),
    signerId: uuid('signer_id'),
    locationPath: text('location_path').notNull(),
    gridCode: text('grid_code'),
    communityCode: text('community_code'),
    streetCode: text('street_code'),
    districtCode: text('district_code'),
    reported: integer('reported').notNull().default(0),
    patrolReports: integer('patrol_reports').notNull().default(0),
    publicReports: integer('public_reports').notNull().default(0),
    registered: integer('registered').notNull().default(0),
    handled: integer('handled').notNull().default(0),
    rework: integer('rework').notNull().default(0),
    dispatched: integer('dispatched').notNull().default(0),
    returned: integer('returned').notNull().default(0),
    extended: integer('extended').notNull().default(0),
    suspended: integer('suspended').notNull().default(0),
    rated: integer('rated').notNull().default(0),
    satisfied: integer('satisfied').notNull().default(0),
    responseBase: integer('response_base').notNull().default(0),
    respondedA: integer('responded_a').notNull().default(0),
    respondedB: integer('responded_b').notNull().default(0),
    selfHandled: integer('self_handled').notNull().default(0),
    closed: integer('closed').notNull().default(0),
    closedOnTime: integer('closed_on_time').notNull().default(0),
    closedOnTimeNational: integer('closed_on_time_national').notNull().default(0),
    handlingHoursSum: doublePrecision('handling_hours_sum').notNull().default(0),
    handlingCount: integer('handling_count').notNull().default(0),
  },
  (t) => [index('assessment_day_counts_day_idx').on(t.day)],
);

/** The days assessment_day_counts holds: when each was computed, and under which counting rules. */
export const assessmentRollupDays = pgTable('assessment_rollup_days', {
  day: date('day', { mode: 'string' }).primaryKey(),
  computedAt: ts('computed_at').notNull(),
  rules: text('rules').notNull(),
});

/** 问责 records: 通报, 约谈 … attached to a unit, optionally naming cases; counted in the unit's scorecard. */
export const accountabilityRecords = pgTable(
  'accountability_records',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgNodeCode: text('org_node_code').notNull().references(() => orgNodes.code),
    kind: text('kind').notNull(),
    note: text('note').notNull(),
    caseIds: uuid('case_ids').array().notNull().default(sql`'{}'::uuid[]`),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [index('accountability_unit_idx').on(t.orgNodeCode, t.createdAt)],
);

/** Talking on a case (网格员直接与领导对话): internal by default; public replies are shown to residents. */
export const caseComments = pgTable(
  'case_comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id').notNull().references(() => cases.id),
    authorId: uuid('author_id').notNull().references(() => users.id),
    authorRole: text('author_role').notNull(),
    body: text('body').notNull(),
    public: boolean('public').notNull().default(false),
    mentions: jsonb('mentions').$type<string[]>().notNull().default([]),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [index('case_comments_case_idx').on(t.caseId, t.createdAt)],
);

/**
 * Files the scheduled reports post to WeCom groups (the chart PNG, the XLSX), kept so that a retried or
 * delayed robot message sends the same bytes; notifications reference them by id (issue 10, item 3).
 * Base64 text rather than bytea: both drivers (pg, PGlite) read it back the same way.
 */
export const reportFiles = pgTable('report_files', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  contentType: text('content_type').notNull(),
  md5: text('md5').notNull(),
  size: integer('size').notNull(),
  dataBase64: text('data_base64').notNull(),
  createdAt: ts('created_at').notNull(),
});

/* ---- Intake channels, partner callbacks, third-party companies, Open311 (issue 11) ---- */

/**
 * A ticket that came in from another channel, and the case it became: 12345/12319/民意网/民心网 and the
 * companies' own systems (origin 'partner'), the call centre's console (origin 'console'), Open311 clients
 * (origin 'open311'). (channel, ticket_no) is the idempotency key of partner intake. The caller's name and
 * phone live here, never on the case; the tracking page is keyed by the hash of an unguessable token.
 */
export const channelTickets = pgTable(
  'channel_tickets',
  {
    channelId: text('channel_id').notNull(),
    ticketNo: text('ticket_no').notNull(),
    caseId: uuid('case_id').notNull().references(() => cases.id),
    origin: text('origin').notNull(),
    requestHash: text('request_hash').notNull(),
    callerName: text('caller_name'),
    callerPhone: text('caller_phone'),
    trackingTokenHash: text('tracking_token_hash'),
    urgent: boolean('urgent').notNull().default(false),
    receivedAt: ts('received_at'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.channelId, t.ticketNo] }),
    index('channel_tickets_case_idx').on(t.caseId),
    uniqueIndex('channel_tickets_tracking_uq').on(t.trackingTokenHash),
    check('channel_tickets_origin_check', sql`${t.origin} in ('partner','console','open311')`),
  ],
);

/** Nonces seen on signed partner requests; a nonce is refused again within 10 minutes (rows older are pruned). */
export const channelNonces = pgTable(
  'channel_nonces',
  {
    channelId: text('channel_id').notNull(),
    nonce: text('nonce').notNull(),
    seenAt: ts('seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.nonce] }), index('channel_nonces_seen_idx').on(t.seenAt)],
);

/** Status callbacks to a partner platform (受理, 派遣, 办结, 结案, 退回, 重新打开), delivered with retries; 'failed' rows are listed for a retry by hand. */
export const channelCallbacks = pgTable(
  'channel_callbacks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channelId: text('channel_id').notNull(),
    caseId: uuid('case_id').notNull().references(() => cases.id),
    dedupeKey: text('dedupe_key').notNull(),
    status: text('status').notNull().default('pending'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull(),
    lastAttemptAt: ts('last_attempt_at'),
    sentAt: ts('sent_at'),
  },
  (t) => [
    uniqueIndex('channel_callbacks_dedupe_uq').on(t.dedupeKey),
    index('channel_callbacks_status_idx').on(t.status, t.createdAt),
    check('channel_callbacks_status_check', sql`${t.status} in ('pending','sent','failed')`),
  ],
);

/** A third-party inspection company (第三方巡查公司) and its contract: period, patrol hours, whether it may verify (第三方核查). */
export const companies = pgTable('companies', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** Contract period, Beijing dates YYYY-MM-DD, both inclusive. */
  contractStart: text('contract_start').notNull(),
  contractEnd: text('contract_end').notNull(),
  mayVerify: boolean('may_verify').notNull().default(false),
  /** Daily patrol hours, Beijing time HH:MM (漏查 counts only problems found inside them). */
  patrolFrom: text('patrol_from').notNull().default('08:00'),
  patrolTo: text('patrol_to').notNull().default('18:00'),
  createdAt: ts('created_at').notNull(),
});

/** The grids a company is contracted to patrol. */
export const companyGrids = pgTable(
  'company_grids',
  {
    companyId: text('company_id').notNull().references(() => companies.id),
    gridCode: text('grid_code').notNull().references(() => orgNodes.code),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.gridCode] }), index('company_grids_grid_idx').on(t.gridCode)],
);

/** 日巡查: an inspector checked in on site in a grid (the mini-program's patrol mode). */
export const patrolCheckins = pgTable(
  'patrol_checkins',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id),
    companyId: text('company_id').references(() => companies.id),
    gridCode: text('grid_code').notNull().references(() => orgNodes.code),
    /** Beijing date YYYY-MM-DD of the check-in. */
    day: text('day').notNull(),
    at: ts('at').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
  },
  (t) => [
    index('patrol_checkins_company_day_idx').on(t.companyId, t.day),
    index('patrol_checkins_grid_day_idx').on(t.gridCode, t.day),
    // The inspector's own day of patrol (issue 12).
    index('patrol_checkins_user_day_idx').on(t.userId, t.day),
  ],
);

/**
 * A patrol session (巡查, issue 12): from the inspector's start to their stop. At most one open session per
 * person (the partial unique index); the times are when the inspector pressed, which an offline phone sends later.
 */
export const patrolSessions = pgTable(
  'patrol_sessions',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id),
    startedAt: ts('started_at').notNull(),
    stoppedAt: ts('stopped_at'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('patrol_sessions_one_open_uq').on(t.userId).where(sql`${t.stoppedAt} is null`),
    index('patrol_sessions_user_started_idx').on(t.userId, t.startedAt),
  ],
);

/** Open311 API keys, issued by an admin; only a hash is stored, the prefix identifies the key in lists. */
export const open311Keys = pgTable(
  'open311_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull(),
    keyPrefix: text('key_prefix').notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: ts('created_at').notNull(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('open311_keys_hash_uq').on(t.keyHash)],
);

/**
 * Every case's tracking link (issue 13, item 4): `/t/<token>` shows its public view without an account. The
 * token is HMAC(secret, case id + generation), so it can be shown again without being stored; only its hash
 * is kept, for the lookup. Revoking moves to the next generation: the old link stops working.
 */
export const caseTrackingTokens = pgTable(
  'case_tracking_tokens',
  {
    caseId: uuid('case_id').primaryKey().references(() => cases.id),
    generation: integer('generation').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('case_tracking_tokens_hash_uq').on(t.tokenHash)],
);
