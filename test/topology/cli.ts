import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { REPO, startTopology } from './topology.js';

/**
 * `npm run topology [-- --apis 2 --workers 2 --replica --run-dir DIR]`: FineCity's production topology on this
 * machine (test/topology/topology.ts), until Ctrl-C or SIGTERM, which stop everything cleanly.
 */
const { values } = parseArgs({
  options: {
    apis: { type: 'string', default: '2' },
    workers: { type: 'string', default: '2' },
    replica: { type: 'boolean', default: false },
    'run-dir': { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write('usage: npm run topology -- [--apis N] [--workers M] [--replica] [--run-dir DIR] [--skip-build]\n');
  process.exit(0);
}
const count = (v: string, name: string, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > 16) throw new Error(`--${name} must be a whole number from ${min} to 16`);
  return n;
};
const apis = count(values.apis, 'apis', 1);
const workers = count(values.workers, 'workers', 0);

// As `npm start` does (prestart): the H5 build nginx serves, made only when missing or stale.
if (!values['skip-build']) {
  const b = spawnSync(process.execPath, ['miniprogram/scripts/ensure-build.mjs', 'h5'], { cwd: REPO, stdio: 'inherit' });
  if (b.status !== 0) process.stderr.write('the H5 build failed: nginx will pass / to the API\n');
}

const t = await startTopology({ apis, workers, replica: values.replica, runDir: values['run-dir'] });
const lines = [
  '',
  `FineCity topology (run dir ${t.runDir}, logs in ${t.runDir}/logs)`,
  `  front door (nginx)  ${t.url}`,
  ...t.apiUrls.map((u, i) => `  api-${i}               ${u}   (readiness ${u}/readyz)`),
  `  workers             ${workers} (FINECITY_ROLE=worker)`,
  `  PostgreSQL          ${t.databaseUrl}`,
  ...(t.replicaUrl ? [`  replica             ${t.replicaUrl}   (DATABASE_REPLICA_URL)`] : []),
  `  Redis               ${t.redisUrl}   (appendonly, noeviction)`,
  `  WeChat sandbox      ${t.sandboxUrl}   (inbox ${t.sandboxUrl}/sandbox/inbox)`,
  `  photos              ${t.env.PHOTO_DIR}`,
  'Ctrl-C stops everything.',
  '',
];
process.stdout.write(lines.join('\n'));

let stopping = false;
const stop = async (signal: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping…\n`);
  await t.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGHUP', () => void stop('SIGHUP'));
