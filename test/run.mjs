#!/usr/bin/env node
// The test command (README): unit tests, then API/integration tests against PGlite — or against the
// PostgreSQL server named by DATABASE_URL. Writes Jest's JSON summary for CI when JEST_JSON is set.
import { spawnSync } from 'node:child_process';

const args = ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--ci', '--maxWorkers=2'];
if (process.env.JEST_JSON) args.push('--json', `--outputFile=${process.env.JEST_JSON}`);
args.push(...process.argv.slice(2));
const target = process.env.DATABASE_URL ? `PostgreSQL (${new URL(process.env.DATABASE_URL).host})` : 'PGlite (embedded)';
process.stdout.write(`FineCity tests against ${target}\n`);
const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
process.exit(r.status ?? 1);
