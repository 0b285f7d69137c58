import { it, expect, afterEach } from '@jest/globals';
import { createScenario, type Scenario } from './scenario.js';
import { describeOnEngines } from './engines.js';

describeOnEngines('第九条 属地办理、部门指导;信息专报', (engine) => {
  let s: Scenario;
  afterEach(() => s?.close());

  it('第九条 the township where it happened is suggested as the handling unit', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    await s.submit({ township: '360783201', category: 'complaint' });

    // when
    await s.complete('Task_ScreenPetition', { inScope: true, isMajor: false });

    // then
    const task = await s.task('Task_DispatchPetition');
    expect(task.variables.suggestedUnitId).toBe('u-dongjiang');
    expect(task.formId).toBe('dispatch-petition');
  });

  it('第九条 a major matter goes to a 信息专报 and a city leader’s 批示 first, whose time limit then applies (shortest wins)', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit({ category: 'complaint' });

    // when
    await s.complete('Task_ScreenPetition', { inScope: true, isMajor: true });
    await s.complete('Task_SubmitSpecialReport', { specialReportSummary: '多个小区停水三天', specialReportTo: '分管副市长' });
    expect((await s.task('Task_LeaderInstruction')).candidateGroups).toEqual(['city-leader']);
    await s.complete('Task_LeaderInstruction', { leaderInstruction: '请三日内解决', leaderLimitDays: 3 });
    await s.complete('Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' });

    // then: 3 working days from Monday 03-02 is Thursday 03-05, earlier than the complaint's 5
    const v = await s.handling(petitionId);
    expect(v.finishDueAt).toBe('2026-03-05T16:00:00.000Z');
  });
});
