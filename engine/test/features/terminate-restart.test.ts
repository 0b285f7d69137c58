import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, type TestEngine } from '../harness.js';
import type { UserTaskEvent } from '../../port.js';

describe('terminate end event, and parallel and event-based waits across a restart', () => {
  let t: TestEngine;
  beforeEach(async () => {
    t = await createTestEngine();
  });
  afterEach(() => t.close());

  it('given two open tasks in parallel, when the withdrawal branch reaches a terminate end event, then the instance completes and the other task is canceled and terminated', async () => {
    // given
    await t.deploy('terminate-end.bpmn');
    const events: UserTaskEvent[] = [];
    t.engine.onUserTask((e) => {
      events.push(e);
    });
    const ref = await t.engine.start('terminate-end', {});
    const tasks = await t.engine.listUserTasks({ processInstanceKey: ref.processInstanceKey, state: 'created' });
    expect(tasks.map((x) => x.elementId).sort()).toEqual(['Task_ConfirmWithdrawal', 'Task_Handle']);

    // when
    await t.engine.completeUserTask(tasks.find((x) => x.elementId === 'Task_ConfirmWithdrawal')!.userTaskKey, { withdrawn: true });
    await new Promise((r) => setImmediate(r));

    // then
    expect((await t.engine.getProcessInstance(ref.processInstanceKey))?.state).toBe('completed');
    const after = await t.engine.listUserTasks({ processInstanceKey: ref.processInstanceKey });
    expect(after.map((x) => [x.elementId, x.state]).sort()).toEqual([
      ['Task_ConfirmWithdrawal', 'completed'],
      ['Task_Handle', 'canceled'],
    ]);
    expect(events.filter((e) => e.type === 'canceled').map((e) => e.task.elementId)).toEqual(['Task_Handle']);
    const history = await t.engine.getHistory(ref.processInstanceKey);
    expect(history.filter((e) => e.elementId === 'Task_Handle').map((e) => e.event)).toEqual(['activated', 'terminated']);
    expect(history.some((e) => e.elementId === 'End_Handled')).toBe(false);
  });

  it('given one parallel branch done and the other waiting at its task, when the engine restarts and the task completes, then the join fires once', async () => {
    // given
    await t.deploy('terminate-end.bpmn');
    const ref = await t.engine.start('terminate-end', {});
    const [handle] = (await t.engine.listUserTasks({ processInstanceKey: ref.processInstanceKey })).filter((x) => x.elementId === 'Task_Handle');
    await t.engine.completeUserTask(handle.userTaskKey, { handled: true });

    // when
    const engine = await t.restart();
    const [withdraw] = await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey, state: 'created' });
    await engine.completeUserTask(withdraw.userTaskKey, {});

    // then
    const done = await engine.getProcessInstance(ref.processInstanceKey);
    expect(done?.state).toBe('completed');
    expect(done?.variables).toEqual({ handled: true });
    const ends = (await engine.getHistory(ref.processInstanceKey)).filter((e) => e.elementType === 'bpmn:EndEvent' && e.event === 'completed');
    expect(ends.map((e) => e.elementId)).toEqual(['End_Handled', 'End_Withdrawn']);
  });

  it('given an instance waiting at an event-based gateway for a reply or a 24 h deadline, when the engine restarts and the deadline passes, then the timer path is taken on time', async () => {
    // given
    await t.deploy('event-gateway.bpmn');
    const ref = await t.engine.start('event-gateway', { caseId: 'C-9' });
    await t.idle();
    t.clock.advance(12 * 60 * 60_000);

    // when
    const engine = await t.restart();
    t.clock.advance(12 * 60 * 60_000 - 60_000);
    await t.idle();
    const beforeDeadline = (await engine.getHistory(ref.processInstanceKey)).filter((e) => e.event === 'timer-fired');
    t.clock.advance(60_000);
    await t.idle();
    const late = await engine.publishMessage({ name: 'reply-received', correlationKey: 'C-9', variables: { reply: 'late' } });

    // then
    expect(beforeDeadline).toEqual([]);
    const fired = (await engine.getHistory(ref.processInstanceKey)).filter((e) => e.event === 'timer-fired');
    expect(fired.map((e) => e.at.toISOString())).toEqual(['2026-03-03T01:00:00.000Z']);
    expect(late.correlatedInstanceKeys).toEqual([]);
    expect((await engine.getProcessInstance(ref.processInstanceKey))?.state).toBe('completed');
  });
});
