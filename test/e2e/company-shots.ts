// Screenshots of a third-party inspection company's monthly page (月评估: figures, coverage, 漏查; issue 11) at
// 390 and 1440 px, into docs/screenshots/company-month-*.png. A FineCity is booted the way `npm start` boots it
// (PGlite in a temporary folder, WeChat sandbox on); the H5 build must exist (flock /tmp/h5build.lock npm run build:h5).
// Run: npx tsx test/e2e/company-shots.ts
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import type { CompanyDto, LoginResponse, SandboxAccount } from '@finecity/types';
import { smallJpeg } from '../support/fixtures.js';
import { settled } from './h5-driver.js';
import { shoot } from './shots-kit.js';

const OUT = path.resolve('docs/screenshots');

async function login(base: string, a: SandboxAccount): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/wechat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: a.code }) });
  return ((await res.json()) as LoginResponse).token;
}

async function call(base: string, token: string, method: string, url: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function report(base: string, token: string, at: { lat: number; lng: number }, categoryCode: string, description: string): Promise<void> {
  const form = new FormData();
  for (const [k, v] of Object.entries({ categoryCode, description, lat: String(at.lat), lng: String(at.lng), anonymous: 'false' })) form.append(k, v);
  form.append('photos', new Blob([new Uint8Array(await smallJpeg())], { type: 'image/jpeg' }), 'p.jpg');
  const res = await fetch(`${base}/api/v1/reports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  if (res.status !== 201) throw new Error(`report failed: ${res.status} ${await res.text()}`);
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

shoot(async ({ base, browser }) => {
  const accounts = ((await (await fetch(`${base}/api/v1/sandbox/accounts`)).json()) as { accounts: SandboxAccount[] }).accounts;
  const find = (role: string, where: (a: SandboxAccount) => boolean = () => true) => {
    const a = accounts.find((x) => x.role === role && where(x));
    if (!a) throw new Error(`no demo ${role}`);
    return a;
  };
  const cityCode = find('city').orgNodeCode;
  const admin = await login(base, find('admin', (a) => a.orgNodeCode === cityCode));
  const { company } = (await call(base, admin, 'GET', '/api/v1/admin/companies/demo', undefined)) as { company: CompanyDto };
  // Patrol hours around the clock, so that this run's reports fall inside them whatever the hour.
  const { id, name, contractStart, contractEnd, mayVerify, gridCodes } = company;
  await call(base, admin, 'POST', '/api/v1/admin/companies', { id, name, contractStart, contractEnd, mayVerify, gridCodes, patrolFrom: '00:00', patrolTo: '23:59' });
  const grids = accounts.filter((a) => a.role === 'inspector' && a.duty === 'A' && company.gridCodes.includes(a.orgNodeCode!));
  const [g1, g2] = [grids[0]!, grids[1] ?? grids[0]!];
  const tpAccount = find('third_party');
  const tp = await login(base, tpAccount);
  await call(base, tp, 'POST', '/api/v1/patrol/checkins', { lat: g1.lat, lng: g1.lng });
  await report(base, tp, { lat: g1.lat!, lng: g1.lng! }, '06010', '人行道有暴露垃圾');
  await report(base, tp, { lat: g1.lat!, lng: g1.lng! }, '06020', '道路两侧有散落杂物');
  const enforcement = await login(base, find('enforcement'));
  await report(base, enforcement, { lat: g2.lat!, lng: g2.lng! }, '06010', '执法巡查发现：小区门口垃圾堆放');
  const resident = await login(base, find('resident'));
  await report(base, resident, { lat: g2.lat!, lng: g2.lng! }, '06020', '路口有杂物堆放');

  for (const width of [390, 1440]) {
    const page = await pageAs(browser, base, tpAccount, width);
    await page.goto(`${base}/#/packages/staff/pages/company/index`);
    await page.locator('#company-missed').waitFor();
    await page.waitForLoadState('networkidle');
    await settled(page);
    await page.screenshot({ path: path.join(OUT, `company-month-${width}.png`), fullPage: true });
    console.log(`wrote docs/screenshots/company-month-${width}.png`);
    await page.context().close();
  }
});
