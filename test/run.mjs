#!/usr/bin/env node
// The test command (README): unit tests, API/integration tests against PGlite — or against the PostgreSQL
// server named by DATABASE_URL — and the mini-program: its unit tests, the weapp build checks and the H5
// end-to-end run in Chromium. The mini-program builds (taro build h5/weapp) are made first when missing or
// stale. With DATABASE_URL set, only the database-dependent projects run (the mini-program projects do
// not touch the database and already ran in the PGlite pass). Writes Jest's JSON summary when JEST_JSON is set.
import { spawnSync } from 'node:child_process';

const ALL = ['unit', 'integration', 'miniprogram', 'weapp', 'e2e'];
const extra = process.argv.slice(2);
const selIdx = extra.indexOf('--selectProjects');
let projects = ALL;
if (selIdx >= 0) {
  projects = [];
  for (let i = selIdx + 1; i < extra.length && !extra[i].startsWith('-'); i++) projects.push(extra[i]);
} else if (process.env.DATABASE_URL) {
  projects = ['unit', 'integration'];
  extra.push('--selectProjects', ...projects);
}

const builds = [...(projects.includes('weapp') ? ['weapp'] : []), ...(projects.includes('e2e') ? ['h5'] : [])];
for (const type of builds) {
  const b = spawnSync(process.execPath, ['miniprogram/scripts/ensure-build.mjs', type], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

const args = ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--ci', '--maxWorkers=2'];
if (process.env.JEST_JSON) args.push('--json', `--outputFile=${process.env.JEST_JSON}`);
args.push(...extra);
const target = process.env.DATABASE_URL ? `PostgreSQL (${new URL(process.env.DATABASE_URL).host})` : 'PGlite (embedded)';
process.stdout.write(`FineCity tests against ${target}; projects: ${projects.join(', ')}\n`);
const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
process.exit(r.status ?? 1);
