// Screenshots of the public pages (issue 13, items 3 and 4) as a guest with no account sees them: /public's
// map, filters and list, a closed case's public page with the before/after photos district staff published,
// and the reporter's tracking page, at 390 and 1440 px, into docs/screenshots/public-*.png and track-*.png.
// A FineCity is booted the way `npm start` boots it (PGlite in a temporary folder, WeChat sandbox on); the H5
// build must exist (flock /tmp/h5.lock node miniprogram/scripts/ensure-build.mjs h5).
// Run: npx tsx test/e2e/public-shots.ts
import path from 'node:path';
import type { Page } from 'playwright-core';
import { e2eApi } from './e2e-server.js';
import { settled } from './h5-driver.js';
import { DISPATCHER, RESIDENT, seedCases } from './a11y-fixture.js';
import { shoot } from './shots-kit.js';

const OUT = path.resolve('docs/screenshots');

shoot(async ({ base, browser }) => {
  const api = await e2eApi(base);
  const cases = await seedCases(base, api.accounts);
  const dispatcher = await api.token(DISPATCHER);
  // District staff publish the closed case's before and after photos and answer in public.
  for (const p of cases.closed.photos ?? []) await api.call(`/api/v1/cases/${cases.closed.id}/photos/${p.id}/publish`, api.json(dispatcher, { published: true }));
  await api.call(`/api/v1/cases/${cases.closed.id}/comments`, api.json(dispatcher, { body: '垃圾已清运，垃圾桶已更换为大容量的。感谢您的反映。', public: true }), 201);
  const resident = await api.token(RESIDENT);
  const { url } = await api.call<{ url: string }>(`/api/v1/cases/${cases.closed.id}/tracking-link`, { headers: { authorization: `Bearer ${resident}` } });
  const token = url.split('/t/')[1]!;

  for (const width of [390, 1440]) {
    const ctx = await browser.newContext({ viewport: { width, height: width > 900 ? 900 : 844 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error(`page error on ${page.url()}: ${e.message}`));
    const viewport = { width, height: width > 900 ? 900 : 844 };
    /** `tall`: the whole page (Taro's H5 scrolls inside the page, so a full-page shot would stop at the window). */
    const shot = async (p: Page, ready: string, name: string, tall = false) => {
      await p.setViewportSize(viewport);
      await p.getByText(ready).filter({ visible: true }).first().waitFor({ timeout: 30_000 });
      await p.waitForLoadState('networkidle');
      if (tall) {
        const h = await p.evaluate<number>("Math.max(...Array.from(document.querySelectorAll('body *')).map((e) => e.scrollHeight))");
        await p.setViewportSize({ width, height: Math.min(Math.max(h + 120, viewport.height), 3000) });
      }
      await settled(p);
      await p.screenshot({ path: path.join(OUT, `${name}-${width}.png`) });
    };
    await page.goto(`${base}/public`);
    await shot(page, '第 1/1 页', 'public');
    if (width < 900) {
      await page.locator('#pub-filters-toggle').click();
      await page.locator('#pf-status-closed').click();
      await shot(page, '共 1 件', 'public-filters', true);
    }
    await page.goto(`${base}/#/packages/public/pages/case/index?id=${cases.closed.id}`);
    await shot(page, '垃圾已清运', 'public-case', true);
    await page.goto(`${base}/t/${token}`);
    await shot(page, '现场照片', 'track', true);
    await ctx.close();
  }
});
