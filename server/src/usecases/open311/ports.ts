import type { AuditEntry } from '../admin/audit.js';

/**
 * Persistence for Open311 GeoReport v2 (issue 11, item 5; spec: https://wiki.open311.org/GeoReport_v2/).
 * Implemented in adapters/postgres/open311-repository.ts, chosen by the composition root.
 */

/** An issued API key as stored: only the hash of the key, and a prefix that names it in lists. */
export interface Open311KeyRecord {
  id: string;
  name: string;
  keyPrefix: string;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

/**
 * A case as Open311 may show it: the public facts only. No reporter, no caller, no internal notes; the
 * latest public staff reply and the photos staff published are the only text and media beside the case's own.
 */
export interface Open311CaseRow {
  caseNo: string;
  categoryCode: string;
  state: string;
  description: string;
  /** msgSecCheck asked for a human look: the text is withheld until staff act on it. */
  moderation: string | null;
  anonymous: boolean;
  locationPending: boolean;
  lat: number;
  lng: number;
  address: string | null;
  districtCode: string;
  streetCode: string | null;
  responsibleCode: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  dueAt: Date | null;
  /** The newest staff comment marked public, if any. */
  publicNote: string | null;
  /** Photos staff marked public (case_photos.published_at), oldest first. */
  publishedPhotoIds: string[];
}

/** GET requests: either named cases (service_request_id overrides all else) or a window of requested_datetime. */
export type Open311Query =
  | { caseNos: string[] }
  | { categoryCodes: string[] | null; from: Date; to: Date; status: ('open' | 'closed')[] | null; limit: number };

export interface Open311Store {
  insertKey(k: { name: string; keyHash: string; keyPrefix: string; createdBy: string; at: Date }, audit: (id: string) => AuditEntry): Promise<Open311KeyRecord>;
  listKeys(): Promise<Open311KeyRecord[]>;
  /** Sets revoked_at once (a revoked key stays revoked at its first time); null when there is no such key. */
  revokeKey(id: string, at: Date, audit: (before: Open311KeyRecord) => AuditEntry): Promise<Open311KeyRecord | null>;
  keyByHash(keyHash: string): Promise<Open311KeyRecord | null>;
  requests(q: Open311Query): Promise<Open311CaseRow[]>;
  /** The case number a token (the Open311 channel ticket's number) became; null when unknown. */
  caseNoByToken(token: string): Promise<string | null>;
}
