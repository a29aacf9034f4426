// Screenshots of the 12319 话务台, the 待定位 queue and the caller's tracking page (issue 11) at 390 and
// 1440 px, into docs/screenshots/. A FineCity is booted the way `npm start` boots it (PGlite in a temporary
// folder, WeChat sandbox on); the H5 build must exist (flock /tmp/h5build.lock npm run build:h5).
// Run: npx tsx test/e2e/call-centre-shots.ts
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import type { LoginResponse, SandboxAccount } from '@finecity/types';
import { settled } from './h5-driver.js';
import { shoot } from './shots-kit.js';

const OUT = path.resolve('docs/screenshots');

async function login(base: string, a: SandboxAccount): Promise<LoginResponse> {
  const res = await fetch(`${base}/api/v1/auth/wechat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: a.code }) });
  return (await res.json()) as LoginResponse;
}

async function file(base: string, token: string, f: Record<string, string>): Promise<{ caseId: string; caseNo: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(f)) form.append(k, v);
  const res = await fetch(`${base}/api/v1/hotline/cases`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { caseId: string; caseNo: string };
}

/** Logs in the way a person does: the demo-account picker of the login page. */
async function pageAs(browser: Browser, base: string, account: SandboxAccount, width: number): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height: width > 900 ? 900 : 844 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${base}/#/pages/login/index`);
  await page.locator(`#acct-${account.openid}`).click();
  await page.waitForFunction("location.hash.includes('pages/home')");
  await page.waitForLoadState('networkidle');
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await settled(page);
  // Taro's H5 pages scroll inside .taro_page: grow the viewport to the page so the shot holds all of it.
  const size = page.viewportSize()!;
  const tall = await page.evaluate<number>("Math.max(document.documentElement.scrollHeight, ...[...document.querySelectorAll('.taro_page')].filter((e) => getComputedStyle(e).display !== 'none').map((e) => e.scrollHeight))");
  await page.setViewportSize({ width: size.width, height: Math.min(Math.max(tall, size.height), 6000) });
  await settled(page);
  await page.screenshot({ path: path.join(OUT, name), fullPage: true });
  await page.setViewportSize(size);
  console.log(`wrote docs/screenshots/${name}`);
}

shoot(async ({ running, base, browser }) => {
  const accounts = ((await (await fetch(`${base}/api/v1/sandbox/accounts`)).json()) as { accounts: SandboxAccount[] }).accounts;
  const find = (role: string, where: (a: SandboxAccount) => boolean = () => true) => {
    const a = accounts.find((x) => x.role === role && where(x));
    if (!a) throw new Error(`no demo ${role}`);
    return a;
  };
  const grid = find('inspector');
  const operatorAccount = find('hotline');
  const cityAccount = find('city');
  const operator = await login(base, operatorAccount);
  // A few calls already on the desk: two placed, two the address matcher could not place (待定位).
  const placed = await file(base, operator.token, { callerName: '王建国', callerPhone: '13700002222', lat: String(grid.lat), lng: String(grid.lng), address: '人民路 56 号门前', categoryCode: '06010', description: '人行道上堆放生活垃圾，已有两天无人清理' });
  await file(base, operator.token, { callerName: '李秀英', callerPhone: '13900001111', address: '星海湾附近一处老小区北门外', categoryCode: '06010', description: '垃圾桶满溢，异味很大' });
  await file(base, operator.token, { callerName: '欧阳娜娜', callerPhone: '13600003333', address: '港湾广场往东约两百米的公交站', categoryCode: '06010', description: '公交站台旁有大量建筑垃圾', urgent: 'true' });

  // The district platform takes the placed one on and answers the caller publicly.
  const district = await login(base, find('district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
  const post = (p: string, body: unknown) => fetch(`${base}${p}`, { method: 'POST', headers: { authorization: `Bearer ${district.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await post(`/api/v1/cases/${placed.caseId}/actions/register`, {});
  await post(`/api/v1/cases/${placed.caseId}/actions/dispatch`, {});
  await post(`/api/v1/cases/${placed.caseId}/comments`, { body: '已派网格员到场处理，预计今天下班前清理完毕。', public: true });

  for (const width of [390, 1440]) {
    const page = await pageAs(browser, base, operatorAccount, width);
    await page.goto(`${base}/#/packages/staff/pages/hotline/index`);
    await page.locator('#caller-name input').waitFor();
    await page.fill('#caller-name input', '张先生');
    await page.fill('#caller-phone input', '13812341234');
    await page.fill('#hotline-address input', '中山区桃源街道桃源小区 3 号楼门前');
    await page.getByRole('button', { name: '暴露垃圾' }).first().click();
    await page.fill('#hotline-description textarea', '市民来电：小区门口有暴露垃圾，请尽快清理');
    await page.click('#hotline-submit');
    await page.locator('#hotline-caseno').waitFor();
    await shot(page, `call-centre-${width}.png`);
    await page.context().close();
  }

  for (const width of [390, 1440]) {
    const page = await pageAs(browser, base, cityAccount, width);
    await page.goto(`${base}/#/packages/staff/pages/unlocated/index`);
    await page.locator('[id^="open-DL"]').first().waitFor();
    await page.locator('[id^="open-DL"]').first().click();
    // The dispatcher drills into 中山区 and takes a street: the breadcrumb and the chosen place show.
    await page.getByRole('button', { name: '下级：中山区' }).first().click();
    await page.getByRole('button', { name: /^用此地：.+街道$/ }).first().click();
    await page.getByText('已选：中山区 / ').first().waitFor();
    await shot(page, `unlocated-${width}.png`);
    await page.context().close();
  }

  // The caller's tracking page, from the link in the sandbox's SMS.
  const sms = running.sandbox!.messages({ channel: 'sms', phone: '13700002222' }).find((m) => m.templateId === 'SMS_HOTLINE_TRACKING');
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const track = await ctx.newPage();
  await track.goto(String(sms!.data!.link).replace(/^http:\/\/127\.0\.0\.1:\d+/, base));
  await track.locator('#track-caseno').waitFor();
  await shot(track, 'call-centre-track-390.png');
});
