// Issue 13, items 3 and 4, end to end in the H5 build (Chromium) against a server booted as `npm start` boots
// it: a guest with no account opens /public (the address on posters), filters, finds a registered case in
// the list and on the map, opens its public page and sees the photo district staff published but not the
// other one, and nothing about the reporter; then opens the case's tracking link (/t/<token>) and reads its
// status and the published photo.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { CaseDto } from '@finecity/types';
import type { Running } from '../../server/src/boot.js';
import { bootForE2e, e2eApi, type E2eApi } from './e2e-server.js';
import { H5_DIST } from '../../server/src/http/static.js';
import { CHROMIUM, settled } from './h5-driver.js';
import { DISPATCHER, INSPECTOR, RESIDENT } from './a11y-fixture.js';

const DESCRIPTION = '小区门口人行道上堆了一堆垃圾，影响通行';

describe('the public map, case page and tracking link for a guest', () => {
  let running: Running;
  let dataDir: string;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let api: E2eApi;
  let pothole: CaseDto;
  let other: CaseDto;
  const errors: string[] = [];

  /** A JPEG of one colour: two of them are two different photos. */
  const jpeg = (colour: string) => sharp({ create: { width: 320, height: 240, channels: 3, background: colour } }).jpeg().toBuffer();

  async function report(token: string, categoryCode: string, description: string, at: { lat: number; lng: number }, colours: string[]): Promise<CaseDto> {
    const form = new FormData();
    for (const [k, v] of Object.entries({ categoryCode, description, lat: String(at.lat), lng: String(at.lng), anonymous: 'false' })) form.append(k, v);
    for (const c of colours) form.append('photos', new Blob([new Uint8Array(await jpeg(c))], { type: 'image/jpeg' }), `${c}.jpg`);
    return (await api.call<{ case: CaseDto }>('/api/v1/reports', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }, 201)).case;
  }

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM) || !fs.existsSync(path.join(H5_DIST, 'index.html'))) {
      throw new Error(`needs ${CHROMIUM} (apt-get install chromium fonts-noto-cjk) and ${H5_DIST} (npm run build:h5)`);
    }
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-e2e-public-'));
    running = await bootForE2e(dataDir);
    api = await e2eApi(running.url);
    const resident = await api.token(RESIDENT);
    // District staff (中山区's platform) hold photo.publish.
    const dispatcher = await api.token(DISPATCHER);
    const { lat, lng } = api.account(INSPECTOR);
    pothole = await report(resident, '06010', DESCRIPTION, { lat: lat!, lng: lng! }, ['#8a7f6e', '#3c6e47']);
    other = await report(resident, '01037', '路灯晚上不亮', { lat: lat! + 0.002, lng: lng! + 0.002 }, ['#444444']);
    for (const c of [pothole, other]) await api.call(`/api/v1/cases/${c.id}/actions/register`, api.json(dispatcher, {}));
    await api.call(`/api/v1/cases/${pothole.id}/photos/${pothole.photos![0]!.id}/publish`, api.json(dispatcher, { published: true }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await ctx?.close().catch(() => {});
    await browser?.close();
    await running?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const row = (c: CaseDto) => page.locator(`#pub-case-${c.id}`);
  const markerNames = () => page.locator('#public-map .city-map__marker .city-map__sr').allTextContents();

  it('opens /public without an account, filters, and finds the case in the list and on the map', async () => {
    await page.goto(`${running.url}/public`);
    expect(new URL(page.url()).hash).toBe('#/packages/public/pages/index/index');
    await row(pothole).waitFor();
    await row(other).waitFor();
    expect(await page.evaluate<string | null>("localStorage.getItem('finecity.session')")).toBeNull();
    await page.locator('#pub-filters-toggle').click();
    await page.locator('#pf-status-open').click();
    await page.locator('#pf-district-210202').click();
    await page.locator('#pf-category input').fill('暴露垃圾');
    await page.locator('#pf-category-06010').click();
    await row(other).waitFor({ state: 'detached' });
    await expect(row(pothole).textContent()).resolves.toContain('暴露垃圾');
    await expect(page.locator('#pub-total').textContent()).resolves.toBe('共 1 件 · 第 1/1 页');
    await page.waitForFunction("document.querySelectorAll('#public-map .city-map__marker').length === 1");
    expect(await markerNames()).toEqual(['暴露垃圾，办理中，黄灯']);
    expect(await page.getByText('筛选（已选 3 项）').count()).toBe(1);
  });

  it('opens the public case page from its map marker: the published photo only, and nothing about the reporter', async () => {
    await page.locator('#public-map .city-map__marker').click();
    await page.locator('#pubcase-summary').waitFor();
    expect(page.url()).toContain(`/packages/public/pages/case/index?id=${pothole.id}`);
    await expect(page.locator('#pubcase-status').textContent()).resolves.toBe('已受理');
    await expect(page.locator('#pubcase-supporters').textContent()).resolves.toBe('已有 1 人反映');
    await page.getByText(DESCRIPTION).waitFor();
    await page.waitForLoadState('networkidle');
    const images = (await page.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as unknown as { src: string }).src))).filter((s) => s.includes('/api/v1/photos/'));
    const [published, unpublished] = pothole.photos!.map((p) => p.id);
    expect(images.some((s) => s.includes(published!))).toBe(true);
    expect(images.some((s) => s.includes(unpublished!))).toBe(false);
    const text = await page.locator('body').innerText();
    const reporter = api.account(RESIDENT);
    for (const secret of [reporter.name, reporter.openid, pothole.caseNo]) expect(text).not.toContain(secret);
    await page.locator('#pubcase-photo-p0').click();
    await page.locator('#lightbox').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('#lightbox').waitFor({ state: 'detached' });
  });

  it('opens the reporter\'s tracking link and shows the case status and its published photo', async () => {
    const resident = await api.token(RESIDENT);
    const { url } = await api.call<{ url: string }>(`/api/v1/cases/${pothole.id}/tracking-link`, { headers: { authorization: `Bearer ${resident}` } });
    const token = url.split('/t/')[1]!;
    await page.goto(`${running.url}/t/${token}`);
    await page.locator('#track-summary').waitFor();
    await expect(page.locator('#track-status').textContent()).resolves.toBe('已受理');
    await expect(page.locator('#track-caseno').textContent()).resolves.toBe(pothole.caseNo);
    await page.getByText('现场照片').waitFor();
    await settled(page);
    const images = (await page.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as unknown as { src: string }).src))).filter((s) => s.includes('/api/v1/photos/'));
    expect(images).toHaveLength(1);
    expect(images[0]).toContain(pothole.photos![0]!.id);
    expect(errors).toEqual([]);
  });
});
