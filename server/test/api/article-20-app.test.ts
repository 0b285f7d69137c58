/**
 * 第二十条 through the app: the unit answers for what its reply may disclose ("各级承办单位……对所回复
 * 内容进行严格把关,不能公开的内容不得对外发布"), so the platform's 办结审核 never publishes a reply the
 * unit marked 不宜公开 — asking to is refused with the reason (the platform may send the reply back
 * to the unit instead); it may withhold a reply the unit marked publishable, with a reason, and that
 * decision is in the case's history. Only a reply both marked publishable is published.
 */
import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestApp, taskOf, type TestApp } from '../app-harness.js';
import { consultationReply, dispatchedAndSigned, replySignedOff, track, type Case } from './app-steps.js';

describe('第二十条 不宜公开的答复不得发布 through the HTTP API', () => {
  let h: TestApp;
  beforeEach(async () => {
    h = await createTestApp();
  });
  afterEach(() => h.close());

  /** the unit's reply, marked publishable or not, signed off and waiting for the platform */
  async function awaitingReview(publishable: boolean) {
    const c = await dispatchedAndSigned(h, { category: 'consultation', title: '咨询低保申请条件' });
    await replySignedOff(h, c, consultationReply(publishable));
    const reviewer = await h.signIn('reviewer');
    const task = await taskOf(reviewer, 'Task_ReviewReply', c.code);
    return { c, reviewer, task };
  }
  const review = (r: Awaited<ReturnType<typeof awaitingReview>>, variables: Record<string, unknown>) =>
    r.reviewer.post(`/api/tasks/${encodeURIComponent(r.task.key)}/complete`, { variables });
  const published = async (c: Case) => (await c.citizen.get('/api/replies').expect(200)).body.filter((x: { title: string }) => x.title === '咨询低保申请条件');

  it('第二十条 given the unit marked its reply 不宜公开, the platform asking to publish it is refused and nothing changes', async () => {
    const r = await awaitingReview(false);
    const detail = (await r.reviewer.get(`/api/tasks/${encodeURIComponent(r.task.key)}`).expect(200)).body;
    expect(detail.data.publishable).toBe(false);

    const res = await review(r, { reviewApproved: true, reviewReason: '答复完整', publishable: true });
    await h.settle();

    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'publishable', message: '承办单位已标明答复不宜公开,平台不能对外发布(第二十条);如认为可以公开,请退回承办单位修改' }]);
    expect((await taskOf(r.reviewer, 'Task_ReviewReply', r.c.code)).key).toBe(r.task.key);
    expect(await published(r.c)).toEqual([]);
  });

  it('第二十条 given the unit marked its reply 不宜公开, an approved reply is answered to the petitioner but not published', async () => {
    const r = await awaitingReview(false);

    const res = await review(r, { reviewApproved: true, reviewReason: '答复完整', publishable: false });
    await h.settle();

    expect(res.status).toBe(200);
    expect(await track(r.c)).toMatchObject({ status: 'replied', canRate: true });
    expect(await published(r.c)).toEqual([]);
  });

  it('第二十条 given the unit marked its reply publishable, the platform may withhold it only with a reason, which the history records', async () => {
    const r = await awaitingReview(true);

    const noReason = await review(r, { reviewApproved: true, reviewReason: '答复完整', publishable: false });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.map((d: { field: string }) => d.field)).toEqual(['publicationReason']);

    const res = await review(r, { reviewApproved: true, reviewReason: '答复完整', publishable: false, publicationReason: '涉及正在办理的个案审批,暂不公开' });
    await h.settle();

    expect(res.status).toBe(200);
    expect(await published(r.c)).toEqual([]);
    const history = (await r.reviewer.get(`/api/cases/${r.c.petitionId}`).expect(200)).body.timeline;
    expect(history.at(-1)).toMatchObject({ actor: expect.any(String), action: 'task.completed', detail: { elementId: 'Task_ReviewReply', outcome: { reviewApproved: true, publishable: false } } });
  });

  it('第二十条 given both the unit and the platform mark it publishable, the reply is published', async () => {
    const r = await awaitingReview(true);

    expect((await review(r, { reviewApproved: true, reviewReason: '答复完整', publishable: true })).status).toBe(200);
    await h.settle();

    expect(await published(r.c)).toHaveLength(1);
  });
});
