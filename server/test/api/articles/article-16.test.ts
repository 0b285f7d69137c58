/**
 * 第十六条 through the HTTP API: the platform reviewer's 办结审核 of a signed reply. Refused, with the
 * reason, it goes back to the unit, which is told; approved, the petitioner gets the reply online and
 * the rating link by SMS, and (第二十条) a publishable reply is published with personal data masked,
 * one not for publication never. (processes/scenarios/article-16.test.ts proves the same on the engine.)
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, type TestApp } from '../../app-harness.js';
import { openFor, refused, replyAndSignOff, screenAndDispatch, sent, signAndContact, staff, submit, taskDetail, track, type Case, type Staff } from './steps.js';

describe('第十六条 办结审核', () => {
  let h: TestApp;
  let as: Staff;
  beforeAll(async () => {
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
    as = staff(h);
  });
  afterAll(() => h?.close());

  /** a complaint whose signed reply waits for the platform's review */
  async function signedOff(fields: Record<string, unknown> = {}, reply: Record<string, unknown> = {}): Promise<Case> {
    const c = await submit(h, as, fields);
    await screenAndDispatch(h, as, c);
    await signAndContact(h, as, c);
    await replyAndSignOff(h, as, c, reply);
    return c;
  }

  const published = async () => (await (await h.visitor()).get('/api/replies').expect(200)).body as { title: string; text: string }[];

  it('第十六条 不符合要求的,说明理由退回承办单位继续办理,不答复诉求人', async () => {
    // given
    const c = await signedOff({ title: '垃圾清运不及时' });
    const review = await taskDetail(await as('reviewer'), 'Task_ReviewReply', c);
    expect(review.article).toContain('第十六条');

    // when: refused — the reason is required
    expect((await refused(await as('reviewer'), 'Task_ReviewReply', c, { reviewApproved: false })).error.details?.map((d) => d.field)).toEqual(['reviewReason']);
    await completeTask(h, await as('reviewer'), 'Task_ReviewReply', { reviewApproved: false, reviewReason: '未列明具体清运时间' }, c.code);

    // then: the unit drafts again, told the reason by SMS; the petitioner has no reply yet
    expect(await openFor(await as('reviewer'), c)).toEqual([]);
    expect(await openFor(await as('handler-longnan'), c)).toEqual(['Task_DraftReply']);
    const [sms] = await sent(h, 'review-refused', c);
    expect(sms).toMatchObject({ recipientKind: 'unit-contact', payload: { reviewReason: '未列明具体清运时间' } });
    const seen = await track(h, c);
    expect(seen).toMatchObject({ status: 'handling', canRate: false });
    expect(seen.reply).toBeUndefined();
    expect(await sent(h, 'reply-ready', c)).toEqual([]);

    // when: the second reply is signed and approved
    await replyAndSignOff(h, as, c, { result: '已安排每日 7 时、18 时两次清运' });
    await completeTask(h, await as('reviewer'), 'Task_ReviewReply', { reviewApproved: true, publishable: true }, c.code);

    // then
    expect(await track(h, c)).toMatchObject({ status: 'replied', canRate: true });
  });

  it('第十六条、第二十条 同意办结且可以公开的:诉求人在线看到答复并收到评价链接,答复隐去个人信息后对外发布', async () => {
    // given: the unit marked its reply publishable, and the reply names the petitioner
    const c = await signedOff({ title: '小区路灯不亮', petitionerName: '张三', petitionerPhone: '13812345678' }, { replyText: '您反映的小区路灯不亮问题已修复。诉求人张三,电话13812345678。' });
    expect((await taskDetail(await as('reviewer'), 'Task_ReviewReply', c)).data.publishable).toBe(true);

    // when
    await completeTask(h, await as('reviewer'), 'Task_ReviewReply', { reviewApproved: true, publishable: true }, c.code);

    // then: closed for evaluation; the petitioner reads the reply and gets the rating link
    const citizen = await h.visitor();
    const seen = (await citizen.post('/api/track', { trackingCode: c.code, phone: '13812345678' }).expect(200)).body;
    expect(seen).toMatchObject({ status: 'replied', statusLabel: '已答复', canRate: true });
    expect(seen.reply.text).toContain('路灯不亮问题已修复');
    const [link] = await sent(h, 'reply-ready', c);
    expect(link).toMatchObject({ recipientKind: 'petitioner', payload: { ratingUrl: `https://wz.longnan.example/rate/${c.code}` } });
    // published, masked
    const mine = (await published()).filter((x) => x.title === '小区路灯不亮');
    expect(mine).toHaveLength(1);
    expect(mine[0].text).toContain('路灯不亮问题已修复');
    expect(mine[0].text).not.toContain('13812345678');
    expect(mine[0].text).not.toContain('张三');
    expect(await openFor(await as('reviewer'), c)).toEqual([]);
    expect(await openFor(await as('handler-longnan'), c)).toEqual([]);
  });

  it('第二十条 审核认定不宜公开的答复只回复诉求人,不对外发布', async () => {
    // given: the unit thought it publishable
    const c = await signedOff({ title: '邻里纠纷调解' });

    // when: the platform decides it is not
    await completeTask(h, await as('reviewer'), 'Task_ReviewReply', { reviewApproved: true, publishable: false, publicationReason: '涉及邻里个人纠纷,不宜公开' }, c.code);

    // then
    expect(await track(h, c)).toMatchObject({ status: 'replied', reply: { text: '您反映的小区路灯不亮问题已修复。' } });
    expect((await published()).map((x) => x.title)).not.toContain('邻里纠纷调解');
  });
});
