#!/usr/bin/env node
// The same scenario (test/e2e/scenario.ts) driven through WeChat DevTools with miniprogram-automator.
// DevTools has no Linux build, so this cannot run on the project's machines or in CI; run it on macOS or
// Windows with DevTools installed and its service port enabled (设置 → 安全设置 → 服务端口):
//
//   npm run build:weapp
//   npm start                                    # the API + sandbox on http://127.0.0.1:3000
//   WECHAT_DEVTOOLS_CLI="/Applications/wechatwebdevtools.app/Contents/MacOS/cli" \
//     npx tsx test/e2e/automator/run.mjs
//
// Photos: DevTools' chooseMedia is answered through automator's mockWxMethod; location through
// mockWxMethod('getLocation'). Each "user" is a fresh session written to storage after an API login.
import path from 'node:path';
import automator from 'miniprogram-automator';
import { caseLifecycle } from '../scenario.ts';

const API = process.env.FINECITY_URL || 'http://127.0.0.1:3000';
const cliPath = process.env.WECHAT_DEVTOOLS_CLI;
if (!cliPath) {
  console.error('Set WECHAT_DEVTOOLS_CLI to the WeChat DevTools CLI (macOS/Windows only; there is no Linux build).');
  process.exit(2);
}

const mp = await automator.launch({ cliPath, projectPath: path.resolve('.') });
const { fetch, setTimeout } = globalThis;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Polls `check` every `every` ms until it holds; throws after `ms`. */
async function until(check, what, ms = 10000, every = 200) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(every)) if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
}

async function login(account) {
  const r = await fetch(`${API}/api/v1/auth/wechat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: account.code }) });
  const body = await r.json();
  await mp.callWxMethod('setStorageSync', 'finecity.session', { token: body.token, user: body.user });
}

const driver = {
  async as(account, opts = {}) {
    await login(account);
    if (opts.at) await mp.mockWxMethod('getLocation', { latitude: opts.at.lat, longitude: opts.at.lng, accuracy: 10, errMsg: 'getLocation:ok' });
    const current = () => mp.currentPage();
    const el = async (sel) => {
      let found = null;
      await until(async () => (found = await (await current()).$(sel)), sel);
      return found;
    };
    return {
      open: async (route) => {
        await login(account);
        await mp.reLaunch(route);
        const page = route.split('?')[0].replace(/^\//, '');
        await until(async () => (await current()).path === page, `page ${page}`);
      },
      tap: async (id) => (await el(`#${id}`)).tap(),
      tapLabel: async (label) => {
        const all = await (await current()).$$('.tap');
        for (const e of all) if ((await e.text()).includes(label)) return e.tap();
        throw new Error(`no tappable "${label}"`);
      },
      fill: async (id, value) => (await el(`#${id}`)).input(value),
      pickPhotos: async (id, files) => {
        await mp.mockWxMethod('chooseMedia', { type: 'image', tempFiles: files.map((f) => ({ tempFilePath: f, size: 1, fileType: 'image' })), errMsg: 'chooseMedia:ok' });
        await (await el(`#${id}`)).tap();
      },
      waitText: (text, ms = 15000) => until(async () => (await (await el('page')).text()).includes(text), `text "${text}"`, ms, 300),
      text: async () => (await el('page')).text(),
      query: async () => (await current()).query,
      loadedImages: async (cls) => (await (await current()).$$(`.${cls}`)).length,
      shot: async (name) => mp.screenshot({ path: path.resolve('artifacts/automator', `${name}.png`) }),
    };
  },
  close: () => mp.close(),
};

const accounts = (await (await fetch(`${API}/api/v1/sandbox/accounts`)).json()).accounts;
try {
  const r = await caseLifecycle(driver, { accounts, beforePhoto: path.resolve('docs/sample-before.jpg'), afterPhoto: path.resolve('docs/sample-after.jpg') }, console.log);
  console.log('automator scenario passed', r);
} finally {
  await driver.close();
}
