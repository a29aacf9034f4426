import type { Deps } from './deps.js';
import { processPhotos, storeProcessed, type StoredPhoto } from './photo-intake.js';

export type { StoredPhoto };

/**
 * Validates and re-encodes every photo before anything is written, so one bad file refuses the whole
 * request with nothing stored; then stores them. The caller removes them if its transaction fails.
 */
export async function storePhotos(deps: Pick<Deps, 'photos'>, files: Buffer[]): Promise<StoredPhoto[]> {
  return storeProcessed(deps, await processPhotos(deps, files));
}
