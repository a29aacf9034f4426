// Jest loads global setup outside its ESM transform, so the TypeScript work runs in a child process
// (tsx), which also keeps the template's PGlite instance out of Jest's own memory.
import { spawnSync } from 'node:child_process';

export default function globalSetup() {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/build-template.ts'], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) throw new Error('test database template could not be built');
}
