// The inspector's app (issue 12, item 4) end to end in the H5 build at 390 px: today's tasks on the map, 导航 as
// an Amap link in GCJ-02, sign and handle, the case found again under 已办 by its number, and a patrol started
// and stopped. Screenshots of the inbox (待办, 已办, 任务地图), the task and the patrol page at 390 and 1440 px go
// to docs/screenshots/inspector-*.png.
//
// Stable ids for other scenarios: inbox-todo, inbox-done, inbox-map (the inbox's views; the shell's tab bar
// owns tab-*), history-search, history-more, done-<caseId>, task-map, pick-<caseId>, nav-<caseId>,
// view-<caseId>, patrol-start, patrol-stop, patrol-checkin, patrol-report, patrol-sessions, patrol-pending.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { wgs84ToGcj02, type CaseDto } from '@finecity/types';
import type { Running } from '../../server/src/boot.js';
import { H5_DIST } from '../../server/src/http/static.js';
import { smallJpeg } from '../support/fixtures.js';
import { auditPage, type Finding } from './a11y-audit.js';
import { bootForE2e, e2eApi, SAVE_SHOTS, type E2eApi } from './e2e-server.js';
import { CHROMIUM, settled } from './h5-driver.js';

const SHOTS = path.resolve('docs/screenshots');
const INSPECTOR = 'staff-210202001010001A';
const DISPATCHER = 'staff-210202-01';
const RESIDENT = 'resident-01';
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

