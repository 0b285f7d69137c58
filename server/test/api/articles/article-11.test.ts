/**
 * 第十一条 through the HTTP API: the platform reviewer decides a unit's return request. Approved,
 * with the 职责界定, the case comes back to the platform to be dispatched again and the old unit
 * no longer has it; refused, with the reason, the unit is told and goes on handling.
 * (processes/scenarios/article-11.test.ts proves the same on the engine directly.)
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, type TestApp } from '../../app-harness.js';
import { openFor, refused, sent, staff, submit, taskDetail, track, type Case, type Staff } from './steps.js';

describe('第十一条 审核退回申请', () => {
  let h: TestApp;
  let as: Staff;
  beforeAll(async () => {
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
    as = staff(h);
  });
  afterAll(() => h?.close());

  /** dispatched to 龙南镇, which asks in time to return it */
  async function askedToReturn(): Promise<Case> {
    const c = await submit(h, as, { title: '路段积水', content: '龙南大道某路段雨后积水。' });
    await completeTask(h, await as('intake'), 'Task_ScreenPetition', { inScope: true, isMajor: false }, c.code);
    await completeTask(h, await as('intake'), 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, c.code);
    await completeTask(h, await as('handler-longnan'), 'Task_SignOrReturn', { returnRequested: true, returnReason: '该事项属市场监管职责', returnBasis: '三定方案' }, c.code);
    return c;
  }

  it('第十一条 同意退回的,写明职责界定后由平台再次转派,原承办单位不再看到该事项', async () => {
    // given
    const c = await askedToReturn();
    const review = await taskDetail(await as('reviewer'), 'Task_ReviewReturn', c);
    expect(review.article).toContain('第十一条');
    // the review needs its reason (here: the 职责界定)
    expect((await refused(await as('reviewer'), 'Task_ReviewReturn', c, { returnApproved: true })).error.details?.map((d) => d.field)).toEqual(['returnReviewReason']);

    // when
    await completeTask(h, await as('reviewer'), 'Task_ReviewReturn', { returnApproved: true, returnReviewReason: '职责界定:属市场监管局' }, c.code);

    // then: back to the platform's dispatch; the township has nothing left to do
    expect(await openFor(await as('intake'), c)).toEqual(['Task_DispatchPetition']);
    expect(await openFor(await as('handler-longnan'), c)).toEqual([]);

    // when: dispatched again, to the unit the review named
    await completeTask(h, await as('intake'), 'Task_DispatchPetition', { unitId: 'u-market', jointMode: 'single' }, c.code);

    // then: 市场监管局 has it to sign and sees the case; 龙南镇 no longer sees it at all
    const market = await as('handler-market');
    expect(await openFor(market, c)).toEqual(['Task_SignOrReturn']);
    expect((await market.get(`/api/cases/${c.id}`).expect(200)).body).toMatchObject({ unitId: 'u-market', status: 'handling' });
    await (await as('handler-longnan')).get(`/api/cases/${c.id}`).expect(404);
    expect(await sent(h, 'return-refused', c)).toEqual([]);
    expect((await sent(h, 'case-dispatched', c)).length).toBe(2);
    expect(await track(h, c)).toMatchObject({ status: 'handling' });
  });

  it('第十一条 不同意退回的,说明理由告知承办单位,由其继续办理', async () => {
    // given
    const c = await askedToReturn();

    // when
    await completeTask(h, await as('reviewer'), 'Task_ReviewReturn', { returnApproved: false, returnReviewReason: '属地管理,应由镇政府办理' }, c.code);

    // then: the township goes on (contact the petitioner), told the reason by SMS and on its task
    expect(await openFor(await as('reviewer'), c)).toEqual([]);
    expect(await openFor(await as('intake'), c)).toEqual([]);
    expect(await openFor(await as('handler-longnan'), c)).toEqual(['Task_ContactPetitioner']);
    const [sms] = await sent(h, 'return-refused', c);
    expect(sms).toMatchObject({ recipientKind: 'unit-contact', payload: { returnReviewReason: '属地管理,应由镇政府办理' } });
    expect((await taskDetail(await as('handler-longnan'), 'Task_ContactPetitioner', c)).data.returnReviewReason).toBe('属地管理,应由镇政府办理');
    expect((await (await as('handler-longnan')).get(`/api/cases/${c.id}`).expect(200)).body.unitId).toBe('u-longnan');
  });
});
