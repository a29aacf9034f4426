import type { Deps } from './deps.js';
import type { Photos } from './photo-intake.js';

/**
 * A photo's files are written before its case's transaction commits (usecases/photo-intake.ts), and removed
 * again when that transaction fails. A process killed in between (kill -9, power cut) leaves files no row
 * names: this job removes them. A file younger than `graceMs` may still belong to a request in flight, so it
 * is left for the next run.
 */
export const ORPHAN_GRACE_MS = 60 * 60_000;
const BATCH = 500;

export interface OrphanSweep {
  /** Photo ids found on disk older than the grace period. */
  examined: number;
  /** Of those, the ones no row named, removed. */
  removed: number;
}

export async function removeOrphanPhotos(deps: { photos: Pick<Photos, 'storedBefore' | 'remove'> } & Pick<Deps, 'photoRows' | 'clock'>, graceMs = ORPHAN_GRACE_MS): Promise<OrphanSweep> {
  const before = new Date(deps.clock.now().getTime() - graceMs);
  let examined = 0;
  let removed = 0;
  let batch: string[] = [];
  const flush = async () => {
    const known = await deps.photoRows.known(batch);
    const orphans = batch.filter((id) => !known.has(id));
    for (const id of orphans) await deps.photos.remove(id);
    examined += batch.length;
    removed += orphans.length;
    batch = [];
  };
  for await (const id of deps.photos.storedBefore(before)) {
    batch.push(id);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  return { examined, removed };
}
