/**
 * The inspector's diagrams in real Chromium: an auditor opens a unit-handling instance at a desk and
 * on a phone — the token badge with its count sits on the element the engine waits at, the path and
 * the flows taken are marked, pending timers carry their numbered badges; then a process admin
 * deploys a changed version (through the API and its deploy gate) and the diff page marks what was
 * added, removed and changed on the two diagrams (side by side at a desk, stacked on a phone).
 * Screenshots go to test-output/screenshots/inspector-*.png.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { projectRoot } from '../../app.js';
import { completeTask, submitPetition, type Person, type TestApp } from '../app-harness.js';
import { describeBrowser, screenshotDir } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp } from './session.js';

const enc = encodeURIComponent;

describeBrowser('the inspector in Chromium: an instance on its diagram, and the diff of two versions', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let auditorApi: Person;
  const shots = screenshotDir();
  const problems: string[] = [];
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, name), fullPage: true });

  const watch = (page: Page) => watchPage(page, problems);

  /** a fresh browser (its own cookies) at a desk or on a phone, signed in */
  const signIn = async (device: 'desk' | 'phone', username: string) => {
    const context = device === 'phone' ? await phoneContext(browser, { width: 375, height: 740 }, 30_000) : await deskContext(browser, { width: 1366, height: 900 }, 30_000);
    contexts.push(context);
    const page = watch(await context.newPage());
    await signInPage(page, base, username);
    return page;
  };

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ h, base, browser } = app);

    // a case signed for and contacted: its unit-handling instance waits at 办理并起草答复
    const citizen = await h.visitor();
    const code = (await submitPetition(h, citizen, { title: '路灯不亮' })).body.trackingCode;
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, code);
    const handler = await h.signIn('handler-longnan');
    await completeTask(h, handler, 'Task_SignOrReturn', { returnRequested: false }, code);
    await completeTask(h, handler, 'Task_ContactPetitioner', { contactedAt: '2026-03-02T06:00:00.000Z', contactMethod: 'phone', contactSummary: '已电话联系诉求人' }, code);
    auditorApi = await h.signIn('auditor');
  }, 180_000);

  afterAll(() => closeAll(...contexts, app));

  it('given an instance waiting at a task, when the auditor opens it at a desk and on a phone, then the token badge with its count is on that task, the path and flows are marked and the timers carry badges', async () => {
    const [summary] = (await auditorApi.get('/api/inspector/instances?processId=unit-handling').expect(200)).body;
    const detail = (await auditorApi.get(`/api/inspector/instances/${enc(summary.processInstanceKey)}`).expect(200)).body;
    const token = detail.tokens.find((t: { elementId: string }) => t.elementId === 'Task_DraftReply');
    expect(token).toBeDefined();

    for (const name of ['desk', 'phone'] as const) {
      const page = await signIn(name, 'auditor');
      // from the list to the instance, as an auditor would
      await page.goto(`${base}/inspector?processId=unit-handling`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(name === 'phone' ? 375 : 1366);
      await shot(page, `inspector-list-${name}.png`);
      await page.locator(`a[href="/inspector/instances/${enc(summary.processInstanceKey)}"]`).click();
      await page.locator('[data-viewer="instance"][data-ready="true"]').waitFor();

      // the badge: on Task_DraftReply's overlay container, with the count the inspector gives
      const badge = page.locator(`.djs-overlays[data-container-id="Task_DraftReply"] .wz-token`);
      await expect(badge.textContent()).resolves.toBe(String(token.count));
      await expect(badge.getAttribute('data-count')).resolves.toBe(String(token.count));
      await expect(page.locator('.wz-token').count()).resolves.toBe(detail.tokens.length);
      // the badge sits over the task's shape
      const [b, shape] = await Promise.all([badge.boundingBox(), page.locator('g.djs-element[data-element-id="Task_DraftReply"]').boundingBox()]);
      expect(b && shape && b.x >= shape.x - 1 && b.x <= shape.x + shape.width && Math.abs(b.y + b.height / 2 - shape.y) < b.height).toBe(true);
      await expect(page.locator('g.djs-element.wz-token-here[data-element-id="Task_DraftReply"]').count()).resolves.toBe(1);

      // the path: each completed element of the diagram is marked, and only those
      for (const id of ['Task_SignOrReturn', 'Task_ContactPetitioner']) await expect(page.locator(`g.djs-element.wz-path[data-element-id="${id}"]`).count()).resolves.toBe(1);
      await expect(page.locator('g.djs-element.wz-path[data-element-id="Task_DraftReply"]').count()).resolves.toBe(0);
      const marked = await page.locator('g.djs-element.wz-path').evaluateAll((els) => els.map((e) => e.getAttribute('data-element-id')));
      expect(marked.every((id) => detail.path.includes(id))).toBe(true);
      await expect(page.locator('g.djs-connection.wz-flow-taken').count()).resolves.toBeGreaterThan(0);
      // the timers: one numbered badge each
      await expect(page.locator('.wz-timer-badge').count()).resolves.toBe(detail.timers.length);
      await expect(page.locator('.djs-overlays[data-container-id="Timer_BlueWarning"] .wz-timer-badge').count()).resolves.toBe(1);
      // the timeline and the legend are there in words
      await expect(page.locator('#timeline li[data-kind="task-action"]').count()).resolves.toBe(2);
      await expect(page.locator('.wz-legend').isVisible()).resolves.toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(name === 'phone' ? 375 : 1366);
      await shot(page, `inspector-instance-${name}.png`);
      await page.locator('#instance-diagram').screenshot({ path: join(shots, `inspector-instance-diagram-${name}.png`) });
      await page.screenshot({ path: join(shots, `inspector-instance-top-${name}.png`) });

      // the zoom buttons work (a phone has no wheel)
      const before = await page.locator('g.djs-element[data-element-id="Task_DraftReply"]').boundingBox();
      await page.getByRole('button', { name: '放大' }).click();
      const after = await page.locator('g.djs-element[data-element-id="Task_DraftReply"]').boundingBox();
      expect(after!.width).toBeGreaterThan(before!.width * 1.1);
      await page.getByRole('button', { name: '放大' }).click();
      await page.locator('#instance-diagram').screenshot({ path: join(shots, `inspector-instance-zoomed-${name}.png`) });
      await page.close();
    }
    expect(problems).toEqual([]);
  }, 180_000);

  it('given a changed version deployed through the API, when the diff page is opened at a desk and on a phone, then added, removed and changed elements are marked on the right diagram', async () => {
    const modeler = await h.signIn('modeler');
    const v1 = readFileSync(join(projectRoot, 'processes', 'evaluation.bpmn'), 'utf8');
    const v2 = v1.replace(/\bEnd_Rated(_di)?\b/g, 'End_RatedClosed$1').replace(/(id="Task_NotifyRatingLink"[^>]*name=")[^"]*"/, '$1发送评价链接(新版)"');
    const deployed = await modeler.post('/api/deployments', { resources: [{ name: 'evaluation.bpmn', content: v2 }] });
    expect(deployed.status).toBe(201);
    const diff = (await auditorApi.get('/api/processes/evaluation/diff?from=1&to=2').expect(200)).body;
    expect(diff.added).toContain('End_RatedClosed');

    for (const name of ['desk', 'phone'] as const) {
      const page = await signIn(name, 'auditor');
      await page.goto(`${base}/processes/evaluation/diff?from=1&to=2`);
      await page.locator('#diagram-from[data-ready="true"]').waitFor();
      await page.locator('#diagram-to[data-ready="true"]').waitFor();
      const onOld = (cls: string) => page.locator(`#diagram-from g.djs-element.${cls}`).evaluateAll((els) => els.map((e) => e.getAttribute('data-element-id')));
      const onNew = (cls: string) => page.locator(`#diagram-to g.djs-element.${cls}`).evaluateAll((els) => els.map((e) => e.getAttribute('data-element-id')));
      expect((await onOld('wz-removed')).sort()).toEqual([...diff.removed].sort());
      expect((await onNew('wz-added')).sort()).toEqual([...diff.added].sort());
      expect((await onNew('wz-changed')).sort()).toEqual([...diff.changed].sort());
      expect((await onOld('wz-changed')).sort()).toEqual([...diff.changed].sort());
      await expect(onOld('wz-added')).resolves.toEqual([]);
      await expect(onNew('wz-removed')).resolves.toEqual([]);
      // the word badges, so that colour is not the only sign
      await expect(page.locator('#diagram-from .djs-overlays[data-container-id="End_Rated"] .wz-diff-badge').textContent()).resolves.toBe('删');
      await expect(page.locator('#diagram-to .djs-overlays[data-container-id="End_RatedClosed"] .wz-diff-badge').textContent()).resolves.toBe('新');
      await expect(page.locator('#diagram-to .djs-overlays[data-container-id="Task_NotifyRatingLink"] .wz-diff-badge').textContent()).resolves.toBe('改');
      await expect(page.locator('#diff-added li[data-element-id="End_RatedClosed"]').count()).resolves.toBe(1);

      const [a, b] = await Promise.all([page.locator('#diagram-from').boundingBox(), page.locator('#diagram-to').boundingBox()]);
      if (name === 'desk') expect(Math.abs(a!.y - b!.y) < 2 && b!.x > a!.x + a!.width).toBe(true);
      else expect(b!.y >= a!.y + a!.height).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(name === 'phone' ? 375 : 1366);
      await shot(page, `inspector-diff-${name}.png`);
      await page.locator('.wz-diff').screenshot({ path: join(shots, `inspector-diff-diagrams-${name}.png`) });
      await page.close();
    }
    expect(problems).toEqual([]);
  }, 180_000);

  it('given an incident, when a process admin opens the instance at a desk, then the element is marked red with its badge and the retry button is there', async () => {
    // the engine's user-task fixture (its assignee needs a variable the start lacks), with a drawing added
    const { fixture } = await import('../../../engine/test/harness.js');
    const plain = fixture('user-task.bpmn');
    const shape = (id: string, x: number, y: number, w: number, hh: number) => `<bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="${x}" y="${y}" width="${w}" height="${hh}"/></bpmndi:BPMNShape>`;
    const edge = (id: string, x1: number, x2: number) => `<bpmndi:BPMNEdge id="${id}_di" bpmnElement="${id}"><di:waypoint x="${x1}" y="118"/><di:waypoint x="${x2}" y="118"/></bpmndi:BPMNEdge>`;
    const drawing = `<bpmndi:BPMNDiagram id="Diagram_user-task"><bpmndi:BPMNPlane id="Plane_user-task" bpmnElement="user-task">${shape('Start_PetitionSubmitted', 100, 100, 36, 36)}${shape('Task_ReviewPetition', 200, 78, 100, 80)}${shape('End_PetitionReviewed', 360, 100, 36, 36)}${edge('Flow_ToReview', 136, 200)}${edge('Flow_ToEnd', 300, 360)}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>`;
    const content = String(plain.content)
      .replace('<bpmn:definitions ', '<bpmn:definitions xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" ')
      .replace('</bpmn:definitions>', `${drawing}</bpmn:definitions>`);
    await h.t.engine.deploy([{ name: plain.name, content }]);
    const ref = await h.t.engine.start('user-task', {});
    const page = await signIn('desk', 'modeler');
    await page.goto(`${base}/inspector/instances/${enc(ref.processInstanceKey)}`);
    await page.locator('[data-viewer="instance"][data-ready="true"]').waitFor();
    await expect(page.locator('g.djs-element.wz-incident[data-element-id="Task_ReviewPetition"]').count()).resolves.toBe(1);
    await expect(page.locator('.djs-overlays[data-container-id="Task_ReviewPetition"] .wz-incident-badge').count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: '重试' }).count()).resolves.toBe(1);
    // the message in words beside the diagram
    const [incident] = await h.t.engine.listIncidents({ processInstanceKey: ref.processInstanceKey });
    await expect(page.locator(`#incidents li[data-incident-key="${incident.incidentKey}"] .wz-incident-message`).textContent()).resolves.toBe(incident.errorMessage);
    await shot(page, 'inspector-incident-desk.png');
    await page.goto(`${base}/inspector/incidents`);
    await shot(page, 'inspector-incidents-desk.png');
    await page.close();
    expect(problems).toEqual([]);
  }, 180_000);
});
