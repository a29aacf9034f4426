// Issue 12, part 1 end to end in the H5 build (Chromium) against servers booted as `npm start` boots them:
// the staff map page (地图) draws the shared CityMap over the sandbox's offline tiles with no request leaving
// the machine, shows the inspector's open cases as SLA-coloured markers over their grid's outline, and a
// marker opens its case. With MAP_TILE_URL pointing at another tile server (a local stub speaking the same
// XYZ template), the tiles come from there, with the browser key filled in. Screenshots:
// docs/screenshots/map-1440.png and map-390.png.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { CaseDto, SandboxAccount } from '@finecity/types';
import type { Running } from '../../server/src/boot.js';
import { bootForE2e, SAVE_SHOTS } from './e2e-server.js';
import { H5_DIST } from '../../server/src/http/static.js';
import { CHROMIUM, settled } from './h5-driver.js';

const DOCS = path.resolve('docs/screenshots');
const MAP = '/packages/staff/pages/map/index';

interface Booted {
  running: Running;
  dataDir: string;
  accounts: SandboxAccount[];
}

async function bootWith(env: Record<string, string>): Promise<Booted> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-e2e-map-'));
  const running = await bootForE2e(dataDir, { REPORTS_PER_MINUTE: '1000', ...env });
  const accounts = ((await (await fetch(`${running.url}/api/v1/sandbox/accounts`)).json()) as { accounts: SandboxAccount[] }).accounts;
  return { running, dataDir, accounts };
}

