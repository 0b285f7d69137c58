import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, instanceOf, endsReached, type TestEngine } from '../harness.js';
import { EngineError } from '../../errors.js';
import type { EnginePort, UserTaskEvent } from '../../port.js';

const HOUR = 3_600_000;

describe('process-instance modification', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine(); // clock at 2026-03-02T01:00:00.000Z
    engine = t.engine;
  });
  afterEach(() => t.close());

  const openTasks = async (key: string) => (await engine.listUserTasks({ processInstanceKey: key, state: 'created' })).map((u) => u.elementId).sort();
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    return (err as EngineError).code;
  };

  it('given an instance at a user task, when its token is moved to the next user task, then the old task is canceled, the new one is open with its boundary timer armed from the given variables, and the timer fires when due', async () => {
    // given
    const events: UserTaskEvent[] = [];
    engine.onUserTask((e) => void events.push(e));
    await t.deploy('modify-review.bpmn');
    const ref = await engine.start('modify-review', { petitionId: 'p-1' });
    await t.idle();
    const [screen] = await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey });
    const audited: unknown[] = [];

    // when
    await engine.modifyProcessInstance(
      ref.processInstanceKey,
      { activate: [{ elementId: 'Task_Handle', variables: { handlingTime: 'PT2H' } }], terminate: [{ elementInstanceKey: screen.userTaskKey }] },
      { transactional: async (tx) => void audited.push(tx) },
    );
    await t.idle();

    // then
    expect(audited).toHaveLength(1);
    expect((await engine.getUserTask(screen.userTaskKey))?.state).toBe('canceled');
    const [handle] = await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey, state: 'created' });
    expect([handle.elementId, handle.candidateGroups]).toEqual(['Task_Handle', ['handlers']]);
    expect(events.map((e) => [e.type, e.task.elementId])).toEqual([
      ['created', 'Task_Screen'],
      ['canceled', 'Task_Screen'],
      ['created', 'Task_Handle'],
    ]);
    expect((await engine.listTimers(ref.processInstanceKey)).map((x) => [x.elementId, x.dueAt.toISOString()])).toEqual([['Timer_HandlingDeadline', '2026-03-02T03:00:00.000Z']]);
    expect((await instanceOf(engine, ref.processInstanceKey)).variables).toMatchObject({ petitionId: 'p-1', handlingTime: 'PT2H' });
    const history = await engine.getHistory(ref.processInstanceKey);
    expect(history.filter((e) => e.elementId === 'Task_Screen').map((e) => e.event)).toEqual(['activated', 'terminated']);

    // when the deadline passes
    t.clock.advance(2 * HOUR - 1000);
    await t.idle();
    expect((await instanceOf(engine, ref.processInstanceKey)).state).toBe('active');
    t.clock.advance(1000);
    await t.idle();

    // then
    expect((await instanceOf(engine, ref.processInstanceKey)).state).toBe('completed');
    expect(endsReached(await engine.getHistory(ref.processInstanceKey))).toEqual(['End_DeadlineMissed']);
    expect((await engine.getUserTask(handle.userTaskKey))?.state).toBe('canceled');
  });

  it('given an instance at a user task, when tokens are added before a later task and a sub-process, then each runs beside the first, and an element inside the now active sub-process can be added too', async () => {
    // given
    await t.deploy('modify-review.bpmn');
    const ref = await engine.start('modify-review', { handlingTime: 'PT1H' });
    await t.idle();

    // when
    await engine.modifyProcessInstance(ref.processInstanceKey, { activate: [{ elementId: 'Task_Handle' }, { elementId: 'Sub_Review' }] });
    await engine.modifyProcessInstance(ref.processInstanceKey, { activate: [{ elementId: 'Task_Check' }] });
    await t.idle();

    // then
    expect(await openTasks(ref.processInstanceKey)).toEqual(['Task_Check', 'Task_Check', 'Task_Handle', 'Task_Screen']);
    expect((await engine.listTimers(ref.processInstanceKey)).map((x) => [x.elementId, x.dueAt.toISOString()])).toEqual([['Timer_HandlingDeadline', '2026-03-02T02:00:00.000Z']]);
  });

  it('given two parallel branches at jobs, when one is canceled by element id and then by its job key, then its job is gone, the other stays, and canceling the last is refused', async () => {
    // given
    await t.deploy('parallel-review.bpmn');
    const ref = await engine.start('parallel-review', {});
    await t.idle();
    expect((await engine.listJobs({ processInstanceKey: ref.processInstanceKey })).map((j) => j.elementId).sort()).toEqual(['Task_CheckBudget', 'Task_CheckLegal']);

    // when
    await engine.modifyProcessInstance(ref.processInstanceKey, { terminate: [{ elementId: 'Task_CheckBudget' }] });

    // then
    const jobs = await engine.listJobs({ processInstanceKey: ref.processInstanceKey });
    expect(jobs.map((j) => j.elementId)).toEqual(['Task_CheckLegal']);
    expect((await instanceOf(engine, ref.processInstanceKey)).state).toBe('active');
    const history = await engine.getHistory(ref.processInstanceKey);
    expect(history.filter((e) => e.elementId === 'Task_CheckBudget').map((e) => e.event)).toEqual(['activated', 'job-created', 'terminated']);
    expect(await refusal(engine.modifyProcessInstance(ref.processInstanceKey, { terminate: [{ elementInstanceKey: jobs[0].jobKey }] }))).toBe('NO_TOKEN_LEFT');
    expect((await engine.listJobs({ processInstanceKey: ref.processInstanceKey })).map((j) => j.elementId)).toEqual(['Task_CheckLegal']);
  });

  it('given an instance, when a modification names what cannot be done, then it is refused with its reason and nothing changes, the app’s writes included', async () => {
    // given
    await t.deploy('modify-review.bpmn');
    const ref = await engine.start('modify-review', { handlingTime: 'PT1H' });
    await t.idle();
    const key = ref.processInstanceKey;
    let writes = 0;
    const transactional = async () => void writes++;

    // when / then
    expect(await refusal(engine.modifyProcessInstance(key, { activate: [{ elementId: 'Task_Nowhere' }] }, { transactional }))).toBe('UNKNOWN_ELEMENT');
    expect(await refusal(engine.modifyProcessInstance(key, { activate: [{ elementId: 'Start_Received' }] }))).toBe('ELEMENT_NOT_ACTIVATABLE');
    expect(await refusal(engine.modifyProcessInstance(key, { activate: [{ elementId: 'Timer_HandlingDeadline' }] }))).toBe('ELEMENT_NOT_ACTIVATABLE');
    expect(await refusal(engine.modifyProcessInstance(key, { activate: [{ elementId: 'Task_Check' }] }))).toBe('SCOPE_NOT_ACTIVE');
    expect(await refusal(engine.modifyProcessInstance(key, { terminate: [{ elementId: 'Task_Handle' }] }))).toBe('UNKNOWN_ELEMENT_INSTANCE');
    expect(await refusal(engine.modifyProcessInstance(key, { terminate: [{ elementInstanceKey: `${key}/Task_Handle_99` }] }))).toBe('UNKNOWN_ELEMENT_INSTANCE');
    expect(await refusal(engine.modifyProcessInstance(key, { terminate: [{ elementId: 'Task_Screen' }] }, { transactional }))).toBe('NO_TOKEN_LEFT');
    expect(await refusal(engine.modifyProcessInstance(key, {}))).toBe('NOTHING_TO_DO');
    // an activation whose timer cannot be evaluated is refused, the termination beside it undone
    expect(
      await refusal(engine.modifyProcessInstance(key, { activate: [{ elementId: 'Task_Handle', variables: { handlingTime: 42 } }], terminate: [{ elementId: 'Task_Screen' }] }, { transactional })),
    ).toBe('ACTIVATION_FAILED');
    expect(writes).toBe(0);
    expect(await openTasks(key)).toEqual(['Task_Screen']);
    expect(await engine.listTimers(key)).toEqual([]);
    expect((await instanceOf(engine, key)).variables).toEqual({ handlingTime: 'PT1H' });

    // when the instance is no longer active
    await engine.cancel(key);

    // then
    expect(await refusal(engine.modifyProcessInstance(key, { activate: [{ elementId: 'Task_Handle' }] }))).toBe('INSTANCE_NOT_ACTIVE');
  });
});
