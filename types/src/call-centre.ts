// The 12319 call centre and the public tracking page (issue 11, item 3).
import type { CaseState } from './case.js';

/** A case the call centre filed, as its list shows it: the caller's name and phone masked (张*, 138****1234). */
export interface HotlineCaseDto {
  caseId: string;
  caseNo: string;
  callerName: string;
  callerPhone: string;
  categoryName: string;
  state: CaseState;
  /** District and street, or 位置核实中 while the case waits in 待定位. */
  place: string;
  address: string | null;
  locationPending: boolean;
  urgent: boolean;
  /** ISO 8601. */
  createdAt: string;
}

/** The answer to `POST /api/v1/hotline/cases`. */
export interface HotlineFiledDto {
  caseId: string;
  caseNo: string;
  replayed: boolean;
  /** The address matched no place: the case waits in 待定位 for a dispatcher to pin it. */
  locationPending: boolean;
  /** The caller's SMS (case number and tracking link) was sent now. */
  smsSent: boolean;
}

/** `GET /api/v1/track/:token`: only what the public may read. Times are Beijing time written for people. */
export interface TrackingDto {
  caseNo: string;
  categoryName: string;
  statusText: string;
  place: string;
  timeline: { title: string; at: string }[];
  replies: { body: string; at: string }[];
  /** Photos staff published (issue 13), as on the public case page: signed, expiring URLs. */
  photos: { kind: 'before' | 'after'; url: string; thumbUrl: string }[];
}

/** `GET /api/v1/places?parent=`: an area below `parent`, with a WGS-84 point for the map (null: not gridded yet). */
export interface PlaceDto {
  code: string;
  name: string;
  level: 'district' | 'street' | 'community' | 'grid';
  point: { lat: number; lng: number } | null;
  hasChildren: boolean;
}
