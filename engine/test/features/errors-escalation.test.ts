import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, instanceOf, endsReached, type TestEngine } from '../harness.js';
import { BusinessError } from '../../errors.js';
import type { EnginePort } from '../../port.js';

describe('BPMN errors and escalations', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  const instance = (key: string) => instanceOf(engine, key);


  describe('error boundary event', () => {
    it('given a worker that throws a BusinessError with the modelled code, when the job runs, then the boundary catches it, the task is terminated and the error path ends the instance', async () => {
      // given
      let calls = 0;
      engine.registerWorker('verify-identity', () => {
        calls++;
        throw new BusinessError('IDENTITY_REJECTED', 'name does not match the ID card');
      });
      await t.deploy('error-boundary.bpmn');

      // when
      const ref = await engine.start('error-boundary', { petitionId: 'P-1' });
      await t.idle();

      // then
      expect(calls).toBe(1);
      expect((await instance(ref.processInstanceKey)).state).toBe('completed');
      expect(await engine.listJobs({ processInstanceKey: ref.processInstanceKey })).toEqual([]);
      expect(await engine.listIncidents({ processInstanceKey: ref.processInstanceKey })).toEqual([]);
      const history = await engine.getHistory(ref.processInstanceKey);
      expect(history.filter((e) => e.elementId === 'Task_VerifyIdentity' && (e.event === 'completed' || e.event === 'terminated')).map((e) => e.event)).toEqual(['terminated']);
      expect(history.some((e) => e.elementId === 'Event_IdentityRejected' && e.event === 'completed')).toBe(true);
      expect(endsReached(history)).toEqual(['End_Rejected']);
    });

    it('given a BusinessError carrying variables, when the boundary catches it, then those variables reach the process', async () => {
      // given
      engine.registerWorker('verify-identity', () => {
        throw new BusinessError('IDENTITY_REJECTED', 'mismatch', { rejectReason: 'name mismatch' });
      });
      await t.deploy('error-boundary.bpmn');

      // when
      const ref = await engine.start('error-boundary', { petitionId: 'P-2' });
      await t.idle();

      // then
      const done = await instance(ref.processInstanceKey);
      expect(done.state).toBe('completed');
      expect(done.variables).toEqual({ petitionId: 'P-2', rejectReason: 'name mismatch' });
    });

    it('given a worker that throws a BusinessError with a code nobody catches, when the job runs, then an UNHANDLED_ERROR_EVENT incident is raised on the task without retries', async () => {
      // given
      let calls = 0;
      engine.registerWorker('verify-identity', () => {
        calls++;
        throw new BusinessError('DUPLICATE_PETITION');
      });
      await t.deploy('error-boundary.bpmn');

      // when
      const ref = await engine.start('error-boundary', {});
      await t.idle();
      t.clock.advance(10_000);
      await t.idle();

      // then
      expect(calls).toBe(1);
      const waiting = await instance(ref.processInstanceKey);
      expect(waiting.state).toBe('incident');
      const incidents = await engine.listIncidents({ processInstanceKey: ref.processInstanceKey });
      expect(incidents).toHaveLength(1);
      expect(incidents[0]).toMatchObject({ elementId: 'Task_VerifyIdentity', errorType: 'UNHANDLED_ERROR_EVENT', state: 'active' });
      expect(incidents[0].errorMessage).toContain('DUPLICATE_PETITION');
      expect(endsReached(await engine.getHistory(ref.processInstanceKey))).toEqual([]);
    });

    it('given a worker that succeeds, when the job runs, then the normal path is taken and the boundary never activates', async () => {
      // given
      engine.registerWorker('verify-identity', () => ({ verified: true }));
      await t.deploy('error-boundary.bpmn');

      // when
      const ref = await engine.start('error-boundary', {});
      await t.idle();

      // then
      const history = await engine.getHistory(ref.processInstanceKey);
      expect(history.some((e) => e.elementId === 'Event_IdentityRejected')).toBe(false);
      expect(endsReached(history)).toEqual(['End_Verified']);
      expect((await instance(ref.processInstanceKey)).variables).toEqual({ verified: true });
    });
  });

  describe('escalation', () => {
    it('given an escalation thrown inside a sub-process, when a non-interrupting boundary catches it, then the supervisor path runs while the sub-process keeps going', async () => {
      // given
      let notified = 0;
      engine.registerWorker('notify-supervisor', () => {
        notified++;
        return { supervisorNotified: true };
      });
      await t.deploy('escalation.bpmn');

      // when
      const ref = await engine.start('escalation', { petitionId: 'P-5' });
      await t.idle();

      // then
      expect(notified).toBe(1);
      expect((await instance(ref.processInstanceKey)).state).toBe('active');
      const tasks = await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey });
      expect(tasks.map((x) => [x.elementId, x.state])).toEqual([['Task_ContinueHandling', 'created']]);
      const history = await engine.getHistory(ref.processInstanceKey);
      expect(history.some((e) => e.elementId === 'Event_OverdueEscalated' && e.event === 'completed')).toBe(true);
      expect(history.some((e) => e.elementId === 'SubProcess_Handle' && e.event === 'terminated')).toBe(false);
      expect(endsReached(history)).toEqual(['End_SupervisorNotified']);

      // when the handling task is completed
      await engine.completeUserTask(tasks[0].userTaskKey, { handled: true });
      await t.idle();

      // then
      const done = await instance(ref.processInstanceKey);
      expect(done.state).toBe('completed');
      expect(done.variables).toEqual({ petitionId: 'P-5', supervisorNotified: true, handled: true });
      expect(endsReached(await engine.getHistory(ref.processInstanceKey))).toEqual([
        'End_SupervisorNotified',
        'End_HandlingDone',
        'End_Handled',
      ]);
    });
  });
});
