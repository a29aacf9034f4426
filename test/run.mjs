#!/usr/bin/env node
// The test command (README): unit tests, API/integration tests against PGlite — or against the PostgreSQL
// server named by DATABASE_URL — and the mini-program: its unit tests, the weapp build checks and the H5
// end-to-end run in Chromium. The mini-program builds (taro build h5/weapp) are made first when missing or
// stale. The browser and miniprogram-ci projects run in a second Jest pass, after the server's tests, so
// their CPU load does not skew the timing-sensitive notification tests on 2 cores.
//
// With DATABASE_URL set, only `integration` runs: it is the one project whose files open a database
// (jest.config.mjs sorts test/ files by whether they reach the harness, boot() or the postgres adapters).
// `unit`, `services`, `miniprogram` and `weapp` touch no database, so a second run would only count the same
// tests twice. `e2e` boots its server from an explicit config without DATABASE_URL, i.e. always on PGlite,
// so it too runs once, in the PGlite pass; so does `embedded` (PGlite's own data-folder lock, never DATABASE_URL).
//
// With JEST_JSON set, writes one summary for all passes there (deleted first, so an earlier run's numbers
// are never read back). A pass counts at least one failure whenever it did not succeed — a build that
// failed, "no tests found", a crashed Jest, a missing or unreadable JSON — so the counts always agree with
// this command's exit status.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';

const ALL = ['unit', 'integration', 'services', 'embedded', 'miniprogram', 'weapp', 'e2e'];
const DATABASE = ['integration'];
const HEAVY = new Set(['weapp', 'e2e']);
const argv = process.argv.slice(2);
const selIdx = argv.indexOf('--selectProjects');
let projects = process.env.DATABASE_URL ? DATABASE : ALL;
const rest = [];
for (let i = 0; i < argv.length; i++) {
  if (i === selIdx) {
    projects = [];
    while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) projects.push(argv[++i]);
  } else rest.push(argv[i]);
}

const json = process.env.JEST_JSON;
const partOf = (i) => `${json}.part${i}`;
if (json) {
  fs.rmSync(json, { force: true });
  for (let i = 0; i < 2; i++) fs.rmSync(partOf(i), { force: true });
}
const sum = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, numTotalTests: 0, numRuntimeErrorTestSuites: 0, numFailedTestSuites: 0, numPassedTestSuites: 0, numTotalTestSuites: 0, testResults: [], success: false };
/** Steps that failed outside any test (a build, a Jest run that failed with no failing test): one failure each. */
const failedSteps = [];
let status = 0;
function finish() {
  if (json) {
    sum.numFailedTests += failedSteps.length;
    sum.failedSteps = failedSteps;
    sum.success = status === 0;
    fs.writeFileSync(json, JSON.stringify(sum));
  }
  process.exit(status);
}

// The two builds are independent and each mostly keeps one core busy: made side by side, they take about
// as long as the slower one instead of both in turn.
const builds = [...(projects.includes('weapp') ? ['weapp'] : []), ...(projects.includes('e2e') ? ['h5'] : [])];
const built = await Promise.all(
  builds.map(
    (type) =>
      new Promise((resolve) => {
        const b = spawn(process.execPath, ['miniprogram/scripts/ensure-build.mjs', type], { stdio: 'inherit' });
        b.on('close', (code) => resolve({ type, code }));
        b.on('error', () => resolve({ type, code: 1 }));
      }),
  ),
);
for (const { type, code } of built) {
  if (code !== 0) {
    status = code || 1;
    failedSteps.push(`mini-program ${type} build`);
  }
}
if (status !== 0) finish();

const target = process.env.DATABASE_URL ? `PostgreSQL (${new URL(process.env.DATABASE_URL).host})` : 'PGlite (embedded)';
process.stdout.write(`FineCity tests against ${target}; projects: ${projects.join(', ')}\n`);
const passes = [projects.filter((p) => !HEAVY.has(p)), projects.filter((p) => HEAVY.has(p))].filter((p) => p.length);
for (const [i, pass] of passes.entries()) {
  const args = ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--ci', '--maxWorkers=2', '--selectProjects', ...pass];
  const out = json ? partOf(i) : null;
  if (out) args.push('--json', `--outputFile=${out}`);
  args.push(...rest);
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  const ok = r.status === 0;
  if (!ok) status = r.status || 1;
  if (!out) continue;
  let failures;
  try {
    const part = JSON.parse(fs.readFileSync(out, 'utf8'));
    for (const k of Object.keys(sum)) if (typeof sum[k] === 'number') sum[k] += part[k] ?? 0;
    sum.testResults.push(...part.testResults);
    failures = (part.numFailedTests ?? 0) + (part.numRuntimeErrorTestSuites ?? 0);
  } catch {
    failedSteps.push(`Jest pass ${pass.join('+')} exited ${r.status ?? r.signal} and wrote no readable summary`);
    continue;
  } finally {
    fs.rmSync(out, { force: true });
  }
  // Jest failed, yet no test or suite failed: "no tests found", a global setup or teardown that threw…
  if (!ok && failures === 0) failedSteps.push(`Jest pass ${pass.join('+')} exited ${r.status ?? r.signal} with no failing test`);
}
finish();
