// `npm run admin:invite -- --name 张三 --mobile 13800000000 [--org 210202]`: the first administrator of a
// new installation (see README, "Going live"). Creates an `admin` at the city node (or the unit given) and
// sends the activation SMS through the configured SMS provider; the person then activates on the
// mini-program's login page. On PGlite, stop `npm start` first (the database has one owner).
import { parseArgs } from 'node:util';
import { loadPolicy } from '../src/city-policy.js';
import { compose } from '../src/composition.js';
import { loadConfig, resolveApiBases } from '../src/config.js';
import { migrate, openConfigured } from '../src/adapters/postgres/database.js';
import { seedIfEmpty } from '../src/adapters/postgres/seed.js';
import { createLogger } from '../src/logger.js';
import { AppError } from '../src/domain/errors.js';
import { inviteAdmin } from '../src/usecases/admin/first-admin.js';

const { values } = parseArgs({ options: { name: { type: 'string' }, mobile: { type: 'string' }, org: { type: 'string' } } });
if (!values.name || !values.mobile) {
  process.stderr.write('用法：npm run admin:invite -- --name 张三 --mobile 13800000000 [--org 单位编码]\n');
  process.exit(2);
}
const config = loadConfig();
const logger = createLogger(config.logLevel);
const policy = loadPolicy(config.configDir);
const database = await openConfigured(config, 2);
let code = 0;
try {
  await migrate(database);
  await seedIfEmpty(database.db, policy);
  // With the sandbox on, the SMS goes to the running server's sandbox (WECHAT_SANDBOX_PORT).
  const apiBases = resolveApiBases(config, config.sandbox.enabled ? `http://127.0.0.1:${config.sandbox.port}` : null);
  const { deps, close } = await compose({ config, policy, database, logger, apiBases, sandboxOn: config.sandbox.enabled, notifications: false });
  try {
    const r = await inviteAdmin(deps, { name: values.name, mobile: values.mobile, orgNodeCode: values.org });
    process.stdout.write(`${r.created ? '已创建' : '已存在'}管理员 ${values.name}（${values.mobile.slice(0, 3)}****${values.mobile.slice(-4)}）；激活短信${r.sent ? '已发送' : '发送失败，请检查短信配置后重新运行本命令'}。\n`);
    if (!r.sent) code = 1;
  } finally {
    await close();
  }
} catch (err) {
  process.stderr.write(`${err instanceof AppError ? err.message : String(err)}\n`);
  code = 1;
} finally {
  await database.close();
}
process.exit(code);
