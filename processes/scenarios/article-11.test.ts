import { it, expect, afterEach } from '@jest/globals';
import { createScenario, sent, type Scenario } from './scenario.js';
import { describeOnEngines } from './engines.js';

describeOnEngines('第十一条 审核退回申请', (engine) => {
  let s: Scenario;
  afterEach(() => s?.close());

  async function askToReturn() {
    await s.submit();
    await s.complete('Task_ScreenPetition', { inScope: true, isMajor: false });
    await s.complete('Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' });
    await s.complete('Task_SignOrReturn', { returnRequested: true, returnReason: '该路段由住建局管理', returnBasis: '三定方案' });
  }

  it('第十一条 an approved return ends this unit’s handling and the platform dispatches it again', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    await askToReturn();

    // when
    await s.complete('Task_ReviewReturn', { returnApproved: true, returnReviewReason: '职责界定:属住建局' });

    // then
    expect(await s.open()).toEqual(['Task_DispatchPetition']);
    await s.complete('Task_DispatchPetition', { unitId: 'u-housing', jointMode: 'single' });
    const sign = await s.task('Task_SignOrReturn');
    expect(sign.candidateGroups).toEqual(['unit:u-housing']);
  });

  it('第十一条 a refused return is explained to the unit, which goes on handling', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    await askToReturn();

    // when
    await s.complete('Task_ReviewReturn', { returnApproved: false, returnReviewReason: '属地管理,应由镇政府办理' });

    // then
    expect(await s.open()).toEqual(['Task_ContactPetitioner']);
    expect((await sent(s, 'return-refused')).length).toBe(1);
  });
});
