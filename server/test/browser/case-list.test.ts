/**
 * The staff case list (/staff/cases) in Chromium: on a phone (390 px) each case reads as a card —
 * the unit's name and the time on one line each, not a character a line in a squeezed table
 * column (issue 15) — and at a desk it stays a table.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { completeTask, submitPetition, type TestApp } from '../app-harness.js';
import { describeBrowser } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp, suiteRecorder } from './session.js';

describeBrowser('the case list in Chromium, on a phone and at a desk', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  const { contexts, problems, shot } = suiteRecorder();

  /** how many lines the cell's text takes */
  const linesOf = (page: Page, text: string) =>
    page.evaluate((t) => {
      const cell = [...document.querySelectorAll('table.cases td')].find((td) => td.textContent?.trim() === t);
      if (!cell) return -1;
      const range = document.createRange();
      range.selectNodeContents(cell);
      return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    }, text);

  const open = async (context: BrowserContext) => {
    contexts.push(context);
    const page = watchPage(await context.newPage(), problems);
    await signInPage(page, base, 'intake');
    await page.goto(`${base}/staff/cases`);
    await page.getByRole('heading', { name: '诉求' }).waitFor();
    return page;
  };

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ h, base, browser } = app);
    const intake = await h.signIn('intake');
    for (const title of ['菜市场门口占道经营,早高峰车辆无法通行', '路灯不亮']) {
      const code = (await submitPetition(h, await h.visitor(), { title })).body.trackingCode;
      await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
      await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, code);
    }
  }, 180_000);

  afterAll(async () => {
    await closeAll(...contexts, app);
  });

  it('on a phone, each case is readable: the unit and the time on one line, nothing wider than the screen (issue 15)', async () => {
    const page = await open(await phoneContext(browser));
    await shot(page, 'cases-phone.png');
    expect(await linesOf(page, '龙南镇人民政府')).toBe(1);
    const time = await page.locator('table.cases td[data-label="提交时间"]').first().textContent();
    expect(await linesOf(page, time?.trim() ?? '')).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(problems).toEqual([]);
  }, 120_000);

  it('at a desk, the cases stay a table with its headings', async () => {
    const page = await open(await deskContext(browser));
    await shot(page, 'cases-desk.png');
    await expect(page.locator('table.cases thead th').first().isVisible()).resolves.toBe(true);
    expect(await linesOf(page, '龙南镇人民政府')).toBe(1);
    expect(problems).toEqual([]);
  }, 120_000);
});
