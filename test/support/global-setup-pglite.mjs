// The browser tests boot FineCity on PGlite whatever DATABASE_URL says: their servers start from the PGlite
// template (test/support/pglite-folder.ts), built here once per run like the integration project's.
import { spawnSync } from 'node:child_process';

export default function globalSetup() {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/build-template.ts'], { stdio: 'inherit', env });
  if (r.status !== 0) throw new Error('PGlite test template could not be built');
}
