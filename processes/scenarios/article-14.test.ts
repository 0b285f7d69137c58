import { it, expect, afterEach } from '@jest/globals';
import { createScenario, dispatchAndSign, sent, type Scenario } from './scenario.js';
import { describeOnEngines } from './engines.js';

describeOnEngines('第十四条 延期', (engine) => {
  let s: Scenario;
  afterEach(() => s?.close());

  async function requestExtension(petitionId: string, days = 3) {
    await s.publish('extension-requested', petitionId, { extensionDays: days, extensionReason: '需现场勘查' });
  }

  it('第十四条 an approved extension moves the finish deadline and its warning timers, and the petitioner is told', async () => {
    // given: a complaint due Monday 03-09 24:00 (blue on 03-10 24:00)
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit({ category: 'complaint' });
    await dispatchAndSign(s);

    // when: 3 more working days are asked for and approved
    await requestExtension(petitionId, 3);
    await s.complete('Task_ReviewExtension', { extensionApproved: true, extensionDays: 3 });

    // then: due Thursday 03-12; the old blue instant passes without a warning, the new one raises it
    const v = await s.handling(petitionId);
    expect([v.finishDueAt, v.blueAt, v.extensionCount]).toEqual(['2026-03-12T16:00:00.000Z', '2026-03-13T16:00:00.000Z', 1]);
    expect((await sent(s, 'extension-approved')).map((m) => m.recipientKind)).toEqual(['petitioner']);
    expect(await s.open()).toEqual(['Task_ContactPetitioner']);
    s.clock.set('2026-03-11T00:00:00.000Z');
    await s.idle();
    expect(await s.ledger.listForPetition(petitionId)).toEqual([]);
    s.clock.set('2026-03-13T16:00:00.000Z');
    await s.idle();
    expect((await s.ledger.listForPetition(petitionId)).map((r) => r.level)).toEqual(['blue']);
  });

  it('第十四条 a third extension request is refused at once with the reason, and no review task is made', async () => {
    // given: two approved extensions
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit({ category: 'complaint' });
    await dispatchAndSign(s);
    for (let i = 0; i < 2; i++) {
      await requestExtension(petitionId, 2);
      await s.complete('Task_ReviewExtension', { extensionApproved: true, extensionDays: 2 });
    }

    // when
    await requestExtension(petitionId, 2);

    // then
    const v = await s.handling(petitionId);
    expect([v.extensionCount, v.extensionAllowed]).toEqual([2, false]);
    expect(v.extensionRefusal).toMatch(/2 次/);
    expect(await s.open()).toEqual(['Task_ContactPetitioner']);
    expect((await sent(s, 'extension-refused')).length).toBe(1);
  });

  it('第十四条 a 突发 matter cannot be extended', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit({ category: 'help', urgent: true });
    await dispatchAndSign(s);

    // when
    await requestExtension(petitionId);

    // then
    const v = await s.handling(petitionId);
    expect(v.extensionAllowed).toBe(false);
    expect(v.extensionRefusal).toMatch(/突发/);
    expect(await s.open()).toEqual(['Task_ContactPetitioner']);
  });

  it('第十四条 a refused extension leaves the deadline as it was', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit({ category: 'complaint' });
    await dispatchAndSign(s);
    await requestExtension(petitionId);

    // when
    await s.complete('Task_ReviewExtension', { extensionApproved: false, extensionReviewReason: '理由不充分' });

    // then
    const v = await s.handling(petitionId);
    expect([v.finishDueAt, v.extensionCount ?? 0]).toEqual(['2026-03-09T16:00:00.000Z', 0]);
    expect((await sent(s, 'extension-refused')).length).toBe(1);
  });
});
