/**
 * The inspector's operator actions in real Chromium, on a phone: a process admin opens a case whose
 * unit-handling instance is stuck (a mistyped deadline), fixes the variable through the page's form
 * with a reason, then sees the action in the timeline filtered to operator actions; an auditor opens
 * the same page and finds no form. Screenshots go to test-output/screenshots/inspector-ops-*.png.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../app.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { completeTask, submitPetition, type Person, type TestApp } from '../app-harness.js';
import { describeBrowser, screenshotDir } from './chromium.js';
import { closeAll, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp } from './session.js';

const enc = encodeURIComponent;

describeBrowser('the inspector’s operator actions in Chromium, on a phone', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let auditorApi: Person;
  let childKey: string;
  /** a second case's unit-handling instance, running normally: migrated through the page */
  let movingKey: string;
  const shots = screenshotDir();
  const problems: string[] = [];
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, name), fullPage: true });

  const signIn = async (username: string) => {
    const context = await phoneContext(browser, { width: 375, height: 740 }, 30_000);
    contexts.push(context);
    const page = watchPage(await context.newPage(), problems);
    await signInPage(page, base, username);
    return page;
  };

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ h, base, browser } = app);
    const citizen = await h.visitor();
    const code = (await submitPetition(h, citizen, { title: '路灯不亮' })).body.trackingCode;
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, code);
    auditorApi = await h.signIn('auditor');
    const list = (await auditorApi.get('/api/inspector/instances?processId=unit-handling').expect(200)).body as { processInstanceKey: string }[];
    childKey = list[0].processInstanceKey;
    // a worker's mistake: the deadline is no date, so signing for the case leaves it stuck
    await h.t.engine.setVariables(childKey, { firstStepDueAt: '下周一' });
    await completeTask(h, await h.signIn('handler-longnan'), 'Task_SignOrReturn', { returnRequested: false }, code);
    const second = (await submitPetition(h, citizen, { title: '井盖缺失' })).body.trackingCode;
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, second);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, second);
    const all = (await auditorApi.get('/api/inspector/instances?processId=unit-handling').expect(200)).body as { processInstanceKey: string }[];
    movingKey = all.map((i) => i.processInstanceKey).find((k) => k !== childKey) as string;
  }, 180_000);

  afterAll(() => closeAll(...contexts, app));

  it('given a stuck case, when a process admin fixes its variable on a phone with a reason, then the page says so, the timeline shows who did what, and an auditor sees it without any form', async () => {
    const page = await signIn('modeler');
    await page.goto(`${base}/inspector/instances/${enc(childKey)}`);
    await page.locator('#operations').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.fill('#variables-input', '{"firstStepDueAt": "2026-03-20T09:00:00.000Z"}');
    await page.fill('#variables-reason', '首次响应期限被误写为“下周一”,按转办单改正');
    await shot(page, 'inspector-ops-form-phone.png');
    await page.locator('#operations').screenshot({ path: join(shots, 'inspector-ops-form-panel-phone.png') });
    await page.locator('#edit-variables-form button[type=submit]').click();
    await page.locator('p.success').waitFor();
    await expect(page.locator('p.success').textContent()).resolves.toContain('已修改变量');
    expect((await h.t.engine.getProcessInstance(childKey))!.variables.firstStepDueAt).toBe('2026-03-20T09:00:00.000Z');

    // the auditor: the action in the filtered timeline, and no form to act
    const auditor = await signIn('auditor');
    await auditor.goto(`${base}/inspector/instances/${enc(childKey)}`);
    await auditor.locator('.wz-kind-filter a[data-kind="operator"]').click();
    await auditor.locator('li[data-kind="operator-action"]').first().waitFor();
    await expect(auditor.locator('li[data-kind="element"]').count()).resolves.toBe(0);
    const text = await auditor.locator('li[data-kind="operator-action"]').first().textContent();
    expect(text).toContain('修改变量');
    expect(text).toContain('firstStepDueAt');
    expect(text).toContain('流程管理员');
    await expect(auditor.locator('#operations').count()).resolves.toBe(0);
    expect(await auditor.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(auditor, 'inspector-ops-timeline-phone.png');
    await auditor.locator('#timeline-panel').screenshot({ path: join(shots, 'inspector-ops-timeline-panel-phone.png') });
    expect(problems).toEqual([]);
  }, 120_000);

  it('given a new version of the diagram, when a process admin migrates a running case to it on a phone with a reason, then it runs on the new version and the auditor reads the migration', async () => {
    const modelerApi = await h.signIn('modeler');
    const v1 = readFileSync(join(projectRoot, 'processes', 'unit-handling.bpmn'), 'utf8');
    const v2 = v1.replace('<bpmn:timeDate xsi:type="bpmn:tFormalExpression">=blueAt</bpmn:timeDate>', '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">=yellowAt</bpmn:timeDate>');
    await modelerApi.post('/api/deployments', { resources: [{ name: 'unit-handling.bpmn', content: v2 }] }).expect(201);

    const page = await signIn('modeler');
    await page.goto(`${base}/inspector/instances/${enc(movingKey)}`);
    await page.locator('#migrate-instance-form').waitFor();
    await page.selectOption('#migrate-version', '2');
    await page.fill('#migrate-reason', '蓝色预警规则调整,在办案件一并适用');
    await page.locator('#migrate-instance-form').screenshot({ path: join(shots, 'inspector-ops-migrate-phone.png') });
    await page.locator('#migrate-instance-form button[type=submit]').click();
    await page.locator('p.success').waitFor();
    await expect(page.locator('p.success').textContent()).resolves.toContain('已迁移到新版本');
    expect((await h.t.engine.getProcessInstance(movingKey))!.version).toBe(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    const auditor = await signIn('auditor');
    await auditor.goto(`${base}/inspector/instances/${enc(movingKey)}?kind=operator`);
    const text = await auditor.locator('li[data-kind="operator-action"]').first().textContent();
    expect(text).toContain('迁移版本');
    expect(text).toContain('第 2 版');
    await expect(auditor.locator('#migrate-instance-form').count()).resolves.toBe(0);
    await auditor.locator('#timeline-panel').screenshot({ path: join(shots, 'inspector-ops-migrated-timeline-phone.png') });
    expect(problems).toEqual([]);
  }, 120_000);

  it('given version 2 deployed, when a process admin migrates every running instance of version 1 as a batch from the list on a phone, then the batch page shows each instance moved or skipped with why, and an auditor reads it without any button', async () => {
    const page = await signIn('modeler');
    await page.goto(`${base}/inspector?processId=unit-handling&version=1`);
    await page.locator('#batch-form').waitFor();
    expect(await page.locator('#batch-kind option').first().textContent()).toContain('迁移到第 2 版');
    await page.fill('#batch-reason', '新版本的预警规则适用于在办案件');
    await page.locator('#batch-panel').screenshot({ path: join(shots, 'inspector-ops-batch-form-phone.png') });
    await page.locator('#batch-form button[type=submit]').click();
    await page.locator('#batch-state').waitFor();
    // the page shows progress; reloaded until the batch has gone through every instance
    for (let i = 0; i < 100 && (await page.locator('#batch-state').textContent()) !== '已完成'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await page.reload();
    }
    await expect(page.locator('#batch-state').textContent()).resolves.toBe('已完成');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(page, 'inspector-ops-batch-done-phone.png');
    const id = new URL(page.url()).pathname.split('/').pop() as string;
    const b = (await auditorApi.get(`/api/inspector/batches/${id}`).expect(200)).body;
    expect(b.counts.pending + b.counts.failed).toBe(0);
    expect(b.counts.done + b.counts.skipped).toBe(b.total);
    // an instance that cannot move says why, in the office's words (the stuck case still has its incident)
    for (const item of b.items.filter((i: { state: string }) => i.state === 'skipped')) expect(item.error).toMatch(/[\u4e00-\u9fa5]/);
    for (const item of b.items.filter((i: { state: string }) => i.state === 'done')) expect((await h.t.engine.getProcessInstance(item.processInstanceKey))!.version).toBe(2);

    const auditor = await signIn('auditor');
    await auditor.goto(`${base}/inspector/batches/${id}`);
    await expect(auditor.locator('.actions form').count()).resolves.toBe(0);
    await auditor.goto(`${base}/inspector?processId=unit-handling`);
    await expect(auditor.locator('#batch-form').count()).resolves.toBe(0);
    expect(problems).toEqual([]);
  }, 120_000);
});
