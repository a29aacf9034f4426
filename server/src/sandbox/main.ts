import { loadConfig } from '../config.js';
import { loadPolicy } from '../city-policy.js';
import { createWeChatSandbox, sandboxOptionsFor } from './wechat-sandbox.js';

/** The sandbox alone (`npx tsx server/src/sandbox/main.ts`), on WECHAT_SANDBOX_PORT, for any WeChat-speaking client. */
const config = loadConfig();
const sandbox = createWeChatSandbox(sandboxOptionsFor(config, loadPolicy(config.configDir)));
const s = await sandbox.listen(config.sandbox.port, config.host);
process.stdout.write(`WeChat sandbox on ${s.url} — inbox ${s.url}/sandbox/inbox\n`);
const stop = (): void => void s.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
