/**
 * What a process admin and an auditor read is Chinese (issue 15): the modeler's properties panel —
 * the element's type in its header, every group and field label, opened — for each kind of element
 * of the deployed diagrams, and the inspector's timeline. Ids, variable keys and expressions stay as
 * they are (they are what the diagram says), so the check skips input values and code spans.
 * Screenshots go to test-output/screenshots/zh-labels-*.png.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { completeTask, submitPetition, type TestApp } from '../app-harness.js';
import { describeBrowser, screenshotDir } from './chromium.js';
import { closeAll, deskContext, signInPage, startBrowserApp, watchPage, type BrowserApp } from './session.js';

/** words that are names, not English left untranslated: FEEL (the expression language), BPMN, JSON */
const TECHNICAL = new Set(['FEEL', 'BPMN', 'JSON', 'ID', 'OA']);

/** the English words of a text: runs of two or more Latin letters that are not technical names */
const englishIn = (text: string) => (text.match(/[A-Za-z][A-Za-z-]+/g) ?? []).filter((w) => !TECHNICAL.has(w));

describeBrowser('issue 15: the modeler panel and the inspector timeline in Chinese', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  let desk: BrowserContext;
  const shots = screenshotDir();
  const problems: string[] = [];

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ h, base, browser } = app);
    desk = await deskContext(browser, { width: 1440, height: 1000 }, 30_000);
  }, 180_000);

  afterAll(() => closeAll(app));

  /** the panel's visible words, all groups and list items opened; values typed into fields left out */
  const panelText = (page: Page) =>
    page.evaluate(async () => {
      const panel = document.querySelector('#properties') as HTMLElement;
      for (let round = 0; round < 3; round++) {
        for (const h of panel.querySelectorAll<HTMLElement>('.bio-properties-panel-group-header:not(.open), .bio-properties-panel-collapsible-entry-header:not(.open)')) h.click();
        await new Promise((r) => setTimeout(r, 50));
      }
      const skip = 'input, textarea, select, [contenteditable], .cm-editor, .bio-properties-panel-header-label, .bio-properties-panel-collapsible-entry-header-title, .bio-properties-panel-list-badge';
      const texts: string[] = [];
      const walker = document.createTreeWalker(panel, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const parent = n.parentElement;
        if (!parent || parent.closest(skip) || !parent.checkVisibility()) continue;
        if (n.textContent?.trim()) texts.push(n.textContent.trim());
      }
      // the options offered in the panel's drop-downs are labels too, but for the diagram's own names (messages: `rating-submitted`)
      for (const o of panel.querySelectorAll('select option')) if (!/^[a-z0-9]+(-[a-z0-9]+)+$/.test(o.textContent?.trim() ?? '')) texts.push((o.textContent ?? '').trim());
      for (const el of panel.querySelectorAll('[title]')) texts.push(el.getAttribute('title') ?? '');
      return texts.filter(Boolean);
    });

  /** each element's kind once: the first element of each type (and event definition) of the diagram */
  const representatives = (page: Page) =>
    page.evaluate(() => {
      const seen = new Map<string, string>();
      for (const g of document.querySelectorAll<SVGGElement>('#canvas g.djs-element[data-element-id]')) {
        const id = g.dataset.elementId as string;
        if (id.endsWith('_label') || g.classList.contains('djs-root')) continue;
        const kind = [...(g.querySelector('.djs-visual')?.children ?? [])].map((c) => c.tagName).join(',') + (id.split('_')[0] ?? '');
        if (!seen.has(kind)) seen.set(kind, id);
      }
      return [...seen.values()];
    });

  /** clicks an element where it is drawn: a shape in its middle, a connection halfway along */
  const select = async (page: Page, id: string) => {
    const at = await page.evaluate((elementId) => {
      const g = document.querySelector(`#canvas g.djs-element[data-element-id="${elementId}"]`) as SVGGElement;
      const path = g.querySelector('.djs-visual path, .djs-visual polyline') as SVGGeometryElement | null;
      if (g.classList.contains('djs-connection') && path) {
        const p = path.getPointAtLength(path.getTotalLength() / 2);
        const m = path.getScreenCTM() as DOMMatrix;
        return { x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f };
      }
      const box = g.getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }, id);
    await page.mouse.click(at.x, at.y);
  };

  it('given each kind of element of the deployed diagrams, when an admin selects it in the modeler, then the panel has no English left', async () => {
    const admin = watchPage(await desk.newPage(), problems);
    await signInPage(admin, base, 'modeler', { landed: (p) => p.waitForURL(/\/staff/) });
    const english = new Map<string, Set<string>>();
    for (const processId of ['petition-lifecycle', 'unit-handling', 'evaluation', 'supervision']) {
      await admin.goto(`${base}/processes/${processId}/edit`);
      await admin.locator('body[data-modeler-ready="true"]').waitFor();
      const ids = [processId, ...(await representatives(admin))];
      for (const id of ids) {
        if (id === processId) await admin.mouse.click(5, (await admin.locator('#canvas').boundingBox())!.y + 5);
        else await select(admin, id);
        const texts = await panelText(admin);
        for (const t of texts) if (englishIn(t).length) english.set(t, (english.get(t) ?? new Set()).add(`${processId}:${id}`));
        if (id === 'Task_DraftReply' || id === 'Task_ScreenPetition') await admin.screenshot({ path: join(shots, `zh-labels-modeler-${id}.png`) });
      }
    }
    // each English text with the elements whose panel showed it
    expect(Object.fromEntries([...english].map(([text, where]) => [text, [...where].join(' ')]))).toEqual({});
    expect(problems).toEqual([]);
  }, 300_000);

  it('given a dispatched case, when a reader opens its instance in the inspector, then the timeline names element types and outcome variables in Chinese', async () => {
    const res = await submitPetition(h, await h.visitor(), { title: '路灯不亮' });
    const code = res.body.trackingCode as string;
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    const [instance] = (await h.t.engine.listProcessInstances({ processId: 'petition-lifecycle' })).filter((i) => i.variables.trackingCode === code);
    // the desk is signed in as the process admin, who reads the inspector as the auditor does
    const auditor = watchPage(await desk.newPage(), problems);
    await auditor.goto(`${base}/inspector/instances/${encodeURIComponent(instance.processInstanceKey)}`);
    const timeline = auditor.locator('#timeline');
    await expect(timeline.locator('.tl-type').first().textContent()).resolves.toBe('开始事件');
    await expect(timeline.locator('[data-element-id="Task_ScreenPetition"] .tl-type').first().textContent()).resolves.toBe('用户任务');
    await expect(timeline.locator('.tl-task-action .tl-outcome').first().textContent()).resolves.toContain('属于受理范围 inScope = 是');
    await timeline.scrollIntoViewIfNeeded();
    await timeline.screenshot({ path: join(shots, 'zh-labels-inspector-timeline.png') });
    expect(problems).toEqual([]);
  }, 120_000);
});
