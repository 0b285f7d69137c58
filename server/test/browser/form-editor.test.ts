/**
 * The form editor in real Chromium: the process admin opens 表单, picks 签收或申请退回, selects a
 * field in the form-js editor and changes its label in the properties panel, previews it, saves it
 * as a new version and sees version 2 in the list; an older version opens read-only; the list on a
 * phone. Screenshots go to test-output/screenshots/form-editor-*.png.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestApp } from '../app-harness.js';
import { describeBrowser, screenshotDir } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp } from './session.js';

describeBrowser('the form editor in Chromium: edit a label, preview, save as version 2', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  let desk: BrowserContext;
  let phone: BrowserContext;
  const shots = screenshotDir();
  const problems: string[] = [];
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `form-editor-${name}.png`), fullPage: true });

  const watch = (page: Page) => watchPage(page, problems);

  /** the editor is up (or the page's errors say why not) */
  const editorUp = (page: Page) => page.locator('.fjs-editor-container').waitFor().catch((err: Error) => {
    throw new Error(`${err.message}\npage problems: ${problems.join('\n') || 'none'}`);
  });
  // the tests share the contexts: a later test's page may already be signed in
  const signIn = (page: Page) => signInPage(page, base, 'modeler', { unlessSignedIn: true, landed: (p) => p.waitForURL(`${base}/staff`) });

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ h, base, browser } = app);
    desk = await deskContext(browser, { width: 1400, height: 900 }, 30_000);
    phone = await phoneContext(browser, { width: 390, height: 844 }, 30_000);
  }, 180_000);

  afterAll(() => closeAll(app));

  it('given the process admin, when they change a field’s label in the properties panel, preview and save, then version 2 is listed and the preview showed the new label', async () => {
    const page = watch(await desk.newPage());
    await signIn(page);
    await page.getByRole('link', { name: '表单' }).click();
    await page.getByRole('heading', { name: '表单' }).waitFor();
    await shot(page, 'list');
    await page.getByRole('link', { name: '签收或申请退回' }).click();

    // the editor: palette, canvas, properties panel (in Chinese where form-js lets us)
    await editorUp(page);
    await expect(page.locator('.fjs-palette-group-title').first().textContent()).resolves.toBe('输入');
    await expect(page.locator('.fjs-palette-field[data-field-type="dynamiclist"]').isVisible()).resolves.toBe(false);
    // select the 申请退回的理由 field on the canvas
    await page.locator('.fjs-form-container .fjs-element[data-id="Field_returnReason"]').click();
    // the label is a FEEL-templating entry (CodeMirror, contenteditable), under its translated heading
    const entry = page.locator('.fjs-properties-container [data-entry-id="label"]');
    await page.locator('.fjs-properties-container .bio-properties-panel-group-header', { hasText: '常规' }).click();
    await entry.getByText('字段标签').waitFor();
    const label = entry.locator('[contenteditable="true"]');
    await expect(label.textContent()).resolves.toBe('申请退回的理由');
    await label.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('申请退回的具体理由');
    await page.keyboard.press('Tab');
    await page.locator('.fjs-form-container').getByText('申请退回的具体理由').waitFor();
    await shot(page, 'edit');

    // the preview: the viewer with the edited schema; choosing 申请退回 shows the field
    await page.getByRole('tab', { name: '预览' }).click();
    const preview = page.locator('.wz-preview');
    await preview.locator('.fjs-form').waitFor();
    await preview.getByLabel('申请退回', { exact: true }).check();
    await preview.getByLabel('申请退回的具体理由').waitFor();
    await shot(page, 'preview');
    await page.getByRole('tab', { name: '编辑' }).click();

    // save: checked, saved, the page comes back with version 2
    await Promise.all([page.waitForURL(/\/admin\/forms\/sign-or-return\?saved=2$/), page.getByRole('button', { name: '保存为新版本' }).click()]);
    await page.getByText('已保存为第 2 版').waitFor();
    const rows = page.locator('.wz-form-versions tbody tr');
    await expect(rows.count()).resolves.toBe(2);
    await expect(rows.first().textContent()).resolves.toContain('第 2 版');
    await expect(rows.first().textContent()).resolves.toContain('modeler');
    await editorUp(page);
    await page.locator('.fjs-form-container').getByText('申请退回的具体理由').waitFor();
    await shot(page, 'saved');

    // saving again without a change saves nothing
    await page.getByRole('button', { name: '保存为新版本' }).click();
    await page.getByText(/无需保存/).waitFor();
    expect((await h.t.db.sequelize.query("SELECT COUNT(*) AS n FROM form_versions WHERE form_id = 'sign-or-return'", { plain: true }))?.n).toBe(2);

    // version 1, read-only
    await page.getByRole('link', { name: '查看' }).click();
    await page.getByText('正在查看第 1 版').waitFor();
    await page.locator('.wz-preview-readonly .fjs-form').waitFor();
    // form-js marks every field of a read-only form; clicking an option changes nothing
    await expect(page.locator('.wz-preview-readonly .fjs-form-field.fjs-readonly').count()).resolves.toBeGreaterThan(0);
    await page.locator('.wz-preview-readonly').getByLabel('申请退回', { exact: true }).click({ force: true });
    await expect(page.locator('.wz-preview-readonly').getByLabel('申请退回', { exact: true }).isChecked()).resolves.toBe(false);
    await shot(page, 'version-1');
    expect(problems).toEqual([]);
  }, 180_000);

  it('given a change that drops a field a deployed condition uses, when saved, then a dialog lists the use and cancelling saves nothing', async () => {
    const page = watch(await desk.newPage());
    await signIn(page);
    await page.goto(`${base}/admin/forms/review-return`);
    await editorUp(page);
    // remove 审核结果 (returnApproved): select it, delete it with the canvas's remove button
    const field = page.locator('.fjs-form-container .fjs-element[data-id="Field_returnApproved"]');
    await field.click();
    await field.locator('.fjs-context-pad-item').first().click();
    await expect(field.count()).resolves.toBe(0);
    await page.getByRole('button', { name: '保存为新版本' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain('字段「returnApproved」');
    await expect(dialog.textContent()).resolves.toContain('顺序流条件');
    await shot(page, 'warning');
    await dialog.getByRole('button', { name: '取消' }).click();
    await page.getByText('未保存。').waitFor();
    expect((await h.t.db.sequelize.query("SELECT COUNT(*) AS n FROM form_versions WHERE form_id = 'review-return'", { plain: true }))?.n).toBe(1);
    expect(problems).toEqual([]);
  }, 180_000);

  it('given a phone, when the process admin opens the list and the editor, then nothing is wider than the screen', async () => {
    const page = watch(await phone.newPage());
    await signIn(page);
    await page.goto(`${base}/admin/forms`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'list-phone');
    await page.goto(`${base}/admin/forms/sign-or-return`);
    await editorUp(page);
    await shot(page, 'edit-phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(problems).toEqual([]);
  }, 180_000);
});
