/**
 * The low-code loop in real Chromium: a process admin opens the handling diagram (unit-handling) in
 * the modeler, puts a service task after the blue warning and sees the canvas's lint error for its
 * missing job type, turns it into the "发送通知" template (notify the unit's head), ends the path,
 * saves a draft and deploys version 2 through the deploy gate. A petition dispatched before stays on
 * version 1, one dispatched after runs on version 2 — and when both go blue (第二十六条), only the
 * second notifies the unit's head. An auditor then opens both instances in the inspector and sees
 * where their tokens are and the path each took. Screenshots go to test-output/screenshots.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { completeTask, submitPetition, type TestApp } from '../app-harness.js';
import { describeBrowser, screenshotDir } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp } from './session.js';

describeBrowser('第二十六条 the modeler in Chromium: change the handling diagram, deploy a version, old and new petitions each on their own', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  let desk: BrowserContext;
  const shots = screenshotDir();
  const problems: string[] = [];
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, name), fullPage: true });

  const watch = (page: Page) => watchPage(page, problems);
  const signIn = (page: Page, username: string) => signInPage(page, base, username, { landed: (p) => p.waitForURL(/\/staff/) });

  /** a petition screened and dispatched to 龙南镇 (API): its unit-handling instance starts */
  const dispatched = async (title: string) => {
    const res = await submitPetition(h, await h.visitor(), { title });
    expect(res.status).toBe(201);
    const code = res.body.trackingCode as string;
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, code);
    const [instance] = (await h.t.engine.listProcessInstances({ processId: 'unit-handling' })).filter((i) => i.variables.trackingCode === code);
    expect(instance).toBeDefined();
    return { code, petitionId: instance.variables.petitionId as string, instance };
  };

  /** click an element of the diagram and wait for its context pad (a click that only gives the canvas focus is repeated) */
  const selectElement = async (page: Page, id: string) => {
    const pad = page.locator('.djs-context-pad.open');
    for (let attempt = 0; attempt < 3; attempt++) {
      const box = (await page.locator(`#canvas g.djs-element[data-element-id="${id}"]`).boundingBox())!;
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      if (await pad.waitFor({ timeout: 1500 }).then(() => true, () => false)) return;
    }
    throw new Error(`no context pad after clicking ${id}`);
  };
  const contextPad = (page: Page, action: string) => page.locator(`.djs-context-pad.open .entry[data-action="${action}"]`).click();

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ h, base, browser } = app);
    desk = await deskContext(browser, { width: 1440, height: 1000 }, 30_000);
  }, 180_000);

  afterAll(() => closeAll(app));

  it('given the handling diagram, when an admin adds a notification from a template, fixes the lint error and deploys, then new petitions run on the new version and old ones stay, and the auditor sees both', async () => {
    const before = await dispatched('老街路灯不亮(改版前)');
    expect(before.instance.version).toBe(1);

    // ---- the process admin, at a desk
    const admin = watch(await desk.newPage());
    await signIn(admin, 'modeler');
    await admin.goto(`${base}/processes`);
    await shot(admin, 'modeler-processes.png');
    await admin.locator('tr[data-process-id="unit-handling"]').getByRole('link', { name: '编辑' }).click();
    await admin.waitForURL(/\/processes\/unit-handling\/edit$/);
    await admin.locator('body[data-modeler-ready="true"]').waitFor();
    // Chinese palette, and the deployed version lints clean
    await expect(admin.locator('.djs-palette .entry[data-action="create.task"]').getAttribute('aria-label')).resolves.toBe('任务');
    await expect(admin.locator('#problem-count').textContent()).resolves.toBe('没有问题');

    // the blue warning's path ends right after it: make room to its right with the space tool, remove that end,
    // append a plain task and make it a service task
    // zoom in on the warnings (ctrl + wheel, as on a desk)
    const far = (await admin.locator('#canvas g.djs-element[data-element-id="Task_BlueWarning"]').boundingBox())!;
    await admin.mouse.move(far.x + far.width / 2, far.y + far.height / 2);
    await admin.keyboard.down('Control');
    for (let i = 0; i < 6; i++) await admin.mouse.wheel(0, -120);
    await admin.keyboard.up('Control');
    const blue = (await admin.locator('#canvas g.djs-element[data-element-id="Task_BlueWarning"]').boundingBox())!;
    const scale = blue.width / 100;
    expect(scale).toBeGreaterThan(0.6);
    await admin.locator('.djs-palette .entry[data-action="space-tool"]').click();
    await admin.mouse.move(blue.x + blue.width + 25 * scale, blue.y + blue.height / 2);
    await admin.mouse.down();
    await admin.mouse.move(blue.x + blue.width + 60 * scale, blue.y + blue.height / 2, { steps: 5 });
    await admin.mouse.move(blue.x + blue.width + 185 * scale, blue.y + blue.height / 2, { steps: 10 });
    await admin.mouse.up();
    await admin.keyboard.press('Escape');
    await selectElement(admin, 'End_BlueRaised');
    await contextPad(admin, 'delete');
    await selectElement(admin, 'Task_BlueWarning');
    await contextPad(admin, 'append.append-task');
    await admin.locator('.djs-direct-editing-parent').waitFor();
    await admin.keyboard.type('通知主要领导');
    await admin.keyboard.press('Enter');
    // the appended task stays selected: its id is in the properties panel, its context pad open
    const added = await admin.locator('#bio-properties-panel-id').inputValue();
    expect(added).toMatch(/^Activity_/);
    await contextPad(admin, 'replace');
    await admin.locator('.djs-popup .entry[data-id="replace-with-service-task"]').click();
    // the canvas says the service task has no job type — the deploy gate's own words
    const missingType = admin.locator(`#problem-list li[data-rule="camunda-compat/implementation"][data-element-id="${added}"]`);
    await missingType.waitFor();
    await expect(missingType.textContent()).resolves.toContain('必须有一个扩展元素 <任务定义(zeebe:TaskDefinition)>');
    // and the canvas marks the element itself
    await admin.locator(`.djs-overlays[data-container-id="${added}"] .bjsl-overlay`).waitFor();
    await expect(admin.locator('#problem-count').textContent()).resolves.toMatch(/^2 个错误/);
    await shot(admin, 'modeler-lint-error.png');

    // the fix: the "发送通知" template from the replace menu sets the job type and its headers
    await selectElement(admin, added);
    await contextPad(admin, 'replace');
    await admin.locator('.djs-popup-search input').fill('发送通知');
    await admin.locator('.djs-popup .entry', { hasText: '发送通知' }).first().click();
    const props = admin.locator('#properties');
    await props.getByText('发送通知').first().waitFor();
    const settings = props.locator('.bio-properties-panel-group-header', { hasText: '设置' });
    if (!(await settings.getAttribute('class'))?.includes('open')) await settings.click();
    await props.getByLabel('通知模板').selectOption('supervision-sms');
    await props.getByLabel('接收人').selectOption('unit-head');
    await expect(admin.locator(`#problem-list li[data-rule="camunda-compat/implementation"]`).count()).resolves.toBe(0);
    // then the path gets its end
    await selectElement(admin, added);
    await contextPad(admin, 'append.end-event');
    await admin.locator('.djs-direct-editing-parent').waitFor();
    await admin.keyboard.type('已通知主要领导');
    await admin.keyboard.press('Enter');
    await expect(admin.locator('#problem-count').textContent()).resolves.not.toMatch(/错误/);
    await shot(admin, 'modeler-fixed.png');

    // token simulation walks the diagram before deploying: start it at the handling's start event, tokens appear
    const toggle = admin.locator('.bts-toggle-mode');
    await expect(toggle.textContent()).resolves.toContain('令牌模拟');
    await admin.locator('#btn-fit').click();
    await toggle.click();
    await admin.locator('.simulation').first().waitFor();
    // its buttons show from a readable zoom on: zoom in on the start event
    const start = (await admin.locator('#canvas g.djs-element[data-element-id="Start_Dispatched"]').boundingBox())!;
    await admin.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
    await admin.keyboard.down('Control');
    for (let i = 0; i < 6; i++) await admin.mouse.wheel(0, -120);
    await admin.keyboard.up('Control');
    await admin.locator('.djs-overlays[data-container-id="Start_Dispatched"] .bts-context-pad').first().click();
    await admin.locator('.bts-token-count-parent').first().waitFor();
    await shot(admin, 'modeler-simulation.png');
    await toggle.click();
    await admin.locator('.simulation').first().waitFor({ state: 'detached' });
    // the simulation changed nothing in the diagram
    await expect(admin.locator('#problem-count').textContent()).resolves.not.toMatch(/错误/);

    // a draft first (kept on the server), then the deployment through the deploy gate
    await admin.locator('#btn-save-draft').click();
    await admin.locator('#modeler-status', { hasText: '草稿已保存' }).waitFor();
    const draft = await h.signIn('modeler');
    await draft.get('/api/processes/unit-handling/draft').expect(200);
    await admin.locator('#btn-deploy').click();
    await admin.locator('#deploy-dialog[open]').waitFor();
    await expect(admin.locator('#deploy-summary').textContent()).resolves.toContain('新增 2 个环节');
    await expect(admin.locator('#deploy-summary').textContent()).resolves.toContain('删除 1 个环节:End_BlueRaised');
    await shot(admin, 'modeler-deploy-confirm.png');
    await admin.locator('#deploy-confirm').click();
    await admin.locator('#modeler-status', { hasText: '已部署为第 2 版' }).waitFor();
    await shot(admin, 'modeler-deployed.png');
    await draft.get('/api/processes/unit-handling/draft').expect(404);
    const versions = await h.t.engine.listProcessDefinitions({ processId: 'unit-handling' });
    expect(versions.map((v) => [v.version, v.deployedBy ?? null])).toEqual(expect.arrayContaining([[1, null], [2, 'modeler']]));
    await admin.goto(`${base}/processes/unit-handling`);
    await admin.locator('tr[data-version="2"]').waitFor();
    // the petition dispatched before runs on version 1, none on version 2 yet
    await expect(admin.locator('tr[data-version="1"] td[data-label="运行中实例"]').textContent()).resolves.toBe('1');
    await expect(admin.locator('tr[data-version="2"] td[data-label="运行中实例"]').textContent()).resolves.toBe('0');
    await shot(admin, 'modeler-versions.png');
    // the same admin on a phone: the version list and the editor fit the screen
    const pocket = await phoneContext(browser, { width: 390, height: 844 }, 30_000);
    const phone = watch(await pocket.newPage());
    await signIn(phone, 'modeler');
    for (const [path, name] of [['/processes/unit-handling', 'versions'], ['/processes/unit-handling/edit', 'edit']] as const) {
      await phone.goto(`${base}${path}`);
      if (name === 'edit') await phone.locator('body[data-modeler-ready="true"]').waitFor();
      expect({ path, width: await phone.evaluate(() => document.documentElement.scrollWidth) }).toEqual({ path, width: 390 });
      await shot(phone, `modeler-${name}-phone.png`);
    }
    await pocket.close();

    // ---- a petition dispatched now runs on version 2; the one before stays on version 1
    const after = await dispatched('新街路灯不亮(改版后)');
    expect(after.instance.version).toBe(2);
    expect((await h.t.engine.getProcessInstance(before.instance.processInstanceKey))?.version).toBe(1);
    // both go blue (第二十六条): only version 2 sends the unit's head the supervision SMS
    h.t.clock.advanceDays(12);
    await h.settle();
    const heads = async (petitionId: string) => (await h.outbox.list()).filter((n) => n.recipientKind === 'unit-head' && n.template === 'supervision-sms' && (n.payload as { petitionId?: string }).petitionId === petitionId);
    expect(await heads(after.petitionId)).toHaveLength(1);
    expect(await heads(before.petitionId)).toHaveLength(0);
    expect(problems).toEqual([]);

    // ---- the auditor opens both instances: tokens where they wait, the path each took
    const auditor = watch(await desk.newPage());
    await signIn(auditor, 'auditor');
    for (const [which, inst] of [['v1', before.instance], ['v2', after.instance]] as const) {
      await auditor.goto(`${base}/inspector/instances/${encodeURIComponent(inst.processInstanceKey)}`);
      await auditor.locator('#instance-diagram[data-ready="true"]').waitFor();
      await auditor.locator('.wz-token').first().waitFor();
      const path = await auditor.locator('g.djs-element.wz-path').evaluateAll((els) => els.map((e) => e.getAttribute('data-element-id')));
      expect(path).toContain('Task_BlueWarning');
      if (which === 'v2') expect(path).toContain(added);
      else expect(path).toContain('End_BlueRaised');
      await shot(auditor, `modeler-inspector-${which}.png`);
    }
    expect(problems).toEqual([]);
  });
});
