/**
 * What the browser tests against the whole app share: the built assets, the app on a free port, the
 * phone and desk browsers (Chinese locale, Shanghai time), a page's errors collected, signing in on
 * /login and the teardown.
 */
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import process from 'node:process';
import { promisify } from 'node:util';
import type { Express } from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { projectRoot } from '../../app.js';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../app-harness.js';
import { launchChromium, screenshotDir } from './chromium.js';

/** modeler/build.mjs: the pages load its bundles (modeler, form editor, viewer, task form) from modeler/dist */
export async function buildAssets(): Promise<void> {
  await promisify(execFile)(process.execPath, [join(projectRoot, 'modeler', 'build.mjs')], { cwd: projectRoot });
}

export interface Served {
  /** http://127.0.0.1:port */
  base: string;
  close(): Promise<void>;
}

/** the app on a free port of the loopback, so that test files can run side by side */
export async function serveApp(app: Express): Promise<Served> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface BrowserApp {
  h: TestApp;
  base: string;
  browser: Browser;
  /** the browser, the server, the app, in that order */
  close(): Promise<void>;
}

/** the assets built, a fresh app served, Chromium launched; what was started is closed again if a later step fails */
export async function startBrowserApp(options: Parameters<typeof createTestApp>[0] = {}): Promise<BrowserApp> {
  await buildAssets();
  const h = await createTestApp(options);
  let served: Served | undefined;
  try {
    served = await serveApp(h.app);
    const browser = await launchChromium();
    return { h, base: served.base, browser, close: () => closeAll(browser, served, h) };
  } catch (err) {
    await closeAll(served, h);
    throw err;
  }
}

/** collects the page's uncaught errors and console errors, for an `expect(problems).toEqual([])` */
export function watchPage(page: Page, problems: string[]): Page {
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  return page;
}

export const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36';

export interface Size {
  width: number;
  height: number;
}

/** the people the app serves read Chinese and live on Shanghai time: dates and times render as theirs */
const ZH = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' } as const;

/** a phone: touch, its user agent, a narrow screen */
export async function phoneContext(browser: Browser, size: Size = { width: 390, height: 844 }, timeout = 10_000): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: size, isMobile: true, hasTouch: true, userAgent: PHONE_UA, ...ZH });
  context.setDefaultTimeout(timeout);
  return context;
}

/** a desk: a wide screen, mouse and keyboard */
export async function deskContext(browser: Browser, size: Size = { width: 1280, height: 900 }, timeout = 10_000): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: size, ...ZH });
  context.setDefaultTimeout(timeout);
  return context;
}

/** the task list, where staff land after signing in */
export const onTaskList = (page: Page) => page.getByRole('heading', { name: '待办事项' }).waitFor();

/**
 * Signs `username` in on /login with the demo password; resolves once `landed` does (by default, the
 * task list is up). `unlessSignedIn`: a context already signed in is sent on from /login, and left so.
 */
export async function signInPage(page: Page, base: string, username: string, options: { landed?: (page: Page) => Promise<unknown>; unlessSignedIn?: boolean } = {}): Promise<void> {
  await page.goto(`${base}/login`);
  if (options.unlessSignedIn && page.url() !== `${base}/login`) return;
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await (options.landed ?? onTaskList)(page);
}

/** for afterAll: closes each in turn, skipping what a failed beforeAll never made */
export async function closeAll(...things: ({ close(): Promise<unknown> } | undefined)[]): Promise<void> {
  for (const thing of things) await thing?.close();
}

/** what a browser suite keeps: the contexts to close, the page problems seen, its screenshots by name */
export function suiteRecorder() {
  const shots = screenshotDir();
  return {
    contexts: [] as BrowserContext[],
    problems: [] as string[],
    shot: (page: Page, name: string) => page.screenshot({ path: join(shots, name), fullPage: true }),
  };
}
