/**
 * 第十四条 through the app: an extension request the rules refuse at once (a third one, one after
 * the deadline, a 突发 matter) is answered with the refusal and its reason — 409 on the API, the
 * reason on the case page — and changes nothing: no review task, no SMS, no history entry. A
 * request the rules allow goes to the platform's review (202).
 */
import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { completeTask, createTestApp, taskOf, type Person, type TestApp } from '../app-harness.js';
import { dispatchedAndSigned, type Case } from './app-steps.js';

describe('第十四条 延期申请 refused at once, through the HTTP API and the case page', () => {
  let h: TestApp;
  beforeEach(async () => {
    h = await createTestApp();
  });
  afterEach(() => h.close());

  const request = (p: Person, c: Case, extensionDays = 2) => p.post(`/api/cases/${c.petitionId}/extension-request`, { extensionDays, extensionReason: '需等待供电部门停电检修' });
  const refusedSms = async () => (await h.outbox.list({ limit: 1000 })).filter((m) => m.template === 'extension-refused');
  const requestsOnFile = async (p: Person, c: Case) => (await p.get(`/api/cases/${c.petitionId}`).expect(200)).body.timeline.filter((e: { action: string }) => e.action === 'case.extension-requested');

  it('第十四条 given two approved extensions, a third request is refused with the reason and nothing changes', async () => {
    const c = await dispatchedAndSigned(h, { category: 'complaint' });
    const reviewer = await h.signIn('reviewer');
    for (let i = 0; i < 2; i++) {
      expect((await request(c.handler, c)).status).toBe(202);
      await h.settle();
      if (i === 0) {
        // one request at a time: a second while the first awaits review is refused with the reason
        const meanwhile = await request(c.handler, c);
        expect([meanwhile.status, meanwhile.body.error.code, meanwhile.body.error.message]).toEqual([409, 'EXTENSION_PENDING', '已有一项延期申请正在等待平台审核,请待审核结果后再申请(第十四条)']);
      }
      await completeTask(h, reviewer, 'Task_ReviewExtension', { extensionApproved: true, extensionDays: 2 }, c.code);
    }

    const third = await request(c.handler, c);
    await h.settle();

    expect(third.status).toBe(409);
    expect(third.body.error).toMatchObject({ code: 'EXTENSION_REFUSED' });
    expect(third.body.error.message).toBe('延期办理以 2 次为限,本事项已延期 2 次,不能再次申请(第十四条)');
    expect((await reviewer.get('/api/tasks').expect(200)).body.filter((t: { elementId: string }) => t.elementId === 'Task_ReviewExtension')).toEqual([]);
    expect(await refusedSms()).toEqual([]);
    expect(await requestsOnFile(c.handler, c)).toHaveLength(2);
    // the case goes on being handled where it was
    expect((await taskOf(c.handler, 'Task_ContactPetitioner', c.code)).petition.status).toBe('handling');
  });

  it('第十四条 given the finish deadline has passed, the case page shows the refusal and its reason', async () => {
    const c = await dispatchedAndSigned(h, { category: 'complaint' });
    // due Monday 03-09 24:00 (Asia/Shanghai); the unit asks on Tuesday
    h.t.clock.set('2026-03-10T02:00:00.000Z');
    await h.settle();
    const handler = await h.signIn('handler-longnan');

    const page = await handler.agent
      .post(`/staff/cases/${c.petitionId}/extension`)
      .type('form')
      .send({ _csrf: handler.csrf, extensionDays: '3', extensionReason: '需现场勘查' });
    await h.settle();

    expect(page.status).toBe(409);
    expect(page.text).toContain('已超过办理期限(2026-03-09 24:00),延期申请应在办理期限届满前提出(第十四条)');
    expect(await refusedSms()).toEqual([]);
    expect(await requestsOnFile(handler, c)).toEqual([]);
  });

  it('第十四条 given a 突发 matter entered by the hotline, an extension request is refused at once', async () => {
    const intake = await h.signIn('intake');
    const entered = await intake.post('/api/hotline', { category: 'help', title: '独居老人家中停水', content: '龙南镇某村独居老人家中停水两天,急需帮助。', township: '360783100', urgent: true, petitionerName: '李大爷', petitionerPhone: '13900003333' });
    expect(entered.status).toBe(201);
    await h.settle();
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, entered.body.trackingCode);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, entered.body.trackingCode);
    const handler = await h.signIn('handler-longnan');
    const sign = await completeTask(h, handler, 'Task_SignOrReturn', { returnRequested: false }, entered.body.trackingCode);

    const res = await handler.post(`/api/cases/${sign.petition.id}/extension-request`, { extensionDays: 2, extensionReason: '需协调供水公司' });
    await h.settle();

    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('突发类事项不得申请延期(第十四条)');
    expect(await refusedSms()).toEqual([]);
  });
});
