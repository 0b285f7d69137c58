import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, type TestEngine } from '../harness.js';
import { ConflictError } from '../../errors.js';
import type { EnginePort, UserTask, UserTaskEvent } from '../../port.js';

describe('user task (zeebe:userTask)', () => {
  let t: TestEngine;
  let engine: EnginePort;
  let events: UserTaskEvent[];

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
    events = [];
    engine.onUserTask((e) => {
      events.push(e);
    });
  });
  afterEach(() => t.close());

  async function openTask(processInstanceKey: string): Promise<UserTask> {
    const tasks = await engine.listUserTasks({ processInstanceKey, state: 'created' });
    expect(tasks).toHaveLength(1);
    return tasks[0];
  }

  it('given a user task with assignment and form, when an instance reaches it, then a created event carries the evaluated assignee, candidate groups and form', async () => {
    // given
    await t.deploy('user-task.bpmn');

    // when
    const ref = await engine.start('user-task', { reviewer: 'wang.fang', petitionId: 'P-1' });
    await t.idle();

    // then
    expect(events.map((e) => e.type)).toEqual(['created']);
    const task = events[0].task;
    expect(task).toMatchObject({
      processInstanceKey: ref.processInstanceKey,
      processId: 'user-task',
      elementId: 'Task_ReviewPetition',
      name: 'Review petition',
      assignee: 'wang.fang',
      candidateGroups: ['clerks', 'supervisors'],
      candidateUsers: [],
      formId: 'review-petition',
      state: 'created',
      variables: { reviewer: 'wang.fang', petitionId: 'P-1' },
    });
    expect(task.createdAt.toISOString()).toBe(t.clock.now().toISOString());
    expect(await openTask(ref.processInstanceKey)).toMatchObject({ userTaskKey: task.userTaskKey });
    expect((await engine.getProcessInstance(ref.processInstanceKey))?.state).toBe('active');
  });

  it('given two instances waiting at the user task, when tasks are listed by instance and state, then each filter returns exactly the matching tasks', async () => {
    // given
    await t.deploy('user-task.bpmn');
    const a = await engine.start('user-task', { reviewer: 'a' });
    const b = await engine.start('user-task', { reviewer: 'b' });
    await t.idle();
    const taskA = await openTask(a.processInstanceKey);

    // when
    await engine.completeUserTask(taskA.userTaskKey, { decision: 'accept' });
    const openTasks = await engine.listUserTasks({ state: 'created' });
    const completedTasks = await engine.listUserTasks({ state: 'completed' });
    const ofB = await engine.listUserTasks({ processInstanceKey: b.processInstanceKey });

    // then
    expect(openTasks.map((x) => [x.processInstanceKey, x.assignee])).toEqual([[b.processInstanceKey, 'b']]);
    expect(completedTasks.map((x) => x.userTaskKey)).toEqual([taskA.userTaskKey]);
    expect(ofB).toHaveLength(1);
    expect(ofB[0].state).toBe('created');
    // by candidate group: a whole group matches, a part of one or a pattern does not
    const byGroup = async (candidateGroups: string[]) => (await engine.listUserTasks({ state: 'created', candidateGroups })).map((x) => x.processInstanceKey);
    expect(await byGroup(['supervisors'])).toEqual([b.processInstanceKey]);
    expect(await byGroup(['auditors', 'clerks'])).toEqual([b.processInstanceKey]);
    expect(await byGroup(['clerk'])).toEqual([]);
    expect(await byGroup(['%'])).toEqual([]);
    expect(await byGroup(['cl_rks'])).toEqual([]);
    expect(await byGroup([])).toEqual([]);
  });

  it('given an open user task, when it is completed with variables, then the task is completed, the variables reach the process and the instance ends', async () => {
    // given
    await t.deploy('user-task.bpmn');
    const ref = await engine.start('user-task', { reviewer: 'wang.fang' });
    await t.idle();
    const task = await openTask(ref.processInstanceKey);

    // when
    t.clock.advance(60_000);
    await engine.completeUserTask(task.userTaskKey, { decision: 'accept', comment: 'ok' });
    await t.idle();

    // then
    expect(events.map((e) => e.type)).toEqual(['created', 'completed']);
    const completed = events[1];
    expect(completed.type === 'completed' && completed.variables).toEqual({ decision: 'accept', comment: 'ok' });
    expect(completed.task.userTaskKey).toBe(task.userTaskKey);
    const stored = await engine.getUserTask(task.userTaskKey);
    expect(stored?.state).toBe('completed');
    expect(stored?.endedAt?.toISOString()).toBe(t.clock.now().toISOString());
    const done = await engine.getProcessInstance(ref.processInstanceKey);
    expect(done?.state).toBe('completed');
    expect(done?.variables).toEqual({ reviewer: 'wang.fang', decision: 'accept', comment: 'ok' });
    expect(await engine.listUserTasks({ state: 'created' })).toEqual([]);
  });

  it('given a completed user task, when it is completed again, then a ConflictError (409) is raised and nothing changes', async () => {
    // given
    await t.deploy('user-task.bpmn');
    const ref = await engine.start('user-task', { reviewer: 'x' });
    await t.idle();
    const task = await openTask(ref.processInstanceKey);
    await engine.completeUserTask(task.userTaskKey, { decision: 'accept' });

    // when
    const again = engine.completeUserTask(task.userTaskKey, { decision: 'reject' });

    // then
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    await expect(engine.completeUserTask(task.userTaskKey, {})).rejects.toMatchObject({ status: 409 });
    expect((await engine.getProcessInstance(ref.processInstanceKey))?.variables.decision).toBe('accept');
    expect(events.filter((e) => e.type === 'completed')).toHaveLength(1);
  });

  it('given an open user task, when two completions race, then exactly one succeeds and the other gets a ConflictError', async () => {
    // given
    await t.deploy('user-task.bpmn');
    const ref = await engine.start('user-task', { reviewer: 'x' });
    await t.idle();
    const task = await openTask(ref.processInstanceKey);

    // when
    const results = await Promise.allSettled([
      engine.completeUserTask(task.userTaskKey, { decision: 'accept' }),
      engine.completeUserTask(task.userTaskKey, { decision: 'reject' }),
    ]);
    await t.idle();

    // then
    const won = results.findIndex((r) => r.status === 'fulfilled');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results[1 - won];
    expect(lost.status === 'rejected' && lost.reason).toBeInstanceOf(ConflictError);
    const done = await engine.getProcessInstance(ref.processInstanceKey);
    expect(done?.state).toBe('completed');
    expect(done?.variables.decision).toBe(won === 0 ? 'accept' : 'reject');
    expect(events.filter((e) => e.type === 'completed')).toHaveLength(1);
    const history = await engine.getHistory(ref.processInstanceKey);
    expect(history.filter((e) => e.elementId === 'Task_ReviewPetition' && e.event === 'completed')).toHaveLength(1);
    expect(history.filter((e) => e.elementId === 'End_PetitionReviewed' && e.event === 'completed')).toHaveLength(1);
  });

  it('given a user task with an interrupting boundary timer, when the timer fires, then the task is canceled and a canceled event is emitted', async () => {
    // given
    await t.deploy('timer-boundary.bpmn');
    const ref = await engine.start('timer-boundary', {});
    await t.idle();
    const task = await openTask(ref.processInstanceKey);
    expect(task.candidateGroups).toEqual(['handlers']);

    // when
    t.clock.advance(60 * 60_000);
    await t.idle();

    // then
    expect(events.map((e) => [e.type, e.task.userTaskKey])).toEqual([
      ['created', task.userTaskKey],
      ['canceled', task.userTaskKey],
    ]);
    expect((await engine.getUserTask(task.userTaskKey))?.state).toBe('canceled');
    await expect(engine.completeUserTask(task.userTaskKey, {})).rejects.toBeInstanceOf(ConflictError);
    expect((await engine.getProcessInstance(ref.processInstanceKey))?.state).toBe('completed');
  });
});
