/**
 * 第十条 through the HTTP API: a unit that finds a dispatched matter outside its duty asks to return
 * it, with reason and basis, within 1 working day of receiving it; the sign task shows that deadline.
 * Asked in time, the request goes to the platform for review; asked late, it is refused with a clear
 * message naming the deadline and the unit goes on handling.
 * (processes/scenarios/article-10.test.ts proves the same on the engine directly.)
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, taskOf, type TestApp } from '../../app-harness.js';
import { later, openFor, refused, sent, staff, submit, taskDetail, type Staff } from './steps.js';

describe('第十条 退回申请须在 1 个工作日内提出并说明理由和依据', () => {
  let h: TestApp;
  let as: Staff;
  beforeAll(async () => {
    // Monday 2026-03-02, 10:00 in Longnan
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
    as = staff(h);
  });
  afterAll(() => h?.close());

  async function dispatched() {
    const c = await submit(h, as, { title: '路段积水', content: '龙南大道某路段雨后积水。' });
    await completeTask(h, await as('intake'), 'Task_ScreenPetition', { inScope: true, isMajor: false }, c.code);
    await completeTask(h, await as('intake'), 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, c.code);
    return c;
  }

  it('第十条(二) 收到后 1 个工作日内申请退回,须写明理由和依据,提交后交平台审核', async () => {
    // given: dispatched Monday 03-02; the sign task shows the window, ending Tuesday 03-03 24:00
    const c = await dispatched();
    const sign = await taskOf(await as('handler-longnan'), 'Task_SignOrReturn', c.code);
    expect(sign.deadline).toMatchObject({ label: '申请退回期限', dueAt: '2026-03-03T16:00:00.000Z', overdue: false });
    expect(sign.article).toContain('第十条');

    // when: on Tuesday 23:00 the handler asks to return it, first without the basis
    await later(h, '2026-03-03T15:00:00.000Z');
    const noBasis = await refused(await as('handler-longnan'), 'Task_SignOrReturn', c, { returnRequested: true, returnReason: '该路段由住建局管理' });
    expect(noBasis.error.details?.map((d) => d.field)).toEqual(['returnBasis']);
    expect(noBasis.error.details?.[0].message).toMatch(/[\u4e00-\u9fff]/);
    await completeTask(h, await as('handler-longnan'), 'Task_SignOrReturn', { returnRequested: true, returnReason: '该路段由住建局管理', returnBasis: '《龙南市市政设施管理办法》第五条' }, c.code);

    // then: the platform reviewer has it, with the unit's reason and basis; the unit waits
    expect(await openFor(await as('reviewer'), c)).toEqual(['Task_ReviewReturn']);
    const detail = await taskDetail(await as('reviewer'), 'Task_ReviewReturn', c);
    expect(detail.data).toMatchObject({ returnReason: '该路段由住建局管理', returnBasis: '《龙南市市政设施管理办法》第五条' });
    expect(await openFor(await as('handler-longnan'), c)).toEqual([]);
    expect(await sent(h, 'return-refused', c)).toEqual([]);
  });

  it('第十条(二) 超过 1 个工作日申请退回的,不予受理并说明期限,承办单位继续办理', async () => {
    // given: dispatched Tuesday 03-03 23:00 in Longnan; the window ends Wednesday 03-04 24:00
    const c = await dispatched();
    expect((await taskOf(await as('handler-longnan'), 'Task_SignOrReturn', c.code)).deadline).toMatchObject({ dueAt: '2026-03-04T16:00:00.000Z', overdue: false });

    // when: on Thursday 09:00 the task shows the window passed, and the handler asks all the same
    await later(h, '2026-03-05T01:00:00.000Z');
    expect((await taskOf(await as('handler-longnan'), 'Task_SignOrReturn', c.code)).deadline).toMatchObject({ dueAt: '2026-03-04T16:00:00.000Z', overdue: true });
    await completeTask(h, await as('handler-longnan'), 'Task_SignOrReturn', { returnRequested: true, returnReason: '不属于本单位职责', returnBasis: '三定方案' }, c.code);

    // then: no review; the unit goes on handling (contact the petitioner), told why by SMS and on its task
    expect(await openFor(await as('reviewer'), c)).toEqual([]);
    expect(await openFor(await as('handler-longnan'), c)).toEqual(['Task_ContactPetitioner']);
    const [sms] = await sent(h, 'return-refused', c);
    expect(sms.recipientKind).toBe('unit-contact');
    expect(sms.payload.returnRefusal).toMatch(/退回/);
    expect(sms.payload.returnRefusal).toMatch(/2026-03-04/);
    expect((await taskDetail(await as('handler-longnan'), 'Task_ContactPetitioner', c)).data.returnRefusal).toBe(sms.payload.returnRefusal);
  });
});
