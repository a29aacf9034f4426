import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FaultRecord } from './faults.js';
import type { checkAll } from './invariants.js';
import { FAST_CATEGORY, FAST_HOURS } from './chaos-config.js';
import type { Ledger, Load } from './load.js';
import { printReport } from './report.js';

/** What both chaos modes share: options, the load's shape, settling and the report. */
export interface RunOptions {
  minutes: number;
  seed: number;
  rate: number;
  keep: boolean;
  runDir: string;
  log: (line: string) => void;
}

/** The load's shape, shared by both modes: one report in 20 on the minute clock; 6 staff clients; 30 residents (one outbox each). */
export const LOAD_SHAPE = { fastEvery: 20, staffConcurrency: 6, residents: 30 };
export const READY_CAP_MS = 10_000;
/** After the load stops: retries and walks finish within this. */
export const DRAIN_MS = 45_000;

/**
 * Waits, the system still running, until the first minute-clock case dispatched has been due for the
 * overdue invariant's 60 s (and 5 s more): otherwise a short run on a fast machine can end before any case
 * could be judged, and the invariant would have nothing to hold on. At most `capMs`.
 */
export async function awaitOverdueWindow(ledger: Ledger, logLine: (l: string) => void, capMs = 180_000): Promise<void> {
  const fast = new Set(ledger.reports.filter((r) => r.category === FAST_CATEGORY && r.caseId).map((r) => r.caseId!));
  const first = Math.min(...ledger.transitions.filter((t) => t.action === 'dispatch' && fast.has(t.caseId)).map((t) => t.at));
  if (!Number.isFinite(first)) return;
  const until = Math.min(first + FAST_HOURS * 3_600_000 + 65_000, Date.now() + capMs);
  const wait = until - Date.now();
  if (wait <= 0) return;
  logLine(`waiting ${Math.round(wait / 1000)} s: the first minute-clock case must have been due for 60 s before the checks`);
  await new Promise((r) => setTimeout(r, wait));
}

/** Samples the 1-minute load average every 5 s while the run lasts (the machine is shared). */
export function sampleLoad(): { samples: number[]; stop: () => void } {
  const samples = [os.loadavg()[0]!];
  const t = setInterval(() => samples.push(os.loadavg()[0]!), 5000);
  return { samples, stop: () => clearInterval(t) };
}

/** Waits until `status` reports nothing outstanding (both counts 0), at most 120 s. */
export async function settle(logLine: (l: string) => void, status: () => Promise<string>): Promise<void> {
  const end = Date.now() + 120_000;
  let s = '';
  while (Date.now() < end) {
    s = await status().catch((e: unknown) => `status failed: ${String(e)}`);
    if (/^0 outbox rows unpublished, 0 notifications pending$/.test(s)) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  logLine(`settled: ${s}`);
}

export function finish(
  o: RunOptions,
  title: string,
  faults: FaultRecord[],
  load: Load,
  verdicts: Awaited<ReturnType<typeof checkAll>>,
  loadSamples: number[],
  recorder: { messages: unknown[]; resets: number; gaps: number },
): number {
  const text = printReport({
    title: `${title}; ${o.minutes} min at ${o.rate} reports/s; seed ${o.seed}`,
    faults, reporter: load.reporter.counters, staff: load.staff.counters, ledger: load.ledger, verdicts, load: loadSamples,
  });
  process.stdout.write(`sandbox record: ${recorder.messages.length} messages copied (${recorder.resets} sandbox restarts, ${recorder.gaps} full polls)\n`);
  fs.writeFileSync(path.join(o.runDir, 'report.txt'), text);
  // The sandbox's record as the run copied it, one message a line: what a failed delivery check is read against.
  fs.writeFileSync(path.join(o.runDir, 'sandbox-messages.jsonl'), recorder.messages.map((m) => JSON.stringify(m)).join('\n'));
  return verdicts.every((v) => v.ok) ? 0 : 1;
}

