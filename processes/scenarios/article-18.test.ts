import { it, expect, afterEach } from '@jest/globals';
import { createScenario, dispatchAndSign, replyAndSignOff, type Scenario } from './scenario.js';
import { describeOnEngines } from './engines.js';

describeOnEngines('第十八条 重办', (engine) => {
  let s: Scenario;
  afterEach(() => s?.close());

  async function sentBack() {
    const petitionId = await s.submit();
    await dispatchAndSign(s);
    await replyAndSignOff(s);
    await s.complete('Task_ReviewReply', { reviewApproved: true, publishable: true });
    await s.publish('rating-submitted', petitionId, { rating: 'very-unsatisfied' });
    return petitionId;
  }

  it('第十八条 a redo with a written statement of duty performed is rated again; still unsatisfied goes to the platform to judge', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await sentBack();

    // when
    await s.complete('Task_Redo', { redoOutcome: 'statement', redoReplyText: '诉求超出政策范围', statementDocument: 'doc-1', statementExplanation: '已向诉求人说明' });
    await s.publish('rating-submitted', petitionId, { rating: 'unsatisfied' });

    // then: only one redo; the platform judges whether the unit is to blame
    expect(await s.open()).toEqual(['Task_JudgeAttribution']);
  });

  it('第十八条 a redo that satisfies the petitioner closes the case', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await sentBack();

    // when
    await s.complete('Task_Redo', { redoOutcome: 'handle-again', redoReplyText: '已再次上门处理' });
    await s.publish('rating-submitted', petitionId, { rating: 'basically-satisfied' });

    // then
    expect(await s.open()).toEqual([]);
    expect(await s.status(petitionId)).toBe('closed');
  });
});
