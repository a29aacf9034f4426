// The H5 driver: the mini-program's H5 build in Debian's Chromium (playwright-core, never a downloaded
// browser), one browser context per user so each has its own storage, like separate phones.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { SandboxAccount } from '@finecity/types';
import { storageInit } from './privacy-consent.js';
import { SAVE_SHOTS } from './save-shots.js';
import type { Driver, Screen } from './scenario.js';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Until no finite CSS animation or transition runs (a toast fading in, a page sliding), then one more frame
 * for whatever a resize handler renders. Endless ones (a spinner) are not waited for; after 5 s the shot is taken anyway.
 */
/** Waits for finite animations and two frames, so a screenshot or a click sees the page at rest. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction("document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)", undefined, { timeout: 5000 }).catch(() => undefined);
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
}

export async function h5Driver(baseUrl: string, shotsDir: string): Promise<Driver & { errors: string[]; raw(url: string, opts?: { wide?: boolean }): Promise<Page> }> {
  fs.mkdirSync(shotsDir, { recursive: true });
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];

  async function as(account: SandboxAccount, opts: { wide?: boolean; at?: { lat: number; lng: number } } = {}): Promise<Screen> {
    const ctx = await browser.newContext({
      viewport: opts.wide ? { width: 1440, height: 900 } : { width: 375, height: 812 },
      deviceScaleFactor: 1,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      ...(opts.at ? { geolocation: { latitude: opts.at.lat, longitude: opts.at.lng }, permissions: ['geolocation'] } : {}),
    });
    contexts.push(ctx);
    // Past the consent sheet (issue 13): these flows are about the work, not the first-use question,
    // which test/e2e/pin-report.test.ts walks through as a first-time resident.
    await ctx.addInitScript(storageInit());
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(`${account.openid}: ${e.message}`));
    // Log in the way a person does: the demo-account picker.
    await page.goto(`${baseUrl}/#/pages/login/index`);
    await page.locator(`#acct-${account.openid}`).waitFor();
    if (SAVE_SHOTS && !contexts.slice(0, -1).length) await page.screenshot({ path: path.join(shotsDir, `login-${opts.wide ? 1440 : 375}.png`), fullPage: true });
    await page.click(`#acct-${account.openid}`);
    // Browser-side snippets are strings: this file is type-checked for Node, without the DOM library.
    await page.waitForFunction("!!localStorage.getItem('finecity.session')");
    const stored = await page.evaluate<string | null>("localStorage.getItem('finecity.session')");
    if (!stored?.includes('token')) throw new Error(`login as ${account.openid} did not store a session`);
    // The login page relaunches to home right after storing the session: wait until it has, or that
    // navigation can land after the scenario's next open() on a loaded machine and replace its page.
    await page.waitForFunction("location.hash.includes('pages/home')");
    await page.waitForLoadState('networkidle');
    return screen(page, account, opts.wide ? 1440 : 375);
  }

  function screen(page: Page, account: SandboxAccount, width: number): Screen {
    const visible = async (sel: string) => page.locator(sel).filter({ visible: true }).first();
    return {
      async open(route) {
        await page.goto(`${baseUrl}/#${route}`);
        await page.waitForLoadState('networkidle');
      },
      async tap(id) {
        await (await visible(`#${id}`)).click();
      },
      async tapLabel(label) {
        // By accessible name (aria-label or, for most tappables, their text), as a screen reader finds it.
        const named = (role: 'button' | 'tab' | 'radio' | 'switch') => page.getByRole(role, { name: label });
        await named('button').or(named('tab')).or(named('radio')).or(named('switch')).filter({ visible: true }).first().click();
      },
      async fill(id, value) {
        await (await visible(`#${id} input, #${id} textarea`)).fill(value);
      },
      async pickPhotos(id, files) {
        const [chooser] = await Promise.all([page.waitForEvent('filechooser'), (await visible(`#${id}`)).click()]);
        await chooser.setFiles(files);
      },
      async waitText(text, timeoutMs = 15000) {
        await page.getByText(text, { exact: false }).filter({ visible: true }).first().waitFor({ timeout: timeoutMs });
      },
      text: () => page.evaluate<string>('document.body.innerText'),
      async query() {
        const hash = new URL(page.url()).hash;
        return Object.fromEntries(new URLSearchParams(hash.split('?')[1] ?? ''));
      },
      async loadedImages(cls) {
        const count = `[...document.querySelectorAll('.${cls} img, img.${cls}')].filter((i) => i.complete && i.naturalWidth > 0).length`;
        // Up to 10 s for the first image to load; the caller asserts how many did.
        await page.waitForFunction(`${count} > 0`, undefined, { timeout: 10_000 }).catch(() => undefined);
        return page.evaluate<number>(count);
      },
      async shot(name) {
        if (SAVE_SHOTS) {
          await settled(page); // toasts and transitions finish
          await page.screenshot({ path: path.join(shotsDir, `${name}-${width}.png`), fullPage: true });
        }
        if (width === 375) {
          // Nothing may overflow sideways on the narrowest phones (320 px).
          await page.setViewportSize({ width: 320, height: 812 });
          await page.waitForFunction('window.innerWidth === 320');
          await settled(page);
          // An overflow that lasts is a layout fault; one that passes is a page transition still sliding in
          // (settled gives up after 5 s on a loaded machine). Up to 5 s more for it to pass.
          await page.waitForFunction('document.documentElement.scrollWidth <= window.innerWidth', undefined, { polling: 100, timeout: 5000 }).catch(() => undefined);
          const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
          await page.setViewportSize({ width: 375, height: 812 });
          if (overflow > 0) errors.push(`${name}: ${overflow}px horizontal overflow at 320 px (${account.openid})`);
        }
      },
    };
  }

  return {
    errors,
    as,
    /** A plain page that is not the app (the sandbox's inbox), in its own context. */
    async raw(url, opts = {}) {
      const ctx = await browser.newContext({ viewport: opts.wide ? { width: 1440, height: 900 } : { width: 375, height: 812 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.on('pageerror', (e) => errors.push(`${url}: ${e.message}`));
      await page.goto(url);
      return page;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
    },
  };
}
