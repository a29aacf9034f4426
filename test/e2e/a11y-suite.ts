// Issue 4's "done when", audited in the H5 build: every page works with the keyboard and has screen-reader
// names, tap targets are at least 44 CSS px, nothing overflows at 320 px, and no page asks the API for
// anything it does not show. Every page of app.config.ts is opened, as each kind of sandbox account, in
// Debian's Chromium against a server booted as `npm start` boots it; axe-core checks WCAG 2 A/AA and
// a11y-probe.browser.js measures what axe does not.
//
// The visits are shared by two test files (a11y.test.ts, a11y-keyboard.test.ts), each with its own server
// and browser, so that Jest's two workers audit them side by side instead of one file taking a whole pass.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import type { CaseDto, SandboxAccount } from '@finecity/types';
import type { Running } from '../../server/src/boot.js';
import { bootForE2e } from './e2e-server.js';
import { H5_DIST } from '../../server/src/http/static.js';
import { CHROMIUM } from './h5-driver.js';
import { DISPATCHER, INSPECTOR, LEADER, RESIDENT, seedCases, type AuditCases } from './a11y-fixture.js';
import { auditPage, type Finding } from './a11y-audit.js';
import { storageInit } from './privacy-consent.js';

const NARROW = { width: 320, height: 640 };
const WIDE = { width: 1440, height: 900 };
const APP_CONFIG = fileURLToPath(new URL('../../miniprogram/src/app.config.ts', import.meta.url));

export type Who = 'guest' | 'resident' | 'inspector' | 'dispatcher' | 'leader' | 'admin' | 'hotline' | 'company';
const ADMIN = 'staff-210200-ADM';
/** The seeded 12319 call-centre operator (issue 11). */
const HOTLINE = 'staff-210200-HL01';
/** The seeded demo company's 第三方采集员 (issue 11). */
const COMPANY = 'staff-210200-TP01';
const OPENID: Record<Exclude<Who, 'guest'>, string> = { resident: RESIDENT, inspector: INSPECTOR, dispatcher: DISPATCHER, leader: LEADER, admin: ADMIN, hotline: HOTLINE, company: COMPANY };
/** The Beijing month and year the admin pages open on (the browser's clock, as the pages read it). */
const beijing = new Date(Date.now() + 8 * 3_600_000);
export const MONTH = `${beijing.getUTCFullYear()}-${String(beijing.getUTCMonth() + 1).padStart(2, '0')}`;

export interface Visit {
  as: Who;
  /** A page of app.config.ts, with the query it needs. */
  route: string;
  query?: (c: AuditCases) => string;
  wide?: boolean;
  /** Text that shows once the page has rendered its data. */
  ready: string;
  /** Every API call the page makes on load (method, path and query), each exactly once. */
  api: (c: AuditCases) => string[];
  /** The case whose photos the page shows (their thumbnails are the only images it may load). */
  photosOf?: (c: AuditCases) => CaseDto;
  /** 关怀模式 (issue 13): the storage flag is set before the page loads, as the switch in 我的 leaves it. */
  care?: boolean;
}

const mine = (size: number) => `GET /api/v1/cases?mine=true&pageSize=${size}`;
/** The leader's pages: figures, trend, map and the streets' scorecard of the district leader's month. */
const LEADER_CALLS = [
  'GET /api/v1/stats/overview?period=month', 'GET /api/v1/assessment/trend?period=month', 'GET /api/v1/assessment/map',
  `GET /api/v1/assessment/scorecards?period=month&at=${MONTH}&level=street`,
];
const oneCase = (c: CaseDto) => `GET /api/v1/cases/${c.id}`;
/** A case's comments (CommentsPanel loads them once it shows the case: public replies for its reporter). */
const commentsOf = (c: CaseDto) => `GET /api/v1/cases/${c.id}/comments`;
/** The 话务台: categories, what this operator filed, the place picker's districts. */
const HOTLINE_CALLS = ['GET /api/v1/categories', 'GET /api/v1/hotline/cases?page=1&pageSize=20', 'GET /api/v1/places'];

/** The calls of the normal-mode, 320-px visit of that page as that account (read when the test runs). */
const sameCalls = (as: Who, route: string) => (c: AuditCases): string[] =>
  VISITS.find((v) => v.as === as && v.route === route && !v.wide && !v.care)!.api(c);

