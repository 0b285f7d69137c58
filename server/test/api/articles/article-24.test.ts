/**
 * 第二十四条 through the HTTP API: a case still unsatisfied after its redo and found attributable to
 * the unit (第二十三条(四)) is supervised; the platform reviewer chooses the method and the unit
 * finishes within its limit — (一) an SMS to the unit's 分管领导 and 2 working days, (三) on-site
 * coordination and the limit set there — and a late unit's head is reminded.
 * (processes/scenarios/article-24.test.ts proves the same on the engine directly.)
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, PETITIONER, type TestApp } from '../../app-harness.js';
import { renderTemplate } from '../../../../regulation/templates.js';
import { later, openFor, refused, replyAndSignOff, screenAndDispatch, sent, signAndContact, staff, submit, taskDetail, track, type Case, type Staff } from './steps.js';

describe('第二十四条 督办方式及时限', () => {
  let h: TestApp;
  let as: Staff;
  beforeAll(async () => {
    // Monday 2026-03-02, 10:00 in Longnan
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
    as = staff(h);
  });
  afterAll(() => h?.close());

  /** the citizen rates through the API */
  async function rate(c: Case, rating: string) {
    const citizen = await h.visitor();
    await citizen.post('/api/rate', { trackingCode: c.code, phone: PETITIONER.petitionerPhone, rating, ratingComment: '问题没有解决' }).expect(202);
    await h.settle();
  }

  /** a complaint answered, rated unsatisfied, redone, rated unsatisfied again and found attributable to 龙南镇: the platform chooses how to supervise it */
  async function toSupervise(title: string, beforeJudgment?: (c: Case) => Promise<void>): Promise<Case> {
    const c = await submit(h, as, { title });
    await screenAndDispatch(h, as, c);
    await signAndContact(h, as, c);
    await replyAndSignOff(h, as, c);
    await completeTask(h, await as('reviewer'), 'Task_ReviewReply', { reviewApproved: true, publishable: true }, c.code);
    await rate(c, 'unsatisfied');
    await completeTask(h, await as('handler-longnan'), 'Task_Redo', { redoOutcome: 'handle-again', redoReplyText: '已再次派人查看,路灯已恢复。' }, c.code);
    await rate(c, 'very-unsatisfied');
    await beforeJudgment?.(c);
    await completeTask(h, await as('reviewer'), 'Task_JudgeAttribution', { attributable: true, attributionReason: '承办单位未实际修复' }, c.code);
    return c;
  }

  it('第二十四条(三) 现场协调督办:须定下办结时限,承办单位在该时限内办结', async () => {
    // given
    const c = await toSupervise('路灯仍不亮(现场协调)');
    const choose = await taskDetail(await as('reviewer'), 'Task_ChooseSupervision', c);
    expect(choose.article).toContain('第二十四条');
    expect(choose.data.supervisionTrigger).toBe('四');

    // when: on-site coordination, first without the limit set there
    expect((await refused(await as('reviewer'), 'Task_ChooseSupervision', c, { supervisionTrigger: '四', supervisionMethod: '三' })).error.details?.map((d) => d.field)).toEqual(['supervisionLimitDays']);
    await completeTask(h, await as('reviewer'), 'Task_ChooseSupervision', { supervisionTrigger: '四', supervisionMethod: '三', supervisionLimitDays: 5, supervisionNote: '现场明确由镇政府更换线路' }, c.code);

    // then: the unit's head is told the limit; the unit handles it by 5 working days from Monday 03-02 (Monday 03-09)
    const [limit] = await sent(h, 'supervision-limit', c);
    expect(limit).toMatchObject({ recipientKind: 'unit-head', payload: { supervisionMethod: '三', supervisionLimitDays: 5 } });
    const handle = await taskDetail(await as('handler-longnan'), 'Task_HandleSupervision', c);
    expect(handle.deadline).toMatchObject({ label: '督办期限', dueAt: '2026-03-09T16:00:00.000Z', overdue: false });
    expect(handle.data.supervisionNote).toBe('现场明确由镇政府更换线路');
  });

  it('第二十四条(一) 短信督办分管领导:2 个工作日内办结,逾期提醒主要领导;办结后事项办结', async () => {
    // given
    const c = await toSupervise('路灯仍不亮(短信督办)');

    // when: supervised by SMS on Monday 03-02
    await completeTask(h, await as('reviewer'), 'Task_ChooseSupervision', { supervisionTrigger: '四', supervisionMethod: '一' }, c.code);

    // then: the SMS goes to the unit's 分管领导, and the unit has 2 working days (Wednesday 03-04)
    const [sms] = await sent(h, 'supervision-sms', c);
    const unit = (await (await as('modeler')).get('/api/admin/units/u-longnan').expect(200)).body;
    expect(sms).toMatchObject({ recipientKind: 'unit-leader', recipientRef: `unit-person:${unit.people.find((x: { role: string }) => x.role === 'leader').id}` });
    expect(renderTemplate(sms.template, sms.payload)).toContain('2 个工作日内办结');
    expect(await openFor(await as('handler-longnan'), c)).toEqual(['Task_HandleSupervision']);
    expect((await taskDetail(await as('handler-longnan'), 'Task_HandleSupervision', c)).deadline).toMatchObject({ label: '督办期限', dueAt: '2026-03-04T16:00:00.000Z' });

    // when: the limit passes
    await later(h, '2026-03-04T16:00:00.000Z');

    // then: the unit's head is reminded, once; the task shows it overdue
    expect((await sent(h, 'supervision-overdue', c)).map((m) => m.recipientKind)).toEqual(['unit-head']);
    expect((await taskDetail(await as('handler-longnan'), 'Task_HandleSupervision', c)).deadline.overdue).toBe(true);

    // when: the unit reports what it did
    expect((await refused(await as('handler-longnan'), 'Task_HandleSupervision', c, {})).error.details?.map((d) => d.field)).toEqual(['supervisionResult']);
    await completeTask(h, await as('handler-longnan'), 'Task_HandleSupervision', { supervisionResult: '已更换线路,路灯恢复照明' }, c.code);

    // then: the case is closed
    expect(await openFor(await as('handler-longnan'), c)).toEqual([]);
    expect(await track(h, c)).toMatchObject({ status: 'closed', statusLabel: '已办结' });
  });

  // The tracked status follows the case past the second rating (server/services/task-events.ts): while
  // the platform judges whose fault it is, and while it supervises the unit, the petitioner sees what
  // happens and is not offered a rating the app would refuse (409); the answers stay readable.
  it('第二十四条 督办期间诉求人查询显示“督办中”,不再提示评价', async () => {
    const c = await toSupervise('路灯仍不亮(查询督办状态)', async (rated) => {
      expect(await track(h, rated)).toMatchObject({ status: 'judging', statusLabel: '不满意原因认定中', canRate: false, reply: { text: expect.stringContaining('【重办答复】') } });
    });
    expect(await track(h, c)).toMatchObject({ status: 'supervised', statusLabel: '督办中', canRate: false, reply: { text: expect.stringContaining('【重办答复】') } });
    const citizen = await h.visitor();
    await citizen.post('/api/rate', { trackingCode: c.code, phone: PETITIONER.petitionerPhone, rating: 'satisfied' }).expect(409);
    await completeTask(h, await as('reviewer'), 'Task_ChooseSupervision', { supervisionTrigger: '四', supervisionMethod: '二' }, c.code);
    expect((await sent(h, 'supervision-notice', c)).map((m) => m.recipientKind)).toEqual(['unit-contact']);
    expect(await track(h, c)).toMatchObject({ status: 'supervised', statusLabel: '督办中', canRate: false });
    await completeTask(h, await as('handler-longnan'), 'Task_HandleSupervision', { supervisionResult: '已下发通知并更换线路' }, c.code);
    expect(await track(h, c)).toMatchObject({ status: 'closed', statusLabel: '已办结', canRate: false });
  });
});
