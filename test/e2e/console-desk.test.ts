// Issue 12, part 3 end to end in the H5 build (Chromium): the dispatcher's desk console at 1440 px selects
// several cases, batch-registers them (one fails: another dispatcher got there first, and says so in its own
// row), batch-dispatches them to their own grids, and dispatches one more by clicking a grid on the map;
// the photos compare full size in the lightbox, and `?` lists the shortcuts. The same page at 390 px is
// the phone's queue. Screenshots: docs/screenshots/console-1440.png, console-batch-1440.png,
// console-lightbox-1440.png and console-390.png.
//
// Stable ids for scenarios: select-<caseNo>, select-all, batch-register, batch-dispatch, batch-results,
// batch-result-<caseNo>, queue-<key> (count-<key> holds its count), map-grid-<code> (and the grid's outline
// on the map, a button named after the grid), act-dispatch, page-prev / page-next / page-info.
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
const DISPATCHER = 'staff-210202-01';
const CONSOLE = '/packages/staff/pages/console/index';

describe('the dispatcher\'s desk console in Chromium', () => {
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
  let dispatcherToken: string;
  /** Fresh reports in 中山区 grids, newest last. */
  const fresh: CaseDto[] = [];
  let handled: CaseDto;

  const getCase = async (id: string) => (await call<{ case: CaseDto }>(`/api/v1/cases/${id}`, { headers: { authorization: `Bearer ${dispatcherToken}` } })).case;

  /** A street scene drawn in SVG: sky, wall, pavement and kerb; `pile` adds the heap of rubbish to clear. */
  const scene = (sky: string, pile: boolean) => sharp(Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="${sky}"/>`
    + '<rect y="120" width="800" height="260" fill="#c8bfae"/><rect x="80" y="170" width="140" height="120" fill="#8fa3b5"/><rect x="330" y="170" width="140" height="120" fill="#8fa3b5"/><rect x="580" y="170" width="140" height="120" fill="#8fa3b5"/>'
    + '<rect y="380" width="800" height="220" fill="#a7a59c"/><rect y="372" width="800" height="16" fill="#e0ddd3"/>'
    + (pile ? '<ellipse cx="400" cy="470" rx="210" ry="80" fill="#6b5a45"/><ellipse cx="360" cy="430" rx="90" ry="50" fill="#7d6a52"/><rect x="440" y="400" width="70" height="50" fill="#4f6d7a"/>' : '')
    + '</svg>')).jpeg().toBuffer();

  async function report(resident: string, g: { lat: number; lng: number }, description: string, colour: string): Promise<CaseDto> {
    const photo = await scene(colour, true);
    const form = new FormData();
    for (const [k, v] of Object.entries({ categoryCode: '06010', description, lat: String(g.lat), lng: String(g.lng), anonymous: 'false' })) form.append(k, v);
    form.append('photos', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg');
    return (await call<{ case: CaseDto }>('/api/v1/reports', { method: 'POST', headers: { authorization: `Bearer ${resident}` }, body: form }, 201)).case;
  }

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM) || !fs.existsSync(path.join(H5_DIST, 'index.html'))) {
      throw new Error(`needs ${CHROMIUM} (apt-get install chromium fonts-noto-cjk) and ${H5_DIST} (npm run build:h5)`);
    }
    fs.mkdirSync(DOCS, { recursive: true });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-e2e-console-'));
    running = await bootForE2e(dataDir, { REPORTS_PER_MINUTE: '1000' });
    api = await e2eApi(running.url);
    accounts = api.accounts;
    dispatcherToken = await token(DISPATCHER);
    const resident = await token('resident-01');
    // Grid centres of 中山区 (config/org-tree.json), one per community, so no two reports fold into duplicates.
    const tree = JSON.parse(fs.readFileSync(path.resolve('config/org-tree.json'), 'utf8')) as { nodes: { code: string; level: string; parentCode?: string; centroid?: { lat: number; lng: number } }[] };
    const byCommunity = new Map<string, { lat: number; lng: number }>();
    for (const n of tree.nodes) if (n.level === 'grid' && n.centroid && n.code.startsWith('210202') && n.parentCode && !byCommunity.has(n.parentCode)) byCommunity.set(n.parentCode, n.centroid);
    const spread = [...byCommunity.values()];
    // One case handled with before and after photos, waiting for verification (the lightbox's pair).
    const g0 = accounts.find((a) => a.role === 'inspector' && a.duty === 'A' && a.lat && a.lng && a.orgNodeCode!.startsWith('210202'))!;
    handled = await report(resident, { lat: g0.lat!, lng: g0.lng! }, '人行道上堆放的建筑垃圾影响通行', '#cfe0ee');
    await call(`/api/v1/cases/${handled.id}/actions/register`, json(dispatcherToken, {}));
    await call(`/api/v1/cases/${handled.id}/actions/dispatch`, json(dispatcherToken, {}));
    const inspector = await token(g0.openid);
    await call(`/api/v1/cases/${handled.id}/actions/sign`, json(inspector, {}));
    const after = await scene('#cfe0ee', false);
    const form = new FormData();
    form.append('note', '已清运完毕');
    form.append('photos', new Blob([new Uint8Array(after)], { type: 'image/jpeg' }), 'after.jpg');
    await call(`/api/v1/cases/${handled.id}/actions/handle`, { method: 'POST', headers: { authorization: `Bearer ${inspector}` }, body: form });
    const texts = ['井盖缺失，夜间行人易跌落', '路灯不亮，整条街漆黑', '共享单车乱停放堵塞盲道', '绿化带内堆放生活垃圾', '占道经营摊点影响通行'];
    for (let i = 0; i < texts.length; i++) fresh.push(await report(resident, spread[(i + 1) % spread.length]!, texts[i]!, ['#cfe0ee', '#d6e4f0', '#c9dbe8', '#dbe7f1', '#d2e2ec'][i]!));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  }, 240000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await running?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function asDispatcher(width: number, height: number): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${running.url}/#/pages/login/index`);
    await page.locator(`#acct-${DISPATCHER}`).click();
    await page.waitForFunction("location.hash.includes('pages/home')");
    await page.goto(`${running.url}/#${CONSOLE}`);
    await page.waitForLoadState('networkidle');
    return page;
  }
  const visible = (page: Page, sel: string) => page.locator(sel).filter({ visible: true }).first();
  const shot = async (page: Page, name: string) => {
    if (!SAVE_SHOTS) return;
    await page.waitForLoadState('networkidle');
    await settled(page);
    await page.screenshot({ path: path.join(DOCS, `${name}.png`) });
  };

  it('at 1440 px: three panes, batch register and dispatch with a result per case, one dispatch by a grid on the map', async () => {
    const page = await asDispatcher(1440, 900);
    await visible(page, `#select-${fresh[0]!.caseNo}`).waitFor({ timeout: 30000 });
    // The page does not scroll; the panes do.
    expect(await page.evaluate<number>('document.scrollingElement.scrollHeight')).toBeLessThanOrEqual(900);
    const incoming = Number(await visible(page, '#count-incoming').innerText());
    expect(incoming).toBe(fresh.length);

    // Open one: the case pane and the map fill in.
    await page.getByRole('button', { name: fresh[0]!.caseNo }).filter({ visible: true }).first().click();
    await visible(page, '#act-register').waitFor();
    await visible(page, '#console-map').waitFor();
    await shot(page, 'console-1440');

    // Tick four; another dispatcher registers the third first: that one fails on its own row.
    for (const c of fresh.slice(0, 4)) await visible(page, `#select-${c.caseNo}`).click();
    expect(await visible(page, '.console-batch__count').innerText()).toContain('已选 4 件');
    await call(`/api/v1/cases/${fresh[2]!.id}/actions/register`, json(await token('staff-210202-02').catch(() => dispatcherToken), {}));
    await visible(page, '#batch-register').click();
    await visible(page, '#batch-results').waitFor();
    const results = await visible(page, '#batch-results').innerText();
    expect(results).toContain('批量受理：成功 3 件，未办理 1 件');
    expect(await visible(page, `#batch-result-${fresh[0]!.caseNo}`).innerText()).toContain('已受理');
    expect(await visible(page, `#batch-result-${fresh[2]!.caseNo}`).innerText()).toContain('未办理：案件已被他人更新');
    for (const c of fresh.slice(0, 4)) expect((await getCase(c.id)).state).toBe('registered');
    await page.waitForFunction(`document.querySelector('#count-incoming')?.textContent === '${fresh.length - 4}'`, undefined, { timeout: 10000 });
    await page.waitForTimeout(2700); // the toast's 2.5 s
    await shot(page, 'console-batch-1440');

    // 待派遣: tick all but the last, batch-dispatch each to its own grid.
    await visible(page, '#queue-registered').click();
    const toMap = fresh[3]!;
    await visible(page, `#select-${toMap.caseNo}`).waitFor();
    await visible(page, '#select-all').click();
    await visible(page, `#select-${toMap.caseNo}`).click();
    const batchCount = await visible(page, '.console-batch__count').innerText();
    await visible(page, '#batch-dispatch').click();
    await visible(page, '#batch-results').getByText('批量派遣').waitFor();
    expect(await visible(page, '#batch-results').innerText()).toMatch(/批量派遣：成功 \d+ 件/);
    expect(batchCount).toMatch(/已选 \d+ 件/);
    for (const c of fresh.slice(0, 3)) {
      const now = await getCase(c.id);
      expect([c.caseNo, now.state, now.responsible?.code]).toEqual([c.caseNo, 'dispatched', c.grid!.code]);
    }

    // The last one by its grid on the map: another grid of its community, clicked on the map itself.
    await page.getByRole('button', { name: toMap.caseNo }).filter({ visible: true }).first().click();
    await visible(page, '#act-dispatch').waitFor();
    const gridChips = page.locator('[id^="map-grid-"]').filter({ visible: true });
    await gridChips.first().waitFor({ timeout: 15000 });
    const codes = (await gridChips.evaluateAll((els) => els.map((e) => e.id.slice('map-grid-'.length)))) as string[];
    const other = codes.find((c) => c !== toMap.grid!.code) ?? toMap.grid!.code;
    const name = (await visible(page, `#map-grid-${other}`).innerText()).replace('（本案网格）', '');
    await page.locator('#console-map').getByRole('button', { name, exact: true }).first().click();
    await visible(page, '#dispatch-chosen').getByText(name).waitFor();
    await visible(page, '#act-dispatch').click();
    await visible(page, '#case-holder').getByText(name).waitFor({ timeout: 15000 });
    let state = '';
    for (let i = 0; i < 50 && state !== 'dispatched'; i++) { state = (await getCase(toMap.id)).state; if (state !== 'dispatched') await page.waitForTimeout(200); }
    const dispatched = await getCase(toMap.id);
    expect([dispatched.state, dispatched.responsible?.code]).toEqual(['dispatched', other]);
    expect(errors).toEqual([]);
  }, 240000);

  it('compares the photos full size in a lightbox with zoom, and lists the shortcuts on ?', async () => {
    const page = await asDispatcher(1440, 900);
    await visible(page, '#queue-verify').click();
    await visible(page, `#select-${handled.caseNo}`).waitFor();
    // j opens the next case of the queue (here the first); o opens the photo comparison.
    await page.keyboard.press('j');
    await visible(page, '#act-verify-pass').waitFor();
    expect(await visible(page, '#case-no').innerText()).toContain(handled.caseNo);
    await page.keyboard.press('o');
    await visible(page, '#lightbox').waitFor();
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('lightbox-close');
    await visible(page, '#lightbox-zoom-in').click();
    expect(await visible(page, '#lightbox').innerText()).toContain('150%');
    await page.waitForFunction("[...document.querySelectorAll('#lightbox img')].every((i) => i.complete && i.naturalWidth > 0)");
    await shot(page, 'console-lightbox-1440');
    // Tab stays inside the dialog.
    for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate<boolean>("!!document.getElementById('lightbox')?.contains(document.activeElement)")).toBe(true);
    await page.keyboard.press('Escape');
    await page.locator('#lightbox').waitFor({ state: 'detached' });

    // Shortcuts: ? opens the list, Esc closes it; typing in the search box is only typing.
    await page.locator('body').press('?');
    await visible(page, '#shortcuts').waitFor();
    expect(await visible(page, '#shortcuts').innerText()).toContain('下一件');
    await page.keyboard.press('Escape');
    await page.locator('#shortcuts').waitFor({ state: 'detached' });
    await visible(page, '#console-search input').click();
    await page.keyboard.type('j?');
    expect(await page.locator('#shortcuts').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 120000);

  it('at 390 px: the queue alone, no page overflow sideways; a case opens on its own page', async () => {
    const page = await asDispatcher(390, 844);
    await visible(page, '#queue-incoming').click();
    await visible(page, '#count-incoming').waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await page.locator('#select-all').filter({ visible: true }).count()).toBe(0);
    await shot(page, 'console-390');
    expect(errors).toEqual([]);
  }, 120000);
});
