import { it, expect, afterEach } from '@jest/globals';
import { createScenario, dispatchAndSign, replyAndSignOff, type Scenario } from './scenario.js';
import { describeOnEngines } from './engines.js';

describeOnEngines('第二十三条 督办事项', (engine) => {
  let s: Scenario;
  afterEach(() => s?.close());

  it('第二十三条(四) still unsatisfied after the redo and attributable to the unit becomes a 督办 matter', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit();
    await dispatchAndSign(s);
    await replyAndSignOff(s);
    await s.complete('Task_ReviewReply', { reviewApproved: true, publishable: true });
    await s.publish('rating-submitted', petitionId, { rating: 'unsatisfied' });
    await s.complete('Task_Redo', { redoOutcome: 'handle-now', redoReplyText: '已处理' });
    await s.publish('rating-submitted', petitionId, { rating: 'very-unsatisfied' });

    // when
    await s.complete('Task_JudgeAttribution', { attributable: true, attributionReason: '承办单位未实际处理' });

    // then
    const choose = await s.task('Task_ChooseSupervision');
    expect(choose.variables.supervisionTrigger).toBe('四');
  });

  it('第二十三条(二) the platform opens a 督办 on a hotspot matter by itself', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });

    // when
    await s.engine.publishMessage({ name: 'supervision-requested', correlationKey: '', variables: { petitionId: 'P-HOT', unitId: 'u-market', unitGroup: 'unit:u-market', supervisionTrigger: '二' } });
    await s.idle();

    // then
    expect((await s.task('Task_ChooseSupervision')).variables.supervisionTrigger).toBe('二');
  });
});
