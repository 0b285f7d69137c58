import { it, expect, afterEach } from '@jest/globals';
import { createScenario, dispatchAndSign, sent, type Scenario } from './scenario.js';
import { describeOnEngines } from './engines.js';

describeOnEngines('第二十六条 红黄蓝预警', (engine) => {
  let s: Scenario;
  afterEach(() => s?.close());

  // a complaint dispatched Monday 03-02 is due Monday 03-09 24:00; 1, 2, 4 and 7 complete working
  // days past it are Tuesday 03-10, Wednesday 03-11, Friday 03-13 and Wednesday 03-18, each at 24:00
  const BLUE = '2026-03-10T16:00:00.000Z';
  const YELLOW = '2026-03-11T16:00:00.000Z';
  const RED = '2026-03-13T16:00:00.000Z';
  const SEVEN = '2026-03-18T16:00:00.000Z';

  it('第二十六条 a case never handled goes blue, yellow, red, then to 督查室, deducting 4.5 in total', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit({ category: 'complaint' });
    await dispatchAndSign(s);

    // when / then, step by step
    const levels = async () => (await s.ledger.listForPetition(petitionId)).map((r) => r.level);
    s.clock.set(new Date(Date.parse(BLUE) - 60_000));
    await s.idle();
    expect(await levels()).toEqual([]);
    for (const [at, expected] of [
      [BLUE, ['blue']],
      [YELLOW, ['blue', 'yellow']],
      [RED, ['blue', 'yellow', 'red']],
    ] as const) {
      s.clock.set(at);
      await s.idle();
      expect(await levels()).toEqual(expected);
    }
    expect(await s.ledger.listTransfers(petitionId)).toEqual([]);
    s.clock.set(SEVEN);
    await s.idle();

    // then
    expect(await s.ledger.totalTenthsForUnit('u-longnan')).toBe(45);
    expect((await s.ledger.listTransfers(petitionId)).length).toBe(1);
    expect((await s.ledger.listCriticisms({ petitionId })).length).toBe(1);
    const recipients = async (t: string) => (await sent(s, t)).map((m) => m.recipientKind);
    expect([await recipients('warning-blue'), await recipients('warning-yellow'), await recipients('warning-red'), await recipients('inspection-transfer')]).toEqual([
      ['unit-contact'],
      ['unit-leader'],
      ['unit-head'],
      ['inspection-office'],
    ]);
  });

  it('第二十六条 with an explanation of the delay on file, the case is not transferred to 督查室', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit({ category: 'complaint' });
    await dispatchAndSign(s);
    s.clock.set(RED);
    await s.idle();

    // when
    await s.publish('delay-explained', petitionId, { delayExplained: true, delayExplanation: '涉及多部门,需协调' });
    s.clock.set(SEVEN);
    await s.idle();

    // then
    expect(await s.ledger.listTransfers(petitionId)).toEqual([]);
    expect(await s.ledger.totalTenthsForUnit('u-longnan')).toBe(45);
    expect((await sent(s, 'delay-explained')).map((m) => m.recipientKind)).toEqual(['platform']);
  });

  it('第二十六条 a case finished in time raises no warning', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit({ category: 'complaint' });
    await dispatchAndSign(s);
    await s.complete('Task_ContactPetitioner', { contactedAt: '2026-03-02T06:00:00Z', contactMethod: 'phone', contactSummary: '已沟通' });
    await s.complete('Task_DraftReply', { reply: { result: '已处理', legalBasis: '—', contactRecord: '电话', handledAt: '2026-03-03T02:00:00Z', handlingUnit: '龙南镇' } });
    await s.complete('Task_OASignOff', { signOffApproved: true });

    // when
    s.clock.set(SEVEN);
    await s.idle();

    // then
    expect(await s.ledger.listForPetition(petitionId)).toEqual([]);
  });
});
