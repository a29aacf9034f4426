import type { CaseState } from '@finecity/types';

/** An open case near a point, with what the public may see of it. */
export interface NearbyRow {
  id: string;
  categoryCode: string;
  lat: number;
  lng: number;
  state: CaseState;
  createdAt: Date;
  reporterId: string | null;
  /** The first before-photo, if a staff member has published it. */
  publishedPhotoId: string | null;
  supporters: number;
  callerFollows: boolean;
}

export interface NearbyQueryRow {
  categoryCode: string;
  since: Date;
  /** A lat/lng box holding the circle (domain `searchBox`), for the index cases(category_code, lat). */
  box: { minLat: number; maxLat: number; minLng: number; maxLng: number };
  callerId: string;
  limit: number;
}

/** Residents' reads and writes around a point (issue 13, item 2). */
export interface NearbyStore {
  /** Open cases of the category created since `since` inside the box; the use case keeps the circle. */
  openInBox(q: NearbyQueryRow): Promise<NearbyRow[]>;
  /** The case's state and reporter, or null when there is no such case. */
  followTarget(caseId: string): Promise<{ state: CaseState; reporterId: string | null; mergedIntoId: string | null } | null>;
  /** Adds the follower (idempotent); answers whether a row was added and the supporter count after. */
  follow(caseId: string, userId: string, at: Date): Promise<{ added: boolean; supporters: number }>;
}
