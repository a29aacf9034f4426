// The H5 build end to end, in Chromium, against a server booted the way `npm start` boots it (PGlite in a
// temporary folder, WeChat sandbox on). test/run.mjs builds miniprogram/dist-h5 first when it is stale.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import type { SandboxAccount } from '@finecity/types';
import type { Running } from '../../server/src/boot.js';
import { bootForE2e } from './e2e-server.js';
import { H5_DIST } from '../../server/src/http/static.js';
import { caseLifecycle, type Fixture } from './scenario.js';
import { CHROMIUM, h5Driver } from './h5-driver.js';
import { partnerTicket } from './partner-flow.js';

const SHOTS = path.resolve('artifacts/e2e');
const haveBrowser = fs.existsSync(CHROMIUM);
const haveBuild = fs.existsSync(path.join(H5_DIST, 'index.html'));

describe('H5 build in Chromium against a booted FineCity', () => {
  let running: Running;
  let dataDir: string;
  let fixture: Fixture;

  beforeAll(async () => {
    if (!haveBrowser || !haveBuild) throw new Error(`needs ${CHROMIUM} (apt-get install chromium fonts-noto-cjk) and ${H5_DIST} (npm run build:h5)`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-e2e-'));
    // Exactly what `npm start` reads, with ports chosen by the OS; no DATABASE_URL: PGlite.
    running = await bootForE2e(dataDir);
    const accounts = ((await (await fetch(`${running.url}/api/v1/sandbox/accounts`)).json()) as { accounts: SandboxAccount[] }).accounts;
    const before = path.join(dataDir, 'before.jpg');
    const after = path.join(dataDir, 'after.jpg');
    // Real JPEG files from disk, as a phone's album would give them.
    await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#8a7f6e' } }).composite([{ input: Buffer.from('<svg width="1200" height="900"><circle cx="600" cy="450" r="300" fill="#3b3b3b"/></svg>') }]).jpeg().toFile(before);
    await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#9fb8a0' } }).jpeg().toFile(after);
    fixture = { accounts, beforePhoto: before, afterPhoto: after };
  }, 120000);

  afterAll(async () => {
    await running?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the app at / and keeps API 404s in the API error shape', async () => {
    const home = await fetch(`${running.url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<div id="app">');
    const spa = await fetch(`${running.url}/some/deep/link`);
    expect(spa.status).toBe(200);
    const api = await fetch(`${running.url}/api/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('sends the bundle brotli- or gzip-compressed from the build\'s precompressed files', async () => {
    const html = await (await fetch(`${running.url}/`)).text();
    const app = /src="(\/js\/app\.[0-9a-f]+\.js)"/.exec(html)?.[1];
    expect(app).toBeDefined();
    const plain = await fetch(`${running.url}${app}`, { headers: { 'accept-encoding': 'identity' } });
    const raw = Buffer.from(await plain.arrayBuffer());
    expect(plain.headers.get('content-encoding')).toBeNull();
    for (const encoding of ['br', 'gzip']) {
      const res = await fetch(`${running.url}${app}`, { headers: { 'accept-encoding': encoding } });
      expect(res.headers.get('content-encoding')).toBe(encoding);
      expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
      expect(Number(res.headers.get('content-length'))).toBeLessThan(raw.length / 3);
      expect(Buffer.from(await res.arrayBuffer()).equals(raw)).toBe(true); // fetch decodes it back
    }
  });

  it('walks a report to closure across resident, dispatcher and inspector; another grid never sees it', async () => {
    const driver = await h5Driver(running.url, SHOTS);
    try {
      const { caseNo } = await caseLifecycle(driver, fixture, (s) => process.env.E2E_VERBOSE && console.log(s));
      expect(caseNo).toMatch(/^DL\d{8}-\d{6}$/);
      expect(driver.errors).toEqual([]);
    } finally {
      await driver.close();
    }
  }, 240000);

  it('turns a 12345 ticket sent from the sandbox into a case, and the sandbox\'s 12345 hears it dispatched and closed', async () => {
    const driver = await h5Driver(running.url, SHOTS);
    try {
      const { caseNo, statuses } = await partnerTicket(driver, { url: running.url, sandboxUrl: running.sandboxUrl! }, fixture, SHOTS, (s) => process.env.E2E_VERBOSE && console.log(s));
      expect(caseNo).toMatch(/^DL\d{8}-\d{6}$/);
      expect(statuses).toEqual(['accepted', 'dispatched', 'handled', 'closed']);
      expect(driver.errors).toEqual([]);
    } finally {
      await driver.close();
    }
  }, 120000);
});
