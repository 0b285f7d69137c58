import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, fixture, type TestEngine } from '../harness.js';
import { NotFoundError } from '../../errors.js';
import type { DeploymentResult, EnginePort } from '../../port.js';

describe('process versions', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  const v1 = fixture('versioned.bpmn').content;
  const v2 = v1.replace('name="Review petition"', 'name="Review petition (v2)"');

  const deploy = (content: string): Promise<DeploymentResult> => engine.deploy([{ name: 'versioned.bpmn', content }]);

  it('given a first deployment, when it is deployed, then it is version 1 and start uses it', async () => {
    // given
    const deployment = await deploy(v1);

    // when
    const ref = await engine.start('versioned', {});

    // then
    expect(deployment.processes).toHaveLength(1);
    expect(deployment.processes[0]).toMatchObject({ processId: 'versioned', version: 1, resourceName: 'versioned.bpmn', duplicate: false });
    expect(ref).toMatchObject({
      processId: 'versioned',
      version: 1,
      processDefinitionKey: deployment.processes[0].processDefinitionKey,
    });
  });

  it('given a deployed diagram, when the identical content is deployed again, then it is a duplicate of the same version', async () => {
    // given
    const first = await deploy(v1);

    // when
    const again = await deploy(v1);

    // then
    expect(again.processes[0]).toMatchObject({
      processId: 'versioned',
      version: 1,
      duplicate: true,
      processDefinitionKey: first.processes[0].processDefinitionKey,
    });
  });

  it('given version 1, when a changed diagram is deployed, then it becomes version 2 with a new definition key', async () => {
    // given
    expect(v2).not.toBe(v1);
    const first = await deploy(v1);

    // when
    const second = await deploy(v2);

    // then
    expect(second.processes[0]).toMatchObject({ processId: 'versioned', version: 2, duplicate: false });
    expect(second.processes[0].processDefinitionKey).not.toBe(first.processes[0].processDefinitionKey);
  });

  it('given versions 1 and 2, when version 1 content is deployed again, then it is not a duplicate of the latest and becomes version 3', async () => {
    // given
    await deploy(v1);
    await deploy(v2);

    // when
    const third = await deploy(v1);

    // then
    expect(third.processes[0]).toMatchObject({ version: 3, duplicate: false });
  });

  it('given an instance waiting on version 1, when version 2 is deployed, then the old instance stays on version 1 and new instances use version 2', async () => {
    // given
    await deploy(v1);
    const old = await engine.start('versioned', { n: 'old' });
    await t.idle();

    // when
    await deploy(v2);
    const fresh = await engine.start('versioned', { n: 'new' });
    await t.idle();

    // then
    expect(fresh.version).toBe(2);
    expect((await engine.getProcessInstance(old.processInstanceKey))?.version).toBe(1);
    expect((await engine.getProcessInstance(fresh.processInstanceKey))?.version).toBe(2);
    const [oldTask] = await engine.listUserTasks({ processInstanceKey: old.processInstanceKey });
    const [freshTask] = await engine.listUserTasks({ processInstanceKey: fresh.processInstanceKey });
    expect(oldTask.name).toBe('Review petition');
    expect(freshTask.name).toBe('Review petition (v2)');

    // when the old instance goes on
    await engine.completeUserTask(oldTask.userTaskKey, {});
    await t.idle();

    // then
    const oldDone = await engine.getProcessInstance(old.processInstanceKey);
    expect(oldDone).toMatchObject({ state: 'completed', version: 1 });
  });

  it('given versions 1 and 2, when version 1 is started explicitly, then the instance runs version 1', async () => {
    // given
    const first = await deploy(v1);
    await deploy(v2);

    // when
    const ref = await engine.start('versioned', {}, { version: 1 });
    await t.idle();

    // then
    expect(ref).toMatchObject({ version: 1, processDefinitionKey: first.processes[0].processDefinitionKey });
    const [task] = await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey });
    expect(task.name).toBe('Review petition');
  });

  it('given only version 1, when version 9 is started, then a NotFoundError is raised', async () => {
    // given
    await deploy(v1);

    // when
    const start = engine.start('versioned', {}, { version: 9 });

    // then
    await expect(start).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('deployed definitions and where instances wait', () => {
  let t: TestEngine;
  beforeEach(async () => {
    t = await createTestEngine();
  });
  afterEach(() => t.close());

  it('given two versions with an instance waiting on each, when listed, then each version names who deployed it, its XML, and its waiting instances', async () => {
    const v1 = fixture('user-task.bpmn').content;
    const v2 = v1.replace('name="Review petition"', 'name="Review petition (v2)"').replace(/Task_ReviewPetition/g, 'Task_ReviewPetitionAgain');
    await t.engine.deploy([{ name: 'user-task.bpmn', content: v1 }], { deployedBy: 'modeler' });
    await t.engine.start('user-task', { reviewer: 'li.ming' });
    await t.engine.start('user-task', { reviewer: 'li.ming' });
    t.clock.advance(60_000);
    await t.engine.deploy([{ name: 'user-task.bpmn', content: v2 }], { deployedBy: 'admin-2' });
    await t.engine.start('user-task', { reviewer: 'li.ming' });
    // an instance whose task could not open (an incident: no reviewer) waits at no element
    await t.engine.start('user-task', {});

    const defs = await t.engine.listProcessDefinitions({ processId: 'user-task' });
    expect(defs.map((d) => [d.version, d.deployedBy, d.resourceName])).toEqual([
      [2, 'admin-2', 'user-task.bpmn'],
      [1, 'modeler', 'user-task.bpmn'],
    ]);
    expect(defs[0].deployedAt.getTime() - defs[1].deployedAt.getTime()).toBe(60_000);
    expect((await t.engine.getProcessDefinitionXml(defs[1].processDefinitionKey))?.trim()).toBe(v1.trim());
    expect(await t.engine.getProcessDefinitionXml('nope')).toBeUndefined();
    expect(await t.engine.countWaiting('user-task')).toEqual([
      { version: 1, elementId: 'Task_ReviewPetition', instances: 2 },
      { version: 2, elementId: 'Task_ReviewPetitionAgain', instances: 1 },
    ]);
    expect(await t.engine.listProcessDefinitions({ processId: 'other' })).toEqual([]);
  });
});
