import { it, expect, afterEach } from '@jest/globals';
import { createScenario, sent, type Scenario } from './scenario.js';
import { describeOnEngines } from './engines.js';

describeOnEngines('第八条 不予受理', (engine) => {
  let s: Scenario;
  afterEach(() => s?.close());

  it('第八条 a matter for 110 is not accepted: the petitioner is told why and to call 110, and the case ends', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit({ category: 'help', title: '家中被盗' });

    // when
    await s.complete('Task_ScreenPetition', { inScope: false, outOfScopeItem: '二', emergencyNumber: '110', rejectionNote: '属于警务类紧急事项' });

    // then
    expect(await s.open()).toEqual([]);
    expect(await s.status(petitionId)).toBe('rejected');
    const [rejected] = await sent(s, 'petition-rejected');
    expect(rejected.recipientKind).toBe('petitioner');
    expect(JSON.stringify(rejected.payload)).toContain('110');
    expect((await s.instances('petition-lifecycle')).map((i) => i.state)).toEqual(['completed']);
  });
});