export const VISITS: Visit[] = [
  { as: 'guest', route: '/pages/login/index', ready: '演示账号', api: () => ['GET /api/v1/auth/options', 'GET /api/v1/sandbox/accounts'] },
  { as: 'guest', route: '/pages/home/index', ready: '登录后可查看上报进度', api: () => [] },
  // The public pages (issue 13): no login; the map page loads its filter choices, list, points and base layer.
  { as: 'guest', route: '/packages/public/pages/index/index', ready: '第 1/1 页', api: () => ['GET /api/v1/categories', 'GET /api/v1/public/districts', 'GET /api/v1/public/cases?page=1&pageSize=20', 'GET /api/v1/public/map', 'GET /api/v1/map/config'] },
  { as: 'guest', route: '/packages/public/pages/index/index', wide: true, ready: '第 1/1 页', api: () => ['GET /api/v1/categories', 'GET /api/v1/public/districts', 'GET /api/v1/public/cases?page=1&pageSize=20', 'GET /api/v1/public/map', 'GET /api/v1/map/config'] },
  { as: 'guest', route: '/packages/public/pages/case/index', query: (c) => `id=${c.closed.id}`, ready: '部门回复', api: (c) => [`GET /api/v1/public/cases/${c.closed.id}`], photosOf: (c) => c.closed },
  { as: 'resident', route: '/pages/home/index', ready: '我的上报', api: () => [mine(3)] },
  { as: 'resident', route: '/pages/report/index', ready: '图钉位置：', api: (c) => ['GET /api/v1/categories', 'GET /api/v1/map/config', `GET /api/v1/map/place?lat=${Math.round(c.closed.location.lat * 1e6) / 1e6}&lng=${Math.round((c.closed.location.lng - 0.0004) * 1e6) / 1e6}`] }, // the pin: where the audit's phones stand (the closed case is 0.0004° east)
  { as: 'resident', route: '/pages/mine/index', ready: '小区门口', api: () => [mine(50)] },
  { as: 'resident', route: '/pages/case/index', query: (c) => `id=${c.closed.id}`, ready: '办理过程', api: (c) => [oneCase(c.closed), commentsOf(c.closed)], photosOf: (c) => c.closed },
  { as: 'resident', route: '/pages/case/index', query: (c) => `id=${c.closed.id}`, wide: true, ready: '办理过程', api: (c) => [oneCase(c.closed), commentsOf(c.closed)], photosOf: (c) => c.closed },
  { as: 'resident', route: '/pages/home/index', wide: true, ready: '我的上报', api: () => [mine(3)] },
  { as: 'inspector', route: '/pages/home/index', ready: '我的任务', api: () => [mine(3)] },
  { as: 'inspector', route: '/packages/staff/pages/inbox/index', ready: '人行道上', api: () => ['GET /api/v1/tasks', 'GET /api/v1/me'] },
  { as: 'inspector', route: '/packages/staff/pages/task/index', query: (c) => `id=${c.inProgress.id}`, ready: '办理过程', api: (c) => [oneCase(c.inProgress), commentsOf(c.inProgress)], photosOf: (c) => c.inProgress },
  { as: 'inspector', route: '/packages/staff/pages/inbox/index', wide: true, ready: '人行道上', api: () => ['GET /api/v1/tasks', 'GET /api/v1/me'] },
  { as: 'inspector', route: '/packages/staff/pages/task/index', query: (c) => `id=${c.inProgress.id}`, wide: true, ready: '办理过程', api: (c) => [oneCase(c.inProgress), commentsOf(c.inProgress)], photosOf: (c) => c.inProgress },
  { as: 'inspector', route: '/packages/staff/pages/patrol/index', ready: '今日发现', api: () => ['GET /api/v1/patrols/today'] },
  { as: 'inspector', route: '/packages/staff/pages/patrol/index', wide: true, ready: '今日发现', api: () => ['GET /api/v1/patrols/today'] },
  { as: 'company', route: '/packages/staff/pages/patrol/index', ready: '网格覆盖', api: () => ['GET /api/v1/patrols/today'] },
  { as: 'inspector', route: '/packages/staff/pages/map/index', ready: '人行道上', api: () => ['GET /api/v1/tasks', 'GET /api/v1/map/area', 'GET /api/v1/map/config'] },
  { as: 'inspector', route: '/packages/staff/pages/map/index', wide: true, ready: '人行道上', api: () => ['GET /api/v1/tasks', 'GET /api/v1/map/area', 'GET /api/v1/map/config'] },
  { as: 'dispatcher', route: '/pages/home/index', ready: '指挥工作台', api: () => [mine(3)] },
  { as: 'dispatcher', route: '/packages/staff/pages/console/index', ready: '小区门口', api: () => ['GET /api/v1/cases?state=submitted&sort=sla&page=1&pageSize=50', 'GET /api/v1/cases/queue-counts'] },
  { as: 'dispatcher', route: '/packages/staff/pages/console/index', wide: true, ready: '小区门口', api: () => ['GET /api/v1/cases?state=submitted&sort=sla&page=1&pageSize=50', 'GET /api/v1/cases/queue-counts', 'GET /api/v1/assessment/map', 'GET /api/v1/map/config'] },
  { as: 'dispatcher', route: '/packages/staff/pages/task/index', query: (c) => `id=${c.submitted.id}`, ready: '受理立案', api: (c) => [oneCase(c.submitted), commentsOf(c.submitted)], photosOf: (c) => c.submitted },
  { as: 'dispatcher', route: '/packages/staff/pages/task/index', query: (c) => `id=${c.registered.id}`, ready: '派往单位', api: (c) => [oneCase(c.registered), commentsOf(c.registered), 'GET /api/v1/org/units'], photosOf: (c) => c.registered },
  { as: 'leader', route: '/pages/home/index', ready: '数据看板', api: () => [mine(3)] },
  { as: 'leader', route: '/packages/leader/pages/dashboard/index', ready: '按期结案率', api: () => LEADER_CALLS },
  { as: 'leader', route: '/packages/leader/pages/bigscreen/index', ready: '指挥中心', api: () => LEADER_CALLS },
  { as: 'admin', route: '/pages/home/index', ready: '人员管理', api: () => [mine(3)] },
  { as: 'admin', route: '/packages/admin/pages/staff/index', ready: '共 ', api: () => ['GET /api/v1/admin/staff?page=1&pageSize=20'] },
  { as: 'admin', route: '/packages/admin/pages/staff/index', wide: true, ready: '共 ', api: () => ['GET /api/v1/admin/staff?page=1&pageSize=20'] },
  { as: 'admin', route: '/packages/admin/pages/audit/index', ready: '条记录', api: () => ['GET /api/v1/admin/audit?page=1&pageSize=20'] },
  { as: 'admin', route: '/packages/admin/pages/audit/index', wide: true, ready: '条记录', api: () => ['GET /api/v1/admin/audit?page=1&pageSize=20'] },
  { as: 'admin', route: '/packages/admin/pages/duty/index', ready: '各区值班规则', api: () => [`GET /api/v1/admin/duty?orgNodeCode=210200&month=${MONTH}`] },
  { as: 'admin', route: '/packages/admin/pages/duty/index', query: () => 'unit=210202001010001', wide: true, ready: '每日值班（', api: () => [`GET /api/v1/admin/duty?orgNodeCode=210202001010001&month=${MONTH}`] },
  { as: 'admin', route: '/packages/admin/pages/calendar/index', ready: '休息日', api: () => [`GET /api/v1/admin/calendar/${MONTH.slice(0, 4)}`] },
  { as: 'admin', route: '/packages/admin/pages/categories/index', ready: '当前为第', api: () => ['GET /api/v1/admin/categories'] },
  { as: 'admin', route: '/packages/admin/pages/categories/index', wide: true, ready: '当前为第', api: () => ['GET /api/v1/admin/categories'] },
  { as: 'admin', route: '/packages/admin/pages/org/index', ready: '下级单位', api: () => ['GET /api/v1/admin/org/tree'] },
  // The 12319 call centre and the channel queues (issue 11). The tracking page without a token says the link is not valid.
  { as: 'guest', route: '/pages/track/index', ready: '查询链接无效', api: () => [] },
  { as: 'hotline', route: '/packages/staff/pages/hotline/index', ready: '还没有登记的来电', api: () => HOTLINE_CALLS },
  { as: 'hotline', route: '/packages/staff/pages/hotline/index', wide: true, ready: '还没有登记的来电', api: () => HOTLINE_CALLS },
  { as: 'dispatcher', route: '/packages/staff/pages/unlocated/index', ready: '没有待定位的案件', api: () => ['GET /api/v1/cases/unlocated?page=1'] },
  { as: 'dispatcher', route: '/packages/staff/pages/callbacks/index', ready: '没有回调失败的记录', api: () => ['GET /api/v1/channels/callbacks?status=failed&page=1'] },
  // The company's month, as its own inspector reads it: its company, then the month's figures.
  { as: 'company', route: '/packages/staff/pages/company/index', ready: '合同网格巡查覆盖', api: () => ['GET /api/v1/patrol/company', `GET /api/v1/companies/demo/month?month=${MONTH}`] },
  { as: 'company', route: '/packages/staff/pages/company/index', wide: true, ready: '合同网格巡查覆盖', api: () => ['GET /api/v1/patrol/company', `GET /api/v1/companies/demo/month?month=${MONTH}`] },
  // Issue 13, privacy and points: the privacy guide (no login), 我的积分, 我的数据 and the monthly 市民监督员 list.
  { as: 'guest', route: '/pages/privacy/index', ready: '您的选择', api: () => [] },
  { as: 'resident', route: '/pages/privacy/index', wide: true, ready: '查看、导出我的数据', api: () => [] },
  { as: 'resident', route: '/packages/resident/pages/points/index', ready: '积分规则', api: () => ['GET /api/v1/me/points'] },
  { as: 'resident', route: '/packages/resident/pages/points/index', wide: true, ready: '积分规则', api: () => ['GET /api/v1/me/points'] },
  { as: 'resident', route: '/packages/resident/pages/data/index', ready: '导出 JSON', api: () => ['GET /api/v1/me/data'] },
  { as: 'guest', route: '/packages/public/pages/ranking/index', ready: '不愿上榜的市民不显示', api: () => [`GET /api/v1/public/top-reporters?month=${MONTH}`] },
  { as: 'guest', route: '/packages/public/pages/ranking/index', wide: true, ready: '不愿上榜的市民不显示', api: () => [`GET /api/v1/public/top-reporters?month=${MONTH}`] },
  // 关怀模式 (issue 13): every resident page again at 320 px with large text and high contrast, making the
  // calls its normal-mode visit lists (sameCalls), so the two stay in step when a page changes.
  { as: 'resident', care: true, route: '/pages/home/index', ready: '我的上报', api: sameCalls('resident', '/pages/home/index') },
  { as: 'guest', care: true, route: '/pages/home/index', ready: '登录后可查看上报进度', api: sameCalls('guest', '/pages/home/index') },
  { as: 'resident', care: true, route: '/pages/report/index', ready: '图钉位置：', api: sameCalls('resident', '/pages/report/index') },
  { as: 'resident', care: true, route: '/pages/mine/index', ready: '小区门口', api: sameCalls('resident', '/pages/mine/index') },
  { as: 'resident', care: true, route: '/pages/case/index', query: (c) => `id=${c.closed.id}`, ready: '办理过程', api: sameCalls('resident', '/pages/case/index'), photosOf: (c) => c.closed },
  { as: 'guest', care: true, route: '/pages/track/index', ready: '查询链接无效', api: sameCalls('guest', '/pages/track/index') },
  { as: 'guest', care: true, route: '/packages/public/pages/index/index', ready: '第 1/1 页', api: sameCalls('guest', '/packages/public/pages/index/index') },
  { as: 'guest', care: true, route: '/packages/public/pages/case/index', query: (c) => `id=${c.closed.id}`, ready: '部门回复', api: sameCalls('guest', '/packages/public/pages/case/index'), photosOf: (c) => c.closed },
  { as: 'guest', care: true, route: '/pages/privacy/index', ready: '您的选择', api: () => [] },
  { as: 'resident', care: true, route: '/packages/resident/pages/points/index', ready: '积分规则', api: () => ['GET /api/v1/me/points'] },
  { as: 'resident', care: true, route: '/packages/resident/pages/data/index', ready: '导出 JSON', api: () => ['GET /api/v1/me/data'] },
  { as: 'guest', care: true, route: '/packages/public/pages/ranking/index', ready: '不愿上榜的市民不显示', api: () => [`GET /api/v1/public/top-reporters?month=${MONTH}`] },
];

