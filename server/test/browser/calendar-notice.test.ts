/**
 * The next-year holiday notice in Chromium (第十三条; issue 15): from 1 November, while next year's
 * official schedule is missing, a process admin sees one short line linking to the calendar at the
 * top of each page; a person who cannot enter the schedule sees none.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeBrowser, screenshotDir } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp } from './session.js';

describeBrowser('the next-year notice in Chromium', () => {
  let app: BrowserApp | undefined;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const shots = screenshotDir();
  const problems: string[] = [];
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, name), fullPage: true });

  const signIn = async (context: BrowserContext, username: string) => {
    contexts.push(context);
    const page = watchPage(await context.newPage(), problems);
    await signInPage(page, base, username);
    return page;
  };

  beforeAll(async () => {
    app = await startBrowserApp({ start: '2026-11-02T01:00:00.000Z' });
    ({ base, browser } = app);
  }, 180_000);

  afterAll(async () => {
    await closeAll(...contexts, app);
  });

  it('a process admin sees one compact line with a link to the calendar, at a desk and on a phone', async () => {
    for (const [context, name, maxLines] of [
      [await deskContext(browser), 'calendar-notice-desk.png', 1],
      [await phoneContext(browser), 'calendar-notice-phone.png', 2],
    ] as const) {
      const page = await signIn(context, 'modeler');
      const notice = page.locator('p.notice');
      await expect(notice.textContent()).resolves.toContain('2027 年法定节假日安排尚未录入');
      const box = await notice.boundingBox();
      const lineHeight = await notice.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
      expect(box!.height).toBeLessThanOrEqual(lineHeight * maxLines + 12);
      await shot(page, name);
      await notice.getByRole('link', { name: '去录入' }).click();
      await page.waitForURL(`${base}/admin/calendar`);
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('an intake operator, who cannot enter the schedule, sees no notice', async () => {
    const page = await signIn(await phoneContext(browser), 'intake');
    await expect(page.locator('p.notice').count()).resolves.toBe(0);
    await shot(page, 'calendar-notice-intake-phone.png');
    expect(problems).toEqual([]);
  }, 120_000);
});