describe('the inspector\'s app in Chromium at 390 px', () => {
  let running: Running;
  let dataDir: string;
  let browser: Browser;
  let afterPhoto: string;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  let api: E2eApi;
  const account = (openid: string) => api.account(openid);
  const call = <T,>(p: string, init: RequestInit = {}, want = 200) => api.call<T>(p, init, want);
  const token = (openid: string) => api.token(openid);
  /** axe and the 44 px probe of the accessibility audit, on views the audit's visits do not reach (they need taps). */
  const findings: Finding[] = [];
  const audit = async (page: Page, view: string) => {
    findings.push(...(await auditPage(page, { narrow: (page.viewportSize()?.width ?? 0) < 1000 })).map((f) => `${view}: ${f}`));
  };

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM) || !fs.existsSync(path.join(H5_DIST, 'index.html'))) {
      throw new Error(`needs ${CHROMIUM} (apt-get install chromium fonts-noto-cjk) and ${H5_DIST} (npm run build:h5)`);
    }
    fs.mkdirSync(SHOTS, { recursive: true });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-e2e-inspector-'));
    afterPhoto = path.join(dataDir, 'after.jpg');
    fs.writeFileSync(afterPhoto, await smallJpeg({ width: 640, height: 480, color: '#2f855a' }));
    running = await bootForE2e(dataDir);
    api = await e2eApi(running.url);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await running?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** The API as the other apps call it: the resident's report and the dispatcher's register and dispatch. */

  async function dispatchedCase(description: string, address: string): Promise<CaseDto> {
    const insp = account(INSPECTOR);
    const form = new FormData();
    form.set('categoryCode', '06010');
    form.set('description', description);
    form.set('lat', String(insp.lat));
    form.set('lng', String(insp.lng));
    form.set('address', address);
    form.set('anonymous', 'false');
    form.append('photos', new Blob([await smallJpeg()], { type: 'image/jpeg' }), 'before.jpg');
    const resident = await token(RESIDENT);
    const c = (await call<{ case: CaseDto }>('/api/v1/reports', { method: 'POST', headers: { authorization: `Bearer ${resident}` }, body: form }, 201)).case;
    const d = { authorization: `Bearer ${await token(DISPATCHER)}`, 'content-type': 'application/json' };
    await call(`/api/v1/cases/${c.id}/actions/register`, { method: 'POST', headers: d, body: '{}' });
    return (await call<{ case: CaseDto }>(`/api/v1/cases/${c.id}/actions/dispatch`, { method: 'POST', headers: d, body: '{}' })).case;
  }

  async function asDemo(openid: string, width: number): Promise<Page> {
    const a = account(openid);
    const ctx = await browser.newContext({
      viewport: { width, height: width > 1000 ? 900 : 844 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
      geolocation: { latitude: a.lat!, longitude: a.lng! }, permissions: ['geolocation'],
    });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${running.url}/#/pages/login/index`);
    await page.locator(`#acct-${openid}`).click();
    await page.waitForFunction("location.hash.includes('pages/home') || location.hash.includes('staff/pages/inbox')");
    await page.waitForLoadState('networkidle');
    return page;
  }

  const visible = (page: Page, sel: string) => page.locator(sel).filter({ visible: true }).first();
  const waitText = (page: Page, text: string, timeout = 30_000) => page.getByText(text).filter({ visible: true }).first().waitFor({ timeout });
  const open = async (page: Page, route: string, ready: string) => {
    await page.goto(`${running.url}/#${route}`);
    await waitText(page, ready);
    await page.waitForLoadState('networkidle');
  };
  /** The whole page: Taro's H5 pages scroll inside their own container, so the viewport is grown to the content first. */
  const shot = async (page: Page, name: string) => {
    if (!SAVE_SHOTS) return;
    // A toast ("已签收") stays 2.5 s: the shot shows the page, not the toast.
    await page.waitForFunction("[...document.querySelectorAll('.taro__toast')].every((t) => t.style.display === 'none' || t.style.opacity === '0')", undefined, { timeout: 5000 }).catch(() => undefined);
    await settled(page);
    const size = page.viewportSize()!;
    const tall = await page.evaluate<number>(
      "Math.max(document.documentElement.scrollHeight, ...[...document.querySelectorAll('.taro_page')].filter((e) => e.offsetParent !== null || getComputedStyle(e).display !== 'none').map((e) => e.scrollHeight))",
    );
    await page.setViewportSize({ width: size.width, height: Math.min(Math.max(tall, size.height), 6000) });
    await settled(page);
    await page.screenshot({ path: path.join(SHOTS, `inspector-${name}-${size.width}.png`), fullPage: true });
    await page.setViewportSize(size);
  };

  it('finds today\'s task on the map, opens navigation in GCJ-02, signs and handles it, finds it under 已办, and patrols', async () => {
    const c = await dispatchedCase('人行道上一处井盖缺失，需尽快处理', '人民路 23 号门前');
    const page = await asDemo(INSPECTOR, 390);

    // 待办, then 任务地图: the task is a marker coloured by its SLA state.
    await open(page, '/packages/staff/pages/inbox/index', c.caseNo);
    await shot(page, 'todo');
    await visible(page, '#inbox-map').click();
    const map = visible(page, '#task-map');
    await map.waitFor();
    await map.getByRole('button', { name: new RegExp(c.caseNo) }).click();
    const nav = visible(page, `#nav-${c.id}`);
    await nav.waitFor();
    await shot(page, 'map');
    await audit(page, 'map 390');

    // 导航: a link to Amap's marker page with the place in GCJ-02 (the API's point is WGS-84).
    const href = new URL((await nav.getAttribute('href'))!);
    const g = wgs84ToGcj02({ lat: c.location.lat, lng: c.location.lng });
    expect(href.origin + href.pathname).toBe('https://uri.amap.com/marker');
    expect(href.searchParams.get('position')).toBe(`${round6(g.lng)},${round6(g.lat)}`);
    expect(href.searchParams.get('coordinate')).toBe('gaode');
    expect(href.searchParams.get('name')).toBe('人民路 23 号门前');
    expect(Math.abs(g.lng - c.location.lng)).toBeGreaterThan(0.003);
    expect(await nav.getAttribute('target')).toBe('_blank');
    // Opening it opens the map app in a new tab (its page is outside this offline test: the URL is what counts).
    await page.context().route('https://uri.amap.com/**', (r) => r.fulfill({ status: 200, contentType: 'text/html', body: '<title>高德地图</title>' }));
    const [tab] = await Promise.all([page.context().waitForEvent('page'), nav.click()]);
    await tab.waitForLoadState();
    expect(tab.url()).toBe(href.toString());
    await tab.close();

    // 查看 → the task: sign, then handle with an after-photo.
    await visible(page, `#view-${c.id}`).click();
    await waitText(page, '问题位置');
    expect(await visible(page, `#nav-${c.id}`).getAttribute('href')).toBe(href.toString());
    // The console engineer's ActionPanel: sign on its own, return and extension each their own form (looked at, not changed here).
    await visible(page, '#act-sign').waitFor();
    await shot(page, 'task-sign');
    await visible(page, '#open-return').click();
    await visible(page, '#form-return').waitFor();
    await shot(page, 'task-return');
    await visible(page, '#open-return').click();
    await visible(page, '#act-sign').click();
    await waitText(page, '处置中');
    await visible(page, '#open-request-extension').click();
    await visible(page, '#form-request-extension').waitFor();
    await shot(page, 'task-extension');
    await visible(page, '#open-request-extension').click();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), visible(page, '#handle-photos').click()]);
    await chooser.setFiles([afterPhoto]);
    await waitText(page, '处置后照片（1/9）');
    await shot(page, 'task');
    await visible(page, '#act-handle').click();
    await waitText(page, '待核查');

    // 已办: the handled task, found by its case number.
    await open(page, '/packages/staff/pages/inbox/index', '待办');
    await visible(page, '#inbox-done').click();
    await visible(page, '#history-search input').fill(c.caseNo);
    await visible(page, `#done-${c.id}`).waitFor();
    await waitText(page, '找到 1 件');
    expect(await visible(page, `#done-${c.id}`).innerText()).toContain('我已处置');
    await shot(page, 'done');
    await audit(page, 'done 390');

    // 巡查: start, stop, and the session is listed with its duration.
    await open(page, '/packages/staff/pages/patrol/index', '今日发现');
    await visible(page, '#patrol-start').click();
    await waitText(page, '巡查中');
    await visible(page, '#patrol-checkin').click();
    await waitText(page, '我的签到');
    await visible(page, '#patrol-stop').click();
    await waitText(page, '未在巡查');
    const sessions = visible(page, '#patrol-sessions');
    await sessions.waitFor();
    expect(await sessions.innerText()).toMatch(/\d+月\d+日 \d{2}:\d{2} – \d{2}:\d{2}\s+0 分钟/);
    expect(await visible(page, '#patrol-coverage').innerText()).toContain('今日已签到 1 / 1 个网格（100%）');
    await shot(page, 'patrol');
    await audit(page, 'patrol 390');

    // The same pages on a desk screen.
    const wide = await asDemo(INSPECTOR, 1440);
    await open(wide, '/packages/staff/pages/inbox/index', '待办');
    await waitText(wide, '暂无待办任务');
    await shot(wide, 'todo');
    await visible(wide, '#inbox-done').click();
    await visible(wide, `#done-${c.id}`).waitFor();
    await shot(wide, 'done');
    await audit(wide, 'done 1440');
    await open(wide, `/packages/staff/pages/task/index?id=${c.id}`, '问题位置');
    await shot(wide, 'task');
    await open(wide, '/packages/staff/pages/patrol/index', '今日发现');
    await visible(wide, '#patrol-sessions').waitFor();
    await shot(wide, 'patrol');
    // The map at desk width, with a task on it.
    const next = await dispatchedCase('路灯杆倾斜，存在安全隐患', '中山路 88 号');
    await open(wide, '/packages/staff/pages/inbox/index', next.caseNo);
    await visible(wide, '#inbox-map').click();
    await visible(wide, '#task-map').getByRole('button', { name: new RegExp(next.caseNo) }).click();
    await visible(wide, `#nav-${next.id}`).waitFor();
    await shot(wide, 'map');
    await audit(wide, 'map 1440');

    expect(errors).toEqual([]);
    expect(findings).toEqual([]);
  }, 240_000);
});
