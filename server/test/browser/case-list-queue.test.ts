/**
 * The 诉求 list as a work queue in Chromium (issue 15): a platform reviewer at a desk filters,
 * sorts and searches (every state in the URL, pages by 下一页/上一页), a unit's handler does the same
 * on a 390 px phone (the filters folded away until asked for, nothing wider than the screen, only
 * the unit's cases), and a reviewer ticks two cases and starts 督办 for both — checked in the
 * database (the supervision tasks, the audit rows) and on each case's timeline.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import { join } from 'node:path';
import { QueryTypes } from 'sequelize';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { completeTask, submitPetition, type TestApp } from '../app-harness.js';
import { describeBrowser, screenshotDir } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp, suiteRecorder } from './session.js';

describeBrowser('the case list as a work queue in Chromium: filters, sort, search, 督办 of a selection', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  const { contexts, problems, shot } = suiteRecorder();
  const shots = screenshotDir();
  /** what the screen shows (a phone's whole list is too tall a picture to look at) */
  const screen = (page: Page, name: string) => page.screenshot({ path: join(shots, name) });
  const cases: Record<string, { id: string; code: string }> = {};

  async function dispatched(key: string, title: string, category: string, unitId: string) {
    const code = (await submitPetition(h, await h.visitor(), { title, category })).body.trackingCode as string;
    const intake = await h.signIn('intake');
    const task = await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId, jointMode: 'single' }, code);
    cases[key] = { id: task.petition.id as string, code };
  }

  const open = async (context: BrowserContext, who: string, path = '/staff/cases') => {
    contexts.push(context);
    const page = watchPage(await context.newPage(), problems);
    await signInPage(page, base, who);
    await page.goto(`${base}${path}`);
    await page.getByRole('heading', { name: '诉求', exact: true }).waitFor();
    return page;
  };
  const codesOn = (page: Page) => page.locator('table.cases tbody td.code').allTextContents();

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ h, base, browser } = app);
    await dispatched('market', '菜市场门口占道经营,早高峰车辆无法通行', 'complaint', 'u-longnan');
    await dispatched('noise', '夜市噪音扰民到凌晨', 'complaint', 'u-longnan');
    await dispatched('lamp', '路灯不亮,夜间出行不便', 'help', 'u-longnan');
    await dispatched('road', '村道路面破损', 'complaint', 'u-dongjiang');
    // the test clock stands still: a minute apart, in the order they came, so that the sorts can be seen
    for (const [i, key] of ['market', 'noise', 'lamp', 'road'].entries()) {
      await h.t.db.sequelize.query('UPDATE petitions SET created_at = created_at + ? WHERE id = ?', { replacements: [i * 60_000, cases[key].id] });
    }
    // sixty older cases of 龙南镇 (copies, closed): the list has a second page
    const db = h.t.db.sequelize;
    const [original] = (await db.query('SELECT * FROM petitions WHERE id = ?', { replacements: [cases.lamp.id], type: QueryTypes.SELECT })) as Record<string, unknown>[];
    const columns = Object.keys(original);
    const rows = Array.from({ length: 60 }, (_, i) => ({ ...original, id: `old-${i}`, tracking_code: `WZ999999${'ABCDEFGHJKMNPQRSTUVWXYZ'[Math.floor(i / 23)]}${'ABCDEFGHJKMNPQRSTUVWXYZ'[i % 23]}`.slice(0, 10), title: `旧诉求 ${i}`, status: 'closed', created_at: Number(original.created_at) - (i + 1) * 3_600_000, updated_at: Number(original.created_at) - (i + 1) * 3_600_000, process_instance_key: null }));
    await db.query(`INSERT INTO petitions (${columns.join(', ')}) VALUES ${rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ')}`, { replacements: rows.flatMap((r) => columns.map((c) => (r as Record<string, unknown>)[c] ?? null)) });
  }, 240_000);

  afterAll(async () => {
    await closeAll(...contexts, app);
  });

  it('a reviewer at a desk filters by category, sorts oldest first and searches a word: the URL holds it all, and the pages go forward and back', async () => {
    const page = await open(await deskContext(browser), 'reviewer');
    // at a desk the filters are open without a click
    await expect(page.getByLabel('类别').isVisible()).resolves.toBe(true);
    expect(await page.locator('table.cases tbody tr').count()).toBe(50);
    await shot(page, 'case-queue-desk.png');
    await page.getByRole('link', { name: '下一页' }).click();
    await page.waitForURL(/after=/);
    const second = await codesOn(page);
    expect(second).toHaveLength(14);
    await page.getByRole('link', { name: '上一页' }).click();
    await page.waitForURL(/before=/);
    expect(await page.locator('table.cases tbody tr').count()).toBe(50);

    await page.getByLabel('类别').selectOption('complaint');
    await page.getByLabel('排序').selectOption('oldest');
    await page.getByLabel('搜索').fill('噪音');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/category=complaint/);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ q: '噪音', category: 'complaint', sort: 'oldest' });
    expect(await codesOn(page)).toEqual([cases.noise.code]);
    await shot(page, 'case-queue-filtered-desk.png');
    // the same URL opened afresh shows the same list, the form filled in
    await page.goto(url.toString());
    expect(await codesOn(page)).toEqual([cases.noise.code]);
    await expect(page.getByLabel('搜索').inputValue()).resolves.toBe('噪音');
    // a tracking code finds its case, typed in lower case
    await page.goto(`${base}/staff/cases`);
    await page.getByLabel('搜索').fill(cases.road.code.toLowerCase());
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/q=/);
    expect(await codesOn(page)).toEqual([cases.road.code]);
    expect(problems).toEqual([]);
  }, 120_000);

  it("a unit's handler on a phone opens the folded filters, filters by category and sorts: only 龙南镇's cases, nothing wider than the screen", async () => {
    const page = await open(await phoneContext(browser), 'handler-longnan');
    // folded on a phone: the summary says what it holds, the form waits
    const summary = page.locator('details.filters > summary');
    await expect(summary.isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('类别').isVisible()).resolves.toBe(false);
    await screen(page, 'case-queue-phone-folded.png');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await summary.click();
    await page.getByLabel('类别').selectOption('complaint');
    await page.getByLabel('排序').selectOption('oldest');
    // a unit has no unit filter and no phone search
    expect(await page.locator('select[name="unit"]').count()).toBe(0);
    expect(await page.locator('input[name="phone"]').count()).toBe(0);
    await page.getByLabel('排序').scrollIntoViewIfNeeded();
    await screen(page, 'case-queue-phone-form.png');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/category=complaint/);
    expect(await codesOn(page)).toEqual([cases.market.code, cases.noise.code]);
    await expect(summary.textContent()).resolves.toContain('已设 1 项');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'case-queue-phone-filtered.png');
    // 东江乡's case is not found by its code either
    await page.goto(`${base}/staff/cases?q=${cases.road.code}`);
    expect(await codesOn(page)).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);

  it('a reviewer ticks two cases and starts 督办 for both: the result is listed, the supervision tasks and audit rows are in the database, each timeline says so', async () => {
    const page = await open(await deskContext(browser), 'reviewer', '/staff/cases?category=complaint');
    await page.getByLabel(`选择 ${cases.market.code}`).check();
    await page.getByLabel(`选择 ${cases.road.code}`).check();
    await page.getByLabel('督办事由').selectOption('一');
    await page.getByLabel('督办说明').fill('市领导批示:限期解决');
    await page.getByRole('button', { name: '为勾选的诉求发起督办' }).click();
    await page.getByRole('status').filter({ hasText: '已为 2 件诉求发起督办' }).waitFor();
    const results = await page.locator('.supervision-results li').allTextContents();
    expect(results.map((t) => t.replace(/\s+/g, ' ').trim()).sort()).toEqual([`${cases.market.code} 已发起督办`, `${cases.road.code} 已发起督办`].sort());
    // the list is the one it was sent from
    expect(new Set(await codesOn(page))).toEqual(new Set([cases.market.code, cases.noise.code, cases.road.code]));
    await shot(page, 'case-queue-supervised-desk.png');

    await h.settle();
    const tasks = await h.t.engine.listUserTasks({ state: 'created' });
    for (const c of [cases.market, cases.road]) {
      expect(tasks.filter((t) => t.processId === 'supervision' && t.variables.petitionId === c.id).map((t) => [t.elementId, t.variables.supervisionTrigger])).toEqual([['Task_ChooseSupervision', '一']]);
    }
    const audit = (await h.t.db.sequelize.query("SELECT petition_id, actor, detail FROM audit_log WHERE action = 'case.supervision-started' ORDER BY id", { type: QueryTypes.SELECT })) as { petition_id: string; actor: string; detail: string }[];
    expect(audit.map((a) => `${a.petition_id} ${JSON.parse(a.detail).trigger} ${a.actor}`).sort()).toEqual([cases.market.id, cases.road.id].map((id) => `${id} 一 ${audit[0].actor}`).sort());
    expect(audit[0].actor).not.toBe('system');

    await page.goto(`${base}/staff/cases/${cases.road.id}`);
    await expect(page.locator('ol.timeline').textContent()).resolves.toContain('发起督办(第二十三条(一))');
    await shot(page, 'case-queue-timeline-desk.png');

    // on a phone the reviewer's list keeps its cards, a checkbox on each
    const phone = await open(await phoneContext(browser), 'reviewer', '/staff/cases?category=complaint');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.locator('table.cases').scrollIntoViewIfNeeded();
    await screen(phone, 'case-queue-reviewer-phone.png');
    expect(problems).toEqual([]);
  }, 120_000);
});
