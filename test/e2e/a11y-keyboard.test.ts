// The accessibility audit's second half (see a11y-suite.ts): the later visits, and the flows done with the
// keyboard only.
// @expectedSeconds 170
import { describe, expect, it } from '@jest/globals';
import { tabUntil } from './a11y-audit.js';
import { auditSuite, FIRST_HALF, MONTH, VISITS, type AuditHarness } from './a11y-suite.js';

auditSuite('H5 accessibility audit (second half) and keyboard-only flows', VISITS.slice(FIRST_HALF), (h: AuditHarness) => {
  describe('with the keyboard only', () => {
    it('home: Tab to 随手拍 and Enter opens the report form', async () => {
      const { page, stop } = await h.open('resident', '/pages/home/index', { ready: '我的上报' });
      stop();
      await tabUntil(page, '#snap');
      await page.keyboard.press('Enter');
      await page.waitForURL(/#\/pages\/report\/index/);
      await page.getByText('已定位').filter({ visible: true }).first().waitFor();
    });

    it('report: photos, category search and choice, anonymous switch; a refused submit is announced', async () => {
      const { page, stop } = await h.open('resident', '/pages/report/index', { ready: '已定位' });
      stop();
      // Listen first: Playwright intercepts file choosers only once a listener is set up in the browser.
      const chooser = page.waitForEvent('filechooser');
      await tabUntil(page, '#pick-photos');
      await page.keyboard.press('Enter');
      expect((await chooser).isMultiple()).toBe(true);
      await tabUntil(page, '#category-search input');
      await page.keyboard.type('垃圾');
      await tabUntil(page, '[role="listitem"] [role="button"]:has-text("暴露垃圾")');
      await page.keyboard.press('Enter');
      await page.locator('#category-chosen').filter({ hasText: '暴露垃圾' }).waitFor();
      await tabUntil(page, '#anonymous');
      await expect(page.locator('#anonymous').getAttribute('aria-checked')).resolves.toBe('false');
      await page.keyboard.press(' ');
      await expect(page.locator('#anonymous').getAttribute('aria-checked')).resolves.toBe('true');
      // No photo was given to the chooser: the toast's reason reaches screen readers through a live region.
      await tabUntil(page, '#submit');
      await page.keyboard.press('Enter');
      await page.locator('#finecity-live[role="status"]').filter({ hasText: '请至少拍一张照片' }).waitFor({ state: 'attached' });
    });

    it('my reports: Space picks the 已办结 filter and it loads once', async () => {
      const { page, calls, stop } = await h.open('resident', '/pages/mine/index', { ready: '小区门口' });
      calls.length = 0;
      await tabUntil(page, '#filter-closed');
      await page.keyboard.press(' ');
      await page.locator('#filter-closed[aria-selected="true"]').waitFor();
      await page.getByText('小区门口').waitFor({ state: 'hidden' });
      await page.waitForLoadState('networkidle');
      stop();
      expect(calls).toEqual(['GET /api/v1/cases?state=closed&mine=true&pageSize=50']);
    });

    it('case: rating with the keyboard: submitting without stars is refused and announced, Space and the arrows choose, Enter rates', async () => {
      const closed = h.cases().closed;
      const { page, stop } = await h.open('resident', `/pages/case/index?id=${closed.id}`, { ready: '评价办理结果' });
      stop();
      await expect(page.locator('[role="radiogroup"] [role="radio"][aria-checked="true"]').count()).resolves.toBe(0);
      await tabUntil(page, '#act-rate');
      await page.keyboard.press('Enter');
      await page.locator('#finecity-live[role="status"]').filter({ hasText: '请先选择星级' }).waitFor({ state: 'attached' });
      await tabUntil(page, '#score-3');
      await page.keyboard.press(' ');
      await page.locator('#score-3[aria-checked="true"]').waitFor();
      await page.keyboard.press('ArrowRight');
      await page.locator('#score-4[aria-checked="true"]:focus').waitFor();
      await tabUntil(page, '#act-rate');
      await page.keyboard.press('Enter');
      await page.getByText('我的评价：★★★★（4 星，满意）').waitFor();
    });

    it('staff admin (1440 px): Space picks the 待激活 filter and it loads once', async () => {
      const { page, calls, stop } = await h.open('admin', '/packages/admin/pages/staff/index', { wide: true, ready: '共 ' });
      calls.length = 0;
      await tabUntil(page, '#status-invited');
      await page.keyboard.press(' ');
      await page.locator('#status-invited[aria-selected="true"]').waitFor();
      await page.waitForLoadState('networkidle');
      stop();
      expect(calls).toEqual(['GET /api/v1/admin/staff?status=invited&page=1&pageSize=20']);
    });

    it('duty (1440 px): Enter on a day opens its editor', async () => {
      const { page, stop } = await h.open('admin', '/packages/admin/pages/duty/index?unit=210202001010001', { wide: true, ready: '每日值班（' });
      stop();
      await tabUntil(page, `#day-${MONTH}-15`);
      await page.keyboard.press('Enter');
      await page.locator('#duty-editor').getByText('指定 A 岗值班').waitFor();
    });

    it('console (1440 px): open a case from the queue and register it', async () => {
      const { page, stop } = await h.open('dispatcher', '/packages/staff/pages/console/index', { wide: true, ready: '小区门口' });
      stop();
      await tabUntil(page, `[role="button"]:has-text("${h.cases().submitted.caseNo}")`);
      await page.keyboard.press('Enter');
      await tabUntil(page, '#act-register');
      await page.keyboard.press('Enter');
      await page.locator('#pane-case').getByText('已受理').first().waitFor();
    });
  });
});
