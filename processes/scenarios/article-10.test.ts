import { it, expect, afterEach } from '@jest/globals';
import { createScenario, sent, type Scenario } from './scenario.js';
import { describeOnEngines } from './engines.js';

describeOnEngines('第十条 退回申请须在 1 个工作日内提出', (engine) => {
  let s: Scenario;
  afterEach(() => s?.close());

  async function dispatch() {
    await s.complete('Task_ScreenPetition', { inScope: true, isMajor: false });
    await s.complete('Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' });
  }

  it('第十条 a return asked for within 1 working day goes to the platform for review', async () => {
    // given: dispatched Monday 03-02; the window ends Tuesday 03-03 24:00
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    await s.submit();
    await dispatch();
    s.clock.set('2026-03-03T15:00:00.000Z');

    // when
    await s.complete('Task_SignOrReturn', { returnRequested: true, returnReason: '该路段由住建局管理', returnBasis: '《龙南市市政设施管理办法》第五条' });

    // then
    expect(await s.open()).toEqual(['Task_ReviewReturn']);
  });

  it('第十条 a return asked for after 1 working day is refused with a clear message and the unit goes on handling', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit();
    await dispatch();
    s.clock.set('2026-03-04T01:00:00.000Z');

    // when
    await s.complete('Task_SignOrReturn', { returnRequested: true, returnReason: '不属于本单位职责', returnBasis: '三定方案' });

    // then
    expect(await s.open()).toEqual(['Task_ContactPetitioner']);
    const v = await s.handling(petitionId);
    expect(v.returnAllowed).toBe(false);
    expect(v.returnRefusal).toMatch(/退回/);
    expect(v.returnRefusal).toMatch(/2026-03-03/);
    const [refused] = await sent(s, 'return-refused');
    expect(refused.recipientKind).toBe('unit-contact');
  });
});
