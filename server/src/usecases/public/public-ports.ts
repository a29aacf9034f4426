import type { CaseState, PublicStatus } from '@finecity/types';

export interface PublicFilter {
  categoryCode?: string;
  status?: PublicStatus;
  districtCode?: string;
  /** Instants bounding created_at: [since, until). */
  since?: Date;
  until?: Date;
}

export interface PublicCaseRow {
  id: string;
  categoryCode: string;
  state: CaseState;
  anonymous: boolean;
  districtCode: string;
  streetCode: string | null;
  communityCode: string | null;
  lat: number;
  lng: number;
  /** The street's centre (for anonymous reports), when the street has one on file. */
  streetLat: number | null;
  streetLng: number | null;
  createdAt: Date;
  /** The first published before-photo. */
  thumbPhotoId: string | null;
}

export interface PublicCaseDetailRows {
  row: PublicCaseRow & { description: string };
  steps: { action: string; toState: CaseState; at: Date }[];
  replies: { body: string; at: Date }[];
  photos: { id: string; kind: 'before' | 'after' }[];
  supporters: number;
}

/** The public view's reads: registered cases only (never submitted, rejected or merged), public fields only. */
export interface PublicCaseReads {
  /** A page of matching cases, newest first. */
  list(f: PublicFilter, page: { limit: number; offset: number }): Promise<PublicCaseRow[]>;
  /**
   * How many cases match, counted up to `cap`. It may be up to the public answers' max-age old: counting every
   * one of a city's cases on each page view would cost more than the page itself.
   */
  count(f: PublicFilter, cap: number): Promise<number>;
  points(f: PublicFilter, limit: number): Promise<PublicCaseRow[]>;
  one(id: string): Promise<PublicCaseDetailRows | null>;
  /** Sets or clears a photo's published time; false when the photo is not one of the case's. */
  setPhotoPublished(caseId: string, photoId: string, at: Date | null): Promise<boolean>;
}
