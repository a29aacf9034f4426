// `npm run photos:orphans [-- --grace-minutes 60]`: removes photo files no case names (a process killed between
// writing a photo and committing its case), as the workers' hourly job does. Files younger than the grace
// period may belong to a request still in flight and are left alone: use 0 only with FineCity stopped.
// On PGlite, stop `npm start` first (the database has one owner).
import { parseArgs } from 'node:util';
import { loadPolicy } from '../src/city-policy.js';
import { compose } from '../src/composition.js';
import { loadConfig, resolveApiBases } from '../src/config.js';
import { openConfigured } from '../src/adapters/postgres/database.js';
import { createLogger } from '../src/logger.js';
import { ORPHAN_GRACE_MS, removeOrphanPhotos } from '../src/usecases/photo-orphans.js';

const { values } = parseArgs({ options: { 'grace-minutes': { type: 'string' } } });
const grace = values['grace-minutes'] === undefined ? ORPHAN_GRACE_MS / 60_000 : Number(values['grace-minutes']);
if (!Number.isInteger(grace) || grace < 0 || grace > 7 * 24 * 60) {
  process.stderr.write('用法：npm run photos:orphans -- --grace-minutes 60（0 至 10080 的整数分钟）\n');
  process.exit(2);
}
const config = loadConfig();
const database = await openConfigured(config, 2);
let code = 0;
try {
  const { deps, close } = await compose({ config, policy: loadPolicy(config.configDir), database, logger: createLogger(config.logLevel), apiBases: resolveApiBases(config, null), sandboxOn: false, notifications: false });
  try {
    const { examined, removed } = await removeOrphanPhotos(deps, grace * 60_000);
    process.stdout.write(`检查照片 ${examined} 张，删除无案件的照片 ${removed} 张。\n`);
  } finally {
    await close();
  }
} catch (err) {
  process.stderr.write(`${String(err)}\n`);
  code = 1;
} finally {
  await database.close();
}
process.exit(code);
