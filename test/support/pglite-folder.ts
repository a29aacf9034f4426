import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openPglite } from '../../server/src/adapters/postgres/database.js';
import { pgliteTemplateDump, templateHash } from './template.js';

/**
 * Fills `<dataDir>/pglite` (where `npm start` keeps its database) with the migrated, seeded template, so a
 * server booted on that folder finds its migrations applied and its seed loaded, as on a second start. A
 * fresh folder costs the 19 migrations and the Dalian seed again (about 2.5 times as long on this machine);
 * the template is built once per run by Jest's global setup (test/support/build-template.ts).
 */
export async function pgliteFolderFromTemplate(dataDir: string): Promise<void> {
  const folder = path.join(dataDir, 'pglite');
  if (fs.existsSync(folder) && fs.readdirSync(folder).length) throw new Error(`${folder} is not empty`);
  const database = await openPglite(folder, { loadDataDir: await fs.openAsBlob(currentDump()) });
  await database.close();
}

/** The template's dump, built first when this run has none or it predates a change of migrations, policy or seed. */
function currentDump(): string {
  const fresh = (): string | null => {
    try {
      const dump = pgliteTemplateDump();
      return dump.includes(templateHash()) && fs.existsSync(dump) ? dump : null;
    } catch {
      return null;
    }
  };
  const found = fresh();
  if (found) return found;
  // Outside Jest (the screenshot scripts): build it as the global setup does.
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/build-template.ts'], { stdio: 'inherit', env });
  const built = r.status === 0 ? fresh() : null;
  if (!built) throw new Error('the PGlite test template could not be built');
  return built;
}
