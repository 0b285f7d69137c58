/**
 * The platform's actions on a case page, in Chromium as platform staff use them (issue 15): 催办
 * (第二十四条(一)) and 发起督办 (第二十三条) on a case a unit handles, 电话回访 (第十七条) on an answered
 * one — each checked on the timeline and in the database (the outbox row, the supervision task, the
 * case closed). On a phone for the 回访, at a desk for the rest.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Browser, BrowserContext } from 'playwright-core';
import { completeTask, submitPetition, type TestApp } from '../app-harness.js';
import { REPLY } from '../api/articles/steps.js';
import { describeBrowser } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp, suiteRecorder } from './session.js';

describeBrowser('the platform acts on a case in Chromium: 催办, 督办, 电话回访', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  const { contexts, problems, shot } = suiteRecorder();
  let handling: { id: string; code: string };
  let answered: { id: string; code: string };

  /** a submitted case screened and dispatched to 龙南镇 */
  async function dispatched(title: string) {
    const code = (await submitPetition(h, await h.visitor(), { title })).body.trackingCode as string;
    const intake = await h.signIn('intake');
    const task = await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, code);
    return { id: task.petition.id as string, code };
  }

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ h, base, browser } = app);
    handling = await dispatched('菜市场门口占道经营,早高峰车辆无法通行');
    answered = await dispatched('路灯不亮');
    const handler = await h.signIn('handler-longnan');
    await completeTask(h, handler, 'Task_SignOrReturn', { returnRequested: false }, answered.code);
    await completeTask(h, handler, 'Task_ContactPetitioner', { contactedAt: '2026-03-02T06:00:00.000Z', contactMethod: 'phone', contactSummary: '已电话联系诉求人' }, answered.code);
    await completeTask(h, handler, 'Task_DraftReply', { reply: REPLY }, answered.code);
    await completeTask(h, await h.signIn('leader-longnan'), 'Task_OASignOff', { signOffApproved: true }, answered.code);
    await completeTask(h, await h.signIn('reviewer'), 'Task_ReviewReply', { reviewApproved: true, publishable: true }, answered.code);
  }, 180_000);

  afterAll(async () => {
    await closeAll(...contexts, app);
  });

  const open = async (context: BrowserContext, who: string, id: string) => {
    contexts.push(context);
    const page = watchPage(await context.newPage(), problems);
    await signInPage(page, base, who);
    await page.goto(`${base}/staff/cases/${id}`);
    return page;
  };

  it('a reviewer urges a case at a desk: the SMS to 龙南镇\'s 分管领导 is queued and the timeline shows it', async () => {
    const page = await open(await deskContext(browser), 'reviewer', handling.id);
    await page.getByLabel('催办说明(记入办理记录,不发短信)').fill('群众多次来电');
    await page.getByRole('button', { name: '催办:短信提醒分管领导' }).click();
    await page.getByRole('status').filter({ hasText: '已催办' }).waitFor();
    await expect(page.locator('ol.timeline').textContent()).resolves.toContain('催办(短信提醒分管领导):群众多次来电');
    await shot(page, 'case-urged-desk.png');
    const sms = (await h.outbox.list({ limit: 1000 })).filter((m) => m.template === 'case-urged' && m.payload.petitionId === handling.id);
    expect(sms.map((m) => m.recipientKind)).toEqual(['unit-leader']);
    expect(problems).toEqual([]);
  }, 120_000);

  it('a reviewer starts a 督办 for a hotspot: the supervision task waits in the reviewer\'s list and the timeline says why', async () => {
    const page = await open(await deskContext(browser), 'reviewer', handling.id);
    await page.getByLabel('督办事由').selectOption('二');
    await page.getByLabel('督办说明').fill('本月同类投诉 12 件');
    await page.getByRole('button', { name: '发起督办' }).click();
    await page.getByRole('status').filter({ hasText: '已发起督办' }).waitFor();
    await expect(page.locator('ol.timeline').textContent()).resolves.toContain('发起督办(第二十三条(二))');
    // under supervision now: the page no longer offers to start one
    expect(await page.getByRole('button', { name: '发起督办' }).count()).toBe(0);
    await shot(page, 'case-supervised-desk.png');
    await h.settle();
    const tasks = await h.t.engine.listUserTasks({ state: 'created' });
    expect(tasks.filter((t) => t.processId === 'supervision' && t.variables.petitionId === handling.id).map((t) => t.elementId)).toEqual(['Task_ChooseSupervision']);
    expect(problems).toEqual([]);
  }, 120_000);

  it('an intake operator on a phone records the rating the petitioner gave on the phone: the case closes', async () => {
    const page = await open(await phoneContext(browser), 'intake', answered.id);
    await page.getByRole('heading', { name: '电话回访(第十七条)' }).waitFor();
    await page.getByLabel('满意', { exact: true }).check();
    await page.getByLabel('评价意见').fill('电话回访,表示满意');
    await shot(page, 'case-phone-rating-phone.png');
    await page.getByRole('button', { name: '录入回访评价' }).click();
    await page.getByRole('status').filter({ hasText: '电话回访的评价已录入' }).waitFor();
    await expect(page.locator('ol.timeline').textContent()).resolves.toContain('电话回访,录入诉求人评价:满意');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await h.settle();
    const [row] = (await h.t.db.sequelize.query('SELECT status FROM petitions WHERE id = ?', { replacements: [answered.id], type: 'SELECT' as never })) as unknown as { status: string }[];
    expect(row.status).toBe('closed');
    expect(problems).toEqual([]);
  }, 120_000);
});