async function call<T>(b: Booted, p: string, init: RequestInit, want = 200): Promise<T> {
  const res = await fetch(`${b.running.url}${p}`, init);
  const body = await res.json();
  if (res.status !== want) throw new Error(`${init.method ?? 'GET'} ${p}: ${res.status} ${JSON.stringify(body)}`);
  return body as T;
}
const token = async (b: Booted, a: SandboxAccount) =>
  (await call<{ token: string }>(b, '/api/v1/auth/wechat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: a.code }) })).token;
const json = (t: string, body: unknown): RequestInit => ({ method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The inspector on duty (post A) of a gridded central grid: the one whose tasks the map shows. */
const inspectorOf = (b: Booted) => b.accounts.find((a) => a.role === 'inspector' && a.duty === 'A' && a.lat && a.lng && a.orgNodeCode?.startsWith('210202'))!;

/** `count` reports a few dozen metres apart in the inspector's grid, registered and dispatched to it. */
async function seedTasks(b: Booted, count: number): Promise<CaseDto[]> {
  const inspector = inspectorOf(b);
  const resident = await token(b, b.accounts.find((a) => a.role === 'resident')!);
  const dispatcher = await token(b, b.accounts.find((a) => a.openid === `staff-${inspector.orgNodeCode!.slice(0, 6)}-01`)!);
  const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#8a7f6e' } }).jpeg().toBuffer();
  const out: CaseDto[] = [];
  for (let i = 0; i < count; i++) {
    const form = new FormData();
    const at = { lat: inspector.lat! + (i % 3) * 0.0004 - 0.0004, lng: inspector.lng! + Math.floor(i / 3) * 0.0005 - 0.0004 };
    for (const [k, v] of Object.entries({ categoryCode: '06010', description: `人行道上暴露垃圾（地图${i + 1}）`, lat: String(at.lat), lng: String(at.lng), anonymous: 'false' })) form.append(k, v);
    form.append('photos', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg');
    const c = (await call<{ case: CaseDto }>(b, '/api/v1/reports', { method: 'POST', headers: { authorization: `Bearer ${resident}` }, body: form }, 201)).case;
    await call(b, `/api/v1/cases/${c.id}/actions/register`, json(dispatcher, {}));
    out.push((await call<{ case: CaseDto }>(b, `/api/v1/cases/${c.id}/actions/dispatch`, json(dispatcher, { orgNodeCode: inspector.orgNodeCode }))).case);
  }
  return out;
}

describe('the shared map in Chromium', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM) || !fs.existsSync(path.join(H5_DIST, 'index.html'))) {
      throw new Error(`needs ${CHROMIUM} (apt-get install chromium fonts-noto-cjk) and ${H5_DIST} (npm run build:h5)`);
    }
    fs.mkdirSync(DOCS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  }, 60000);

  /** The browser's pages hold keep-alive connections: close them before their server, or its close waits on them. */
  async function closeContexts(): Promise<void> {
    for (const c of contexts.splice(0)) await c.close().catch(() => {});
  }

  afterAll(async () => {
    await closeContexts();
    await browser?.close();
  });

  /**
   * The inspector's browser, offline: every request for a host other than this machine is refused (and
   * listed), as on a network with no internet.
   */
  async function inspectorPage(b: Booted, viewport: { width: number; height: number }, outside: string[]): Promise<Page> {
    const inspector = inspectorOf(b);
    const ctx = await browser.newContext({
      viewport, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
      geolocation: { latitude: inspector.lat!, longitude: inspector.lng! }, permissions: ['geolocation'],
    });
    contexts.push(ctx);
    await ctx.route('**/*', (route) => {
      const u = new URL(route.request().url());
      if (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.protocol === 'data:') return route.continue();
      outside.push(u.href);
      return route.abort('internetdisconnected');
    });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${b.running.url}/#/pages/login/index`);
    await page.locator(`#acct-${inspector.openid}`).click();
    await page.waitForFunction("location.hash.includes('pages/home')");
    return page;
  }

  /** Tile images Leaflet has finished loading on the visible map, by their URLs. */
  async function loadedTiles(page: Page): Promise<string[]> {
    return page.locator('#staff-map img.leaflet-tile-loaded').evaluateAll((imgs) => imgs.map((i) => (i as unknown as { src: string }).src));
  }

  /** The whole page: Taro's H5 pages scroll inside their own container, so the viewport is grown to the content first. */
  async function shot(page: Page, name: string): Promise<void> {
    if (!SAVE_SHOTS) return;
    const size = page.viewportSize()!;
    const tall = await page.evaluate<number>("Math.max(document.documentElement.scrollHeight, ...[...document.querySelectorAll('.taro_page')].map((e) => e.scrollHeight))");
    await page.setViewportSize({ width: size.width, height: Math.min(Math.max(tall, size.height), 4000) });
    // No hover left over the map (an outline's name tooltip would cover the markers).
    await page.mouse.move(size.width - 1, 1);
    await settled(page);
    await page.screenshot({ path: path.join(DOCS, `${name}.png`), fullPage: true });
    await page.setViewportSize(size);
    await settled(page);
  }

  describe('offline, on the sandbox tiles (no MAP_TILE_URL)', () => {
    let b: Booted;
    let cases: CaseDto[];
    beforeAll(async () => {
      b = await bootWith({});
      cases = await seedTasks(b, 6);
    }, 240000);
    afterAll(async () => {
      await closeContexts();
      await b?.running.close();
      if (b?.dataDir) fs.rmSync(b.dataDir, { recursive: true, force: true });
    }, 60000);

    it('draws the sandbox tiles, the grid outline and the SLA markers, and a marker opens its case', async () => {
      const outside: string[] = [];
      const page = await inspectorPage(b, { width: 1440, height: 900 }, outside);
      await page.goto(`${b.running.url}/#${MAP}`);
      const map = page.locator('#staff-map');
      await map.waitFor();
      expect(await map.getAttribute('role')).toBe('region');
      expect(await map.getAttribute('aria-label')).toMatch(/在办案件地图$/);
      expect(await map.getAttribute('data-datum')).toBe('wgs84');
      // The grid's outline, and the cases as markers or clusters (close together, they may cluster).
      await page.locator('#staff-map .city-map__outline').first().waitFor({ timeout: 30000 });
      await page.locator('#staff-map .city-map__marker, #staff-map .city-map__cluster').first().waitFor({ timeout: 30000 });
      await page.waitForLoadState('networkidle');
      await settled(page);

      const tiles = await loadedTiles(page);
      expect(tiles.length).toBeGreaterThanOrEqual(4);
      expect(tiles.every((u) => new URL(u).pathname.match(/^\/sandbox\/tiles\/\d+\/\d+\/\d+\.png$/) && u.startsWith(b.running.url))).toBe(true);
      expect(outside).toEqual([]);

      // Every case is on the map: single markers plus the counts of the clusters.
      const single = await page.locator('#staff-map .city-map__marker').count();
      const clustered = (await page.locator('#staff-map .city-map__cluster').allInnerTexts()).reduce((s, t) => s + Number(/\d+/.exec(t)?.[0] ?? 0), 0);
      expect(single + clustered).toBe(cases.length);
      // Markers and clusters are keyboard buttons with names in Chinese that say the SLA state in words.
      const names = await page.locator('#staff-map .city-map__marker, #staff-map .city-map__cluster').evaluateAll((els) =>
        els.map((e) => ({ role: e.getAttribute('role'), tab: e.getAttribute('tabindex'), name: (e.textContent ?? '').trim() })));
      for (const n of names) {
        expect(n).toMatchObject({ role: 'button', tab: '0' });
        expect(n.name).toMatch(/正常|黄灯|红灯|已超时|个标记/);
      }
      // The outline is a named button too (tapping it filters the list to that unit).
      const outline = page.locator('#staff-map .city-map__outline').first();
      expect(await outline.getAttribute('role')).toBe('button');
      expect(await outline.getAttribute('aria-label')).toMatch(/网格/);
      await shot(page, 'map-1440');

      // Zoom in until a case stands alone, then open it from its marker with the keyboard.
      for (let i = 0; i < 4 && !(await page.locator('#staff-map .city-map__marker').count()); i++) {
        await page.locator('#staff-map .city-map__cluster').first().click();
        await page.waitForTimeout(600);
      }
      const marker = page.locator('#staff-map .city-map__marker').first();
      await marker.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction("location.hash.includes('packages/staff/pages/task/index')", undefined, { timeout: 10000 });
      expect(cases.map((c) => c.id)).toContain(new URLSearchParams(await page.evaluate<string>("location.hash.split('?')[1] ?? ''")).get('id'));
      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
    }, 180000);

    it('fits a 390-px phone: the map above the list, nothing wider than the screen', async () => {
      const outside: string[] = [];
      const page = await inspectorPage(b, { width: 390, height: 844 }, outside);
      await page.goto(`${b.running.url}/#${MAP}`);
      await page.locator('#staff-map .city-map__outline').first().waitFor({ timeout: 30000 });
      await page.locator('#staff-map .city-map__marker, #staff-map .city-map__cluster').first().waitFor({ timeout: 30000 });
      await page.waitForLoadState('networkidle');
      await settled(page);
      expect((await loadedTiles(page)).length).toBeGreaterThanOrEqual(2);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await shot(page, 'map-390');
      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
    }, 120000);
  });

  describe('with MAP_TILE_URL set to another tile server', () => {
    let b: Booted;
    let stub: http.Server;
    const asked: string[] = [];
    beforeAll(async () => {
      const png = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#dfe8d8' } }).png().toBuffer();
      stub = http.createServer((req, res) => {
        asked.push(req.url ?? '');
        res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' });
        res.end(png);
      });
      await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
      const port = (stub.address() as AddressInfo).port;
      b = await bootWith({
        MAP_TILE_URL: `http://127.0.0.1:${port}/xyz/{s}/{z}/{x}/{y}.png?tk={k}`,
        MAP_TILE_KEY: 'stub-browser-key',
        MAP_TILE_SUBDOMAINS: 'a,b',
        MAP_TILE_DATUM: 'gcj02',
        MAP_TILE_ATTRIBUTION: '测试瓦片服务',
      });
      await seedTasks(b, 2);
    }, 240000);
    afterAll(async () => {
      await closeContexts();
      await b?.running.close();
      if (b?.dataDir) fs.rmSync(b.dataDir, { recursive: true, force: true });
      stub?.closeAllConnections();
      await new Promise((r) => stub?.close(r));
    }, 60000);

    it('asks the configured server for its tiles, with the browser key, and draws the overlays in its datum', async () => {
      const outside: string[] = [];
      const page = await inspectorPage(b, { width: 1440, height: 900 }, outside);
      await page.goto(`${b.running.url}/#${MAP}`);
      await page.locator('#staff-map .city-map__outline').first().waitFor({ timeout: 30000 });
      await page.waitForLoadState('networkidle');
      await settled(page);
      const tiles = await loadedTiles(page);
      expect(tiles.length).toBeGreaterThanOrEqual(4);
      expect(tiles.every((u) => /^http:\/\/127\.0\.0\.1:\d+\/xyz\/[ab]\/\d+\/\d+\/\d+\.png\?tk=stub-browser-key$/.test(u))).toBe(true);
      expect(asked.length).toBeGreaterThanOrEqual(tiles.length);
      expect(asked.every((u) => u.endsWith('?tk=stub-browser-key'))).toBe(true);
      expect(await page.locator('#staff-map').getAttribute('data-datum')).toBe('gcj02');
      expect(await page.locator('#staff-map .leaflet-control-attribution').innerText()).toContain('测试瓦片服务');
      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
    }, 120000);
  });
});
