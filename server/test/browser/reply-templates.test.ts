/**
 * The draft-reply task's side panel in Chromium (issue 17): on a 390 px phone a 龙南镇 handler inserts
 * the 咨询 template 「政策解答」 into 答复正文 at the cursor, filled from the case; the 第十五条
 * checklist ticks as the fields are filled; 知识库 search (GET /api/knowledge/search) finds a
 * published entry, and 「插入答复」 puts its answer and basis into the form; the form is submitted and
 * the reply the process holds has them. And a reviewer edits a template on /staff/reply-templates on
 * the phone.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { completeTask, submitPetition, taskOf, type TestApp } from '../app-harness.js';
import { createKnowledgeRepository } from '../../data/knowledge-repository.js';
import type { KnowledgeService } from '../../services/knowledge-service.js';
import { join } from 'node:path';
import { describeBrowser, screenshotDir } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp, suiteRecorder } from './session.js';

const KNOWLEDGE = {
  question: '办理居住证需要哪些材料?',
  answer: '办理居住证需携带居民身份证、近期照片和居住证明,到居住地派出所或镇便民服务中心申请。',
  basis: '《居住证暂行条例》第九条',
  categories: ['consultation'],
};

describeBrowser('the draft-reply side panel in Chromium: templates, the 第十五条 checklist, 知识库', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  const { contexts, problems, shot } = suiteRecorder();
  let code: string;

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ h, base, browser } = app);
    code = (await submitPetition(h, await h.visitor(), { category: 'consultation', title: '办理居住证需要哪些材料', content: '我在龙南镇务工,想办理居住证,请问需要准备哪些材料?' })).body.trackingCode;
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, code);
    const handler = await h.signIn('handler-longnan');
    await completeTask(h, handler, 'Task_SignOrReturn', { returnRequested: false }, code);
    // a published 知识库 entry (seeding only: the review process publishes in the app)
    const entry = (await handler.post('/api/knowledge', KNOWLEDGE).expect(201)).body;
    await createKnowledgeRepository(h.t.db).setStatus(entry.id, 'published', { action: 'published', actor: 'st-test', at: h.t.clock.now() }, { published: true, reviewed: true });
    await (h.app.locals.knowledgeService as KnowledgeService).changed(entry.id);
  }, 180_000);

  afterAll(async () => {
    await closeAll(...contexts, app);
  });

  const newPage = async (context: BrowserContext, who: string) => {
    contexts.push(context);
    const page = watchPage(await context.newPage(), problems);
    await signInPage(page, base, who);
    return page;
  };
  const count = (page: Page) => page.locator('#rh-count').textContent();
  const item = (page: Page, key: string) => page.locator(`#rh-checklist [data-item="${key}"]`);

  it('at a desk the panel sits beside the form, with the 咨询 templates and the checklist still to fill', async () => {
    const page = await newPage(await deskContext(browser), 'handler-longnan');
    const key = (await taskOf(await h.signIn('handler-longnan'), 'Task_DraftReply', code)).key as string;
    await page.goto(`${base}/staff/tasks/${encodeURIComponent(key)}`);
    await page.locator('.fjs-form').waitFor();
    await page.locator('.rh-insert').first().waitFor();
    const panelBox = await page.locator('#reply-helper').boundingBox();
    const formBox = await page.locator('#task-form').boundingBox();
    expect(panelBox!.x).toBeGreaterThan(formBox!.x + formBox!.width - 1);
    await expect(page.locator('.rh-template summary').allTextContents()).resolves.toEqual(['办事指引', '政策解答']);
    await expect(count(page)).resolves.toBe('0/5');
    await shot(page, 'reply-templates-draft-desk.png');
    expect(problems).toEqual([]);
  }, 120_000);

  it('on a 390 px phone a handler inserts a template at the cursor, the checklist ticks as the form fills, a 知识库 answer goes into the reply, and the form is sent with them', async () => {
    const page = await newPage(await phoneContext(browser), 'handler-longnan');
    const key = (await taskOf(await h.signIn('handler-longnan'), 'Task_DraftReply', code)).key as string;
    await page.goto(`${base}/staff/tasks/${encodeURIComponent(key)}`);
    await page.getByRole('heading', { name: '起草助手' }).waitFor();
    await page.locator('.fjs-form').waitFor();
    await expect(count(page)).resolves.toBe('0/5');

    // the cursor in 答复正文 after a greeting typed by hand: the template goes there, filled from the case
    const text = page.getByLabel('答复诉求人的正文');
    await text.fill('尊敬的群众:');
    await page.getByRole('button', { name: '插入' }).first().waitFor();
    const policy = page.locator('.rh-template').filter({ hasText: '政策解答' });
    await policy.getByRole('button', { name: '插入' }).click();
    const inserted = await text.inputValue();
    expect(inserted.startsWith('尊敬的群众:您好!您反映的“办理居住证需要哪些材料”')).toBe(true);
    expect(inserted).toContain(`查询编号 ${code}`);
    expect(inserted).toContain('经龙南镇人民政府核实');
    expect(inserted).not.toMatch(/\{(办理单位|查询编号|诉求标题|办理时间)\}/);

    // the checklist ticks as the handler fills the form (form-js keeps typed text 300 ms late)
    await page.getByLabel('办理单位').fill('龙南镇人民政府');
    await page.getByLabel('办理结果').fill('已告知办理居住证所需材料和地点。');
    await page.waitForFunction(() => document.querySelector('#rh-count')?.textContent === '2/5');
    await expect(item(page, 'handlingUnit').getAttribute('class')).resolves.toBe('ok');
    await expect(item(page, 'legalBasis').getAttribute('class')).resolves.toBe('todo');
    await page.getByLabel('回复诉求人情况').fill('3 月 2 日电话告知诉求人。');
    const date = page.getByLabel('办理日期');
    await date.fill('2026/03/02');
    await date.press('Enter');
    await page.getByLabel('办理时间').fill('15:00');
    await page.getByLabel('办理时间').press('Tab');
    await page.waitForFunction(() => document.querySelector('#rh-count')?.textContent === '4/5');

    // 知识库: search, read, insert the answer (into 答复正文) and the basis (into 依据)
    await page.getByLabel('搜索知识库').fill('居住证 材料');
    await page.getByRole('button', { name: '搜索' }).click();
    const result = page.locator('.rh-result').first();
    await result.getByText(KNOWLEDGE.question).waitFor();
    await expect(result.textContent()).resolves.toContain(`依据:${KNOWLEDGE.basis}`);
    await expect(result.textContent()).resolves.toContain('龙南镇人民政府');
    await result.getByRole('button', { name: '插入答复' }).click();
    await expect(page.getByLabel('法律法规政策依据').inputValue()).resolves.toBe(KNOWLEDGE.basis);
    await expect(text.inputValue()).resolves.toContain(KNOWLEDGE.answer);
    await page.waitForFunction(() => document.querySelector('#rh-count')?.textContent === '5/5');
    await expect(item(page, 'legalBasis').getAttribute('class')).resolves.toBe('ok');

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.locator('#reply-helper').scrollIntoViewIfNeeded();
    await shot(page, 'reply-templates-draft-phone.png');
    // the panel alone, at the phone's width (the whole page is long)
    await page.locator('#reply-helper').screenshot({ path: join(screenshotDir(), 'reply-templates-panel-phone.png') });

    // sent: the reply the process holds is what the panel put in
    await Promise.all([page.waitForURL(`${base}/staff`), page.getByRole('button', { name: '提交' }).click()]);
    await h.settle();
    const leader = await h.signIn('leader-longnan');
    const signOff = await taskOf(leader, 'Task_OASignOff', code);
    const reply = (await leader.get(`/api/tasks/${encodeURIComponent(signOff.key)}`).expect(200)).body.data.reply;
    expect(reply.legalBasis).toBe(KNOWLEDGE.basis);
    expect(reply.replyText).toContain('经龙南镇人民政府核实');
    expect(reply.replyText).toContain(KNOWLEDGE.answer);
    expect(problems).toEqual([]);
  }, 180_000);

  it('on a phone a reviewer edits a template on /staff/reply-templates and sees what it covers of 第十五条', async () => {
    const page = await newPage(await phoneContext(browser), 'reviewer');
    await page.getByRole('link', { name: '答复模板' }).click();
    await page.getByRole('heading', { name: '答复模板(常用语)' }).waitFor();
    await page.getByRole('link', { name: '求助' }).click();
    const help = page.locator('article.tpl').filter({ hasText: '求助已协调' });
    await help.getByText('修改或删除').click();
    await help.getByLabel('模板内容').fill('您好!{办理单位}已为您协调解决。');
    await help.getByRole('button', { name: '保存修改' }).click();
    await page.getByRole('status').filter({ hasText: '已保存模板' }).waitFor();
    const saved = page.locator('article.tpl').filter({ hasText: '求助已协调' });
    await expect(saved.locator('.tpl-body').textContent()).resolves.toBe('您好!{办理单位}已为您协调解决。');
    await expect(saved.locator('.tpl-checklist li.ok').allTextContents()).resolves.toEqual([expect.stringContaining('办理单位'), expect.stringContaining('办理结果')]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'reply-templates-page-phone.png');
    expect(problems).toEqual([]);
  }, 120_000);
});
