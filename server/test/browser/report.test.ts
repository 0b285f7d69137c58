/**
 * 第二十五条 the report page in Chromium: the reviewer issues November's 月报 from the list's form
 * (no script on either page), and the report shows its charts — SVG drawn on the server, with
 * Chinese labels — and its tables at a desk and on a 390 px phone with nothing wider than the
 * screen; printed, the menu and the buttons are left out.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { fixtureFigures } from '../../../workers/testing/report-figures-fixture.js';
import { join } from 'node:path';
import { describeBrowser, screenshotDir } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp, suiteRecorder } from './session.js';

describeBrowser('the report page in Chromium, at a desk and on a phone', () => {
  let app: BrowserApp | undefined;
  let base: string;
  let browser: Browser;
  let reportUrl = '';
  const { contexts, problems, shot } = suiteRecorder();

  /** what must hold on every report page: charts drawn and visible, Chinese text in them, nothing wider than the window */
  const checkReport = async (page: Page, width: number) => {
    const charts = page.locator('figure.report-chart svg');
    expect(await charts.count()).toBeGreaterThanOrEqual(6);
    const boxes = await charts.evaluateAll((svgs) => svgs.map((s) => s.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, width: r.width, height: r.height })));
    for (const b of boxes) {
      expect(b.width).toBeGreaterThan(200);
      expect(b.height).toBeGreaterThan(80);
      expect(b.right).toBeLessThanOrEqual(width);
    }
    // the labels are text in the SVG, in Chinese, and take room (a missing font draws nothing there)
    const label = page.locator('#chart-category svg text', { hasText: '投诉' }).first();
    expect(((await label.boundingBox())?.width ?? 0)).toBeGreaterThan(10);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    expect(await page.locator('script').count()).toBe(0);
  };

  beforeAll(async () => {
    app = await startBrowserApp({ start: '2026-12-02T02:00:00.000Z', reportFigures: { figures: async (period) => fixtureFigures(period) } });
    ({ base, browser } = app);
  }, 180_000);

  afterAll(async () => {
    await closeAll(...contexts, app);
  });

  it('at a desk, the reviewer issues November’s 月报 from the list and reads it: charts two to a row, every table', async () => {
    const context = await deskContext(browser);
    contexts.push(context);
    const page = watchPage(await context.newPage(), problems);
    await signInPage(page, base, 'reviewer');
    await page.getByRole('link', { name: '报告' }).click();
    await page.getByRole('heading', { name: '月报、季报' }).waitFor();
    await page.getByLabel('年份').fill('2026');
    await page.getByLabel('期间').selectOption('month:11');
    await page.getByRole('button', { name: '出具', exact: true }).click();
    await page.getByRole('heading', { name: '2026年11月月报' }).waitFor();
    reportUrl = page.url();
    await checkReport(page, 1280);
    // two charts side by side at a desk
    const [a, b] = await page.locator('figure.report-chart').evaluateAll((fs) => fs.slice(0, 2).map((f) => f.getBoundingClientRect().top));
    expect(a).toBe(b);
    for (const heading of ['主要指标', '总体情况', '按渠道', '按类别', '按乡镇(属地)', '按承办单位', '满意度评价(五级)', '预警与扣分(第二十六条)', '督办(第二十三条)', '热点问题', '承办单位排名']) {
      await expect(page.getByRole('heading', { name: heading, exact: true }).isVisible()).resolves.toBe(true);
    }
    await shot(page, 'report-desk.png');
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('header.top').isVisible()).resolves.toBe(false);
    await expect(page.getByRole('link', { name: '下载 Excel' }).isVisible()).resolves.toBe(false);
    await shot(page, 'report-print.png');
    expect(problems).toEqual([]);
  }, 120_000);

  it('on a 390 px phone, the report reads in one column: charts scaled to the screen, wide tables scroll inside their box', async () => {
    const context = await phoneContext(browser);
    contexts.push(context);
    const page = watchPage(await context.newPage(), problems);
    await signInPage(page, base, 'leader');
    await page.goto(reportUrl);
    await page.getByRole('heading', { name: '2026年11月月报' }).waitFor();
    await checkReport(page, 390);
    await shot(page, 'report-phone.png');
    // close up, as the phone shows them: the headline figures, a pie and a bar chart
    for (const part of ['headline', 'chart-satisfaction', 'chart-category', 'table-byUnit']) await page.locator(part === 'headline' ? '.report-cards' : part.startsWith('table-') ? `section:has(#${part}-h)` : `#${part}`).screenshot({ path: join(screenshotDir(), `report-phone-${part}.png`) });
    await page.goto(`${base}/staff/reports`);
    await shot(page, 'reports-phone.png');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // a leader reads, but issues nothing
    expect(await page.getByRole('button', { name: '出具', exact: true }).count()).toBe(0);
    expect(problems).toEqual([]);
  }, 120_000);
});
