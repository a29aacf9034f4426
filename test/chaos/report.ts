import os from 'node:os';
import type { Counters } from './client.js';
import type { FaultRecord } from './faults.js';
import type { Verdict } from './invariants.js';
import type { Ledger } from './load.js';

/** Columns padded to their widest cell: figures right-aligned, text left-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const numeric = (c: string) => /^-?[\d.]+$|^never$/.test(c);
  return rows.map((r) => r.map((c, i) => (numeric(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

export function printReport(o: {
  title: string;
  faults: FaultRecord[];
  reporter: Counters;
  staff: Counters;
  ledger: Ledger;
  verdicts: Verdict[];
  load: number[];
}): string {
  const lines: string[] = [`\n=== ${o.title} ===`, '', 'faults injected'];
  lines.push(
    table([
      ['fault', 'at (s)', '/readyz after (s)', 'note'],
      ...o.faults.map((f) => [f.kind, String(f.at), f.readyMs === null ? 'never' : (f.readyMs / 1000).toFixed(1), f.note]),
    ]),
  );
  lines.push('', 'requests');
  const row = (name: string, c: Counters) => [name, String(c.sent), String(c.acknowledged), String(c.retried), String(c.failed), String(c.ambiguous)];
  lines.push(
    table([
      ['clients', 'sent', 'acknowledged', 'retried', 'failed', 'of which 409 after a lost answer'],
      row('residents (reports)', o.reporter),
      row('staff (logins, actions)', o.staff),
    ]),
  );
  const walked = o.ledger.transitions.reduce<Record<string, number>>((m, t) => ((m[t.action] = (m[t.action] ?? 0) + 1), m), {});
  lines.push(
    `reports: ${o.ledger.reports.length} sent, ${o.ledger.reports.filter((r) => r.caseId).length} acknowledged, ` +
      `${o.ledger.notSent} still in the residents' outboxes at the end; ` +
      `transitions acknowledged: ${Object.entries(walked).map(([a, n]) => `${a} ${n}`).join(', ')}; closed ${o.ledger.closed}`,
  );
  const stopped = Object.entries(o.ledger.stopped);
  if (stopped.length) lines.push(`walks stopped: ${stopped.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  const statuses = (c: Counters) => Object.entries(c.byStatus).map(([s, n]) => `${s === '0' ? 'no answer' : s} ×${n}`).join(', ');
  lines.push(`HTTP answers: residents ${statuses(o.reporter)}; staff ${statuses(o.staff)}`);
  for (const s of [...o.reporter.samples, ...o.staff.samples].slice(0, 8)) lines.push(`  e.g. ${s}`);
  lines.push('', 'invariants');
  lines.push(table([['invariant', 'result', 'figure'], ...o.verdicts.map((v) => [v.name, v.ok ? 'ok' : 'FAILED', v.figure])]));
  for (const v of o.verdicts) if (!v.ok && v.examples) lines.push(`  ${v.name}: ${v.examples.join(' | ')}`);
  const failed = o.verdicts.filter((v) => !v.ok).length;
  lines.push('', `load average during the run (1 min, sampled): max ${Math.max(...o.load).toFixed(2)}, mean ${(o.load.reduce((a, b) => a + b, 0) / Math.max(1, o.load.length)).toFixed(2)} on ${os.availableParallelism()} cores`);
  lines.push(failed ? `chaos: ${failed} invariant(s) FAILED` : 'chaos: every invariant held');
  const text = lines.join('\n') + '\n';
  process.stdout.write(text);
  return text;
}
