// Screenshots of issue 13's privacy, account and points pages at 390 and 1440 px, into docs/screenshots/:
// the privacy guide, the consent sheet (on the report page's first locate), 我的 with the 关怀模式 switch and
// in 关怀模式, 我的积分, 我的数据 and the monthly 市民监督员 list. A FineCity is booted the way `npm start`
// boots it (PGlite in a temporary folder, WeChat sandbox on); the H5 build must exist
// (flock /tmp/h5.lock node miniprogram/scripts/ensure-build.mjs h5).
// Run: npx tsx test/e2e/care-shots.ts
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { SandboxAccount } from '@finecity/types';
import { settled } from './h5-driver.js';
import { RESIDENT, seedCases } from './a11y-fixture.js';
import { shoot } from './shots-kit.js';

const OUT = path.resolve('docs/screenshots');

async function open(page: Page, url: string, ready: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(url);
  await page.getByText(ready).filter({ visible: true }).first().waitFor({ timeout: 30_000 }).catch(async (err: unknown) => {
    await page.screenshot({ path: path.join(os.tmpdir(), 'care-shots-failed.png'), fullPage: true });
    throw err;
  });
  await page.waitForLoadState('networkidle');
}

shoot(async ({ base, browser }) => {
  const accounts = ((await (await fetch(`${base}/api/v1/sandbox/accounts`)).json()) as { accounts: SandboxAccount[] }).accounts;
  await seedCases(base, accounts);
  const resident = accounts.find((a) => a.openid === RESIDENT)!;
  for (const width of [390, 1440]) {
    const ctx = await browser.newContext({
      viewport: { width, height: width > 900 ? 900 : 844 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
      geolocation: { latitude: resident.lat ?? 38.9146, longitude: resident.lng ?? 121.6147 }, permissions: ['geolocation'],
    });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') console.error(`console: ${m.text()}`); });
    await page.goto(`${base}/#/pages/login/index`);
    await page.locator(`#acct-${RESIDENT}`).click();
    await page.waitForFunction("location.hash.includes('pages/home')");
    const save = async (name: string, full = true) => {
      await settled(page);
      await page.screenshot({ path: path.join(OUT, `${name}-${width}.png`), fullPage: full });
    };
    const shot = async (route: string, ready: string, name: string) => {
      await open(page, `${base}/#${route}`, ready);
      await save(name);
    };
    await shot('/pages/privacy/index', '您的选择', 'resident-privacy');
    // The first locate (the report page locates on load) asks for consent first.
    await open(page, `${base}/#/pages/report/index`, '隐私保护提示');
    await save('resident-consent', false);
    await page.locator('#privacy-agree').click();
    await page.getByText('已定位').filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    await shot('/pages/mine/index', '小区门口', 'resident-mine-switch');
    await page.locator('#care-switch').click();
    await page.locator('#care-switch[aria-checked="true"]').waitFor();
    await save('resident-mine-care');
    await page.locator('#care-switch').click();
    await page.locator('#care-switch[aria-checked="false"]').waitFor();
    await shot('/packages/resident/pages/points/index', '积分规则', 'resident-points');
    await shot('/packages/resident/pages/data/index', '导出 JSON', 'resident-data');
    await shot('/packages/public/pages/ranking/index', '不愿上榜的市民不显示', 'public-ranking');
    await ctx.close();
  }
});
