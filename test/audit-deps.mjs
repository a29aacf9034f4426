#!/usr/bin/env node
// Dependency audit for CI (issue 14, item 8): `npm audit --omit=dev --audit-level=high`, failing on any high or
// critical advisory of a production dependency that test/audit-exceptions.json does not excuse with a reason.
//
//   node test/audit-deps.mjs            exit 0 clean (or every finding excused), 1 unexcused findings or an expired
//                                       exception, 2 the audit could not run (registry without the audit endpoint)
//   node test/audit-deps.mjs --offline-ok   an unreachable audit endpoint is a warning (exit 0), for mirrors without it
//
// An exception is {"advisory": "GHSA-…" | advisory URL | package name, "reason": "why it does not apply", "until": "YYYY-MM-DD"}:
// it excuses matching advisories until that date, then fails again so someone looks at it once more.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const SEVERE = new Set(['high', 'critical']);
const EXCEPTIONS = fileURLToPath(new URL('./audit-exceptions.json', import.meta.url));

/** Every high/critical advisory in an `npm audit --json` (v7+) report: {package, id, title, url, severity}. */
export function advisories(report) {
  const out = [];
  for (const [name, v] of Object.entries(report?.vulnerabilities ?? {})) {
    for (const via of v.via ?? []) {
      if (typeof via !== 'object' || !SEVERE.has(via.severity)) continue;
      const id = /GHSA-[\w-]+/.exec(via.url ?? '')?.[0] ?? String(via.source ?? '');
      out.push({ package: via.name ?? name, id, title: via.title ?? '', url: via.url ?? '', severity: via.severity });
    }
  }
  const seen = new Set();
  return out.filter((a) => { const k = `${a.package}|${a.id}`; if (seen.has(k)) return false; seen.add(k); return true; });
}

/** Splits advisories into excused and not, and lists exceptions that lack a reason or have expired. */
export function judge(report, exceptions, today = new Date().toISOString().slice(0, 10)) {
  const problems = [];
  const live = [];
  for (const e of exceptions) {
    if (!e.advisory || !e.reason || !/^\d{4}-\d{2}-\d{2}$/.test(e.until ?? '')) problems.push(`exception ${JSON.stringify(e)} needs advisory, reason and until (YYYY-MM-DD)`);
    else if (e.until < today) problems.push(`exception for ${e.advisory} expired on ${e.until}: look at it again`);
    else live.push(e);
  }
  const matches = (a, e) => e.advisory === a.id || e.advisory === a.url || e.advisory === a.package;
  const found = advisories(report);
  return { unexcused: found.filter((a) => !live.some((e) => matches(a, e))), excused: found.filter((a) => live.some((e) => matches(a, e))), problems };
}

function main() {
  const offlineOk = process.argv.includes('--offline-ok');
  const run = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  let report;
  try {
    report = JSON.parse(run.stdout || '{}');
  } catch {
    report = null;
  }
  if (!report || (!report.vulnerabilities && (report.error || report.statusCode || report.message))) {
    const why = report?.message ?? report?.error?.summary ?? (run.stderr || '').trim().split('\n').pop();
    console.error(`audit-deps: npm audit could not run: ${why}`);
    process.exit(offlineOk ? 0 : 2);
  }
  const exceptions = fs.existsSync(EXCEPTIONS) ? JSON.parse(fs.readFileSync(EXCEPTIONS, 'utf8')) : [];
  const { unexcused, excused, problems } = judge(report, exceptions);
  for (const a of excused) console.log(`excused  ${a.severity.padEnd(8)} ${a.package} ${a.id} ${a.title}`);
  for (const a of unexcused) console.log(`FAIL     ${a.severity.padEnd(8)} ${a.package} ${a.id} ${a.title} ${a.url}`);
  for (const p of problems) console.log(`FAIL     ${p}`);
  const total = report.metadata?.vulnerabilities ?? {};
  console.log(`audit-deps: ${unexcused.length} unexcused high/critical, ${excused.length} excused (npm counts: ${JSON.stringify(total)})`);
  process.exit(unexcused.length || problems.length ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
