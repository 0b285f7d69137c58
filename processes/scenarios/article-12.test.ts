import { it, expect, afterEach } from '@jest/globals';
import { createScenario, sent, type Scenario } from './scenario.js';
import { describeOnEngines } from './engines.js';
import { personRef } from '../../server/data/units-repository.js';

describeOnEngines('第十二条 共同办理', (engine) => {
  let s: Scenario;
  afterEach(() => s?.close());

  it('第十二条 a matter spanning several units goes to a lead unit, and the co-handling units are told', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    await s.submit({ category: 'complaint' });
    await s.complete('Task_ScreenPetition', { inScope: true, isMajor: false });

    // when
    await s.complete('Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'joint', coUnitIds: ['u-market', 'u-water'], coordinationNote: '镇政府牵头,市场监管局、自来水公司协办' });

    // then
    const joint = await sent(s, 'case-joint');
    const contacts = await Promise.all(['u-market', 'u-water'].map(async (u) => personRef((await s.units.personInRole(u, 'contact'))!.id)));
    expect(joint.map((m) => m.recipientRef).sort()).toEqual(contacts.sort());
    expect((await s.task('Task_SignOrReturn')).candidateGroups).toEqual(['unit:u-longnan']);
  });
});
