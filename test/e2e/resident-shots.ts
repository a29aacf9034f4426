// Screenshots of the resident's pages in the app shell (issue 12: title bar, tabs, the case page with its
// expected completion time, public replies and star rating) at 390 and 1440 px, into
// docs/screenshots/resident-*.png. A FineCity is booted the way `npm start` boots it (PGlite in a temporary
// folder, WeChat sandbox on); the H5 build must exist (flock /tmp/h5.lock node miniprogram/scripts/ensure-build.mjs h5).
// Run: npx tsx test/e2e/resident-shots.ts
import path from 'node:path';
import type { LoginResponse, SandboxAccount } from '@finecity/types';
import { settled } from './h5-driver.js';
import { DISPATCHER, RESIDENT, seedCases } from './a11y-fixture.js';
import { storageInit } from './privacy-consent.js';
import { shoot } from './shots-kit.js';

const OUT = path.resolve('docs/screenshots');

shoot(async ({ base, browser }) => {
  const accounts = ((await (await fetch(`${base}/api/v1/sandbox/accounts`)).json()) as { accounts: SandboxAccount[] }).accounts;
  const cases = await seedCases(base, accounts);
  // A public reply from the dispatcher on the case in progress, as the resident reads it.
  const code = accounts.find((a) => a.openid === DISPATCHER)!.code;
  const { token } = (await (await fetch(`${base}/api/v1/auth/wechat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) })).json()) as LoginResponse;
  const reply = await fetch(`${base}/api/v1/cases/${cases.inProgress.id}/comments`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ body: '网格员已到现场，今天下班前清理完毕。', public: true }),
  });
  if (reply.status >= 300) throw new Error(`reply: ${reply.status} ${await reply.text()}`);
  const resident = accounts.find((a) => a.openid === RESIDENT)!;
  for (const width of [390, 1440]) {
    const ctx = await browser.newContext({
      viewport: { width, height: width > 900 ? 900 : 844 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
      geolocation: { latitude: resident.lat ?? 38.9146, longitude: resident.lng ?? 121.6147 }, permissions: ['geolocation'],
    });
    // Past the consent sheet: these shots are of the pages (the sheet has its own, in care-shots).
    await ctx.addInitScript(storageInit());
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${base}/#/pages/login/index`);
    await page.locator(`#acct-${RESIDENT}`).click();
    await page.waitForFunction("location.hash.includes('pages/home')");
    const shot = async (route: string, ready: string, name: string) => {
      await page.goto(`${base}/#${route}`);
      await page.getByText(ready).filter({ visible: true }).first().waitFor({ timeout: 30_000 });
      await page.waitForLoadState('networkidle');
      await settled(page);
      await page.screenshot({ path: path.join(OUT, `resident-${name}-${width}.png`), fullPage: true });
    };
    await shot('/pages/home/index', '我的上报', 'home');
    await shot('/pages/report/index', '问题类别', 'report');
    await shot(`/pages/case/index?id=${cases.inProgress.id}`, '前办结', 'case');
    await shot(`/pages/case/index?id=${cases.closed.id}`, '评价办理结果', 'case-closed');
    await page.locator('#act-rate').click();
    await page.getByText('请先选择星级').first().waitFor();
    await page.locator('#score-4').click();
    await settled(page);
    await page.screenshot({ path: path.join(OUT, `resident-case-rating-${width}.png`), fullPage: true });
    await shot('/pages/mine/index', '小区门口', 'mine');
    await ctx.close();
  }
});
