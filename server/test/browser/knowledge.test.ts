/**
 * 知识库 (issue 17) in Chromium: the screening form with 「知识库中可能的答案」 — on a 390 px phone under
 * the form, at a desk beside it (under the similar petitions) — whose link opens the entry; the
 * staff list searched on a phone, an entry with its history and the marked changes of an edit, the
 * draft form refusing a bad input beside its field, and the synonyms page.
 *
 * The published entries went through the review process (提交审核, the platform's 审核 task); the
 * handler presses 提交审核 on a draft's page.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { completeTask, submitPetition, taskOf, type Person, type TestApp } from '../app-harness.js';
import { describeBrowser } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp, suiteRecorder } from './session.js';

const RESIDENCE = {
  question: '外地户籍在城区怎么办理居住证?',
  answer:
    '在龙南城区居住满半年、有合法稳定就业或住所的外地户籍人员,可携带身份证、近期一寸照片和租房合同(或房产证明、单位出具的就业证明),到居住地派出所户籍窗口申请。材料齐全的,15 个工作日内办结;办理进度可到派出所户籍窗口查询。',
  basis: '《居住证暂行条例》第九条、第十条;《江西省居住证实施办法》第八条',
  categories: ['consultation'],
  townships: ['360783100'],
  ownerUnitId: 'u-longnan',
};
const STREETLIGHT = {
  question: '路灯不亮找哪个部门报修?',
  answer: '城区道路路灯由市城市管理局负责维修,村组道路路灯由所在乡镇负责;报修后一般 3 个工作日内修复。',
  basis: '《龙南市城市照明管理办法》第十二条',
  categories: ['complaint', 'help'],
  townships: [],
  ownerUnitId: 'u-longnan',
};

describeBrowser('知识库 in Chromium', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  const { contexts, problems, shot } = suiteRecorder();
  let residence: string;
  let edited: string;
  let taskKey: string;

  beforeAll(async () => {
    app = await startBrowserApp({ start: '2026-03-02T02:00:00.000Z' });
    ({ h, base, browser } = app);
    const reviewer: Person = await h.signIn('reviewer');
    // published as the office publishes: 提交审核, then the platform's 审核 task approves
    for (const entry of [RESIDENCE, STREETLIGHT]) {
      const id = (await reviewer.post('/api/knowledge', entry).expect(201)).body.id as string;
      const submitted = await reviewer.post(`/api/knowledge/${id}/submit`);
      expect([submitted.status, submitted.body.error]).toEqual([200, undefined]);
      await completeTask(h, reviewer, 'Task_ReviewEntry', { knowledgeApproved: true });
      if (entry === RESIDENCE) residence = id;
    }
    // a draft its unit wrote and then changed: the history shows the change
    const handler = await h.signIn('handler-longnan');
    edited = (await handler.post('/api/knowledge', { question: '龙南镇哪里可以办理老年优待证?', answer: '到龙南镇便民服务中心办理,需带身份证和一寸照片。', basis: '《江西省老年人权益保障条例》' }).expect(201)).body.id as string;
    h.t.clock.set('2026-03-02T04:00:00.000Z');
    // signed in again: the CSRF token of an earlier hour is not taken
    const put = await (await h.signIn('handler-longnan')).put(`/api/knowledge/${edited}`, { version: 1, question: '龙南镇哪里可以办理老年优待证?', answer: '到龙南镇便民服务中心一楼 3 号窗口办理,需带身份证和户口簿,当场办结。', basis: '《江西省老年人权益保障条例》第五十六条' });
    expect(put.status).toBe(200);
    // two petitions on the same matter: the later one's screening shows the similar petition and the entry
    await submitPetition(h, await h.visitor(), { category: 'consultation', title: '城区居住证怎么办', content: '我是外地户籍,在龙南城区租房住,想办居住证,需要什么材料?', petitionerPhone: '13900004444' });
    h.t.clock.set('2026-03-02T06:00:00.000Z');
    const code = (await submitPetition(h, await h.visitor(), { category: 'consultation', title: '想问居住证怎么办理', content: '我外地户口,在龙南城区租房,想办理居住证,请问需要带什么材料,去哪里办?' })).body.trackingCode as string;
    taskKey = (await taskOf(await h.signIn('intake'), 'Task_ScreenPetition', code)).key as string;
  }, 300_000);

  afterAll(async () => {
    await closeAll(...contexts, app);
  });

  const newPage = async (context: BrowserContext) => {
    contexts.push(context);
    return watchPage(await context.newPage(), problems);
  };

  async function screening(context: BrowserContext): Promise<Page> {
    const page = await newPage(context);
    await signInPage(page, base, 'intake');
    await page.goto(`${base}/staff/tasks/${encodeURIComponent(taskKey)}`);
    await page.getByRole('heading', { name: '知识库中可能的答案' }).waitFor();
    await page.locator('#task-form form, #task-form .fjs-container').first().waitFor();
    return page;
  }

  it('on a 390 px phone the screening page shows 「知识库中可能的答案」 under the form, nothing wider than the screen, and its link opens the entry', async () => {
    const page = await screening(await phoneContext(browser));
    const panel = page.locator('#knowledge-suggestions');
    await expect(panel.textContent()).resolves.toContain(RESIDENCE.question);
    await expect(panel.textContent()).resolves.toContain('依据:《居住证暂行条例》第九条');
    await expect(panel.textContent()).resolves.toContain('龙南镇人民政府');
    const formBox = (await page.locator('#task-form').boundingBox())!;
    const panelBox = (await panel.boundingBox())!;
    expect(panelBox.y).toBeGreaterThanOrEqual(formBox.y + formBox.height);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'knowledge-screening-phone.png');

    await panel.getByRole('link', { name: RESIDENCE.question }).click();
    await page.getByRole('heading', { name: RESIDENCE.question }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/staff/knowledge/${residence}`);
    await expect(page.locator('#entry-answer').textContent()).resolves.toBe(RESIDENCE.answer);
    expect(problems).toEqual([]);
  }, 120_000);

  it('at a desk the panel stands beside the form, under the similar petitions', async () => {
    const page = await screening(await deskContext(browser));
    const formBox = (await page.locator('#task-form').boundingBox())!;
    const similarBox = (await page.locator('#similar').boundingBox())!;
    const panelBox = (await page.locator('#knowledge-suggestions').boundingBox())!;
    expect(panelBox.x).toBeGreaterThan(formBox.x + formBox.width - 1);
    expect(panelBox.y).toBeGreaterThan(similarBox.y + similarBox.height - 1);
    expect(panelBox.y).toBeLessThan(formBox.y + formBox.height);
    await shot(page, 'knowledge-screening-desk.png');
    expect(problems).toEqual([]);
  }, 120_000);

  it('on a phone a handler searches the list, opens an entry with its history and the marked change, and the draft form refuses a past date beside its field', async () => {
    const page = await newPage(await phoneContext(browser));
    await signInPage(page, base, 'handler-longnan');
    await page.getByRole('link', { name: '知识库' }).click();
    await page.getByRole('heading', { name: '知识库', exact: true }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'knowledge-list-phone.png');

    await page.getByLabel('查找问题').fill('路灯坏了');
    await page.getByRole('button', { name: '查找' }).click();
    await page.locator('#knowledge-count').filter({ hasText: '最相关' }).waitFor();
    await expect(page.locator('.knowledge-item').first().textContent()).resolves.toContain(STREETLIGHT.question);
    await shot(page, 'knowledge-search-phone.png');

    await page.goto(`${base}/staff/knowledge/${edited}`);
    await page.getByRole('heading', { name: '修改与审核记录' }).waitFor();
    await expect(page.locator('.knowledge-history del').first().textContent()).resolves.toBeTruthy();
    await expect(page.locator('.knowledge-history ins').allTextContents()).resolves.toEqual(['一楼 3 号窗口', '户口簿,当场办结', '第五十六条']);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'knowledge-entry-phone.png');

    await page.getByRole('button', { name: '提交审核' }).click();
    await page.getByRole('status').filter({ hasText: '已提交审核' }).waitFor();
    await expect(page.locator('.knowledge-meta .badge').first().textContent()).resolves.toBe('审核中');
    await expect(page.getByRole('link', { name: '修改草稿' }).count()).resolves.toBe(0);
    await shot(page, 'knowledge-entry-submitted-phone.png');

    await page.goto(`${base}/staff/knowledge/new`);
    await page.getByLabel('问题').fill('龙南镇哪里可以办理残疾人证?');
    await page.getByLabel('答案').fill('到龙南镇便民服务中心残联窗口申请,需带身份证、户口簿和近期一寸照片。');
    await page.getByLabel('有效期至').fill('2026-01-01');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.locator('#error-validUntil').filter({ hasText: '有效期应晚于今天' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'knowledge-form-error-phone.png');
    // the refused form is answered 400, as a form with problems is; Chromium logs that status, and nothing else may be logged
    const refused = problems.filter((p) => p.includes('status of 400') && p.includes('/staff/knowledge)'));
    expect(refused).toHaveLength(1);
    expect(problems.filter((p) => !refused.includes(p))).toEqual([]);
    problems.length = 0;
  }, 120_000);

  it('on a phone a platform reviewer saves the synonyms, one group per line', async () => {
    const page = await newPage(await phoneContext(browser));
    await signInPage(page, base, 'reviewer');
    await page.goto(`${base}/staff/knowledge/synonyms`);
    await page.getByLabel('同义词组(每行一组)').fill('居住证 暂住证\n路灯 街灯 照明');
    await page.getByRole('button', { name: '保存同义词' }).click();
    await page.getByRole('status').filter({ hasText: '同义词已保存' }).waitFor();
    await expect(page.getByLabel('同义词组(每行一组)').inputValue()).resolves.toBe('居住证 暂住证\n路灯 街灯 照明');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'knowledge-synonyms-phone.png');
    await page.goto(`${base}/staff/knowledge?q=${encodeURIComponent('街灯')}`);
    await expect(page.locator('.knowledge-item').first().textContent()).resolves.toContain(STREETLIGHT.question);
    expect(problems).toEqual([]);
  }, 120_000);
});
