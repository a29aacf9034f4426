// Issue 10, item 7 end to end in the H5 build (Chromium) against a server booted as `npm start` boots it:
// the city leader's dashboard draws the trend, the map, the ranking and the indicator table with ECharts;
// a tap on a district in the map looks into its streets and 返回上一级 comes back; the big screen fills a
// 1920×1080 wall without scrolling. The screenshots go to docs/screenshots/leader-*.png.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { CaseDto, SandboxAccount } from '@finecity/types';
import type { Running } from '../../server/src/boot.js';
import { bootForE2e, e2eApi, SAVE_SHOTS, type E2eApi } from './e2e-server.js';
import { H5_DIST } from '../../server/src/http/static.js';
import { CHROMIUM, settled } from './h5-driver.js';

const DOCS = path.resolve('docs/screenshots');
const SHOTS = path.resolve('artifacts/e2e');
const CITY_LEADER = 'staff-210200-LD';
/** 甘井子区: a central district with grids (so its streets have outlines) and a large area on the city map. */
const DISTRICT = '210211';
const DISTRICT_NAME = '甘井子区';
const DASHBOARD = '/packages/leader/pages/dashboard/index';

/** Waits out finite animations and two frames before a screenshot. */

describe('leader charts, map and big screen in Chromium', () => {
  let running: Running;
  let dataDir: string;
  let browser: Browser;
  let accounts: SandboxAccount[];
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  let api: E2eApi;
  const call = <T,>(p: string, init: RequestInit = {}, want = 200) => api.call<T>(p, init, want);
  const token = (openid: string) => api.token(openid);
  const json = (t: string, body: unknown) => api.json(t, body);

  /** Cases in grids of several districts; some dispatched and closed, so every panel has something to draw. */
  async function seedCases(): Promise<void> {
    const resident = await token('resident-01');
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#8a7f6e' } }).jpeg().toBuffer();
    const inspectors = accounts.filter((a) => a.role === 'inspector' && a.duty === 'A' && a.lat && a.lng);
    const byDistrict = new Map<string, SandboxAccount[]>();
    for (const a of inspectors) byDistrict.set(a.orgNodeCode!.slice(0, 6), [...(byDistrict.get(a.orgNodeCode!.slice(0, 6)) ?? []), a]);
    let n = 0;
    for (const [district, grids] of byDistrict) {
      const dispatcher = await token(`staff-${district}-01`);
      const count = district === '210202' ? 8 : 3;
      for (let i = 0; i < count; i++) {
        const g = grids[(i * 7) % grids.length]!;
        const form = new FormData();
        for (const [k, v] of Object.entries({ categoryCode: '06010', description: `演示案件${++n}：路边暴露垃圾`, lat: String(g.lat), lng: String(g.lng), anonymous: 'false' })) form.append(k, v);
        form.append('photos', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg');
        const c = (await call<{ case: CaseDto }>('/api/v1/reports', { method: 'POST', headers: { authorization: `Bearer ${resident}` }, body: form }, 201)).case;
        if (i % 3 === 2) continue;
        await call(`/api/v1/cases/${c.id}/actions/register`, json(dispatcher, {}));
        await call(`/api/v1/cases/${c.id}/actions/dispatch`, json(dispatcher, { orgNodeCode: g.orgNodeCode }));
        if (i % 3 === 1) continue;
        const inspector = await token(g.openid);
        await call(`/api/v1/cases/${c.id}/actions/sign`, json(inspector, {}));
        const handled = new FormData();
        handled.append('note', '已清理完毕');
        handled.append('photos', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'after.jpg');
        await call(`/api/v1/cases/${c.id}/actions/handle`, { method: 'POST', headers: { authorization: `Bearer ${inspector}` }, body: handled });
        await call(`/api/v1/cases/${c.id}/actions/verify`, json(dispatcher, { passed: true }));
      }
    }
  }

  /** Open reports spread over the central districts' streets (one grid centre per street, from config/org-tree.json). */
  async function spreadReports(): Promise<void> {
    const tree = JSON.parse(fs.readFileSync(path.resolve('config/org-tree.json'), 'utf8')) as { nodes: { code: string; level: string; centroid?: { lat: number; lng: number } }[] };
    const perStreet = new Map<string, { lat: number; lng: number }>();
    for (const n of tree.nodes) if (n.level === 'grid' && n.centroid && !perStreet.has(n.code.slice(0, 9))) perStreet.set(n.code.slice(0, 9), n.centroid);
    const resident = await token('resident-01');
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#6e7f8a' } }).jpeg().toBuffer();
    let i = 0;
    for (const [street, at] of perStreet) {
      const count = [1, 5, 2, 8, 3, 0][i++ % 6]!;
      for (let k = 0; k < count; k++) {
        const form = new FormData();
        for (const [key, v] of Object.entries({ categoryCode: '06010', description: `街道巡查发现的问题（${street.slice(-3)}-${k + 1}）`, lat: String(at.lat), lng: String(at.lng), anonymous: 'false' })) form.append(key, v);
        form.append('photos', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg');
        await call('/api/v1/reports', { method: 'POST', headers: { authorization: `Bearer ${resident}` }, body: form }, 201);
      }
    }
  }

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM) || !fs.existsSync(path.join(H5_DIST, 'index.html'))) {
      throw new Error(`needs ${CHROMIUM} (apt-get install chromium fonts-noto-cjk) and ${H5_DIST} (npm run build:h5)`);
    }
    fs.mkdirSync(DOCS, { recursive: true });
    fs.mkdirSync(SHOTS, { recursive: true });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-e2e-leader-'));
    running = await bootForE2e(dataDir, { REPORTS_PER_MINUTE: '1000' });
    api = await e2eApi(running.url);
    accounts = api.accounts;
    await seedCases();
    await spreadReports();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  }, 240000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await running?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function asLeader(width: number, height: number): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${running.url}/#/pages/login/index`);
    await page.locator(`#acct-${CITY_LEADER}`).click();
    await page.waitForFunction("location.hash.includes('pages/home')");
    await page.goto(`${running.url}/#${DASHBOARD}`);
    await charts(page);
    return page;
  }

  /** Every panel drawn: the three canvases and the table's header. */
  async function charts(page: Page, ids = ['chart-trend', 'chart-map', 'chart-ranking']): Promise<void> {
    // Taro keeps the pages below in the DOM, hidden: only what is on screen counts.
    for (const id of ids) await page.locator(`#${id} canvas`).filter({ visible: true }).first().waitFor({ timeout: 30000 });
    await page.locator('#panel-table').filter({ visible: true }).getByText('按期结案率(%)').filter({ visible: true }).first().waitFor();
    await page.waitForLoadState('networkidle');
    await settled(page);
  }

  /** The whole page: Taro's H5 pages scroll inside their own container, so the viewport is grown to the content first. */
  async function shot(page: Page, name: string): Promise<void> {
    if (!SAVE_SHOTS) return;
    const size = page.viewportSize()!;
    const tall = await page.evaluate<number>("Math.max(document.documentElement.scrollHeight, ...[...document.querySelectorAll('.taro_page')].map((e) => e.scrollHeight))");
    await page.setViewportSize({ width: size.width, height: Math.min(Math.max(tall, size.height), 6000) });
    await settled(page);
    await page.screenshot({ path: path.join(DOCS, `${name}.png`), fullPage: true });
    await page.setViewportSize(size);
    await settled(page);
  }

  it('shows the trend, map, ranking and table, drills from a district on the map into its streets and back', async () => {
    const page = await asLeader(1440, 900);
    await page.locator('#leader-scope').getByText('大连市').waitFor();
    expect(await page.locator('#panel-trend').innerText()).toMatch(/合计上报 \d+ 件/);
    const table = await page.locator('#panel-table').innerText();
    expect(table).toContain('中山区');
    expect(table).toContain('综合指标值');
    expect(table).not.toMatch(/\b2102\d\d\b|onTimeRate|undefined/);
    await shot(page, 'leader-dashboard-1440');
    await page.locator('#panel-table').scrollIntoViewIfNeeded();
    if (SAVE_SHOTS) await page.locator('#panel-table').screenshot({ path: path.join(DOCS, 'leader-scorecard-1440.png') });

    // A tap on the district in the map itself (where the chart says its label point is drawn).
    const map = page.locator('#chart-map');
    await map.scrollIntoViewIfNeeded();
    const regions = JSON.parse((await map.getAttribute('data-regions'))!) as { name: string; x: number; y: number }[];
    const target = regions.find((r) => r.name === DISTRICT_NAME)!;
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + target.x, box.y + target.y);
    await page.locator('#leader-scope').getByText(DISTRICT_NAME).waitFor({ timeout: 10000 }).catch(async () => {
      throw new Error(`no drill after a tap at ${JSON.stringify(target)} in ${JSON.stringify(box)}; scope: ${await page.locator('#leader-scope').innerText()}`);
    });
    await page.locator(`[id^="region-${DISTRICT}"]`).first().waitFor();
    const streets = await page.locator('#panel-map .region').allInnerTexts();
    expect(streets.length).toBeGreaterThan(2);
    expect(streets.join()).toMatch(/街道/);
    // Its streets have nothing closed yet, so nothing to rank: the ranking says so instead of drawing bars.
    await charts(page, ['chart-trend', 'chart-map']);
    await page.locator('#panel-ranking').getByText('本期暂无可排名的单位').waitFor();
    expect(await page.locator('#panel-map').innerText()).toContain(`${DISTRICT_NAME}案件分布`);
    if (SAVE_SHOTS) await page.locator('#chart-map').screenshot({ path: path.join(SHOTS, 'leader-map-district-1440.png') });
    await page.locator('#map-up').click();
    await page.locator('#leader-scope').getByText('大连市').waitFor();
    expect(errors).toEqual([]);
  }, 180000);

  it('fits a 390-px phone: every panel one above the other, the table scrolls sideways', async () => {
    const page = await asLeader(390, 844);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(overflow).toBeLessThanOrEqual(390);
    await shot(page, 'leader-dashboard-390');
    expect(errors).toEqual([]);
  }, 120000);

  it('opens the big screen: 1920×1080, dark, the headline figures and four panels without scrolling', async () => {
    const page = await asLeader(1920, 1080);
    await page.locator('#open-bigscreen').click();
    await page.waitForFunction("location.hash.includes('pages/bigscreen')");
    await page.locator('#bigscreen-title').getByText('指挥中心').waitFor();
    await charts(page);
    const fits = await page.evaluate<{ w: number; h: number; bottom: number }>(`(() => {
      const s = [...document.querySelectorAll('.bigscreen')].find((e) => e.offsetParent !== null || getComputedStyle(e).position === 'fixed');
      const panels = [...s.querySelectorAll('.panel')].map((p) => p.getBoundingClientRect().bottom);
      return { w: s.scrollWidth, h: s.scrollHeight, bottom: Math.max(...panels) };
    })()`);
    expect(fits.h).toBeLessThanOrEqual(1080);
    expect(fits.w).toBeLessThanOrEqual(1920);
    expect(fits.bottom).toBeLessThanOrEqual(1080);
    expect(await page.locator('.bigscreen').innerText()).toMatch(/今日新增[\s\S]*超时未办/);
    if (SAVE_SHOTS) await page.screenshot({ path: path.join(DOCS, 'leader-bigscreen-1920.png') });
    expect(errors).toEqual([]);
  }, 120000);
});
