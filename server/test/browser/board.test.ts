/**
 * The 红黄蓝 board (第二十六条) in Chromium on a 390 px phone: two complaints dispatched on Monday
 * 03-02 (龙南镇, 东江乡), the fake clock moved past Friday 03-13 24:00 (red: 4 working days past the
 * 03-09 deadline; the workers raised blue, yellow and red). A reviewer filters by colour and unit from
 * the summary, urges 龙南镇's 主要领导 from the list (the outbox row checked); 东江乡's handler sees its
 * own case only. No page scrolls sideways; the colour is said in words.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { completeTask, submitPetition, type TestApp } from '../app-harness.js';
import { describeBrowser } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp, suiteRecorder } from './session.js';

const RED = '2026-03-13T16:30:00.000Z';

describeBrowser('第二十六条 the 红黄蓝 board on a phone', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  const { contexts, problems, shot } = suiteRecorder();
  const cases: Record<string, { id: string; code: string }> = {};

  async function dispatched(unitId: string, handler: string, title: string) {
    const code = (await submitPetition(h, await h.visitor(), { category: 'complaint', title })).body.trackingCode as string;
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId, jointMode: 'single' }, code);
    const task = await completeTask(h, await h.signIn(handler), 'Task_SignOrReturn', { returnRequested: false }, code);
    return { id: task.petition.id as string, code };
  }

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ h, base, browser } = app);
    cases.longnan = await dispatched('u-longnan', 'handler-longnan', '老街排水沟堵塞,雨天积水没过脚踝');
    cases.dongjiang = await dispatched('u-dongjiang', 'handler-dongjiang', '村道路面破损');
    h.t.clock.set(RED);
    await h.settle();
  }, 180_000);

  afterAll(async () => {
    await closeAll(...contexts, app);
  });

  async function phone(who: string, desk = false): Promise<Page> {
    const context = desk ? await deskContext(browser) : await phoneContext(browser);
    contexts.push(context);
    const page = watchPage(await context.newPage(), problems);
    await signInPage(page, base, who);
    return page;
  }
  const noSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it('a reviewer reads the city\'s board, filters it from the summary and urges the 主要领导 of a red case', async () => {
    const page = await phone('reviewer');
    await page.getByRole('link', { name: '红黄蓝', exact: true }).click();
    await page.getByRole('heading', { name: /红黄蓝预警/ }).waitFor();
    // the totals say the colour in words, with the count
    await expect(page.getByRole('link', { name: /红色预警\s*2/ }).count()).resolves.toBe(1);
    expect(await noSideways(page)).toBe(true);
    await shot(page, 'board-phone.png');

    // the summary's 龙南镇 red count filters the list to that unit and colour
    await page.getByRole('link', { name: '龙南镇人民政府 红色预警 1 件' }).click();
    await page.getByRole('heading', { name: /超期诉求\(龙南镇人民政府 · 红色预警\)/ }).waitFor();
    const rows = page.locator('.board-row');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toMatch(/红色预警[\s\S]*超过办理期限 4 个工作日[\s\S]*扣分:蓝色预警 0.5 分、黄色预警 1 分、红色预警 3 分,合计 4.5 分/);
    await shot(page, 'board-phone-filtered.png');

    await rows.first().getByRole('button', { name: '催办主要领导' }).click();
    await page.getByRole('status').filter({ hasText: '短信已发给承办单位主要领导' }).waitFor();
    // back on the same filtered list
    expect(page.url()).toContain('unit=u-longnan');
    expect(page.url()).toContain('colour=red');
    const sms = (await h.outbox.list({ limit: 1000 })).filter((m) => m.template === 'case-urged' && m.payload.petitionId === cases.longnan.id);
    expect(sms.map((m) => m.recipientKind)).toEqual(['unit-head']);
    expect(problems).toEqual([]);
  }, 120_000);

  it('a city leader lands on the task list, opens the overview from it, and reads it on one phone screen width', async () => {
    const page = await phone('leader');
    await page.getByRole('link', { name: /领导驾驶舱/ }).click();
    await page.getByRole('heading', { name: '领导驾驶舱' }).waitFor();
    expect(await noSideways(page)).toBe(true);
    // this month's two petitions; the board's two red cases; the trend drawn on the server, fit to the phone
    await expect(page.getByRole('row', { name: /^收到/ }).textContent()).resolves.toMatch(/收到\s*0\s*2\s*环比/);
    await expect(page.getByRole('link', { name: /红色预警\s*2/ }).count()).resolves.toBe(1);
    const chart = page.getByRole('img', { name: /最近 30 天每日收到的诉求件数/ });
    const box = await chart.boundingBox();
    expect(box && box.width).toBeLessThanOrEqual(390);
    expect(box && box.width).toBeGreaterThan(300);
    await expect(page.locator('script').count()).resolves.toBe(0);
    await shot(page, 'overview-phone.png');
    // the colour chips lead to the board, filtered
    await page.getByRole('link', { name: /红色预警\s*2/ }).click();
    await page.getByRole('heading', { name: /超期诉求\(红色预警\)/ }).waitFor();
    expect(problems).toEqual([]);
  }, 120_000);

  it('at a desk the summary table and the list sit in the wide page', async () => {
    const page = await phone('reviewer', true);
    await page.goto(`${base}/staff/board`);
    await page.getByRole('heading', { name: /红黄蓝预警/ }).waitFor();
    expect(await noSideways(page)).toBe(true);
    await expect(page.getByRole('table').count()).resolves.toBe(1);
    await shot(page, 'board-desk.png');
    expect(problems).toEqual([]);
  }, 120_000);

  it('东江乡\'s handler sees only its own case, with no 催办', async () => {
    const page = await phone('handler-dongjiang');
    await page.goto(`${base}/staff/board`);
    await page.getByRole('heading', { name: '红黄蓝预警 · 东江乡人民政府' }).waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain(cases.dongjiang.code);
    expect(text).not.toContain(cases.longnan.code);
    await expect(page.getByRole('button', { name: /催办/ }).count()).resolves.toBe(0);
    expect(await noSideways(page)).toBe(true);
    await shot(page, 'board-phone-unit.png');
    expect(problems).toEqual([]);
  }, 120_000);
});
