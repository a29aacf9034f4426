import type { CaseState } from '@finecity/types';

/** A case the call centre filed, as its list reads it (the caller's name and phone in full: the presenter masks them). */
export interface FiledByCallCentre {
  caseId: string;
  caseNo: string;
  ticketNo: string;
  callerName: string | null;
  callerPhone: string | null;
  categoryCode: string;
  state: CaseState;
  address: string | null;
  districtCode: string;
  streetCode: string | null;
  locationPending: boolean;
  urgent: boolean;
  createdAt: Date;
}

/** What the public tracking page may be built from: the case's public facts, its state changes and its public replies. */
export interface TrackedCase {
  caseNo: string;
  categoryCode: string;
  state: CaseState;
  districtCode: string;
  streetCode: string | null;
  locationPending: boolean;
  createdAt: Date;
  /** Every state change, oldest first (action and the state it led to; never notes or actors). */
  steps: { action: string; toState: CaseState; at: Date }[];
  /** Staff comments marked public, oldest first (never their authors). */
  replies: { body: string; at: Date }[];
  /** Photos a staff member published (faces and plates: nothing else is public), before ones first. */
  photos: { id: string; kind: 'before' | 'after' }[];
}

/** A place to pick when a caller gives no address we can match (the 话务台 and the 待定位 queue). */
export interface PlaceRow {
  code: string;
  name: string;
  level: 'district' | 'street' | 'community' | 'grid';
  point: { lat: number; lng: number } | null;
}

/** Reads behind the call centre's list and the public tracking page (adapters/postgres/tracking-repository.ts). */
export interface CallCentreReads {
  /** Cases filed at the console (channel 12319, origin 'console') by this operator, newest first. */
  filedBy(operatorId: string, page: { offset: number; limit: number }): Promise<{ items: FiledByCallCentre[]; total: number }>;
  /** The case whose ticket, or whose current tracking link (issue 13), carries this token hash; null when none does. */
  byTrackingHash(tokenHash: string): Promise<TrackedCase | null>;
  /**
   * The areas directly below a node (districts, streets, communities, grids; never handling units), each with
   * a point for the map: a grid's centroid, else the mean of its grids' centroids (null: no grid there yet).
   */
  placesBelow(parentCode: string): Promise<PlaceRow[]>;
}

/** The caller's SMS: the case number and the tracking link (one provider template, config/env.example). */
export interface CallerSms {
  sendTracking(phone: string, params: { caseNo: string; link: string }, outId: string): Promise<{ ok: true } | { ok: false; code: string }>;
}

export interface CallCentrePorts {
  reads: CallCentreReads;
  sms: CallerSms;
  /** Where the public H5 pages are served (PUBLIC_BASE_URL), without a trailing slash. */
  publicBaseUrl: string;
}
