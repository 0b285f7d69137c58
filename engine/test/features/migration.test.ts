import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, fixture, type TestEngine } from '../harness.js';
import { InvalidArgumentError } from '../../errors.js';
import type { EmbeddedEngine } from '../../embedded/index.js';
import type { MigrationPlan } from '../../port.js';

const T0 = Date.parse('2026-03-02T01:00:00.000Z');
const HOUR = 3_600_000;

describe('process-instance migration', () => {
  let t: TestEngine;
  let engine: EmbeddedEngine;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  const v1 = fixture('timer-boundary.bpmn').content;
  // the deadline rule of version 2: 3 hours, 2 for urgent cases (read from the case's variables)
  const v2 = v1.replace('>PT1H<', '>=if urgent then duration("PT2H") else duration("PT3H")<');
  const renamed = v1.replaceAll('Task_HandlePetition', 'Task_Handle');
  const messageBoundary = v1
    .replace(
      /<bpmn:timerEventDefinition[\s\S]*?<\/bpmn:timerEventDefinition>/,
      '<bpmn:messageEventDefinition id="Med_Reminder" messageRef="Message_Reminder" />',
    )
    .replace(
      '</bpmn:process>',
      '</bpmn:process>\n  <bpmn:message id="Message_Reminder" name="reminder"><bpmn:extensionElements><zeebe:subscription correlationKey="=caseId" /></bpmn:extensionElements></bpmn:message>',
    );

  async function deploy(content: string, name = 'timer-boundary.bpmn') {
    const d = await engine.deploy([{ name, content }]);
    return d.processes[0].processDefinitionKey;
  }
  const plan = (targetProcessDefinitionKey: string, mappingInstructions: MigrationPlan['mappingInstructions'] = []): MigrationPlan => ({ targetProcessDefinitionKey, mappingInstructions });

  it('given a case at a user task with a deadline timer, when migrated to a version with a new deadline rule, then the timer fires by the new rule counted from when the task began', async () => {
    // given
    await deploy(v1);
    const started = await engine.start('timer-boundary', { caseId: 'C-1', urgent: false });
    const target = await deploy(v2);
    t.clock.advance(30 * 60_000);

    // when
    const check = await engine.checkMigration(started.processInstanceKey, plan(target));
    await engine.migrateProcessInstance(started.processInstanceKey, plan(target));

    // then
    expect(check).toMatchObject({ migratable: true, problems: [], checkedBy: 'engine' });
    expect(check.elements).toEqual(expect.arrayContaining([{ sourceElementId: 'Task_HandlePetition', targetElementId: 'Task_HandlePetition' }]));
    const instance = await engine.getProcessInstance(started.processInstanceKey);
    expect(instance).toMatchObject({ version: 2, processDefinitionKey: target, state: 'active', variables: { caseId: 'C-1', urgent: false } });
    expect((await engine.listTimers(started.processInstanceKey)).map((x) => x.dueAt.getTime())).toEqual([T0 + 3 * HOUR]);
    t.clock.advance(2 * HOUR + 29 * 60_000); // T0 + 2h59: version 1's hour is long past, the new rule's not yet
    await t.idle();
    expect((await engine.getProcessInstance(started.processInstanceKey))?.state).toBe('active');
    t.clock.advance(60_000);
    await t.idle();
    expect((await engine.getProcessInstance(started.processInstanceKey))?.state).toBe('completed');
    const history = await engine.getHistory(started.processInstanceKey);
    const migrated = history.find((e) => e.event === 'migrated');
    expect(migrated?.detail).toMatchObject({ fromVersion: 1, toVersion: 2, timers: [{ elementId: 'Timer_HandlingDeadline', before: new Date(T0 + HOUR).toISOString(), after: new Date(T0 + 3 * HOUR).toISOString() }] });
    expect(history.filter((e) => e.event === 'activated' && e.elementId === 'End_DeadlineMissed')).toHaveLength(1);
  });

  it('given an urgent case, when migrated, then the new rule reads its variables', async () => {
    // given
    await deploy(v1);
    const started = await engine.start('timer-boundary', { caseId: 'C-2', urgent: true });
    const target = await deploy(v2);

    // when
    await engine.migrateProcessInstance(started.processInstanceKey, plan(target));

    // then
    expect((await engine.listTimers(started.processInstanceKey)).map((x) => x.dueAt.getTime())).toEqual([T0 + 2 * HOUR]);
  });

  it('given a renamed user task, when migrated with a mapping, then the open task belongs to the new element and completing it goes on in version 2', async () => {
    // given
    await deploy(v1);
    const started = await engine.start('timer-boundary', { caseId: 'C-3' });
    const [before] = await engine.listUserTasks({ processInstanceKey: started.processInstanceKey });
    const target = await deploy(renamed);

    // when
    const unmapped = await engine.checkMigration(started.processInstanceKey, plan(target));
    await engine.migrateProcessInstance(started.processInstanceKey, plan(target, [{ sourceElementId: 'Task_HandlePetition', targetElementId: 'Task_Handle' }]));

    // then
    expect(unmapped.migratable).toBe(false);
    expect(unmapped.problems).toEqual([expect.objectContaining({ code: 'UNMAPPED_ELEMENT', elementId: 'Task_HandlePetition' })]);
    const [task] = await engine.listUserTasks({ processInstanceKey: started.processInstanceKey });
    expect(task).toMatchObject({ userTaskKey: before.userTaskKey, elementId: 'Task_Handle', state: 'created', candidateGroups: ['handlers'] });
    expect((await engine.listTimers(started.processInstanceKey)).map((x) => x.dueAt.getTime())).toEqual([T0 + HOUR]);
    await engine.completeUserTask(task.userTaskKey, { done: true });
    const after = await engine.getProcessInstance(started.processInstanceKey);
    expect(after).toMatchObject({ state: 'completed', version: 2, variables: { caseId: 'C-3', done: true } });
    const history = await engine.getHistory(started.processInstanceKey);
    expect(history.some((e) => e.event === 'completed' && e.elementId === 'Task_Handle')).toBe(true);
    expect(history.some((e) => e.event === 'activated' && e.elementId === 'Task_HandlePetition')).toBe(true);
  });

  it('given a timer boundary that became a message boundary, when checked, then the changed event type is the reason and the move is refused with nothing changed', async () => {
    // given
    await deploy(v1);
    const started = await engine.start('timer-boundary', { caseId: 'C-4' });
    const target = await deploy(messageBoundary);

    // when
    const check = await engine.checkMigration(started.processInstanceKey, plan(target));
    const move = engine.migrateProcessInstance(started.processInstanceKey, plan(target));

    // then
    expect(check.problems).toEqual([expect.objectContaining({ code: 'EVENT_TYPE_CHANGED', elementId: 'Timer_HandlingDeadline' })]);
    await expect(move).rejects.toThrow(InvalidArgumentError);
    await expect(move).rejects.toThrow(/timer boundary event/);
    expect(await engine.getProcessInstance(started.processInstanceKey)).toMatchObject({ version: 1 });
    expect((await engine.listTimers(started.processInstanceKey)).map((x) => x.dueAt.getTime())).toEqual([T0 + HOUR]);
  });

  it('given a version without the deadline, when migrated to one with it, then the timer is armed from when the task began and fires then', async () => {
    // given
    const noDeadline = v1.replace(/<bpmn:boundaryEvent[\s\S]*?<\/bpmn:boundaryEvent>/, '').replace(/<bpmn:sequenceFlow id="Flow_DeadlineToEnd"[^>]*\/>/, '').replace(/<bpmn:endEvent id="End_DeadlineMissed"[\s\S]*?<\/bpmn:endEvent>/, '');
    await deploy(noDeadline);
    const started = await engine.start('timer-boundary', { caseId: 'C-5', urgent: true });
    expect(await engine.listTimers(started.processInstanceKey)).toEqual([]);
    const target = await deploy(v2);
    t.clock.advance(HOUR);

    // when
    await engine.migrateProcessInstance(started.processInstanceKey, plan(target));

    // then
    expect((await engine.listTimers(started.processInstanceKey)).map((x) => x.dueAt.getTime())).toEqual([T0 + 2 * HOUR]);
    t.clock.advance(HOUR);
    await t.idle();
    expect((await engine.getProcessInstance(started.processInstanceKey))?.state).toBe('completed');
    expect((await engine.getHistory(started.processInstanceKey)).some((e) => e.event === 'timer-fired' && e.elementId === 'Timer_HandlingDeadline')).toBe(true);
  });

  it('given a user task mapped to an end event, when checked, then the element type change is the reason', async () => {
    await deploy(v1);
    const started = await engine.start('timer-boundary', {});
    const target = await deploy(v2);

    const check = await engine.checkMigration(started.processInstanceKey, plan(target, [{ sourceElementId: 'Task_HandlePetition', targetElementId: 'End_Handled' }]));

    expect(check.problems).toEqual([expect.objectContaining({ code: 'ELEMENT_TYPE_CHANGED', elementId: 'Task_HandlePetition' })]);
  });

  it('given an instance that ended, or a target of another process or none, when checked, then each is the reason', async () => {
    await deploy(v1);
    const other = await deploy(fixture('user-task.bpmn').content, 'user-task.bpmn');
    const target = await deploy(v2);
    const started = await engine.start('timer-boundary', {});

    const otherProcess = await engine.checkMigration(started.processInstanceKey, plan(other));
    const missing = await engine.checkMigration(started.processInstanceKey, plan('no-such-definition'));
    await engine.cancel(started.processInstanceKey);
    const ended = await engine.checkMigration(started.processInstanceKey, plan(target));

    expect(otherProcess.problems.map((p) => p.code)).toEqual(['DIFFERENT_PROCESS']);
    expect(missing.problems.map((p) => p.code)).toEqual(['TARGET_NOT_FOUND']);
    expect(ended).toMatchObject({ migratable: false, problems: [expect.objectContaining({ code: 'NOT_ACTIVE' })] });
  });

  it('given a parent waiting at a call activity, when checked, then the child process is the reason', async () => {
    const d = await t.deploy('call-parent.bpmn', 'call-child.bpmn');
    const parentDef = d.processes.find((p) => p.processId === 'call-parent')!.processDefinitionKey;
    const parent = await engine.start('call-parent', { caseId: 'CASE-9' });

    const check = await engine.checkMigration(parent.processInstanceKey, plan(parentDef));

    expect(check.problems).toEqual([expect.objectContaining({ code: 'CALL_ACTIVITY', elementId: 'Call_HandleInUnit' })]);
  });

  it('given a mapping that names an element the running version does not have, when checked, then the invalid mapping is the reason', async () => {
    await deploy(v1);
    const started = await engine.start('timer-boundary', {});
    const target = await deploy(v2);

    const check = await engine.checkMigration(started.processInstanceKey, plan(target, [{ sourceElementId: 'Task_Nowhere', targetElementId: 'Task_HandlePetition' }]));

    expect(check.migratable).toBe(false);
    expect(check.problems.map((p) => p.code)).toContain('INVALID_MAPPING');
  });

  it('given an instance with an open incident, when checked, then the incident is the reason and the move is refused with nothing changed', async () => {
    engine.registerWorker('compute-total', () => {
      throw new Error('pricing service down');
    });
    await t.deploy('service-task.bpmn');
    const started = await engine.start('service-task', { price: 1, quantity: 1 });
    for (let i = 0; i < 6 && (await engine.listIncidents({ processInstanceKey: started.processInstanceKey, state: 'active' })).length === 0; i++) {
      await t.idle();
      t.clock.advance(60_000);
    }
    await t.idle();
    expect(await engine.listIncidents({ processInstanceKey: started.processInstanceKey, state: 'active' })).toHaveLength(1);
    const target = await deploy(fixture('service-task.bpmn').content.replace('name="Service task"', 'name="Service task v2"'), 'service-task.bpmn');

    const check = await engine.checkMigration(started.processInstanceKey, plan(target));
    await expect(engine.migrateProcessInstance(started.processInstanceKey, plan(target))).rejects.toBeInstanceOf(InvalidArgumentError);

    expect(check.problems.map((p) => p.code)).toEqual(['HAS_INCIDENT']);
    expect((await engine.getProcessInstance(started.processInstanceKey))?.version).toBe(1);
  });

  it('given a token inside a sub-process mapped to an element outside it, when checked, then the changed scope is the reason', async () => {
    const sub = fixture('sub-process.bpmn').content;
    await deploy(sub, 'sub-process.bpmn');
    const started = await engine.start('sub-process', {});
    const target = await deploy(sub.replace('name="Embedded sub-process"', 'name="Embedded sub-process v2"'), 'sub-process.bpmn');

    const check = await engine.checkMigration(started.processInstanceKey, plan(target, [{ sourceElementId: 'Task_ScorePetition', targetElementId: 'Task_WriteReport' }]));

    expect(check.migratable).toBe(false);
    expect(check.problems).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'SCOPE_CHANGED', elementId: 'Task_ScorePetition' })]));
  });

  it('given a token waiting at a parallel join, when checked, then the unsupported state is the reason', async () => {
    engine.registerWorker('check-legal', () => ({}));
    const review = fixture('parallel-review.bpmn').content;
    await deploy(review, 'parallel-review.bpmn');
    const started = await engine.start('parallel-review', {});
    await t.idle();
    const target = await deploy(review.replace('name="Parallel review"', 'name="Parallel review v2"'), 'parallel-review.bpmn');

    const check = await engine.checkMigration(started.processInstanceKey, plan(target));

    expect(check.migratable).toBe(false);
    expect(check.problems).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'UNSUPPORTED' })]));
  });
});
