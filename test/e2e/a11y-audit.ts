// The checks the accessibility audit runs on one open page: axe-core (WCAG 2 A/AA, serious and critical),
// accessible names and roles from Chromium's own accessibility tree, 44 px tap targets, horizontal
// overflow, and a Tab walk that must reach every enabled interactive element.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** One problem, in words a person can act on: `[check] where: what`. */
export type Finding = string;

interface Interactive {
  i: number;
  what: string;
  role: string;
  field: boolean;
  disabled: boolean;
  tabindex: number;
  box: { x: number; y: number; w: number; h: number };
}

const PROBE = fs.readFileSync(fileURLToPath(new URL('./a11y-probe.browser.js', import.meta.url)), 'utf8');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/** WCAG 2.5.5/2.5.8 as the issue states it: 44 × 44 CSS px (fields: 44 px tall, any width). */
const MIN_TARGET = 44;
/** Roles a screen reader announces as something to operate (Chromium's names for them). */
const OPERABLE = new Set(['button', 'link', 'tab', 'radio', 'checkbox', 'switch', 'option', 'textbox', 'searchbox', 'spinbutton', 'combobox', 'menuitem']);

export async function auditPage(page: Page, opts: { narrow: boolean }): Promise<Finding[]> {
  const findings: Finding[] = [];
  await settled(page);
  findings.push(...(await axe(page)));
  await page.evaluate(PROBE);
  const items = await page.evaluate<Interactive[]>('window.__a11y.interactive()');
  if (!items.length) findings.push('[probe] no interactive element found: the page did not render');
  findings.push(...(await names(page, items)));
  if (opts.narrow) {
    for (const it of items) {
      const small = it.field ? it.box.h < MIN_TARGET : it.box.w < MIN_TARGET || it.box.h < MIN_TARGET;
      if (small) findings.push(`[target] ${it.what}: ${it.box.w}×${it.box.h} px, under ${MIN_TARGET} px`);
    }
    for (const o of await page.evaluate<string[]>('window.__a11y.overflow()')) findings.push(`[overflow] ${o}`);
  }
  findings.push(...(await tabWalk(page, items)));
  return findings;
}

/** Waits until the page stops changing (late renders, e.g. a list that loads after the page): two equal readings 200 ms apart, at most 5 s. */
async function settled(page: Page): Promise<void> {
  const unchanged = `(() => {
    const now = document.querySelectorAll('*').length + ':' + document.body.innerText.length;
    const same = window.__a11yLastShape === now;
    window.__a11yLastShape = now;
    return same;
  })()`;
  await page.evaluate('delete window.__a11yLastShape');
  await page.waitForFunction(unchanged, undefined, { polling: 200, timeout: 5000 }).catch(() => undefined);
}

async function axe(page: Page): Promise<Finding[]> {
  // Legacy mode runs axe.run() in the page itself. The default opens a blank page per analysis to merge
  // the frames' partial results (axe.finishRun), which is for cross-origin frames; the H5 pages have no
  // frames (https://github.com/dequelabs/axe-core-npm/tree/develop/packages/playwright#axebuildersetlegacymodelegacymode-boolean--true).
  // Measured on 5 pages here: the same violations, passes and incomplete results, in 1.0–2.5 s instead of 1.6–5.7 s.
  const result = await new AxeBuilder({ page }).withTags(WCAG).setLegacyMode(true).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `[axe ${v.impact} ${v.id}] ${n.target.join(' ')}: ${(n.failureSummary ?? v.help).replace(/\s+/g, ' ').slice(0, 220)}`));
}

/** Each interactive element's role and name as Chromium exposes them to screen readers. */
async function names(page: Page, items: Interactive[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    for (const it of items) {
      const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: `[data-a11y-i="${it.i}"]` });
      const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
      const ax = nodes.find((n) => !n.ignored);
      const role = String(ax?.role?.value ?? 'none');
      const name = String(ax?.name?.value ?? '').trim();
      if (!OPERABLE.has(role)) findings.push(`[role] ${it.what}: exposed as "${role}", not as something to operate`);
      if (!name) findings.push(`[name] ${it.what}: no accessible name`);
    }
  } finally {
    await cdp.detach();
  }
  return findings;
}

/** Tab through the page, round once: every enabled interactive element must take the focus, visibly. */
async function tabWalk(page: Page, items: Interactive[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  const reached = new Set<number>();
  await page.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
  for (let press = 0; press < items.length + 10; press++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate<{ i: number; ring: boolean }>('window.__a11y.focused()');
    // Past the last element the focus goes to the body, then wraps to the top: the walk ends on a repeat
    // (wherever Chromium's focus starting point was).
    if (f.i < 0) continue;
    if (reached.has(f.i)) break;
    reached.add(f.i);
    if (!f.ring) findings.push(`[focus] ${items[f.i]?.what}: no visible focus indicator`);
  }
  const order = [...reached].join(' ');
  for (const it of items) if (!it.disabled && !reached.has(it.i)) findings.push(`[keyboard] ${it.what}: not reachable with Tab (reached in order: ${order})`);
  return findings;
}

/** Presses Tab until the focus is on (or inside) the first element matching `selector`. */
export async function tabUntil(page: Page, selector: string, maxPresses = 150): Promise<void> {
  const target = page.locator(selector).filter({ visible: true }).first();
  await target.waitFor();
  const focused = target.and(page.locator(':focus')).or(target.locator(':focus'));
  for (let press = 0; press < maxPresses; press++) {
    await page.keyboard.press('Tab');
    if (await focused.count()) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}
