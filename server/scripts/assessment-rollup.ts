// `npx tsx server/scripts/assessment-rollup.ts --from 2025-12-01 --to 2026-12-01`: backfills (or recomputes)
// the indicator engine's day rollup for the Beijing days [from, to) (README, "Assessment"): after an upgrade
// on a database with history, or after the counting rules in config/assessment.json changed. The worker's
// nightly job keeps the last 45 days; a day the rollup lacks is counted live, so this only makes reads faster.
// On PGlite, stop `npm start` first (the database has one owner).
import { parseArgs } from 'node:util';
import { loadPolicy } from '../src/city-policy.js';
import { compose } from '../src/composition.js';
import { loadConfig, resolveApiBases } from '../src/config.js';
import { migrate, openConfigured } from '../src/adapters/postgres/database.js';
import { createLogger } from '../src/logger.js';
import { rollUpHistory } from '../src/usecases/assessment/rollup.js';

const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
if (!values.from || !values.to || !DAY_RE.test(values.from) || !DAY_RE.test(values.to) || values.from >= values.to) {
  process.stderr.write('用法：npx tsx server/scripts/assessment-rollup.ts --from 2025-12-01 --to 2026-12-01（北京时间日期，不含 to 当天）\n');
  process.exit(2);
}
const config = loadConfig();
const logger = createLogger(config.logLevel);
const policy = loadPolicy(config.configDir);
const database = await openConfigured(config, 2);
let code = 0;
try {
  await migrate(database);
  const { deps, close } = await compose({ config, policy, database, logger, apiBases: resolveApiBases(config, null), sandboxOn: false, notifications: false });
  try {
    const started = Date.now();
    const { days } = await rollUpHistory(deps, values.from, values.to);
    process.stdout.write(`已汇总 ${days} 天（${((Date.now() - started) / 1000).toFixed(1)} 秒）；尚未结束的日期不汇总。\n`);
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
