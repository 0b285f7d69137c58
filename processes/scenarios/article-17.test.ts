import { it, expect, afterEach } from '@jest/globals';
import { createScenario, dispatchAndSign, replyAndSignOff, type Scenario } from './scenario.js';
import { describeOnEngines } from './engines.js';

describeOnEngines('第十七条 满意度评价', (engine) => {
  let s: Scenario;
  afterEach(() => s?.close());

  async function replied() {
    const petitionId = await s.submit();
    await dispatchAndSign(s);
    await replyAndSignOff(s);
    await s.complete('Task_ReviewReply', { reviewApproved: true, publishable: true });
    return petitionId;
  }

  it('第十七条 a satisfied rating closes the case', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await replied();

    // when
    await s.publish('rating-submitted', petitionId, { rating: 'satisfied', ratingComment: '处理及时' });

    // then
    expect(await s.open()).toEqual([]);
    expect(await s.status(petitionId)).toBe('closed');
  });

  it('第十七条 no rating within 5 working days of the reply is recorded as not rated, and the case closes', async () => {
    // given: replied Monday 03-02; 5 working days end Monday 03-09 24:00
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await replied();

    // when
    s.clock.set('2026-03-09T15:59:00.000Z');
    await s.idle();
    const before = await s.status(petitionId);
    s.clock.set('2026-03-09T16:00:00.000Z');
    await s.idle();

    // then
    expect(before).toBe('replied');
    const [evaluation] = await s.instances('evaluation');
    expect(await s.completedAt(evaluation.processInstanceKey, 'Task_StatusNotRated')).toEqual(['2026-03-09T16:00:00.000Z']);
    expect(await s.status(petitionId)).toBe('closed');
  });

  it('第十七条 a first 不满意 sends the case back to the unit for one redo within 5 working days', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await replied();

    // when
    await s.publish('rating-submitted', petitionId, { rating: 'unsatisfied' });

    // then
    const redo = await s.task('Task_Redo');
    expect([redo.formId, redo.candidateGroups, redo.variables.redoDueAt]).toEqual(['redo-handling', ['unit:u-longnan'], '2026-03-09T16:00:00.000Z']);
  });
});
