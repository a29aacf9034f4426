// Screenshots of the pages issue 12's app shell wraps for leaders, admins and the channel desks (title bar,
// the role's tabs, back and home) at 390 and 1440 px, into docs/screenshots/shell-*.png. Boots FineCity the
// way `npm start` does (PGlite in a temporary folder, WeChat sandbox on); the H5 build must exist.
// Run: npx tsx test/e2e/shell-shots.ts
import path from 'node:path';
import { settled } from './h5-driver.js';
import { shoot } from './shots-kit.js';

const OUT = path.resolve('docs/screenshots');
const VISITS: { openid: string; route: string; ready: string; name: string }[] = [
  { openid: 'staff-210202-LD', route: '/packages/leader/pages/dashboard/index', ready: '按期结案率', name: 'leader-dashboard' },
  { openid: 'staff-210202-LD', route: '/packages/leader/pages/bigscreen/index', ready: '指挥中心', name: 'leader-bigscreen' },
  { openid: 'staff-210200-ADM', route: '/packages/admin/pages/staff/index', ready: '共 ', name: 'admin-staff' },
  { openid: 'staff-210200-HL01', route: '/packages/staff/pages/hotline/index', ready: '还没有登记的来电', name: 'hotline' },
  { openid: 'staff-210202-01', route: '/packages/staff/pages/unlocated/index', ready: '没有待定位的案件', name: 'unlocated' },
  { openid: 'staff-210202-01', route: '/packages/staff/pages/callbacks/index', ready: '没有回调失败的记录', name: 'callbacks' },
  { openid: 'staff-210200-TP01', route: '/packages/staff/pages/company/index', ready: '本月没有漏查', name: 'company' },
  { openid: 'staff-210202-01', route: '/pages/mine/index', ready: '切换账号', name: 'staff-mine' },
];

shoot(async ({ base, browser }) => {
  for (const width of [390, 1440]) {
    for (const v of VISITS) {
      const ctx = await browser.newContext({ viewport: { width, height: width > 900 ? 900 : 844 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      const page = await ctx.newPage();
      page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
      await page.goto(`${base}/#/pages/login/index`);
      await page.locator(`#acct-${v.openid}`).click();
      await page.waitForFunction("!!localStorage.getItem('finecity.session')");
      await page.waitForLoadState('networkidle');
      await page.goto(`${base}/#${v.route}`);
      await page.getByText(v.ready).filter({ visible: true }).first().waitFor({ timeout: 30_000 });
      await page.waitForLoadState('networkidle');
      await settled(page);
      await page.screenshot({ path: path.join(OUT, `shell-${v.name}-${width}.png`), fullPage: true });
      await ctx.close();
    }
  }
});
