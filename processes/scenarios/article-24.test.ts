import { it, expect, afterEach } from '@jest/globals';
import { createScenario, sent, type Scenario } from './scenario.js';
import { describeOnEngines } from './engines.js';

describeOnEngines('第二十四条 督办方式', (engine) => {
  let s: Scenario;
  afterEach(() => s?.close());

  async function open() {
    await s.engine.publishMessage({ name: 'supervision-requested', correlationKey: '', variables: { petitionId: 'P-HOT', unitId: 'u-market', unitGroup: 'unit:u-market', supervisionTrigger: '二' } });
    await s.idle();
  }

  it('第二十四条(一) an SMS to the unit’s 分管领导: finish within 2 working days, reminded when late', async () => {
    // given: Monday 03-02
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    await open();

    // when
    await s.complete('Task_ChooseSupervision', { supervisionTrigger: '二', supervisionMethod: '一' });

    // then
    expect((await sent(s, 'supervision-sms')).map((m) => m.recipientKind)).toEqual(['unit-leader']);
    const task = await s.task('Task_HandleSupervision');
    expect(task.variables.supervisionDueAt).toBe('2026-03-04T16:00:00.000Z');
    s.clock.set('2026-03-04T16:00:00.000Z');
    await s.idle();
    expect((await sent(s, 'supervision-overdue')).length).toBe(1);
  });

  it('第二十四条(三) on-site coordination: finish within the limit set there', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    await open();

    // when
    await s.complete('Task_ChooseSupervision', { supervisionTrigger: '二', supervisionMethod: '三', supervisionLimitDays: 5 });

    // then
    expect((await s.task('Task_HandleSupervision')).variables.supervisionDueAt).toBe('2026-03-09T16:00:00.000Z');
  });
});
