/**
 * 第十七条、第十八条、第二十三条(四) through the app, as the petitioner and staff do it: a first
 * 不满意 sends the case back for one redo; the redo's answer is rated again through the same
 * /api/rate; a second 不满意 goes to the platform to judge and, attributable, to 督办.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, taskOf, type TestApp } from '../app-harness.js';
import { consultationReply, dispatchedAndSigned, rate, replySignedOff, track, type Case } from './app-steps.js';

describe('第十七条、第十八条 重办后再次评价 through the HTTP API', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp();
  });
  afterAll(() => h.close());

  /** answered and approved, rated 不满意 once, the redo done by the township */
  async function redone(): Promise<Case> {
    const c = await dispatchedAndSigned(h, { category: 'consultation', title: '办理居住证需要什么材料' });
    await replySignedOff(h, c, consultationReply(true));
    const reviewer = await h.signIn('reviewer');
    await completeTask(h, reviewer, 'Task_ReviewReply', { reviewApproved: true, reviewReason: '答复完整', publishable: true }, c.code);
    expect((await rate(c, 'unsatisfied', '没有说清楚去哪里办')).status).toBe(202);
    await h.settle();
    expect(await track(c)).toMatchObject({ status: 'redo', canRate: false });
    await completeTask(h, c.handler, 'Task_Redo', { redoOutcome: 'handle-again', redoReplyText: '已电话再次说明:龙南镇便民服务中心 2 号窗口,工作日上午办理。' }, c.code);
    return c;
  }

  it('第十八条 given the redo is done, the petitioner sees its answer and may rate again', async () => {
    const c = await redone();

    const view = await track(c);
    expect(view).toMatchObject({ status: 'replied', canRate: true });
    expect(view.reply.text).toContain('【重办答复】已电话再次说明');
  });

  it('第十七条 given the redo is done, a satisfied second rating closes the case and a third is refused', async () => {
    const c = await redone();

    expect((await rate(c, 'basically-satisfied')).status).toBe(202);
    await h.settle();

    expect(await track(c)).toMatchObject({ status: 'closed', canRate: false });
    const again = await rate(c, 'unsatisfied');
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe('该诉求当前不在评价期内');
  });

  it('第二十三条(四) given the redo is done, a second 不满意 goes to the platform and, attributable to the unit, to 督办', async () => {
    const c = await redone();

    expect((await rate(c, 'very-unsatisfied', '仍未解决')).status).toBe(202);
    await h.settle();

    // no second redo (第十七条: once only): the platform judges whether the unit is to blame
    const handlerTasks = (await c.handler.get('/api/tasks').expect(200)).body;
    expect(handlerTasks.filter((x: { elementId: string; petition?: { trackingCode: string } }) => x.petition?.trackingCode === c.code)).toEqual([]);
    expect((await rate(c, 'unsatisfied')).status).toBe(409);
    const reviewer = await h.signIn('reviewer');
    await completeTask(h, reviewer, 'Task_JudgeAttribution', { attributable: true, attributionReason: '承办单位答复未针对诉求' }, c.code);
    const choose = await taskOf(reviewer, 'Task_ChooseSupervision', c.code);
    expect(choose.petition.trackingCode).toBe(c.code);
  });
});
