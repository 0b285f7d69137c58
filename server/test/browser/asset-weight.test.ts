/**
 * Issue 14: what a page costs to download, as Chromium's network log counts it (CDP
 * `Network.loadingFinished` `encodedDataLength`: the bytes that came over the wire, headers included;
 * nothing for what the cache answered). An intake operator's task page on a phone, first with an empty cache,
 * then again in the same browser; the modeler's first load at a desk. The figures are printed (and
 * written to test-output/asset-weight.json) for the README; screenshots go to test-output/screenshots.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { projectRoot } from '../../app.js';
import { completeTask, submitPetition, taskOf, type TestApp } from '../app-harness.js';
import { describeBrowser, screenshotDir } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp } from './session.js';

const KB = 1024;
/** the limits */
const LIMITS = { taskFirst: 200 * KB, taskAgain: 20 * KB, modelerFirst: 1.2 * 1024 * KB };

interface Load {
  /** bytes over the wire, headers included */
  total: number;
  requests: { url: string; bytes: number; encoding: string; cached: boolean }[];
}

describeBrowser('asset weight: a task page and the modeler page, as downloaded by Chromium', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  let phone: BrowserContext;
  let desk: BrowserContext;
  let taskPath: string;
  const shots = screenshotDir();
  const problems: string[] = [];
  const loads: Record<string, Load> = {};
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, name), fullPage: true });

  /** the page's requests as the network log has them, from the moment of the call */
  async function record(page: Page): Promise<{ cdp: CDPSession; done(): Load }> {
    const cdp = await page.context().newCDPSession(page);
    const seen = new Map<string, Load['requests'][number]>();
    cdp.on('Network.responseReceived', ({ requestId, response }) => {
      seen.set(requestId, { url: response.url.replace(base, ''), bytes: 0, encoding: String(response.headers['content-encoding'] ?? response.headers['Content-Encoding'] ?? ''), cached: Boolean(response.fromDiskCache || response.fromPrefetchCache) });
    });
    cdp.on('Network.requestServedFromCache', ({ requestId }) => {
      const r = seen.get(requestId);
      if (r) r.cached = true;
    });
    cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
      const r = seen.get(requestId);
      if (r) r.bytes = encodedDataLength;
    });
    await cdp.send('Network.enable');
    return {
      cdp,
      done: () => {
        const requests = [...seen.values()].filter((r) => !r.url.startsWith('data:'));
        return { total: requests.reduce((sum, r) => sum + r.bytes, 0), requests };
      },
    };
  }

  /** opens path in a new page of the context, waits until it is up and the network quiet, and counts what it took */
  async function measure(context: BrowserContext, path: string, ready: string, name: string): Promise<Page> {
    const page = watchPage(await context.newPage(), problems);
    const log = await record(page);
    await page.goto(base + path, { waitUntil: 'networkidle' });
    await page.locator(ready).first().waitFor();
    // a font or image the rendered page asked for late
    await page.waitForLoadState('networkidle');
    loads[name] = log.done();
    await log.cdp.detach();
    return page;
  }

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ h, base, browser } = app);
    // a petition waiting for intake's screening: the task page the platform's operator opens
    const submitted = await submitPetition(h, await h.visitor(), { title: '小区门口夜市噪音扰民' });
    expect(submitted.status).toBe(201);
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, submitted.body.trackingCode);
    const task = await taskOf(intake, 'Task_DispatchPetition', submitted.body.trackingCode);
    taskPath = `/staff/tasks/${encodeURIComponent(task.key)}`;
    phone = await phoneContext(browser, { width: 390, height: 844 }, 60_000);
    desk = await deskContext(browser, { width: 1280, height: 900 }, 90_000);
  }, 180_000);

  afterAll(() => {
    if (Object.keys(loads).length) writeFileSync(join(projectRoot, 'test-output', 'asset-weight.json'), `${JSON.stringify(loads, null, 2)}\n`);
    return closeAll(app);
  });

  const report = (name: string) => {
    const { total, requests } = loads[name];
    const lines = requests.map((r) => `  ${(r.bytes / KB).toFixed(1).padStart(7)} KB ${r.encoding.padEnd(4)} ${r.cached ? 'cache' : '     '} ${r.url}`);
    process.stderr.write(`${name}: ${(total / KB).toFixed(1)} KB over the wire\n${lines.join('\n')}\n`);
  };

  it('given an intake operator on a phone, a task page takes at most 200 KB with an empty cache and at most 20 KB again, and loads nothing of the modeler', async () => {
    const signIn = watchPage(await phone.newPage(), problems);
    await signInPage(signIn, base, 'intake');
    // signing in fetched the site's stylesheet: the first load starts from an empty cache all the same
    const cdp = await phone.newCDPSession(signIn);
    await cdp.send('Network.clearBrowserCache');
    await cdp.detach();
    await signIn.close();

    const first = await measure(phone, taskPath, '.fjs-form', 'task page, first load');
    report('task page, first load');
    await expect(first.getByRole('heading', { name: '转办', level: 1 }).isVisible()).resolves.toBe(true);
    expect(await first.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(first, 'asset-weight-task-phone.png');
    await first.close();

    const again = await measure(phone, taskPath, '.fjs-form', 'task page, again');
    report('task page, again');
    await shot(again, 'asset-weight-task-phone-again.png');

    const cold = loads['task page, first load'];
    // compressed, and only the task form's own files
    expect(cold.requests.filter((r) => /\.(js|css)$/.test(r.url)).every((r) => r.encoding === 'br' || r.encoding === 'gzip')).toBe(true);
    expect(cold.requests.some((r) => /\/assets\/task-form-[A-Z2-7]{8}\.js$/.test(r.url))).toBe(true);
    expect(cold.requests.filter((r) => /\/assets\/(modeler|viewer|form-editor)-/.test(r.url))).toEqual([]);
    expect(cold.total).toBeLessThanOrEqual(LIMITS.taskFirst);
    // again: the bundles come from the cache, only the page (never cached) and a revalidated stylesheet over the wire
    expect(loads['task page, again'].requests.filter((r) => r.url.startsWith('/assets/')).every((r) => r.cached && r.bytes === 0)).toBe(true);
    expect(loads['task page, again'].total).toBeLessThanOrEqual(LIMITS.taskAgain);
    expect(problems).toEqual([]);
  });

  it('given a process admin at a desk, the modeler page takes less than 1.2 MB with an empty cache, and shows on a phone-sized screen in Chinese', async () => {
    const signIn = watchPage(await desk.newPage(), problems);
    await signInPage(signIn, base, 'modeler', { landed: (p) => p.waitForURL(/\/staff/) });
    const cdp = await desk.newCDPSession(signIn);
    await cdp.send('Network.clearBrowserCache');
    await cdp.detach();
    await signIn.close();

    const page = await measure(desk, '/processes/unit-handling/edit', 'body[data-modeler-ready="true"]', 'modeler page, first load');
    report('modeler page, first load');
    await expect(page.locator('.djs-palette .entry[data-action="create.task"]').getAttribute('aria-label')).resolves.toBe('任务');
    await shot(page, 'asset-weight-modeler-desk.png');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'asset-weight-modeler-phone.png');

    const load = loads['modeler page, first load'];
    expect(load.requests.filter((r) => /\/assets\/(task-form|form-editor)-/.test(r.url))).toEqual([]);
    expect(load.total).toBeLessThan(LIMITS.modelerFirst);
    expect(problems).toEqual([]);
  });
});
