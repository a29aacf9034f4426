import crypto from 'node:crypto';
import type { Deps } from './deps.js';
import type { PhotoMeta } from './repositories.js';

/** A photo checked and re-encoded in memory (the variants are the adapter's business). */
export interface ProcessedPhoto {
  width: number;
  height: number;
  bytes: number;
  sha256: string;
}

export type PhotoVariant = 'full' | 'thumb';

/** The photo pipeline and its store: untrusted upload → checked, re-encoded variants → files. */
export interface Photos {
  /** Refuses what is not a photo we accept (clear 4xx); never keeps the original. */
  process(upload: Buffer): Promise<ProcessedPhoto>;
  put(id: string, photo: ProcessedPhoto): Promise<void>;
  read(id: string, variant: PhotoVariant): Promise<{ body: Buffer; contentType: string } | null>;
  remove(id: string): Promise<void>;
  /** Ids of the stored photos last written before `before` (and stale temp files removed on the way). */
  storedBefore(before: Date): AsyncIterable<string>;
}

/** Which photo ids a row names (case_photos): a file without one is an orphan. */
export interface PhotoRows {
  known(ids: readonly string[]): Promise<Set<string>>;
}

export interface StoredPhoto {
  id: string;
  meta: PhotoMeta;
}

/** Every photo is checked and re-encoded before anything is written, so one bad file refuses the whole request. */
export async function processPhotos(deps: Pick<Deps, 'photos'>, files: Buffer[]): Promise<ProcessedPhoto[]> {
  const out: ProcessedPhoto[] = [];
  for (const f of files) out.push(await deps.photos.process(f));
  return out;
}

/** Writes processed photos; on failure removes what was written. The caller removes them if its transaction fails. */
export async function storeProcessed(deps: Pick<Deps, 'photos'>, processed: ProcessedPhoto[]): Promise<StoredPhoto[]> {
  const stored: StoredPhoto[] = [];
  try {
    for (const p of processed) {
      const id = crypto.randomUUID();
      await deps.photos.put(id, p);
      stored.push({ id, meta: { id, width: p.width, height: p.height, bytes: p.bytes, sha256: p.sha256 } });
    }
  } catch (err) {
    await removePhotos(deps, stored);
    throw err;
  }
  return stored;
}

export async function removePhotos(deps: Pick<Deps, 'photos'>, stored: StoredPhoto[]): Promise<void> {
  await Promise.all(stored.map((p) => deps.photos.remove(p.id).catch(() => undefined)));
}
