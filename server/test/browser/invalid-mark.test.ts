/**
 * 第二十七条 附则 in Chromium on a 390 px phone: a platform reviewer opens the small form on a case
 * page, marks the case 恶意 with the reason and the basis, and the page shows it closed and kept out
 * of the statistics; the sender's next petition shows the screener 「该号码此前有 N 件…」 on the
 * screening task, without the number.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Browser, BrowserContext } from 'playwright-core';
import { submitPetition, taskOf, type TestApp } from '../app-harness.js';
import { describeBrowser } from './chromium.js';
import { closeAll, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp, suiteRecorder } from './session.js';

describeBrowser('the 恶意/虚假 mark in Chromium on a phone', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  const { contexts, problems, shot } = suiteRecorder();
  const PHONE = '13900004444';

  async function submitted(title: string) {
    const code = (await submitPetition(h, await h.visitor(), { title, petitionerPhone: PHONE })).body.trackingCode as string;
    const task = await taskOf(await h.signIn('intake'), 'Task_ScreenPetition', code);
    return { id: task.petition.id as string, code, taskKey: task.key as string };
  }

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ h, base, browser } = app);
  }, 180_000);

  afterAll(async () => {
    await closeAll(...contexts, app);
  });

  const open = async (context: BrowserContext, who: string, path: string) => {
    contexts.push(context);
    const page = watchPage(await context.newPage(), problems);
    await signInPage(page, base, who);
    await page.goto(`${base}${path}`);
    return page;
  };

  it('a reviewer marks a case 恶意 through the form on the case page; twice more, and the screener sees the flag on the next one', async () => {
    const first = await submitted('多次捏造邻居违建');
    const page = await open(await phoneContext(browser), 'reviewer', `/staff/cases/${first.id}`);
    await page.getByText('认定为恶意、虚假诉求(第二十七条)').click();
    await page.getByLabel('恶意诉求').check();
    await page.getByLabel('认定理由').fill('经社区核查,所述违建不存在,且反复投诉同一邻居');
    await page.getByLabel('认定依据').fill('社区核查记录(3 月 2 日)');
    await shot(page, 'invalid-mark-form-phone.png');
    await page.getByRole('button', { name: '认定并关闭' }).click();
    await page.getByRole('status').filter({ hasText: '已认定并关闭' }).waitFor();
    await expect(page.locator('#invalid-mark').textContent()).resolves.toContain('已认定为恶意诉求');
    await expect(page.locator('ol.timeline').textContent()).resolves.toContain('认定为恶意诉求并关闭(第二十七条)');
    // nothing wider than the phone
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'invalid-marked-phone.png');

    const second = await submitted('再次反映邻居违建');
    const res = await (await h.signIn('reviewer')).post(`/api/cases/${second.id}/malicious`, { kind: 'false', reason: '所述事实不存在', basis: '现场核查' });
    expect(res.status).toBe(200);
    const third = await submitted('第三次反映');
    const screening = await open(await phoneContext(browser), 'intake', `/staff/tasks/${encodeURIComponent(third.taskKey)}`);
    await expect(screening.locator('#repeated-sender').textContent()).resolves.toContain('该号码此前有 2 件被认定为恶意/虚假诉求');
    expect(await screening.content()).not.toContain(PHONE);
    await shot(screening, 'invalid-repeated-sender-phone.png');
    expect(problems).toEqual([]);
  }, 180_000);
});
