// What every screenshot script (test/e2e/*-shots.ts) does around its own pages: boot a FineCity the way
// `npm start` boots it (PGlite in a temporary folder, WeChat sandbox on), launch Debian's Chromium, run the
// script's body, and clean up whatever happens. The H5 build must exist
// (flock /tmp/h5.lock node miniprogram/scripts/ensure-build.mjs h5).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { Running } from '../../server/src/boot.js';
import { bootForE2e } from './e2e-server.js';
import { CHROMIUM } from './h5-driver.js';

export interface Shots {
  running: Running;
  base: string;
  browser: Browser;
}

/** Runs `body` on a booted FineCity and a browser; a failure is printed and sets the exit code. */
export function shoot(body: (s: Shots) => Promise<void>): void {
  const run = async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finecity-shots-'));
    const running = await bootForE2e(dataDir);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      await body({ running, base: running.url, browser });
      console.log('screenshots in docs/screenshots');
    } finally {
      await browser.close();
      await running.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };
  run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
