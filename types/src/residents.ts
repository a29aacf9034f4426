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
  /** Where it is (WGS-84), rounded to 4 decimals (about 10 m), for the map's markers. */
  point: { lat: number; lng: number };
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
  subscriptions: { template: string; credits: number; longTerm: boolean }[];
  /** 积分 (issue 13, item 7): the credits held and whether the resident appears on the public list. */
  points: { listed: boolean; entries: { caseNo: string; kind: PointsKind; points: number; at: string }[] };
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

/**
 * GET /api/v1/map/place?lat=&lng= (WGS-84): the place under the pin picker's centre, from FineCity's own
 * grid locator. A point outside the service area answers 422 `location.outside_service_area` with the same
 * message a report there would get.
 */
export interface PinPlaceDto {
  districtName: string;
  streetName: string | null;
  communityName: string | null;
  gridName: string | null;
  /** 中山区 · 青泥洼桥街道 · 长春路社区 · 第3网格 (the names that exist, joined by " · "). */
  label: string;
}

/** What earned points (config/points.json): a registered report, and the first finder's bonus. */
export type PointsKind = 'registered' | 'first_finder';

/** GET /api/v1/me/points: the resident's 积分, computed from case events. */
export interface MyPointsDto {
  total: number;
  /** This Beijing month's points, what the monthly list ranks. */
  month: number;
  /** The resident asked not to appear on the public 市民监督员 list. */
  optedOut: boolean;
  entries: { caseId: string; caseNo: string; category: string; kind: PointsKind; points: number; at: string }[];
  /** The rules as config states them, for the page to explain. */
  rules: { registered: number; firstFinder: number };
}

/** POST /api/v1/me/points/listing {listed}: appear on (true) or leave (false) the monthly list. */
export interface PointsListingBody {
  listed: boolean;
}

/**
 * GET /api/v1/public/top-reporters?month=YYYY-MM&districtCode= (no login): the monthly 市民监督员 list per
 * district, masked nicknames only (张*, 微信用户**12), opted-out residents left out.
 */
export interface TopReportersDto {
  month: string;
  districts: { districtCode: string; districtName: string; rows: { rank: number; nickname: string; points: number }[] }[];
}
