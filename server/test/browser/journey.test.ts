/**
 * The app in real Chromium: a citizen submits on a phone, the township's handler signs the case and
 * completes the handling form (办理并起草答复, with the investigation document) in form-js, the
 * citizen tracks and rates it on the phone. Screenshots of each page go to test-output/screenshots.
 * The steps between (screening, dispatch, contact, sign-off, review) are done through the API.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { solveChallenge } from '../../domain/challenge.js';
import { completeTask, taskOf, type TestApp } from '../app-harness.js';
import { describeBrowser, screenshotDir } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp } from './session.js';

describeBrowser('第六条、第十五条、第十七条 the app in Chromium: submit on a phone, handle in the form, rate on the phone', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  let phone: BrowserContext;
  let desk: BrowserContext;
  const shots = screenshotDir();
  const problems: string[] = [];
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, name), fullPage: true });

  const watch = (page: Page) => watchPage(page, problems);

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ h, base, browser } = app);
    phone = await phoneContext(browser, { width: 390, height: 844 }, 30_000);
    desk = await deskContext(browser, { width: 1280, height: 900 }, 30_000);
  }, 180_000);

  afterAll(() => closeAll(app));

  it('given a citizen on a phone, when they submit, a handler completes the handling form and the citizen rates, then each page works and the case closes', async () => {
    // the citizen, on a phone: home, then the submission form
    const citizen = watch(await phone.newPage());
    await citizen.goto(`${base}/`);
    await shot(citizen, 'portal-home-phone.png');
    await citizen.getByRole('link', { name: '我要反映' }).first().click();
    await citizen.getByLabel('诉求类别').selectOption('complaint');
    await citizen.getByLabel('标题').fill('小区门口夜市噪音扰民');
    await citizen.getByLabel('诉求内容').fill('龙南镇某小区门口夜市每晚经营到凌晨两点,噪音很大,影响休息。');
    await citizen.getByLabel('发生地(乡镇)').selectOption({ label: '龙南镇人民政府' });
    await citizen.getByRole('textbox', { name: /^姓名/ }).fill('周女士');
    await citizen.getByRole('textbox', { name: /^手机号码/ }).fill('13811112222');
    await citizen.getByLabel(/我已阅读并同意/).check();
    const question = (await citizen.locator('label:has(input[name="challengeAnswer"])').textContent()) ?? '';
    await citizen.getByLabel(/^验证/).fill(String(solveChallenge(question.replace(/^\s*验证:/, '').trim())));
    expect(await citizen.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(citizen, 'portal-submit-phone.png');
    await citizen.getByRole('button', { name: '提交' }).click();
    const code = (await citizen.locator('#tracking-code').textContent())?.trim() as string;
    expect(code).toMatch(/^WZ[2-9A-Z]{8}$/);
    await shot(citizen, 'portal-submitted-phone.png');
    await h.settle();

    // the platform screens and dispatches (API)
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false });
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' });

    // the township's handler, at a desk: signs in, signs the case in its form
    const handler = watch(await desk.newPage());
    await signInPage(handler, base, 'handler-longnan');
    await expect(handler.getByText('小区门口夜市噪音扰民').isVisible()).resolves.toBe(true);
    await shot(handler, 'staff-tasks.png');
    await handler.getByRole('link', { name: /签收或申请退回/ }).click();
    await handler.locator('.fjs-form').waitFor();
    await handler.getByLabel('签收办理').check();
    await shot(handler, 'staff-task-sign.png');
    await Promise.all([handler.waitForURL(`${base}/staff`), handler.getByRole('button', { name: '提交' }).click()]);
    await h.settle();

    // contact (API), then the handling form in the browser
    const handlerApi = await h.signIn('handler-longnan');
    await completeTask(h, handlerApi, 'Task_ContactPetitioner', { contactedAt: '2026-03-02T06:00:00.000Z', contactMethod: 'phone', contactSummary: '已电话联系诉求人' });
    await handler.goto(`${base}/staff`);
    await handler.getByRole('link', { name: /办理并起草答复/ }).click();
    await handler.locator('.fjs-form').waitFor();
    // the date first and the time last: form-js debounces typed input, and a time typed within that
    // window can lose the date (see task-form-bundle.test.ts)
    const date = handler.getByLabel('办理日期');
    await date.fill('2026/03/03');
    await date.press('Enter');
    await handler.getByLabel('办理单位').fill('龙南镇人民政府');
    await handler.getByLabel('办理结果').fill('已约谈夜市经营者,规定晚十点前收摊,并安排城管巡查。');
    await handler.getByLabel('法律法规政策依据').fill('《中华人民共和国噪声污染防治法》第六十四条');
    await handler.getByLabel('回复诉求人情况').fill('2026年3月3日电话告知诉求人处理结果');
    await handler.getByLabel('答复诉求人的正文').fill('您反映的夜市噪音问题已处理,经营者已承诺晚十点前收摊。');
    const time = handler.getByLabel('办理时间');
    await time.fill('10:00');
    await time.press('Tab');
    await handler.getByLabel('可以对外发布').check();
    await handler.getByLabel('决定调查处理').check();
    await handler.locator('.fjs-form-field-filepicker input[type="file"]').setInputFiles({ name: '调查受理文书.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n') });
    await handler.waitForFunction(() => document.querySelectorAll('.fjs-has-errors').length === 0);
    await shot(handler, 'staff-task-draft-reply.png');
    await Promise.all([handler.waitForURL(`${base}/staff`), handler.getByRole('button', { name: '提交' }).click()]);
    await h.settle();

    // sign-off and review (API); the reply is what the form sent, 10:00 in Shanghai stored in UTC
    const leader = await h.signIn('leader-longnan');
    const signOff = await taskOf(leader, 'Task_OASignOff');
    const reply = (await leader.get(`/api/tasks/${encodeURIComponent(signOff.key)}`).expect(200)).body.data.reply;
    expect(reply).toMatchObject({ handlingUnit: '龙南镇人民政府', investigation: 'investigated', publishable: true });
    expect(new Date(reply.handledAt).toISOString()).toBe('2026-03-03T02:00:00.000Z');
    expect(reply.investigationDocument).toEqual([expect.stringMatching(/^attachment:att-[0-9a-f]{16}$/)]);
    await completeTask(h, leader, 'Task_OASignOff', { signOffApproved: true, signOffOpinion: '同意' });
    await completeTask(h, await h.signIn('reviewer'), 'Task_ReviewReply', { reviewApproved: true, reviewReason: '答复完整', publishable: true });

    // the case page shows the stored document with its checksum
    const caseId = ((await intake.get('/api/cases').expect(200)).body as { id: string; trackingCode: string }[]).find((c) => c.trackingCode === code)?.id;
    await handler.goto(`${base}/staff/cases/${caseId}`);
    await expect(handler.getByRole('link', { name: '调查受理文书.pdf' }).isVisible()).resolves.toBe(true);
    await shot(handler, 'staff-case.png');

    // the citizen tracks and rates on the phone
    await citizen.goto(`${base}/track`);
    await citizen.getByLabel('查询编号').fill(code);
    await citizen.getByLabel('手机号码').fill('13811112222');
    await citizen.getByRole('button', { name: '查询' }).click();
    await expect(citizen.locator('#status').textContent()).resolves.toBe('已答复');
    await expect(citizen.locator('#reply-text').textContent()).resolves.toContain('晚十点前收摊');
    await shot(citizen, 'portal-tracked-phone.png');
    await citizen.getByRole('link', { name: '评价办理结果' }).click();
    await citizen.getByLabel('手机号码').fill('13811112222');
    await citizen.getByLabel('满意', { exact: true }).check();
    await citizen.getByLabel(/评价意见/).fill('处理及时,谢谢');
    await shot(citizen, 'portal-rate-phone.png');
    await citizen.getByRole('button', { name: '提交评价' }).click();
    await citizen.getByRole('heading', { name: '感谢您的评价' }).waitFor();
    await shot(citizen, 'portal-rated-phone.png');
    await h.settle();
    const caller = await h.visitor();
    expect((await caller.post('/api/track', { trackingCode: code, phone: '13811112222' }).expect(200)).body.status).toBe('closed');
    await citizen.goto(`${base}/replies`);
    await expect(citizen.getByText('晚十点前收摊').first().isVisible()).resolves.toBe(true);
    await shot(citizen, 'portal-replies-phone.png');

    expect(problems).toEqual([]);
  }, 180_000);
});
