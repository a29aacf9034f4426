// Issue 13's H5 end-to-end items 1 and 2, in Chromium: a resident pins on the report page's map, sees that a
// neighbour already reported the same problem 30 m away and taps 我也遇到 instead of reporting it again;
// another resident at the same spot submits a new report anyway, with a photo picked through the file input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { CaseDto, NearbyDto, PinPlaceDto } from '@finecity/types';
import type { Running } from '../../server/src/boot.js';
import { H5_DIST } from '../../server/src/http/static.js';
import { smallJpeg } from '../support/fixtures.js';
import { bootForE2e, e2eApi, type E2eApi } from './e2e-server.js';
import { CHROMIUM } from './h5-driver.js';

const DISPATCHER = 'staff-210202-01';
const INSPECTOR = 'staff-210202001010001A';
/** About 30 m in latitude. */
const NORTH_30M = 30 / 111_195;

describe('pin picker and "someone already reported this" on the report page', () => {
  let running: Running;
  let dataDir: string;
  let browser: Browser;
  let api: E2eApi;
  let photo: string;
  /** Where resident A reported (the inspector's grid) and where the others stand, 30 m north of it. */
  let reported: { lat: number; lng: number };
  let standing: { lat: number; lng: number };
  let first: CaseDto;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  const auth = async (openid: string) => ({ authorization: `Bearer ${await api.token(openid)}` });
  const nearbyAs = async (openid: string) =>
    api.call<NearbyDto>(`/api/v1/cases/nearby?lat=${standing.lat}&lng=${standing.lng}&categoryCode=06010`, { headers: await auth(openid) });

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM) || !fs.existsSync(path.join(H5_DIST, 'index.html'))) {
      throw new Error(`needs ${CHROMIUM} (apt-get install chromium fonts-noto-cjk) and ${H5_DIST} (npm run build:h5)`);
    }
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-e2e-pin-'));
    photo = path.join(dataDir, 'before.jpg');
    fs.writeFileSync(photo, await smallJpeg({ width: 640, height: 480, color: '#8a7f6e' }));
    running = await bootForE2e(dataDir);
    api = await e2eApi(running.url);
    const insp = api.account(INSPECTOR);
    reported = { lat: insp.lat!, lng: insp.lng! };
    standing = { lat: Math.round((reported.lat + NORTH_30M) * 1e6) / 1e6, lng: reported.lng };

    // Resident A reports through the API; the district dispatcher registers it.
    const form = new FormData();
    for (const [k, v] of Object.entries({ categoryCode: '06010', description: '人行道上有一堆暴露垃圾，影响通行', lat: String(reported.lat), lng: String(reported.lng), anonymous: 'false' })) form.append(k, v);
    form.append('photos', new Blob([new Uint8Array(fs.readFileSync(photo))], { type: 'image/jpeg' }), 'before.jpg');
    first = (await api.call<{ case: CaseDto }>('/api/v1/reports', { method: 'POST', headers: await auth('resident-01'), body: form }, 201)).case;
    const registered = await api.call<{ case: CaseDto }>(`/api/v1/cases/${first.id}/actions/register`, api.json(await api.token(DISPATCHER), {}));
    expect(registered.case.state).toBe('registered');

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await running?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A resident's phone at `at` (location granted), signed in with the demo-account picker, on the report page. */
  async function reportPageAs(openid: string, at: { lat: number; lng: number }): Promise<Page> {
    const ctx = await browser.newContext({
      viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
      geolocation: { latitude: at.lat, longitude: at.lng }, permissions: ['geolocation'],
    });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(`${openid}: ${e.message}`));
    await page.goto(`${running.url}/#/pages/login/index`);
    await page.locator(`#acct-${openid}`).click();
    await page.waitForFunction("!!localStorage.getItem('finecity.session')");
    await page.waitForFunction("!location.hash.includes('pages/login')");
    // A fresh document, as when the page is opened from a link: only the report page is mounted.
    await page.goto('about:blank');
    await page.goto(`${running.url}/#/pages/report/index`);
    // The first use of location asks for the privacy guide's consent (issue 13, item 5): agree as a person does.
    const agree = page.locator('#privacy-agree').filter({ visible: true });
    await page.locator('#privacy-agree, #pin-place:has-text("图钉位置：")').filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    if (await agree.count()) await agree.first().click();
    return page;
  }
  const visible = (page: Page, sel: string) => page.locator(sel).filter({ visible: true }).first();

  /** The pin names the place the server's locator gives for the device's point; then the category is chosen. */
  async function pinAndChoose(page: Page): Promise<void> {
    const place = await api.call<PinPlaceDto>(`/api/v1/map/place?lat=${standing.lat}&lng=${standing.lng}`);
    await visible(page, '#pin-place').filter({ hasText: `图钉位置：${place.label}` }).waitFor({ timeout: 30_000 });
    await expect(visible(page, '#location-text').textContent()).resolves.toMatch(/^已定位到您的位置/);
    // The map is there, with its centre pin.
    await visible(page, '#pin-map .leaflet-tile-loaded, #pin-map .leaflet-pane').waitFor({ state: 'attached' });
    expect(await page.locator('.city-map__centre-pin[aria-label]').count()).toBe(1);
    await visible(page, '#category-search input').fill('暴露垃圾');
    await visible(page, '.category-option:has-text("暴露垃圾")').click();
  }

  it('resident B pins 30 m from A\'s case, sees it listed and taps 我也遇到: B follows it and it has one supporter', async () => {
    const page = await reportPageAs('resident-02', standing);
    await pinAndChoose(page);
    const row = visible(page, '#nearby [role="listitem"]');
    await row.waitFor({ timeout: 15_000 });
    await expect(row.textContent()).resolves.toContain('约 30 米 · 已受理');
    await expect(row.textContent()).resolves.toContain('已有 1 人反映');
    await expect(visible(page, '#submit').textContent()).resolves.toBe('仍然提交上报');

    await visible(page, `#follow-${first.id}`).click();
    await page.waitForURL(new RegExp(`#/pages/case/index\\?id=${first.id}`), { timeout: 15_000 });
    // A follower reads the case on the resident's case page.
    await visible(page, '#case-category').filter({ hasText: '暴露垃圾' }).waitFor({ timeout: 15_000 });
    await visible(page, '#case-expected').waitFor();

    const seenByOther = (await nearbyAs('resident-03')).items.find((c) => c.id === first.id)!;
    expect(seenByOther).toMatchObject({ supporters: 1, following: false });
    expect((await nearbyAs('resident-02')).items.find((c) => c.id === first.id)).toMatchObject({ supporters: 1, following: true });
    expect(errors).toEqual([]);
  }, 90_000);

  it('resident C at the same spot submits a new report anyway, with a photo from the file input', async () => {
    const page = await reportPageAs('resident-03', standing);
    await pinAndChoose(page);
    await visible(page, `#follow-${first.id}`).waitFor({ timeout: 15_000 });
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), visible(page, '#pick-photos').click()]);
    await chooser.setFiles(photo);
    await page.getByText('现场照片（1/9）').filter({ visible: true }).first().waitFor();
    await visible(page, '#description textarea').fill('同一处的垃圾又多了一堆');
    await visible(page, '#submit').click();
    await page.waitForURL(/#\/pages\/case\/index\?id=/, { timeout: 30_000 });
    const id = new URL(page.url().replace('/#/', '/')).searchParams.get('id')!;
    expect(id).not.toBe(first.id);

    const mine = (await api.call<{ case: CaseDto }>(`/api/v1/cases/${id}`, { headers: await auth('resident-03') })).case;
    expect(mine).toMatchObject({ state: 'submitted', description: '同一处的垃圾又多了一堆', category: { code: '06010' } });
    expect(mine.location.lat).toBeCloseTo(standing.lat, 5);
    expect(mine.photos?.filter((p) => p.kind === 'before')).toHaveLength(1);
    expect(errors).toEqual([]);
  }, 90_000);

  it('a first-time resident taps 随手拍 on home: the consent sheet opens on the report page, and after 同意 the pin is placed', async () => {
    // A fresh phone: nothing agreed in storage. Home stays mounted, hidden, under the report page (navigateTo).
    const ctx = await browser.newContext({
      viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
      geolocation: { latitude: standing.lat, longitude: standing.lng }, permissions: ['geolocation'],
    });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(`resident-01: ${e.message}`));
    await page.goto(`${running.url}/#/pages/login/index`);
    await page.locator('#acct-resident-01').click();
    await page.waitForFunction("location.hash.includes('pages/home')");
    expect(await page.evaluate<string | null>("localStorage.getItem('finecity.privacy')")).toBeNull();
    await page.getByRole('button', { name: /随手拍/ }).filter({ visible: true }).first().click();
    await page.waitForFunction("location.hash.includes('pages/report')");

    const agree = visible(page, '#privacy-agree');
    await agree.waitFor({ timeout: 30_000 });
    // The one open sheet is the report page's (the page with the pin map), not the hidden home page's.
    const withSheet = page.locator('.taro_page', { has: page.locator('.privacy-sheet') });
    await expect(withSheet.count()).resolves.toBe(1);
    await expect(withSheet.locator('#pin-map').count()).resolves.toBe(1);
    await expect(page.locator('.taro_page', { has: page.locator('#snap') }).locator('.privacy-sheet').count()).resolves.toBe(0);
    await expect(visible(page, '[role="dialog"]').textContent()).resolves.toContain('隐私保护提示');

    await agree.click();
    await visible(page, '#pin-place').filter({ hasText: '图钉位置：' }).waitFor({ timeout: 30_000 });
    await expect(page.locator('.privacy-sheet').count()).resolves.toBe(0);
    await expect(visible(page, '#location-text').textContent()).resolves.toMatch(/^已定位到您的位置/);
    expect(await page.evaluate<string | null>("localStorage.getItem('finecity.privacy')")).toContain('version');
    expect(errors).toEqual([]);
  }, 90_000);
});