/**
 * Where the visits split between the two files. The keyboard file also runs the keyboard-only flows (about
 * 100 s in CI), so it takes the last few visits only and the two files finish near each other.
 */
export const FIRST_HALF = VISITS.length - 8;

/** Every page route of app.config.ts, sub-packages included. */
export function appPages(): string[] {
  const src = fs.readFileSync(APP_CONFIG, 'utf8');
  const list = (s: string) => [...s.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
  const main = list(/\bpages:\s*\[([^\]]*)\]/.exec(src)?.[1] ?? '').map((p) => `/${p}`);
  const subs = [...src.matchAll(/root:\s*'([^']+)',\s*pages:\s*\[([^\]]*)\]/g)].flatMap((m) => list(m[2]!).map((p) => `/${m[1]}/${p}`));
  return [...main, ...subs];
}

/** What the keyboard tests get from the suite: the page opener and the seeded cases. */
export interface AuditHarness {
  open(who: Who, route: string, opts: { wide?: boolean; ready: string; care?: boolean }): Promise<{ page: Page; calls: string[]; images: string[]; stop: () => void }>;
  cases(): AuditCases;
}

/** One server, one browser with a logged-in context per account, and an audit test per visit; `more` adds tests that share them. */
export function auditSuite(title: string, visits: Visit[], more?: (h: AuditHarness) => void): void {
  describe(title, () => {
    let running: Running;
    let dataDir: string;
    let browser: Browser;
    let cases: AuditCases;
    const pages = new Map<Who, Page>();

    beforeAll(async () => {
      if (!fs.existsSync(CHROMIUM) || !fs.existsSync(path.join(H5_DIST, 'index.html'))) {
        throw new Error(`needs ${CHROMIUM} (apt-get install chromium fonts-noto-cjk) and ${H5_DIST} (npm run build:h5)`);
      }
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-a11y-'));
      running = await bootForE2e(dataDir);
      const accounts = ((await (await fetch(`${running.url}/api/v1/sandbox/accounts`)).json()) as { accounts: SandboxAccount[] }).accounts;
      cases = await seedCases(running.url, accounts);
      const inspector = accounts.find((a) => a.openid === INSPECTOR)!;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
      for (const who of ['guest', 'resident', 'inspector', 'dispatcher', 'leader', 'admin', 'hotline', 'company'] as const) {
        const ctx = await browser.newContext({
          viewport: NARROW, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
          geolocation: { latitude: inspector.lat!, longitude: inspector.lng! }, permissions: ['geolocation'],
        });
        // Past the privacy consent sheet, and 关怀模式 when a visit's URL asks (privacy-consent.ts).
        await ctx.addInitScript(storageInit());
        const page = await ctx.newPage();
        if (who !== 'guest') {
          // Log in the way a person does: the demo-account picker.
          await page.goto(`${running.url}/#/pages/login/index`);
          await page.locator(`#acct-${OPENID[who]}`).click();
          await page.waitForFunction("!!localStorage.getItem('finecity.session')");
          // The login page relaunches to home after storing the session; a visit must not race that navigation.
          await page.waitForFunction("location.hash.includes('pages/home')");
          await page.waitForLoadState('networkidle');
        }
        pages.set(who, page);
      }
    }, 120000);

    afterAll(async () => {
      await browser?.close();
      await running?.close();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    /** Opens a page on a fresh document load and records the API requests the load makes. */
    async function open(who: Who, route: string, opts: { wide?: boolean; ready: string; care?: boolean }) {
      const page = pages.get(who)!;
      await page.setViewportSize(opts.wide ? WIDE : NARROW);
      await page.goto('about:blank');
      const calls: string[] = [];
      const images: string[] = [];
      const record = (r: Request) => {
        const u = new URL(r.url());
        if (!u.pathname.startsWith('/api/')) return;
        if (r.resourceType() === 'image') images.push(u.pathname);
        else calls.push(`${r.method()} ${u.pathname}${u.search}`);
      };
      page.on('request', record);
      await page.goto(`${running.url}/${opts.care ? '?care=1' : ''}#${route}`);
      await page.getByText(opts.ready).filter({ visible: true }).first().waitFor({ timeout: 30000 });
      await page.waitForLoadState('networkidle');
      return { page, calls, images, stop: () => page.off('request', record) };
    }

    /** No request the page does not need: exactly the expected API calls, none twice; only its photos' thumbnails. */
    function unneededRequests(calls: string[], images: string[], v: Visit): Finding[] {
      const want = v.api(cases);
      const photoIds = new Set((v.photosOf?.(cases).photos ?? []).map((p) => p.id));
      return [
        ...calls.filter((c, i) => calls.indexOf(c) !== i).map((c) => `[request] ${c}: made twice on one load`),
        ...[...new Set(calls)].filter((c) => !want.includes(c)).map((c) => `[request] ${c}: not expected on this page`),
        ...want.filter((c) => !calls.includes(c)).map((c) => `[request] ${c}: expected, not made`),
        ...images.filter((p, i) => images.indexOf(p) !== i).map((p) => `[request] image ${p}: loaded twice`),
        ...images.filter((p) => !photoIds.has(p.split('/')[4] ?? '')).map((p) => `[request] image ${p}: not a photo of the case shown`),
      ];
    }

    it.each(visits.map((v) => [`${v.route}${v.wide ? ' (1440 px)' : ''}${v.care ? ' (关怀模式)' : ''} as ${v.as}`, v] as const))('%s', async (_title, v) => {
      const { page, calls, images, stop } = await open(v.as, `${v.route}${v.query ? `?${v.query(cases)}` : ''}`, v);
      const findings: Finding[] = await auditPage(page, { narrow: !v.wide });
      stop();
      findings.push(...unneededRequests(calls, images, v));
      expect(findings).toEqual([]);
    }, 60000);

    more?.({ open, cases: () => cases });
  });
}
