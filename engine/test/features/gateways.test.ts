import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, instanceOf, endsReached, type TestEngine } from '../harness.js';
import type { EnginePort } from '../../port.js';

describe('gateways', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  const instance = (key: string) => instanceOf(engine, key);

  /** ids of the end events an instance completed, in order */

  describe('exclusive gateway', () => {
    it.each([
      [5000, 'End_DirectorApproval'],
      [1000, 'End_ManagerApproval'],
      [500, 'End_ManagerApproval'],
      [100, 'End_ClerkApproval'],
      [0, 'End_ClerkApproval'],
    ])(
      'given FEEL conditions and a default flow, when the amount is %d, then only the first matching flow is taken (%s)',
      async (amount, expectedEnd) => {
        // given
        await t.deploy('amount-routing.bpmn');

        // when
        const ref = await engine.start('amount-routing', { amount });
        await t.idle();

        // then
        expect((await instance(ref.processInstanceKey)).state).toBe('completed');
        expect(endsReached(await engine.getHistory(ref.processInstanceKey))).toEqual([expectedEnd]);
      },
    );

    it('given a gateway without default flow, when no condition is true, then an incident is raised on the gateway and the instance waits', async () => {
      // given
      await t.deploy('decision-routing.bpmn');

      // when
      const ref = await engine.start('decision-routing', { decision: 'maybe' });
      await t.idle();

      // then
      const waiting = await instance(ref.processInstanceKey);
      expect(waiting.state).toBe('incident');
      expect(waiting.endedAt).toBeUndefined();
      const incidents = await engine.listIncidents({ processInstanceKey: ref.processInstanceKey });
      expect(incidents).toHaveLength(1);
      expect(incidents[0]).toMatchObject({
        processId: 'decision-routing',
        elementId: 'Gateway_Decision',
        errorType: 'CONDITION_ERROR',
        state: 'active',
      });
      expect(endsReached(await engine.getHistory(ref.processInstanceKey))).toEqual([]);
    });

    it('given a gateway incident because no condition was true, when the variable is fixed and the incident retried, then the instance continues on the matching flow', async () => {
      // given
      await t.deploy('decision-routing.bpmn');
      const ref = await engine.start('decision-routing', { decision: 'maybe' });
      await t.idle();
      const [incident] = await engine.listIncidents({ processInstanceKey: ref.processInstanceKey, state: 'active' });

      // when
      await engine.setVariables(ref.processInstanceKey, { decision: 'reject' });
      await engine.retryIncident(incident.incidentKey);
      await t.idle();

      // then
      const done = await instance(ref.processInstanceKey);
      expect(done.state).toBe('completed');
      expect(done.variables).toEqual({ decision: 'reject' });
      expect(endsReached(await engine.getHistory(ref.processInstanceKey))).toEqual(['End_Rejected']);
      const after = await engine.listIncidents({ processInstanceKey: ref.processInstanceKey });
      expect(after.map((i) => [i.incidentKey, i.state])).toEqual([[incident.incidentKey, 'resolved']]);
    });

    it('given a condition on a missing variable, when the gateway evaluates it, then an incident is raised even though a default flow exists, and never a silent default', async () => {
      // given
      await t.deploy('amount-routing.bpmn');

      // when
      const ref = await engine.start('amount-routing', { requester: 'zhao' });
      await t.idle();

      // then
      expect((await instance(ref.processInstanceKey)).state).toBe('incident');
      const incidents = await engine.listIncidents({ processInstanceKey: ref.processInstanceKey, state: 'active' });
      expect(incidents.map((i) => i.elementId)).toEqual(['Gateway_AmountCheck']);
      expect(endsReached(await engine.getHistory(ref.processInstanceKey))).toEqual([]);

      // when the variable is set and the incident retried
      await engine.setVariables(ref.processInstanceKey, { amount: 2000 });
      await engine.retryIncident(incidents[0].incidentKey);
      await t.idle();

      // then
      expect((await instance(ref.processInstanceKey)).state).toBe('completed');
      expect(endsReached(await engine.getHistory(ref.processInstanceKey))).toEqual(['End_DirectorApproval']);
    });
  });

  describe('parallel gateway', () => {
    it('given a fork into two service tasks, when both complete, then the join fires once and the next task sees both results', async () => {
      // given
      const decideSaw: Array<Record<string, unknown>> = [];
      engine.registerWorker('check-legal', () => ({ legalOk: true }));
      engine.registerWorker('check-budget', () => ({ budgetOk: false }));
      engine.registerWorker('decide', (v) => {
        decideSaw.push(v);
        return { approved: v.legalOk === true && v.budgetOk === true };
      });
      await t.deploy('parallel-review.bpmn');

      // when
      const ref = await engine.start('parallel-review', { requestId: 'R-1' });
      await t.idle();

      // then
      expect(decideSaw).toEqual([{ requestId: 'R-1', legalOk: true, budgetOk: false }]);
      const done = await instance(ref.processInstanceKey);
      expect(done.state).toBe('completed');
      expect(done.variables).toEqual({ requestId: 'R-1', legalOk: true, budgetOk: false, approved: false });
      const history = await engine.getHistory(ref.processInstanceKey);
      expect(history.filter((e) => e.elementId === 'Gateway_Join' && e.event === 'completed')).toHaveLength(1);
      expect(history.filter((e) => e.elementId === 'Task_Decide' && e.event === 'activated')).toHaveLength(1);
      expect(endsReached(history)).toEqual(['End_Decided']);
    });

    it('given a fork where only one branch can finish, when the engine idles, then the join keeps waiting and the task after it is not reached', async () => {
      // given
      let decided = 0;
      engine.registerWorker('check-legal', () => ({ legalOk: true }));
      engine.registerWorker('decide', () => {
        decided++;
        return {};
      });
      await t.deploy('parallel-review.bpmn');
      const ref = await engine.start('parallel-review', {});

      // when
      await t.idle();

      // then
      expect(decided).toBe(0);
      expect((await instance(ref.processInstanceKey)).state).toBe('active');
      const jobs = await engine.listJobs({ processInstanceKey: ref.processInstanceKey });
      expect(jobs.map((j) => j.elementId)).toEqual(['Task_CheckBudget']);
      const history = await engine.getHistory(ref.processInstanceKey);
      expect(history.some((e) => e.elementId === 'Task_Decide')).toBe(false);

      // when the other branch finishes
      engine.registerWorker('check-budget', () => ({ budgetOk: true }));
      await t.idle();

      // then
      expect(decided).toBe(1);
      expect((await instance(ref.processInstanceKey)).state).toBe('completed');
    });
  });

  describe('event-based gateway', () => {
    it('given a wait for a reply or a 24 h deadline, when the reply arrives first, then the message path is taken and the timer never fires', async () => {
      // given
      await t.deploy('event-gateway.bpmn');
      const ref = await engine.start('event-gateway', { caseId: 'C-1' });
      await t.idle();

      // when
      t.clock.advance(60 * 60_000);
      const published = await engine.publishMessage({
        name: 'reply-received',
        correlationKey: 'C-1',
        variables: { reply: 'fixed' },
      });
      await t.idle();
      t.clock.advanceDays(2);
      await t.idle();

      // then
      expect(published.correlatedInstanceKeys).toEqual([ref.processInstanceKey]);
      const done = await instance(ref.processInstanceKey);
      expect(done.state).toBe('completed');
      expect(done.variables).toEqual({ caseId: 'C-1', reply: 'fixed' });
      const history = await engine.getHistory(ref.processInstanceKey);
      expect(endsReached(history)).toEqual(['End_Replied']);
      expect(history.filter((e) => e.event === 'timer-fired')).toEqual([]);
    });

    it('given a wait for a reply or a 24 h deadline, when 24 h pass without a reply, then the timer path is taken on time and a late reply correlates to nothing', async () => {
      // given
      await t.deploy('event-gateway.bpmn');
      const ref = await engine.start('event-gateway', { caseId: 'C-2' });
      await t.idle();

      // when
      t.clock.advance(24 * 60 * 60_000 - 60_000);
      await t.idle();
      const beforeDeadline = await instance(ref.processInstanceKey);
      t.clock.advance(60_000);
      await t.idle();
      const late = await engine.publishMessage({ name: 'reply-received', correlationKey: 'C-2', timeToLive: 0 });

      // then
      expect(beforeDeadline.state).toBe('active');
      const done = await instance(ref.processInstanceKey);
      expect(done.state).toBe('completed');
      const history = await engine.getHistory(ref.processInstanceKey);
      expect(endsReached(history)).toEqual(['End_NoReply']);
      const fired = history.filter((e) => e.event === 'timer-fired');
      expect(fired.map((e) => [e.elementId, e.at.toISOString()])).toEqual([['Event_ReplyOverdue', '2026-03-03T01:00:00.000Z']]);
      expect(late.correlatedInstanceKeys).toEqual([]);
      expect(history.some((e) => e.event === 'message-correlated')).toBe(false);
    });
  });
});
