import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, type TestEngine } from '../harness.js';
import type { EnginePort, HistoryEvent } from '../../port.js';

describe('instance history', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  /** elementId:event for the elements of the diagram (not the process itself, not variable updates) */
  function trail(history: HistoryEvent[]): string[] {
    return history
      .filter((e) => e.elementType !== 'bpmn:Process' && e.elementType !== 'bpmn:SequenceFlow' && e.event !== 'variables-updated')
      .map((e) => `${e.elementId}:${e.event}`);
  }

  it('given a start → service task → end process, when it runs, then the history lists every element event in order with its element type', async () => {
    // given
    engine.registerWorker('compute-total', () => ({ total: 1 }));
    await t.deploy('service-task.bpmn');

    // when
    const ref = await engine.start('service-task', {});
    t.clock.advance(5000);
    await t.idle();

    // then
    const history = await engine.getHistory(ref.processInstanceKey);
    expect(trail(history)).toEqual([
      'Start_OrderReceived:activated',
      'Start_OrderReceived:completed',
      'Task_ComputeTotal:activated',
      'Task_ComputeTotal:job-created',
      'Task_ComputeTotal:job-completed',
      'Task_ComputeTotal:completed',
      'End_TotalComputed:activated',
      'End_TotalComputed:completed',
    ]);
    const typeOf = new Map(history.map((e) => [e.elementId, e.elementType]));
    expect(typeOf.get('Start_OrderReceived')).toBe('bpmn:StartEvent');
    expect(typeOf.get('Task_ComputeTotal')).toBe('bpmn:ServiceTask');
    expect(typeOf.get('End_TotalComputed')).toBe('bpmn:EndEvent');
    expect(history.every((e) => e.processInstanceKey === ref.processInstanceKey)).toBe(true);
    const ids = history.map((e) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const times = history.map((e) => e.at.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const jobCreated = history.find((e) => e.event === 'job-created');
    const jobCompleted = history.find((e) => e.event === 'job-completed');
    expect(jobCreated?.at.toISOString()).toBe('2026-03-02T01:00:00.000Z');
    expect(jobCompleted?.at.toISOString()).toBe('2026-03-02T01:00:05.000Z');
  });

  it('given a waiting instance, when it goes on, then the earlier history is unchanged and new events are appended', async () => {
    // given
    await t.deploy('user-task.bpmn');
    const ref = await engine.start('user-task', { reviewer: 'x' });
    await t.idle();
    const before = await engine.getHistory(ref.processInstanceKey);

    // when
    const [task] = await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey });
    await engine.completeUserTask(task.userTaskKey, { ok: true });
    await t.idle();

    // then
    const after = await engine.getHistory(ref.processInstanceKey);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(trail(before)).toEqual([
      'Start_PetitionSubmitted:activated',
      'Start_PetitionSubmitted:completed',
      'Task_ReviewPetition:activated',
    ]);
    expect(trail(after.slice(before.length))).toEqual([
      'Task_ReviewPetition:completed',
      'End_PetitionReviewed:activated',
      'End_PetitionReviewed:completed',
    ]);
    expect(after.find((e) => e.elementId === 'Task_ReviewPetition')?.elementType).toBe('bpmn:UserTask');
  });

  it('given an intermediate timer, when it fires, then the history shows activated, timer-fired and completed at the due instant', async () => {
    // given
    await t.deploy('timer-intermediate.bpmn');
    const ref = await engine.start('timer-intermediate', { dueAt: '2026-03-02T02:00:00.000Z' });

    // when
    t.clock.advance(60 * 60_000);
    await t.idle();

    // then
    const timerEvents = (await engine.getHistory(ref.processInstanceKey)).filter((e) => e.elementId === 'Timer_WaitUntilDue');
    expect(timerEvents.map((e) => [e.elementType, e.event, e.at.toISOString()])).toEqual([
      ['bpmn:IntermediateCatchEvent', 'activated', '2026-03-02T01:00:00.000Z'],
      ['bpmn:IntermediateCatchEvent', 'timer-fired', '2026-03-02T02:00:00.000Z'],
      ['bpmn:IntermediateCatchEvent', 'completed', '2026-03-02T02:00:00.000Z'],
    ]);
  });

  it('given a message catch event, when the message correlates, then the history shows activated, message-correlated and completed', async () => {
    // given
    await t.deploy('message-catch.bpmn');
    const ref = await engine.start('message-catch', { orderId: 'O-1' });

    // when
    await engine.publishMessage({ name: 'payment-received', correlationKey: 'O-1' });
    await t.idle();

    // then
    expect(trail(await engine.getHistory(ref.processInstanceKey))).toEqual([
      'Start_OrderPlaced:activated',
      'Start_OrderPlaced:completed',
      'Event_PaymentReceived:activated',
      'Event_PaymentReceived:message-correlated',
      'Event_PaymentReceived:completed',
      'End_OrderPaid:activated',
      'End_OrderPaid:completed',
    ]);
  });

  it('given a job that fails once and then succeeds, when it runs, then the history shows job-failed before job-completed', async () => {
    // given
    let calls = 0;
    engine.registerWorker('compute-total', () => {
      if (++calls === 1) throw new Error('once');
      return {};
    });
    await t.deploy('service-task.bpmn');
    const ref = await engine.start('service-task', {});

    // when
    await t.idle();
    t.clock.advance(1000);
    await t.idle();

    // then
    expect(trail(await engine.getHistory(ref.processInstanceKey)).filter((s) => s.startsWith('Task_'))).toEqual([
      'Task_ComputeTotal:activated',
      'Task_ComputeTotal:job-created',
      'Task_ComputeTotal:job-failed',
      'Task_ComputeTotal:job-completed',
      'Task_ComputeTotal:completed',
    ]);
  });
});
