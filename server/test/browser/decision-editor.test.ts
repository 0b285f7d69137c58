/**
 * 第二十七条 the decision editor in real Chromium: the process admin opens 决策表, the unit
 * assessment's table in dmn-js (in Chinese: the hit policy 汇集(求和), 条件/结果/说明), changes a band's
 * points in its cell, 检查s, 部署s it as version 2 and 试算s a unit's quarter with the new table; the
 * list on a phone. Screenshots go to test-output/screenshots/decision-editor-*.png.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { describeBrowser } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, suiteRecorder, watchPage, type BrowserApp } from './session.js';

describeBrowser('第二十七条 the decision editor in Chromium: edit a cell, deploy version 2, 试算', () => {
  let app: BrowserApp | undefined;
  let base: string;
  let desk: BrowserContext;
  let phone: BrowserContext;
  const rec = suiteRecorder();
  const shot = (page: Page, name: string) => rec.shot(page, `decision-editor-${name}.png`);
  const watch = (page: Page) => watchPage(page, rec.problems);
  const signIn = (page: Page) => signInPage(page, base, 'modeler', { unlessSignedIn: true, landed: (p) => p.waitForURL(`${base}/staff`) });

  beforeAll(async () => {
    app = await startBrowserApp();
    base = app.base;
    desk = await deskContext(app.browser, { width: 1400, height: 900 }, 30_000);
    phone = await phoneContext(app.browser, { width: 390, height: 844 }, 30_000);
  }, 180_000);

  afterAll(() => closeAll(desk, phone, app));

  it('given the process admin, when they change the 95–98% on-time band from 36 to 35 points, check and deploy, then version 2 is deployed and 试算 of a 96% quarter scores a point less', async () => {
    const page = watch(await desk.newPage());
    await signIn(page);
    await page.getByRole('link', { name: '决策表' }).click();
    await page.getByRole('heading', { name: '决策表', exact: true }).waitFor();
    await page.getByRole('link', { name: '编辑' }).click();
    await page.waitForSelector('body[data-editor-ready="true"]');

    // the table in Chinese
    const table = page.locator('#dmn-editor');
    await expect(table.locator('.hit-policy').textContent()).resolves.toContain('汇集(求和)');
    await expect(table.getByText('条件', { exact: true }).count()).resolves.toBeGreaterThan(0);
    await table.getByText('按期办结率').first().waitFor();
    await expect(table.locator('td.annotation', { hasText: '第二十六条' }).count()).resolves.toBeGreaterThan(0);

    // a rule's context menu and the hit policy's list, in Chinese
    await table.locator('td[data-row-id="Rule_Redo_A"]').first().click({ button: 'right' });
    await page.locator('.context-menu').getByText('在下方插入规则').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('#editor-status').click();
    await table.locator('.hit-policy .dms-input-select').click();
    await page.getByText('首个', { exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('#editor-status').click();
    await expect(table.locator('.hit-policy').textContent()).resolves.toContain('汇集(求和)');

    // the cell: the output of rule Rule_OnTime_B
    const cell = table.locator('td[data-row-id="Rule_OnTime_B"][data-col-id="Output_score"] [contenteditable="true"]');
    await expect(cell.textContent()).resolves.toBe('36');
    await cell.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('35');
    await table.locator('td[data-row-id="Rule_OnTime_A"][data-col-id="Output_score"]').click();
    await expect(cell.textContent()).resolves.toBe('35');
    await page.getByText('有未保存的修改').waitFor();

    // 检查: the gate, nothing deployed
    await page.getByRole('button', { name: '检查' }).click();
    await page.getByText('检查通过,可以部署').waitFor();
    await expect(page.locator('#problem-count').textContent()).resolves.toBe('没有问题');

    // 部署: checked again, confirmed, version 2
    await page.getByRole('button', { name: '部署', exact: true }).click();
    await page.locator('#deploy-dialog').getByText('部署为第 2 版').waitFor();
    await page.getByRole('button', { name: '确认部署' }).click();
    await page.getByText('已部署为第 2 版').waitFor();
    await expect(page.locator('#try-version').textContent()).resolves.toBe('2');

    // 试算 a unit's quarter with the deployed table: 35 + 27 + 20 + 8 − 4.5 − 2 − 2
    const form = page.locator('#try-form');
    const values: Record<string, string> = { onTimeRate: '0.96', satisfactionRate: '0.92', completionRate: '0.99', redoRate: '0.03', deductionPoints: '4.5', transfers: '1', criticisms: '2' };
    for (const [name, value] of Object.entries(values)) await form.locator(`input[name="${name}"]`).fill(value);
    await form.getByRole('button', { name: '试算' }).click();
    await page.locator('#try-result[data-result="81.5"]').waitFor();
    await expect(page.locator('#try-result .try-rules li').count()).resolves.toBe(7);
    await page.locator('#try-result').getByText('第 2 条').waitFor();
    await page.locator('#history tr[data-version="2"]').getByText('最新').waitFor();
    await shot(page, 'desk');

    // the versions page lists both, newest first
    await page.goto(`${base}/decisions/unit-assessment`);
    await expect(page.locator('tr[data-version]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-version')))).resolves.toEqual(['2', '1']);
    expect(rec.problems).toEqual([]);
  });

  it('given a phone, when the admin opens the list of decision tables, then the table reads as cards with its version', async () => {
    const page = watch(await phone.newPage());
    await signIn(page);
    await page.goto(`${base}/decisions`);
    await page.locator('tr[data-decision-id="unit-assessment"]').getByText('第 2 版').waitFor();
    await shot(page, 'phone-list');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(rec.problems).toEqual([]);
  });
});
