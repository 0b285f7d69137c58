/**
 * 第十三条 through the HTTP API: the deadlines a unit's staff see on their tasks, by category, in
 * working days from dispatch (the official calendar: 春节 holidays and the make-up Saturday), and the
 * reminder when the first step is late. (processes/scenarios/article-13.test.ts proves the same on
 * the engine directly.)
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, taskOf, type TestApp } from '../../app-harness.js';
import { later, openFor, refused, screenAndDispatch, sent, staff, submit, type Staff } from './steps.js';

describe('第十三条 分类限时办结', () => {
  let h: TestApp;
  let as: Staff;
  beforeAll(async () => {
    // Friday 2026-02-13, 10:00 in Longnan; 02-14 is a make-up working day, 02-15..23 the 春节 holiday
    h = await createTestApp({ start: '2026-02-13T02:00:00.000Z' });
    as = staff(h);
  });
  afterAll(() => h?.close());

  it('第十三条(二) 投诉类春节前转办:2 个工作日内沟通、5 个工作日内办结,跳过假期、计入调休上班日;沟通逾期提醒承办单位', async () => {
    // given: a complaint dispatched on the Friday before 春节 and signed
    const c = await submit(h, as, { category: 'complaint' });
    await screenAndDispatch(h, as, c);
    await completeTask(h, await as('handler-longnan'), 'Task_SignOrReturn', { returnRequested: false }, c.code);

    // then: contact by the 2nd working day (Tuesday 02-24, after the holiday), 24:00 in Longnan
    const contact = await taskOf(await as('handler-longnan'), 'Task_ContactPetitioner', c.code);
    expect(contact.deadline).toMatchObject({ label: '联系诉求人期限', dueAt: '2026-02-24T16:00:00.000Z', overdue: false });
    expect(contact.article).toContain('第十三条');
    const [dispatched] = await sent(h, 'case-dispatched', c);
    expect(dispatched.payload).toMatchObject({ firstStepDueAt: '2026-02-24T16:00:00.000Z', finishDueAt: '2026-02-27T16:00:00.000Z' });

    // when: the contact deadline passes
    await later(h, '2026-02-24T16:00:00.000Z');

    // then: the unit's contact is reminded once, and the task shows it overdue
    const reminders = await sent(h, 'first-step-overdue', c);
    expect(reminders.map((m) => [m.recipientKind, m.payload.firstStepDueAt])).toEqual([['unit-contact', '2026-02-24T16:00:00.000Z']]);
    expect((await taskOf(await as('handler-longnan'), 'Task_ContactPetitioner', c.code)).deadline).toMatchObject({ overdue: true });

    // when: contacted; then the reply is due by the 5th working day (Friday 02-27)
    await completeTask(h, await as('handler-longnan'), 'Task_ContactPetitioner', { contactedAt: '2026-02-24T16:00:00.000Z', contactMethod: 'phone', contactSummary: '已电话沟通' }, c.code);
    expect((await taskOf(await as('handler-longnan'), 'Task_DraftReply', c.code)).deadline).toMatchObject({ label: '办结期限', dueAt: '2026-02-27T16:00:00.000Z', overdue: false });
  });

  it('第十三条(三) 举报类 2 个工作日内作出是否受理的决定(须写明理由和依据),受理后 10 个工作日内办结', async () => {
    // given: a report dispatched Monday 03-02 and signed
    await later(h, '2026-03-02T02:00:00.000Z');
    const c = await submit(h, as, { category: 'report', title: '无证经营', content: '某商铺无证经营药品。' });
    await screenAndDispatch(h, as, c);
    await completeTask(h, await as('handler-longnan'), 'Task_SignOrReturn', { returnRequested: false }, c.code);

    // then: a decision, not a contact, is asked for, by Wednesday 03-04
    expect(await openFor(await as('handler-longnan'), c)).toEqual(['Task_DecideAcceptance']);
    expect((await taskOf(await as('handler-longnan'), 'Task_DecideAcceptance', c.code)).deadline).toMatchObject({ label: '受理决定期限', dueAt: '2026-03-04T16:00:00.000Z' });

    // when: accepted on Wednesday 03-04, with reason and basis
    await later(h, '2026-03-04T03:00:00.000Z');
    const bare = await refused(await as('handler-longnan'), 'Task_DecideAcceptance', c, { reportAccepted: true });
    expect(bare.error.details?.map((d) => d.field).sort()).toEqual(['acceptanceBasis', 'acceptanceReason']);
    await completeTask(h, await as('handler-longnan'), 'Task_DecideAcceptance', { reportAccepted: true, acceptanceReason: '线索具体', acceptanceBasis: '《市场监督管理投诉举报处理暂行办法》' }, c.code);

    // then: 10 working days after 03-04 is Wednesday 03-18; the handling goes on to the reply
    expect(await openFor(await as('handler-longnan'), c)).toEqual(['Task_DraftReply']);
    expect((await taskOf(await as('handler-longnan'), 'Task_DraftReply', c.code)).deadline).toMatchObject({ label: '办结期限', dueAt: '2026-03-18T16:00:00.000Z' });
  });

  it('第十三条(一) 咨询类 2 个工作日内答复诉求人:答复即办结', async () => {
    // given: a consultation dispatched Wednesday 03-04
    const c = await submit(h, as, { category: 'consultation', title: '办理居住证需要什么材料', content: '请问办理居住证需要什么材料?' });
    await screenAndDispatch(h, as, c);

    // when
    await completeTask(h, await as('handler-longnan'), 'Task_SignOrReturn', { returnRequested: false }, c.code);

    // then: straight to the reply, due Friday 03-06
    expect(await openFor(await as('handler-longnan'), c)).toEqual(['Task_DraftReply']);
    expect((await taskOf(await as('handler-longnan'), 'Task_DraftReply', c.code)).deadline).toMatchObject({ label: '办结期限', dueAt: '2026-03-06T16:00:00.000Z' });
  });
});
