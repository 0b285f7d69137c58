/**
 * 知识库 on the portal in Chromium at phone width (issue 17): typing a question on the submit page
 * shows 「可能已有答案」 with the published entry (not before a few characters, never the draft), its
 * link opening the entry in a new tab, and the note that one may still submit; the public search page
 * finds it and the entry page shows it. Screenshots go to test-output/screenshots/knowledge-*.png.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DRAFT_PARKING, PUBLISHED_MEDICAL, PUBLISHED_RESIDENCE, seedKnowledge } from '../knowledge-seed.js';
import { describeBrowser, screenshotDir } from './chromium.js';
import { closeAll, phoneContext, startBrowserApp, watchPage, type BrowserApp } from './session.js';

describeBrowser('issue 17: the portal’s knowledge base in Chromium on a phone', () => {
  let app: BrowserApp | undefined;
  let base: string;
  let browser: Browser;
  let phone: BrowserContext;
  let medical: string;
  const shots = screenshotDir();
  const problems: string[] = [];
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `knowledge-${name}.png`), fullPage: true });
  const fitsPhone = async (page: Page) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ base, browser } = app);
    // seeding only (the review process publishes entries in the app): before the first search loads the index
    [medical] = await seedKnowledge(app.h.t.db, [PUBLISHED_MEDICAL, PUBLISHED_RESIDENCE, DRAFT_PARKING], app.h.t.clock.now());
    phone = await phoneContext(browser, { width: 390, height: 844 }, 30_000);
  }, 180_000);

  afterAll(() => closeAll(app));

  it('知识库 given a citizen typing their question on the submit page, 「可能已有答案」 lists the published entry with a link that opens it in a new tab, and says they can still submit', async () => {
    const citizen = watchPage(await phone.newPage(), problems);
    // the page's clock is the test's: the pause after typing passes when the test says so
    const t0 = Date.parse('2026-03-02T09:00:00+08:00');
    await citizen.clock.install({ time: t0 });
    const asked: string[] = [];
    citizen.on('request', (r) => r.url().includes('/api/public/knowledge/search') && asked.push(new URL(r.url()).searchParams.get('q') ?? ''));
    await citizen.goto(`${base}/submit`);
    await citizen.clock.pauseAt(t0 + 60_000);
    const box = citizen.locator('[data-kb-suggest]');
    // a couple of characters ask nothing, however long one waits
    await citizen.getByLabel('标题').pressSequentially('医保', { delay: 20 });
    await citizen.clock.runFor(2000);
    expect(asked).toEqual([]);
    expect(await box.isHidden()).toBe(true);

    // typing on: one question after the pause, not one per key
    await citizen.getByLabel('标题').fill('');
    await citizen.getByLabel('标题').pressSequentially('新生儿的医保在哪里办理', { delay: 20 });
    await citizen.clock.runFor(500);
    await box.getByRole('heading', { name: '可能已有答案' }).waitFor();
    expect(asked).toEqual(['新生儿的医保在哪里办理']);
    const link = box.getByRole('link', { name: PUBLISHED_MEDICAL.question });
    await expect(link.getAttribute('href')).resolves.toBe(`/knowledge/${medical}`);
    await expect(link.getAttribute('target')).resolves.toBe('_blank');
    const text = (await box.textContent()) ?? '';
    expect(text).toContain('新生儿出生后 90 日内');
    expect(text).toContain('龙南市人力资源和社会保障局');
    expect(text).toContain('您仍可继续填写并提交');
    expect(text).not.toContain(DRAFT_PARKING.question);
    expect(await box.locator('li').count()).toBeLessThanOrEqual(3);
    await fitsPhone(citizen);
    await box.scrollIntoViewIfNeeded();
    await shot(citizen, 'submit-suggestions-phone');

    // the entry opens beside the form, which keeps what was typed
    const [tab] = await Promise.all([phone.waitForEvent('page'), link.click()]);
    await tab.waitForLoadState();
    await expect(tab.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(PUBLISHED_MEDICAL.question);
    await tab.close();
    await expect(citizen.getByLabel('标题').inputValue()).resolves.toBe('新生儿的医保在哪里办理');

    // cleared: the box goes away
    await citizen.getByLabel('标题').fill('');
    await citizen.clock.runFor(500);
    await box.waitFor({ state: 'hidden' });
    expect(problems).toEqual([]);
    await citizen.close();
  }, 60_000);

  it('知识库 given the public knowledge base on a phone, a search finds the published entry and its page shows the answer, the basis, the unit and the date', async () => {
    const citizen = watchPage(await phone.newPage(), problems);
    await citizen.goto(`${base}/`);
    await citizen.getByRole('link', { name: /^公开知识库/ }).click();
    await citizen.getByLabel('您想了解什么?').fill('居住证要带什么材料');
    await citizen.getByRole('button', { name: '查找' }).click();
    await citizen.locator('.kb-item').first().waitFor();
    expect(citizen.url()).toContain('/knowledge?q=');
    await expect(citizen.locator('.kb-item h2').first().textContent()).resolves.toBe(PUBLISHED_RESIDENCE.question);
    expect(await citizen.locator('main').textContent()).not.toContain(DRAFT_PARKING.question);
    await fitsPhone(citizen);
    await shot(citizen, 'search-phone');

    await citizen.getByRole('link', { name: PUBLISHED_RESIDENCE.question }).click();
    await citizen.getByRole('heading', { name: '政策依据' }).waitFor();
    const main = (await citizen.locator('main').textContent()) ?? '';
    for (const t of [PUBLISHED_RESIDENCE.answer, PUBLISHED_RESIDENCE.basis!, '龙南镇人民政府', '发布日期']) expect(main).toContain(t);
    await fitsPhone(citizen);
    await shot(citizen, 'entry-phone');

    // an empty question is said beside the box
    await citizen.goto(`${base}/knowledge`);
    await citizen.getByRole('button', { name: '查找' }).click();
    await expect(citizen.locator('#kb-q-error').textContent()).resolves.toBe('请输入要查找的问题');
    await shot(citizen, 'search-empty-phone');
    // the 400 of the empty question is the answer looked for
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
  }, 60_000);
});
