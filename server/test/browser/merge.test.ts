/**
 * Similar petitions and 归并 in Chromium (issue 15): an intake operator on the screening page sees the
 * similar petition beside the form (at a desk and on a 390 px phone), merges the later petition into
 * the earlier one and lands on the kept case; the kept case is answered; both petitioners rate, each
 * through their own rating link, and the later one tracks the kept case's answer with their own code.
 * Checked in the database (status, merged_into, ratings, outbox rows for both) and on the timeline.
 */
import { it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Browser, BrowserContext } from 'playwright-core';
import { completeTask, PETITIONER, submitPetition, taskOf, type TestApp } from '../app-harness.js';
import { REPLY } from '../api/articles/steps.js';
import { select } from '../../data/sql.js';
import { describeBrowser } from './chromium.js';
import { closeAll, deskContext, phoneContext, signInPage, startBrowserApp, watchPage, type BrowserApp, suiteRecorder } from './session.js';

const LATER = { petitionerName: '李小红', petitionerPhone: '13900003333' };

describeBrowser('similar petitions at screening and 归并 in Chromium', () => {
  let app: BrowserApp | undefined;
  let h: TestApp;
  let base: string;
  let browser: Browser;
  const { contexts, problems, shot } = suiteRecorder();
  let kept: { id: string; code: string };
  let merged: { id: string; code: string };

  async function submitted(fields: Record<string, unknown>) {
    const code = (await submitPetition(h, await h.visitor(), fields)).body.trackingCode as string;
    const task = await taskOf(await h.signIn('intake'), 'Task_ScreenPetition', code);
    return { id: task.petition.id as string, code, key: task.key as string };
  }

  beforeAll(async () => {
    app = await startBrowserApp({ start: '2026-03-02T02:00:00.000Z' });
    ({ h, base, browser } = app);
    kept = await submitted({ title: '新圳村路灯不亮', content: '龙南镇新圳村村口的路灯坏了一个月,晚上出行不便,请维修路灯。' });
    h.t.clock.set('2026-03-02T05:30:00.000Z');
    merged = await submitted({ title: '新圳村村口路灯坏了', content: '新圳村村口路灯一直不亮,希望尽快维修。', ...LATER });
  }, 180_000);

  afterAll(async () => {
    await closeAll(...contexts, app);
  });

  const newPage = async (context: BrowserContext) => {
    contexts.push(context);
    return watchPage(await context.newPage(), problems);
  };

  async function screeningPage(context: BrowserContext) {
    const page = await newPage(context);
    await signInPage(page, base, 'intake');
    const key = (await taskOf(await h.signIn('intake'), 'Task_ScreenPetition', merged.code)).key as string;
    await page.goto(`${base}/staff/tasks/${encodeURIComponent(key)}`);
    await page.getByRole('heading', { name: '相似诉求' }).waitFor();
    // the task form renders too (its bundle), beside the panel
    await page.locator('#task-form form, #task-form .fjs-container').first().waitFor();
    return page;
  }

  it('on a 390 px phone the screening page shows the similar petition above the form, nothing wider than the screen', async () => {
    const page = await screeningPage(await phoneContext(browser));
    const panel = page.locator('#similar');
    await expect(panel.textContent()).resolves.toContain(kept.code);
    await expect(panel.textContent()).resolves.toContain('同一乡镇且内容相近');
    await expect(panel.textContent()).resolves.toContain('龙南镇');
    await expect(panel.textContent()).resolves.toContain('2026-03-02 10:00');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'merge-screening-phone.png');
    expect(problems).toEqual([]);
  }, 120_000);

  it('at a desk the intake operator merges the later petition into the earlier one and lands on the kept case', async () => {
    const page = await screeningPage(await deskContext(browser));
    // beside the form at a desk
    const panelBox = await page.locator('#similar').boundingBox();
    const formBox = await page.locator('#task-form').boundingBox();
    expect(panelBox!.x).toBeGreaterThan(formBox!.x + formBox!.width - 1);
    await shot(page, 'merge-screening-desk.png');
    await page.getByRole('button', { name: '归并到此件' }).click();
    await page.getByRole('status').filter({ hasText: `已将诉求 ${merged.code} 归并到本件` }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/staff/cases/${kept.id}`);
    await expect(page.locator('#merged-from').textContent()).resolves.toContain(merged.code);
    await expect(page.locator('ol.timeline').textContent()).resolves.toContain(`诉求 ${merged.code} 归并到本件,一并答复`);
    await shot(page, 'merge-kept-case-desk.png');
    await h.settle();
    const [row] = await select<{ status: string; merged_into: string }>(h.t.db, 'SELECT status, merged_into FROM petitions WHERE id = ?', [merged.id]);
    expect(row).toEqual({ status: 'merged', merged_into: kept.id });
    expect(problems).toEqual([]);
  }, 120_000);

  it('the kept case is answered; both petitioners rate through their own links, and the later one tracks the answer with their own code', async () => {
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, kept.code);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, kept.code);
    const handler = await h.signIn('handler-longnan');
    await completeTask(h, handler, 'Task_SignOrReturn', { returnRequested: false }, kept.code);
    await completeTask(h, handler, 'Task_ContactPetitioner', { contactedAt: '2026-03-02T06:00:00.000Z', contactMethod: 'phone', contactSummary: '已电话联系诉求人' }, kept.code);
    await completeTask(h, handler, 'Task_DraftReply', { reply: REPLY }, kept.code);
    await completeTask(h, await h.signIn('leader-longnan'), 'Task_OASignOff', { signOffApproved: true }, kept.code);
    await completeTask(h, await h.signIn('reviewer'), 'Task_ReviewReply', { reviewApproved: true, publishable: true }, kept.code);

    // the later petitioner tracks with their own code and phone: the kept case's answer
    const tracking = await newPage(await phoneContext(browser));
    await tracking.goto(`${base}/track`);
    await tracking.getByLabel('查询编号').fill(merged.code);
    await tracking.getByLabel('手机号码').fill(LATER.petitionerPhone);
    await tracking.getByRole('button', { name: '查询' }).click();
    await tracking.locator('#merged-note').waitFor();
    await expect(tracking.locator('#status').textContent()).resolves.toBe('已归并办理:已答复');
    await expect(tracking.locator('#reply-text').textContent()).resolves.toContain(REPLY.replyText);
    expect(await tracking.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(tracking, 'merge-tracked-phone.png');

    // each through the link of their own SMS
    const links = (await h.outbox.list({ limit: 1000 })).filter((m) => m.template === 'reply-ready').map((m) => String(m.payload.ratingUrl));
    expect(links.map((l) => l.replace(/^.*\/rate\//, ''))).toEqual([kept.code, merged.code]);
    for (const [code, phone, rating] of [
      [merged.code, LATER.petitionerPhone, '基本满意'],
      [kept.code, PETITIONER.petitionerPhone, '满意'],
    ] as const) {
      const page = await newPage(await phoneContext(browser));
      await page.goto(`${base}/rate/${code}`);
      await page.getByLabel('手机号码').fill(phone);
      await page.getByLabel(rating, { exact: true }).check();
      if (code === merged.code) await shot(page, 'merge-rate-phone.png');
      await page.getByRole('button', { name: '提交评价' }).click();
      await page.getByRole('heading', { name: '感谢您的评价' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    }
    await h.settle();

    // in the database: statuses, link, ratings on each petition, the SMS of both
    const rows = await select<{ id: string; status: string; merged_into: string | null }>(h.t.db, 'SELECT id, status, merged_into FROM petitions WHERE id IN (?, ?) ORDER BY created_at', [kept.id, merged.id]);
    expect(rows).toEqual([
      { id: kept.id, status: 'closed', merged_into: null },
      { id: merged.id, status: 'merged', merged_into: kept.id },
    ]);
    const ratings = await select<{ petition_id: string; action: string; detail: string }>(h.t.db, "SELECT petition_id, action, detail FROM audit_log WHERE action IN ('petition.rated', 'petition.merged-rated') ORDER BY id");
    expect(ratings.map((r) => [r.petition_id, r.action, JSON.parse(r.detail).rating])).toEqual([
      [merged.id, 'petition.rated', 'basically-satisfied'],
      [kept.id, 'petition.merged-rated', 'basically-satisfied'],
      [kept.id, 'petition.rated', 'satisfied'],
    ]);
    const outbox = await select<{ petition_id: string; template: string; recipient_ref: string }>(h.t.db, "SELECT petition_id, template, recipient_ref FROM outbox WHERE recipient_kind = 'petitioner' ORDER BY id");
    expect(outbox.filter((o) => o.petition_id === merged.id).map((o) => o.template)).toEqual(['petition-received', 'petition-merged', 'reply-ready']);
    expect(outbox.filter((o) => o.petition_id === kept.id).map((o) => o.template)).toEqual(['petition-received', 'reply-ready']);
    expect(outbox.every((o) => o.recipient_ref === o.petition_id)).toBe(true);

    // on the kept case's timeline, at a desk
    const staffPage = await newPage(await deskContext(browser));
    await signInPage(staffPage, base, 'reviewer');
    await staffPage.goto(`${base}/staff/cases/${kept.id}`);
    const timeline = (await staffPage.locator('ol.timeline').textContent()) ?? '';
    expect(timeline).toContain(`诉求 ${merged.code} 归并到本件,一并答复`);
    expect(timeline).toContain(`归并诉求 ${merged.code} 的诉求人作出评价:基本满意`);
    expect(timeline).not.toMatch(/1390000|王小明|李小红/);
    await shot(staffPage, 'merge-kept-case-rated-desk.png');
    expect(problems).toEqual([]);
  }, 180_000);
});
