import crypto from 'node:crypto';
import { processPhoto } from '../adapters/storage/photo-processor.js';
import type { Deps } from './deps.js';

export interface StoredPhoto {
  id: string;
  meta: { id: string; width: number; height: number; bytes: number; sha256: string };
}

/**
 * Validates and re-encodes every photo before anything is written, so one bad file refuses the whole
 * request with nothing stored; then stores them. The caller removes them if its transaction fails.
 */
export async function storePhotos(deps: Deps, files: Buffer[]): Promise<StoredPhoto[]> {
  const processed = [];
  for (const f of files) processed.push(await processPhoto(f));
  const stored: StoredPhoto[] = [];
  try {
    for (const p of processed) {
      const id = crypto.randomUUID();
      await deps.photos.put(id, p);
      stored.push({ id, meta: { id, width: p.width, height: p.height, bytes: p.bytes, sha256: p.sha256 } });
    }
  } catch (err) {
    await Promise.all(stored.map((s) => deps.photos.remove(s.id)));
    throw err;
  }
  return stored;
}
