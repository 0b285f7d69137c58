/**
 * The work queue in Chromium, as the platform and a unit use it (issue 15): a reviewer at a desk
 * filters the city's queue by category, searches a tracking code and sorts by priority — every state
 * a link; a 龙南镇 handler on a phone claims a task from the list; the unit's leader hands it to a
 * colleague from the task page; the colleague gives it back. Each step checked on the page, in the
 * database (work_items, the audit log) and on the case's timeline.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { completeTask, DEMO_PASSWORD, submitPetition, type TestApp } from '../app-harness.js';
import { describeBrowser } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp, suiteRecorder } from './session.js';

describeBrowser('the work queue in Chromium: filter, search, sort, claim and hand on', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  const { contexts, problems, shot } = suiteRecorder();
  const cases: Record<string, { id: string; code: string }> = {};
  let secondId = '';

  /** submitted, screened and dispatched to a unit */
  async function dispatched(name: string, fields: Record<string, unknown>, unitId = 'u-longnan') {
    const code = (await submitPetition(h, await h.visitor(), fields)).body.trackingCode as string;
    const intake = await h.signIn('intake');
    const task = await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId, jointMode: 'single' }, code);
    cases[name] = { id: task.petition.id as string, code };
  }

  const rows = async (sql: string, replacements: unknown[]) => (await h.t.db.sequelize.query(sql, { replacements, type: QueryTypes.SELECT })) as Record<string, unknown>[];

  beforeAll(async () => {
    app = await startBrowserApp({ start: '2026-03-02T02:00:00.000Z' });
    ({ h, base, browser } = app);
    await dispatched('market', { title: '菜市场门口占道经营', content: '早高峰车辆无法通行' });
    await dispatched('lamp', { title: '小区路灯不亮', content: '已经一周不亮' });
    await dispatched('pension', { category: 'consultation', title: '咨询养老保险转移', content: '从外省转回如何办理' });
    await dispatched('river', { title: '河道垃圾堆积', content: '东江乡河道' }, 'u-dongjiang');
    const admin = await h.signIn('admin');
    const created = await admin.post('/api/admin/staff', { username: 'handler2-longnan', displayName: '龙南镇承办人乙', password: DEMO_PASSWORD, roles: ['unit-handler'], unitId: 'u-longnan' }).expect(201);
    secondId = created.body.id as string;
  }, 180_000);

  afterAll(async () => {
    await closeAll(...contexts, app);
  });

  const open = async (context: BrowserContext, who: string, path = '/staff') => {
    contexts.push(context);
    const page = watchPage(await context.newPage(), problems);
    await signInPage(page, base, who);
    await page.goto(`${base}${path}`);
    return page;
  };
  const codesOn = (page: Page) => page.locator('ul.tasks li.task .code').allTextContents();

  it('a reviewer at a desk filters the city queue by category, searches a tracking code and sorts by priority; each list is a link', async () => {
    const page = await open(await deskContext(browser), 'reviewer', '/staff?scope=all');
    await page.locator('.queue-tab.active').filter({ hasText: '全部待办' }).waitFor();
    expect((await codesOn(page)).sort()).toEqual([cases.market.code, cases.lamp.code, cases.pension.code, cases.river.code].sort());
    await expect(page.locator('.queue-tab.active .count').textContent()).resolves.toBe('4');
    await shot(page, 'queue-city-desk.png');

    // the category: only the consultation; the address says so
    await page.locator('details.queue-filters summary').click();
    await page.getByLabel('类别').selectOption('consultation');
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/category=consultation/);
    expect(await codesOn(page)).toEqual([cases.pension.code]);
    expect(page.url()).toContain('scope=all');
    await expect(page.locator('.queue-tab.active .count').textContent()).resolves.toBe('1');

    // a tracking code typed in lower case, the category cleared
    await page.getByLabel('类别').selectOption('');
    await page.getByLabel('搜索').fill(cases.lamp.code.toLowerCase());
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/q=/);
    expect(await codesOn(page)).toEqual([cases.lamp.code]);
    await shot(page, 'queue-search-desk.png');

    // the market case made 紧急 from the list; the priority sort puts it first
    await page.goto(`${base}/staff?scope=all`);
    const card = page.locator('ul.tasks li.task').filter({ hasText: cases.market.code });
    await card.getByLabel(`${cases.market.code} 的优先级`).selectOption('urgent');
    await card.getByRole('button', { name: '设置' }).click();
    await page.getByRole('status').filter({ hasText: '优先级已设置' }).waitFor();
    expect(page.url()).toContain('scope=all');
    await page.locator('details.queue-filters summary').click();
    await page.getByLabel('排序').selectOption('priority');
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/sort=priority/);
    expect((await codesOn(page))[0]).toBe(cases.market.code);
    await expect(page.locator('ul.tasks li.task').first().locator('.badge-red').first().textContent()).resolves.toBe('紧急');
    await shot(page, 'queue-priority-desk.png');
    expect(problems).toEqual([]);
  }, 180_000);

  it('a 龙南镇 handler on a phone claims a task from the list; the leader hands it to a colleague; the colleague gives it back', async () => {
    const phone = await open(await phoneContext(browser), 'handler-longnan');
    expect((await codesOn(phone)).sort()).toEqual([cases.market.code, cases.lamp.code, cases.pension.code].sort());
    await expect(phone.locator('.tab-unclaimed .count').textContent()).resolves.toBe('3');
    const lampCard = phone.locator('ul.tasks li.task').filter({ hasText: cases.lamp.code });
    await lampCard.getByRole('button', { name: '认领' }).click();
    await phone.getByRole('status').filter({ hasText: '已认领' }).waitFor();
    await expect(phone.locator('ul.tasks li.task').filter({ hasText: cases.lamp.code }).locator('.task-hold').textContent()).resolves.toContain('认领人:龙南镇承办人(演示)');
    await phone.locator('.tab-mine').click();
    await phone.waitForURL(/tab=mine/);
    expect(await codesOn(phone)).toEqual([cases.lamp.code]);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(phone, 'queue-claimed-phone.png');
    const [held] = await rows("SELECT user_task_key, assignee FROM work_items WHERE petition_id = ? AND state = 'open'", [cases.lamp.id]);
    const first = (await rows('SELECT id FROM staff WHERE username = ?', ['handler-longnan']))[0].id;
    expect(held.assignee).toBe(first);

    // the leader, at a desk, gives it to the colleague from the task page
    const desk = await open(await deskContext(browser), 'leader-longnan', `/staff/tasks/${encodeURIComponent(String(held.user_task_key))}`);
    await expect(desk.locator('.task-holder').textContent()).resolves.toContain('认领人:龙南镇承办人(演示)');
    await desk.getByLabel('指派给').selectOption(secondId);
    await desk.getByRole('button', { name: '指派' }).click();
    await desk.getByRole('status').filter({ hasText: '已指派' }).waitFor();
    await expect(desk.locator('.task-holder').textContent()).resolves.toContain('认领人:龙南镇承办人乙');
    await desk.locator('details.panel summary').filter({ hasText: '办理记录' }).click();
    await expect(desk.locator('ol.timeline').textContent()).resolves.toContain('指派给 龙南镇承办人乙');
    await shot(desk, 'queue-assigned-desk.png');
    expect((await rows("SELECT assignee FROM work_items WHERE user_task_key = ?", [held.user_task_key]))[0].assignee).toBe(secondId);

    // the colleague, on a phone, finds it in 我的待办 and gives it back to the unit
    const colleague = await open(await phoneContext(browser), 'handler2-longnan', '/staff?tab=mine');
    expect(await codesOn(colleague)).toEqual([cases.lamp.code]);
    await colleague.getByRole('button', { name: '退回认领' }).click();
    await colleague.getByRole('status').filter({ hasText: '已退回认领' }).waitFor();
    expect(await codesOn(colleague)).toEqual([]);
    await shot(colleague, 'queue-released-phone.png');
    expect((await rows('SELECT assignee FROM work_items WHERE user_task_key = ?', [held.user_task_key]))[0].assignee).toBeNull();
    const audit = await rows("SELECT action, actor FROM audit_log WHERE petition_id = ? AND action IN ('task.claimed', 'task.assigned', 'task.released') ORDER BY id", [cases.lamp.id]);
    expect(audit.map((a) => a.action)).toEqual(['task.claimed', 'task.assigned', 'task.released']);
    expect(problems).toEqual([]);
  }, 180_000);
});
