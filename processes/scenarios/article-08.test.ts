import { describe, it, expect, afterEach } from '@jest/globals';
import { createScenario, sent, type Scenario } from './scenario.js';

describe('第八条 不予受理', () => {
  let s: Scenario;
  afterEach(() => s.close());

  it('第八条 a matter for 110 is not accepted: the petitioner is told why and to call 110, and the case ends', async () => {
    // given
    s = await createScenario({ start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit({ category: 'help', title: '家中被盗' });

    // when
    await s.complete('Task_ScreenPetition', { inScope: false, outOfScopeItem: '二', emergencyNumber: '110', rejectionNote: '属于警务类紧急事项' });

    // then
    expect(await s.open()).toEqual([]);
    expect(await s.status(petitionId)).toBe('rejected');
    const [rejected] = await sent(s, 'petition-rejected');
    expect(rejected.recipientKind).toBe('petitioner');
    expect(JSON.stringify(rejected.payload)).toContain('110');
    const [lifecycle] = await s.t.db.sequelize.query("SELECT state FROM engine_instances WHERE process_id = 'petition-lifecycle'", { type: 'SELECT' as any });
    expect(lifecycle).toEqual({ state: 'completed' });
  });
});
