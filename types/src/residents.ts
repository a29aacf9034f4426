// Residents on the map (issue 13): "someone already reported this" and 我也遇到.
import type { CaseState } from './case.js';

/** GET /api/v1/cases/nearby?lat=&lng=&categoryCode= (WGS-84). */
export interface NearbyQuery {
  lat: number;
  lng: number;
  categoryCode: string;
}

/**
 * An open case of that category near the point, as anyone may see it: no case number, description, place
 * name or reporter; the first photo only once staff published it.
 */
export interface NearbyCaseDto {
  id: string;
  category: { code: string; name: string };
  /** Metres from the asked point, rounded to the metre. */
  distanceM: number;
  state: CaseState;
  /** The first before-photo's thumbnail, only when a staff member has published it; else null. */
  thumbUrl: string | null;
  /** Residents who tapped 我也遇到 or whose duplicate was merged into it (the first reporter not counted). */
  supporters: number;
  /** The caller already follows it (or reported it). */
  following: boolean;
}

export interface NearbyDto {
  items: NearbyCaseDto[];
  /** The duplicate rule's distance and window the list was drawn with (config/rules.json). */
  distanceM: number;
  windowHours: number;
}

/** POST /api/v1/cases/:id/follow. */
export interface FollowDto {
  caseId: string;
  following: true;
  supporters: number;
}

/**
 * GET /api/v1/me/data: everything FineCity holds about the calling resident (个人信息保护法 第四十五条, the
 * right to access and copy). Times are Beijing wall-clock time, e.g. 2026-12-03 14:05:09.
 */
export interface MyDataDto {
  account: { name: string; mobile: string | null; officialAccountBound: boolean; createdAt: string };
  /** One-time subscribe-message consents left, per message kind. */
  subscriptions: { template: string; credits: number }[];
  reports: { caseNo: string; category: string; description: string; address: string | null; lat: number; lng: number; anonymous: boolean; state: CaseState; reportedAt: string; rating: number | null; ratingComment: string | null }[];
  following: { caseNo: string; since: string }[];
  comments: { caseNo: string; body: string; at: string }[];
  exportedAt: string;
}

/** POST /api/v1/me/delete {confirm: true}: 注销. */
export interface DeleteAccountBody {
  confirm: true;
}

export interface DeleteAccountDto {
  deleted: true;
  /** Reports kept for the city's record, now without any link to the person. */
  reportsKept: number;
}
