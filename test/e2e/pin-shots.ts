// Screenshots of the report page's pin picker with the "someone already reported this" list (issue 13, items 1
// and 2) at 390 and 1440 px, into docs/screenshots/report-pin-{390,1440}.png. A FineCity is booted the way
// `npm start` boots it (PGlite in a temporary folder, WeChat sandbox on), with the accessibility audit's cases
// (three open reports of 暴露垃圾 35 m apart); the H5 build must exist
// (flock /tmp/h5.lock node miniprogram/scripts/ensure-build.mjs h5).
// Run: npx tsx test/e2e/pin-shots.ts
import path from 'node:path';
import { e2eApi } from './e2e-server.js';
import { settled } from './h5-driver.js';
import { INSPECTOR, seedCases } from './a11y-fixture.js';
import { shoot } from './shots-kit.js';

const OUT = path.resolve('docs/screenshots');
/** A resident other than the one who reported the audit's cases: they see 我也遇到, not 查看进展. */
const NEIGHBOUR = 'resident-02';

shoot(async ({ base, browser }) => {
  const api = await e2eApi(base);
  const cases = await seedCases(base, api.accounts);
  // One more resident already tapped 我也遇到 on the registered case: 已有 2 人反映.
  await api.call(`/api/v1/cases/${cases.registered.id}/follow`, api.json(await api.token('resident-03'), {}));
  // Between the cases in progress (0.0008° east of the inspector's point) and registered (0.0012°): ~17 m from each.
  const insp = api.account(INSPECTOR);
  const at = { latitude: insp.lat!, longitude: insp.lng! + 0.001 };
  for (const width of [390, 1440]) {
    const ctx = await browser.newContext({
      viewport: { width, height: width > 900 ? 900 : 844 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
      geolocation: at, permissions: ['geolocation'],
    });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${base}/#/pages/login/index`);
    await page.locator(`#acct-${NEIGHBOUR}`).click();
    await page.waitForFunction("location.hash.includes('pages/home')");
    await page.goto('about:blank');
    await page.goto(`${base}/#/pages/report/index`);
    // The privacy guide's consent comes first (issue 13, item 5): agreed as a person does.
    await page.locator('#privacy-agree, #pin-place:has-text("图钉位置：")').filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    const agree = page.locator('#privacy-agree').filter({ visible: true });
    if (await agree.count()) await agree.first().click();
    await page.getByText('图钉位置：').filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    await page.locator('#category-search input').filter({ visible: true }).first().fill('暴露垃圾');
    await page.locator('.category-option:has-text("暴露垃圾")').filter({ visible: true }).first().click();
    await page.getByText('我也遇到').filter({ visible: true }).first().waitFor({ timeout: 15_000 });
    await page.waitForLoadState('networkidle');
    // The app shell scrolls inside its own frame: a viewport as tall as the form shows it whole.
    await page.setViewportSize({ width, height: width > 900 ? 1500 : 2100 });
    await page.evaluate("for (const el of document.querySelectorAll('*')) if (el.scrollTop) el.scrollTop = 0");
    await settled(page);
    await page.screenshot({ path: path.join(OUT, `report-pin-${width}.png`), fullPage: true });
    await ctx.close();
  }
});
