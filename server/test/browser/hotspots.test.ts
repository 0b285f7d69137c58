/**
 * The hotspot page (第二十三条(二)) in Chromium on a 390 px phone: citizens' petitions of
 * regulation/hotspots-corpus.ts submitted through the portal API, a platform reviewer opens
 * /staff/hotspots, reads the four hotspots with their counts, trend in words and a server-drawn
 * chart (no script), opens an example case, and presses 「发起督办」 on the building-site hotspot; a
 * city leader reads the same page without the button.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Browser, BrowserContext } from 'playwright-core';
import { CORPUS } from '../../../regulation/hotspots-corpus.js';
import type { TestApp } from '../app-harness.js';
import { screenAndDispatch, staff, submit, type Case } from '../api/articles/steps.js';
import { describeBrowser } from './chromium.js';
import { closeAll, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp, suiteRecorder } from './session.js';

describeBrowser('the hotspot page in Chromium', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  const { contexts, problems, shot } = suiteRecorder();
  const site: Case[] = [];

  beforeAll(async () => {
    app = await startBrowserApp({ start: '2026-03-02T00:00:00.000Z' });
    ({ h, base, browser } = app);
    const as = staff(h);
    let at = Date.parse('2026-03-02T00:00:00.000Z');
    for (const p of CORPUS) {
      h.t.clock.set(new Date((at += 3_600_000)).toISOString());
      const c = await submit(h, as, { category: 'complaint', title: p.title, content: p.content, township: p.township });
      if (p.matter === 'site-noise') site.push(c);
    }
    await screenAndDispatch(h, as, site[0]);
  }, 300_000);

  afterAll(async () => {
    await closeAll(...contexts, app);
  });

  const newPage = async (context: BrowserContext) => {
    contexts.push(context);
    return watchPage(await context.newPage(), problems);
  };

  it('on a 390 px phone a platform reviewer reads the hotspots, nothing wider than the screen, and starts 督办 from one', async () => {
    const page = await newPage(await phoneContext(browser));
    await signInPage(page, base, 'reviewer');
    await page.getByRole('link', { name: '热点' }).click();
    await page.getByRole('heading', { name: '热点诉求' }).waitFor();
    const cards = page.locator('li.hotspot');
    await expect(cards.count()).resolves.toBe(4);
    const first = cards.filter({ hasText: '龙南镇' });
    await expect(first.textContent()).resolves.toMatch(/本时段 5 件 · 上一时段 0 件 · ★ 新出现/);
    // the chart is SVG drawn on the server: there with its bars, no script on the page
    await expect(first.locator('figure svg').count()).resolves.toBe(1);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'hotspots-phone.png');

    await first.getByRole('button', { name: '发起督办' }).click();
    await page.getByRole('status').filter({ hasText: '已就该热点发起督办' }).waitFor();
    await expect(page.getByRole('status').textContent()).resolves.toContain(site[0].code);
    await expect(cards.filter({ hasText: '龙南镇' }).textContent()).resolves.toContain('已发起督办');
    await shot(page, 'hotspots-phone-supervised.png');

    // an example opens the case, whose timeline says it is part of the hotspot's 督办
    await cards.filter({ hasText: '龙南镇' }).getByRole('link', { name: site[4].code }).click();
    await page.getByText('列入热点督办(第二十三条(二))').waitFor();
    expect(problems).toEqual([]);
  }, 120_000);

  it('a city leader reads the same page, without 发起督办', async () => {
    const page = await newPage(await phoneContext(browser));
    await signInPage(page, base, 'leader');
    await page.goto(`${base}/staff/hotspots`);
    await page.getByRole('heading', { name: '热点诉求' }).waitFor();
    await expect(page.locator('li.hotspot').count()).resolves.toBe(4);
    await expect(page.getByRole('button', { name: '发起督办' }).count()).resolves.toBe(0);
    expect(problems).toEqual([]);
  }, 120_000);
});
