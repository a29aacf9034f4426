import type { NotifyDeps } from './ports.js';

/**
 * Rows still pending this long after their creation, with no attempt in that time, have lost their job: a
 * delivery job or a robot's parked list that Redis lost with its data (or a worker killed between draining a
 * robot's list and sending). The longest legitimate quiet spell is far shorter: BullMQ's backoff (2 s doubling,
 * six attempts: at most 32 s between attempts) and a robot's one-minute window.
 */
export const STRANDED_AFTER_MS = 5 * 60_000; // REDRIVE_AFTER_MS
const LIMIT = 500;

/**
 * Delivers stranded rows again. Run by every worker each minute: the round (the five-minute slot) is in the
 * job id, so workers re-driving the same rows at the same time queue one job per row; deliverNotification
 * sends a row only while it is pending, and parks a robot's row again when its window is full.
 */
export async function redriveStranded(d: Pick<NotifyDeps, 'store' | 'queue' | 'clock'>, afterMs = STRANDED_AFTER_MS): Promise<number> {
  const now = d.clock.now().getTime();
  const ids = await d.store.stalePending(new Date(now - afterMs), LIMIT);
  if (ids.length) await d.queue.redeliver(ids, `r${Math.floor(now / afterMs)}`);
  return ids.length;
}
