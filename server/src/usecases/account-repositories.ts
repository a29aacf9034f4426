import type { OrgLevel, Role, SandboxAccount } from '@finecity/types';
import type { Half } from '../domain/oa-pairing.js';

/**
 * Persistence of people and their WeChat identities, as the use cases see it: the user directory,
 * subscribe-message credits, the official account's followers, pending halves, bind codes and push
 * nonces, and the dashboard's counts. Implementations live in adapters/postgres/ (see repositories.ts for
 * the case ports and the unit of work).
 */

/** A user as each request needs them: one statement per request loads this. */
export interface UserRecord {
  id: string;
  name: string;
  roles: Role[];
  orgNodeCode: string | null;
  /** Grid inspectors' A/B post; null for everyone else. */
  dutySlot: 'A' | 'B' | null;
  /** The mini-program openid (the content check needs it); null for accounts known by the official account only. */
  openid: string | null;
  /** Staff lifecycle (users.status); absent is read as active. A deactivated account is refused at once. */
  status?: 'invited' | 'active' | 'deactivated' | 'deleted';
  /** A third-party inspector's company (issue 11); null or absent for everyone else. */
  companyId?: string | null;
  /** Logout: tokens issued up to this instant are refused (null or absent: none revoked). */
  tokensRevokedAt?: Date | null;
}

export interface UserDirectory {
  byId(id: string): Promise<UserRecord | null>;
  /** The user a mini-program openid belongs to. */
  byOpenid(openid: string): Promise<UserRecord | null>;
  /** A first-time mini-program openid becomes a resident; a concurrent login that won the race is returned instead. */
  enrolResident(openid: string, name: string): Promise<UserRecord>;
  /** The user an official-account openid is bound to (a staff member after binding, or a resident made for it). */
  idByOfficialAccountOpenid(oaOpenid: string): Promise<string | null>;
  /** A follower nobody knows yet becomes a resident known by the official account's openid only; returns its id. */
  enrolOfficialAccountResident(oaOpenid: string, name: string): Promise<string>;
  /** The seeded demo accounts (sandbox login picker), in their seeded order. */
  demoAccounts(): Promise<SandboxAccount[]>;
  /** Drops any cached copy of this user in this process (after a deactivation or a binding). */
  forget?(id: string): void;
  /** Logout: every token of this user issued up to `at` is refused from now on. */
  revokeTokens(id: string, at: Date): Promise<void>;
}

/** One-time subscribe-message consent credits, per user and template key. */
export interface SubscriptionCredits {
  /** Adds `added` credits (0 records the answer without one) and returns the balance. */
  add(userId: string, templateKey: string, added: number, at: Date): Promise<number>;
  /** The user accepted (true) or refused (false) the template's long-term variant (issue 13, item 8). */
  setLongTerm(userId: string, templateKey: string, on: boolean, at: Date): Promise<void>;
}

/** A staff member's one-time bind code, with its owner (read under lock). */
export interface BindCodeRecord {
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
  ownerName: string;
  /** The official-account openid the owner is bound to now. */
  ownerOaOpenid: string | null;
}

/** A report the official account already made for a follower: its pair key and case number. */
export interface OfficialAccountReport {
  key: string;
  caseNo: string;
}

/** The official account's followers, their pending halves, bind codes and push nonces. */
export interface OfficialAccountStore {
  /* ---- followers ---- */
  /** Any message proves the follower follows: the row is created once (linked to its user, if any), then changed by events only. */
  noteFollower(oaOpenid: string, at: Date): Promise<void>;
  /** subscribe / unsubscribe at `at`; an older event never overwrites a newer one. */
  recordFollow(oaOpenid: string, subscribed: boolean, at: Date): Promise<void>;
  /** Links a follower that has no user yet to `userId`. */
  linkFollower(oaOpenid: string, userId: string): Promise<void>;

  /* ---- pending halves (photo + location → a report) ---- */
  /** One follower's messages are decided one at a time, across processes too (held until the transaction ends). */
  lockFollower(oaOpenid: string): Promise<void>;
  pendingHalf(oaOpenid: string): Promise<Half | null>;
  /** The follower's one pending half becomes `half` (its `at` is when the follower sent it). */
  savePending(oaOpenid: string, half: Half): Promise<void>;
  /** Removes exactly this pending half, so a newer one saved meanwhile survives. */
  dropPending(oaOpenid: string, half: Half): Promise<void>;
  /** Pending halves last changed before `before` go (past any window they are only ignored). */
  dropPendingBefore(before: Date): Promise<void>;
  /** Reports the official account made for this user since `since`. */
  reportsSince(userId: string, since: Date): Promise<OfficialAccountReport[]>;

  /* ---- bind codes ---- */
  /** Removes the user's unused codes and every code that expired before `expiredBefore` (its number is free again). */
  clearBindCodes(userId: string, expiredBefore: Date): Promise<void>;
  /** False when the code is taken. */
  insertBindCode(code: string, userId: string, expiresAt: Date): Promise<boolean>;
  /** The code and its owner, locked for the rest of the transaction. */
  bindCodeForUpdate(code: string): Promise<BindCodeRecord | null>;
  markBindCodeUsed(code: string, at: Date): Promise<void>;
  /** The official-account openid moves to `userId`: off any other user and follower link, onto this one. */
  bindOpenid(userId: string, oaOpenid: string): Promise<void>;

  /* ---- push replay protection ---- */
  nonceSeen(nonce: string, timestamp: number): Promise<boolean>;
  rememberNonce(nonce: string, timestamp: number, at: Date): Promise<void>;
  forgetNoncesBefore(before: Date): Promise<void>;
}

/** Where the counted cases are: by location, or (for a department) by who holds them. */
export interface StatsScope {
  path: string;
  by: 'location' | 'holder';
  /** The level one below the scope's node to group by; null: one total row. */
  groupBy: Exclude<OrgLevel, 'city' | 'department'> | null;
}

/** Counts for one unit below the scope (unit null: the total when not grouped, or cases with no unit). */
export interface StatsCountRow {
  unit: string | null;
  reported: number;
  closed: number;
  closedOnTime: number;
  open: number;
  overdue: number;
  todayReported: number;
  todayClosed: number;
}

export interface StatsQueries {
  /** The dashboard's counts since `from` (the period) and `today`, open and overdue at `now`. */
  caseCounts(scope: StatsScope, t: { from: Date; today: Date; now: Date }): Promise<StatsCountRow[]>;
}
