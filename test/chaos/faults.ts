import type { Rng } from './rng.js';
import { shuffle } from './rng.js';

/** One fault as injected and how the API came back from it. */
export interface FaultRecord {
  kind: string;
  /** Seconds after the load started. */
  at: number;
  /** ms from the fault's start until the front door answered /readyz with 200 (null: not within the cap). */
  readyMs: number | null;
  /** What else is worth knowing: the restarted process's own readiness, a job in flight at the kill. */
  note: string;
}

export interface FaultPlan {
  kind: string;
  /** ms after the load started. */
  at: number;
}

/** The first fault this long after the load starts, the last this long before its end (time to recover). */
const LEAD_MS = 20_000;
const TAIL_MS = 30_000;

/**
 * Seeded moments for the faults: the run's window split into one slot per fault (in a seeded order), each
 * fault at a random point of its slot, so no two faults overlap on a short run and every order is possible.
 */
export function planFaults(rng: Rng, kinds: string[], durationMs: number): FaultPlan[] {
  const window = Math.max(durationMs - LEAD_MS - TAIL_MS, kinds.length * 5000);
  const slot = window / kinds.length;
  return shuffle(rng, kinds).map((kind, i) => ({ kind, at: Math.round(LEAD_MS + i * slot + rng() * slot * 0.6) }));
}

/** Polls `${url}/readyz` from now until a 200, up to `capMs`; returns ms waited, or null. */
export async function readyWithin(url: string, capMs: number, from = Date.now()): Promise<number | null> {
  for (;;) {
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return Date.now() - from;
    } catch {
      /* down: poll again */
    }
    if (Date.now() - from > capMs) return null;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What an injected fault says about itself; `more` adds to the note when it settles (a restarted process's own readiness). */
export interface Injected {
  note: string;
  more?: Promise<string>;
}

/**
 * Runs `inject` and times the front door's /readyz from the fault's start. The poll starts once the fault
 * is in place (a restart has stopped the service and started it again), timed from before it began.
 */
export async function timed(kind: string, startedAt: number, frontUrl: string, inject: () => Promise<Injected>): Promise<{ record: FaultRecord; settled: Promise<void> }> {
  const t0 = Date.now();
  const { note, more } = await inject();
  const readyMs = await readyWithin(frontUrl, 60_000, t0);
  const record: FaultRecord = { kind, at: Math.round((t0 - startedAt) / 1000), readyMs, note };
  const settled = more ? more.then((m) => void (record.note += `; ${m}`)) : Promise.resolve();
  return { record, settled };
}

/** Active BullMQ jobs under the topology's prefix (LLEN of each queue's active list): a worker is mid-job when > 0. */
export async function activeJobs(redisUrl: string, prefix: string): Promise<number> {
  const { Redis } = await import('ioredis');
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: true, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    await r.connect();
    let n = 0;
    for (const q of ['notifications', 'deadlines', 'schedules']) n += await r.llen(`${prefix}:${q}:active`);
    return n;
  } catch {
    return -1;
  } finally {
    r.disconnect();
  }
}
