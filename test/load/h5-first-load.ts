// What a phone downloads to show the H5 app: boots FineCity as `npm start` does (PGlite, throwaway data
// dir, port 0), opens the guest home page and a logged-in resident's report page in Debian's Chromium at
// 375×812, and sums every response: bytes on the wire (as the server compressed them) and decoded.
// Run: `npx tsx test/load/h5-first-load.ts` (needs `npm run build:h5` and /usr/bin/chromium).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page, type Response } from 'playwright-core';
import { boot } from '../../server/src/boot.js';
import { loadConfig } from '../../server/src/config.js';
import { H5_DIST } from '../../server/src/http/static.js';
import { CHROMIUM } from '../e2e/h5-driver.js';

interface Row { url: string; status: number; encoding: string; wire: number; decoded: number }

async function measure(page: Page, go: () => Promise<void>): Promise<Row[]> {
  const rows: Promise<Row>[] = [];
  const onResponse = (res: Response) => {
    rows.push((async () => {
      const body = await res.body().catch(() => Buffer.alloc(0));
      const sizes = await res.request().sizes().catch(() => ({ responseBodySize: body.length }));
      return { url: new URL(res.url()).pathname + new URL(res.url()).search, status: res.status(), encoding: res.headers()['content-encoding'] ?? '-', wire: sizes.responseBodySize, decoded: body.length };
    })());
  };
  page.on('response', onResponse);
  await go();
  await page.waitForLoadState('networkidle');
  page.off('response', onResponse);
  return Promise.all(rows);
}

function print(title: string, rows: Row[]): { wire: number; decoded: number } {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`\n${title}: ${rows.length} responses`);
  for (const r of rows) console.log(`  ${String(r.status).padEnd(4)}${r.encoding.padEnd(6)}${kb(r.wire).padStart(10)}${kb(r.decoded).padStart(11)}  ${r.url.slice(0, 80)}`);
  const wire = rows.reduce((s, r) => s + r.wire, 0);
  const decoded = rows.reduce((s, r) => s + r.decoded, 0);
  console.log(`  total: ${kb(wire)} on the wire, ${kb(decoded)} decoded`);
  return { wire, decoded };
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(H5_DIST, 'index.html'))) throw new Error('no H5 build: npm run build:h5');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-h5size-'));
  const running = await boot(loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, PORT: '0', WECHAT_SANDBOX_PORT: '0', LOG_LEVEL: 'warn' }));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const guest = print('guest home (first visit, empty cache)', await measure(page, async () => {
      await page.goto(`${running.url}/`);
      await page.locator('#snap').waitFor();
    }));
    const login = await (await fetch(`${running.url}/api/v1/auth/wechat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'sandbox:resident-01' }) })).json() as { token: string; user: unknown };
    // Taro's H5 storage keeps values as {data: …} in localStorage.
    await page.evaluate(`localStorage.setItem('finecity.session', ${JSON.stringify(JSON.stringify({ data: login }))})`);
    const report = print('resident opens the report page (warm cache)', await measure(page, async () => {
      await page.goto(`${running.url}/#/pages/report/index`);
      await page.locator('#submit').waitFor();
    }));
    console.log(`\nbench: h5 first_load_wire_kb=${(guest.wire / 1024).toFixed(1)} first_load_decoded_kb=${(guest.decoded / 1024).toFixed(1)} report_page_wire_kb=${(report.wire / 1024).toFixed(1)}`);
  } finally {
    await browser.close();
    await running.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
