// The public view of the city's work (issue 13, item 3): no login, no personal data.

/** 办理中 or 已结案, as the public filter reads. */
export const PUBLIC_STATUSES = ['open', 'closed'] as const;
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

/** GET /api/v1/public/cases and /public/map. Dates are Beijing calendar days (YYYY-MM-DD), inclusive. */
export interface PublicCaseQuery {
  categoryCode?: string;
  status?: PublicStatus;
  districtCode?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

/**
 * A registered case as anyone may see it. The place is the community (the street only, for a report made
 * anonymously); the point is rounded to about 10 m (for an anonymous report: the street's centre, or a
 * 0.01° cell).
 */
export interface PublicCaseSummaryDto {
  id: string;
  category: { code: string; name: string };
  open: boolean;
  statusText: string;
  place: string;
  point: { lat: number; lng: number };
  /** Beijing time, 2026-12-03 14:05. */
  reportedAt: string;
  /** The first before-photo's thumbnail once staff published it; else null. */
  thumbUrl: string | null;
}

export interface PublicCaseListDto {
  items: PublicCaseSummaryDto[];
  /** Matching cases, counted up to 10,000; `totalCapped` says more match ("10000+"). */
  total: number;
  totalCapped: boolean;
  page: number;
  pageSize: number;
}

/** GET /api/v1/public/map: every matching case as a point (at most `limit`; `truncated` says more matched). */
export interface PublicMapDto {
  points: { id: string; lat: number; lng: number; open: boolean; categoryName: string }[];
  truncated: boolean;
}

/** GET /api/v1/public/cases/:id. */
export interface PublicCaseDto extends PublicCaseSummaryDto {
  /** The reporter's description, checked by the content check and shown only once the case was registered. */
  description: string;
  timeline: { title: string; at: string }[];
  /** Staff replies marked public. */
  replies: { body: string; at: string }[];
  /** Only photos a staff member published (faces and plates). */
  photos: { kind: 'before' | 'after'; url: string; thumbUrl: string }[];
  supporters: number;
}

/** POST /api/v1/cases/:id/photos/:photoId/publish {published}. */
export interface PublishPhotoBody {
  published: boolean;
}

/** GET /api/v1/public/districts: the districts and pilot zones the public filter offers. */
export interface PublicDistrictsDto {
  districts: { code: string; name: string }[];
}
