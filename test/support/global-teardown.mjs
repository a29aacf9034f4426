import { spawnSync } from 'node:child_process';

export default function globalTeardown() {
  spawnSync(process.execPath, ['--import', 'tsx', 'test/support/drop-leftovers.ts'], { stdio: 'inherit', env: process.env });
}
