import type { CaseState, PointsKind } from '@finecity/types';

export interface ResidentDataRows {
  account: { name: string; mobile: string | null; oaOpenid: string | null; createdAt: Date; status: string; roles: string[] };
  credits: { templateKey: string; credits: number; longTerm: boolean }[];
  points: { listed: boolean; entries: { caseNo: string; kind: PointsKind; points: number; earnedAt: Date }[] };
  reports: { caseNo: string; categoryCode: string; description: string; address: string | null; lat: number; lng: number; anonymous: boolean; state: CaseState; createdAt: Date; ratingScore: number | null; ratingComment: string | null }[];
  following: { caseNo: string; since: Date }[];
  comments: { caseNo: string; body: string; createdAt: Date }[];
}

/** A resident's own data: the copy they may ask for, and its erasure on 注销 (issue 13, item 5). */
export interface ResidentPrivacyStore {
  /** Everything held about the user, or null when there is no such user. */
  exportOf(userId: string): Promise<ResidentDataRows | null>;
  /**
   * In one transaction: the user's identity goes (name replaced, openid, mobile, official-account openid and its
   * follower row, subscriptions, follows, idempotency keys and bind codes deleted, status `deleted`), and their
   * cases lose the link to them (reporter null). Cases, photos and comments stay for the city's record.
   * Answers how many reports were kept.
   */
  erase(userId: string, at: Date): Promise<{ reportsKept: number }>;
}
