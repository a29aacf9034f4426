export const PHOTO_LIMITS = {
  maxPerReport: 9,
  minPerReport: 1,
  maxPerAction: 9,
  maxBytes: 10 * 1024 * 1024,
  /** Decoded pixel count refused above this (pixel bombs); 40 MP covers any phone camera. */
  maxPixels: 40_000_000,
  maxEdge: 1600,
  thumbEdge: 320,
  acceptedTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif'],
} as const;

export const TEXT_LIMITS = {
  description: 1000,
  address: 200,
  note: 500,
  comment: 500,
} as const;

export const REOPEN_WINDOW_DAYS = 7;
export const PAGE_SIZE_MAX = 100;
