import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, type TestEngine } from '../harness.js';
import { ConflictError } from '../../errors.js';
import type { EnginePort, UserTaskEvent } from '../../port.js';

describe('cancel a process instance', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  it('given an instance waiting at a user task, when it is canceled, then it is canceled, its task is canceled with an event, and the task can no longer be completed', async () => {
    // given
    const events: UserTaskEvent[] = [];
    engine.onUserTask((e) => {
      events.push(e);
    });
    await t.deploy('user-task.bpmn');
    const ref = await engine.start('user-task', { reviewer: 'x' });
    await t.idle();
    const [task] = await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey });

    // when
    t.clock.advance(1000);
    await engine.cancel(ref.processInstanceKey);
    await t.idle();

    // then
    const canceled = await engine.getProcessInstance(ref.processInstanceKey);
    expect(canceled?.state).toBe('canceled');
    expect(canceled?.endedAt?.toISOString()).toBe('2026-03-02T01:00:01.000Z');
    expect(events.map((e) => [e.type, e.task.userTaskKey])).toEqual([
      ['created', task.userTaskKey],
      ['canceled', task.userTaskKey],
    ]);
    expect((await engine.getUserTask(task.userTaskKey))?.state).toBe('canceled');
    await expect(engine.completeUserTask(task.userTaskKey, {})).rejects.toBeInstanceOf(ConflictError);
    const history = await engine.getHistory(ref.processInstanceKey);
    expect(history.filter((e) => e.elementId === 'Task_ReviewPetition').map((e) => e.event)).toEqual(['activated', 'terminated']);
    expect(history.some((e) => e.elementId === 'End_PetitionReviewed')).toBe(false);
  });

  it('given an instance with an activatable job, when it is canceled, then the job is gone and a worker registered later never runs it', async () => {
    // given
    await t.deploy('service-task.bpmn');
    const ref = await engine.start('service-task', {});
    await t.idle();
    expect(await engine.listJobs({ processInstanceKey: ref.processInstanceKey })).toHaveLength(1);

    // when
    await engine.cancel(ref.processInstanceKey);
    let calls = 0;
    engine.registerWorker('compute-total', () => {
      calls++;
      return {};
    });
    await t.idle();

    // then
    expect(await engine.listJobs({ processInstanceKey: ref.processInstanceKey })).toEqual([]);
    expect(calls).toBe(0);
    expect((await engine.getProcessInstance(ref.processInstanceKey))?.state).toBe('canceled');
  });

  it('given an instance waiting at a timer, when it is canceled, then the timer never fires', async () => {
    // given
    await t.deploy('timer-intermediate.bpmn');
    const ref = await engine.start('timer-intermediate', { dueAt: '2026-03-02T02:00:00.000Z' });

    // when
    await engine.cancel(ref.processInstanceKey);
    t.clock.advanceDays(1);
    await t.idle();

    // then
    expect((await engine.getProcessInstance(ref.processInstanceKey))?.state).toBe('canceled');
    expect((await engine.getHistory(ref.processInstanceKey)).some((e) => e.event === 'timer-fired')).toBe(false);
  });

  it('given an instance waiting for a message, when it is canceled, then a matching message correlates to nothing', async () => {
    // given
    await t.deploy('message-catch.bpmn');
    const ref = await engine.start('message-catch', { orderId: 'O-1' });

    // when
    await engine.cancel(ref.processInstanceKey);
    const result = await engine.publishMessage({ name: 'payment-received', correlationKey: 'O-1', timeToLive: 0 });

    // then
    expect(result.correlatedInstanceKeys).toEqual([]);
    expect((await engine.getProcessInstance(ref.processInstanceKey))?.state).toBe('canceled');
  });

  it("given the app's writes with the cancel (transactional), then they commit with it; when they throw, the instance keeps running", async () => {
    // given
    await t.deploy('user-task.bpmn');
    await t.db.sequelize.query('CREATE TABLE cancel_marks (k VARCHAR(64) PRIMARY KEY)');
    const kept = await engine.start('user-task', { reviewer: 'a' });
    const canceled = await engine.start('user-task', { reviewer: 'b' });
    await t.idle();

    // when: the app's write is refused
    await expect(
      engine.cancel(kept.processInstanceKey, {
        transactional: async (tx) => {
          await t.db.sequelize.query("INSERT INTO cancel_marks (k) VALUES ('kept')", { transaction: tx });
          throw new Error('the mark was refused');
        },
      }),
    ).rejects.toThrow('the mark was refused');
    await engine.cancel(canceled.processInstanceKey, { transactional: async (tx) => void (await t.db.sequelize.query("INSERT INTO cancel_marks (k) VALUES ('canceled')", { transaction: tx })) });

    // then
    expect((await engine.getProcessInstance(kept.processInstanceKey))?.state).toBe('active');
    expect((await engine.listUserTasks({ processInstanceKey: kept.processInstanceKey, state: 'created' })).length).toBe(1);
    expect((await engine.getProcessInstance(canceled.processInstanceKey))?.state).toBe('canceled');
    const [rows] = await t.db.sequelize.query('SELECT k FROM cancel_marks');
    expect(rows).toEqual([{ k: 'canceled' }]);
  });

  it('given two waiting instances, when one is canceled, then the other is untouched', async () => {
    // given
    await t.deploy('user-task.bpmn');
    const a = await engine.start('user-task', { reviewer: 'a' });
    const b = await engine.start('user-task', { reviewer: 'b' });
    await t.idle();

    // when
    await engine.cancel(a.processInstanceKey);

    // then
    expect((await engine.getProcessInstance(b.processInstanceKey))?.state).toBe('active');
    const open = await engine.listUserTasks({ state: 'created' });
    expect(open.map((x) => x.processInstanceKey)).toEqual([b.processInstanceKey]);
  });
});
