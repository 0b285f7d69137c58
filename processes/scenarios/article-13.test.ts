import { it, expect, afterEach } from '@jest/globals';
import { createScenario, dispatchAndSign, type Scenario } from './scenario.js';
import { describeOnEngines } from './engines.js';

describeOnEngines('第十三条 分类限时办结', (engine) => {
  let s: Scenario;
  afterEach(() => s?.close());

  it('第十三条 a complaint dispatched on the Friday before 春节 is due after the holiday, counting the make-up Saturday', async () => {
    // given: Friday 2026-02-13, 10:00 in Longnan; 02-14 is a make-up working day, 02-15..23 is the holiday
    s = await createScenario({ engine, start: '2026-02-13T02:00:00.000Z' });
    const petitionId = await s.submit({ category: 'complaint' });

    // when
    await dispatchAndSign(s);

    // then: contact by the 2nd working day (02-24), finish by the 5th (02-27), both at 24:00 Shanghai
    const v = await s.handling(petitionId);
    expect(v.firstStepDueAt).toBe('2026-02-24T16:00:00.000Z');
    expect(v.finishDueAt).toBe('2026-02-27T16:00:00.000Z');
    expect(await s.open()).toEqual(['Task_ContactPetitioner']);
  });

  it('第十三条 a report is decided within 2 working days and, once accepted, finished within 10 after acceptance', async () => {
    // given: dispatched Monday 03-02
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit({ category: 'report' });
    await dispatchAndSign(s);
    expect(await s.open()).toEqual(['Task_DecideAcceptance']);
    expect((await s.handling(petitionId)).firstStepDueAt).toBe('2026-03-04T16:00:00.000Z');

    // when: accepted on Wednesday 03-04
    s.clock.set('2026-03-04T03:00:00.000Z');
    await s.complete('Task_DecideAcceptance', { reportAccepted: true, acceptanceReason: '线索具体', acceptanceBasis: '《市场监督管理投诉举报处理暂行办法》' });

    // then: 10 working days after 03-04 is 03-18; the handling goes on to the reply
    expect((await s.handling(petitionId)).finishDueAt).toBe('2026-03-18T16:00:00.000Z');
    expect(await s.open()).toEqual(['Task_DraftReply']);
  });

  it('第十三条 a consultation is answered within 2 working days: the reply is the finish', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit({ category: 'consultation' });

    // when
    await dispatchAndSign(s);

    // then
    expect((await s.handling(petitionId)).finishDueAt).toBe('2026-03-04T16:00:00.000Z');
    expect(await s.open()).toEqual(['Task_DraftReply']);
  });
});
