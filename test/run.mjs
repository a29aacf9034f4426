#!/usr/bin/env node
// The test command (README): unit tests, API/integration tests against PGlite — or against the PostgreSQL
// server named by DATABASE_URL — and the mini-program: its unit tests, the weapp build checks and the H5
// end-to-end run in Chromium. The mini-program builds (taro build h5/weapp) are made first when missing or
// stale. The browser and miniprogram-ci projects run in a second Jest pass, after the server's tests, so
// their CPU load does not skew the timing-sensitive notification tests on 2 cores. With DATABASE_URL set,
// only the database-dependent projects run (the mini-program projects do not touch the database and
// already ran in the PGlite pass). Writes one Jest JSON summary for both passes when JEST_JSON is set.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const ALL = ['unit', 'integration', 'miniprogram', 'weapp', 'e2e'];
const HEAVY = new Set(['weapp', 'e2e']);
const argv = process.argv.slice(2);
const selIdx = argv.indexOf('--selectProjects');
let projects = process.env.DATABASE_URL ? ['unit', 'integration'] : ALL;
const rest = [];
for (let i = 0; i < argv.length; i++) {
  if (i === selIdx) {
    projects = [];
    while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) projects.push(argv[++i]);
  } else rest.push(argv[i]);
}

for (const type of [...(projects.includes('weapp') ? ['weapp'] : []), ...(projects.includes('e2e') ? ['h5'] : [])]) {
  const b = spawnSync(process.execPath, ['miniprogram/scripts/ensure-build.mjs', type], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

const target = process.env.DATABASE_URL ? `PostgreSQL (${new URL(process.env.DATABASE_URL).host})` : 'PGlite (embedded)';
process.stdout.write(`FineCity tests against ${target}; projects: ${projects.join(', ')}\n`);
const passes = [projects.filter((p) => !HEAVY.has(p)), projects.filter((p) => HEAVY.has(p))].filter((p) => p.length);
const json = process.env.JEST_JSON;
let status = 0;
const outputs = [];
for (const [i, pass] of passes.entries()) {
  const args = ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--ci', '--maxWorkers=2', '--selectProjects', ...pass];
  const out = json ? `${json}.part${i}` : null;
  if (out) args.push('--json', `--outputFile=${out}`);
  args.push(...rest);
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  if (r.status !== 0) status = r.status ?? 1;
  if (out) outputs.push(out);
}
if (json) {
  const sum = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTotalTests: 0, numRuntimeErrorTestSuites: 0, numFailedTestSuites: 0, numPassedTestSuites: 0, numTotalTestSuites: 0, testResults: [], success: status === 0 };
  for (const f of outputs) {
    let r;
    try {
      r = JSON.parse(fs.readFileSync(f, 'utf8'));
    } catch {
      sum.numRuntimeErrorTestSuites += 1; // a pass that wrote no summary counts as a failure
      continue;
    }
    for (const k of Object.keys(sum)) if (typeof sum[k] === 'number') sum[k] += r[k] ?? 0;
    sum.testResults.push(...r.testResults);
    fs.rmSync(f, { force: true });
  }
  fs.writeFileSync(json, JSON.stringify(sum));
}
process.exit(status);
