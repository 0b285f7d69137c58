import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, instanceOf, type TestEngine } from '../harness.js';
import type { DeploymentResult, EnginePort, JobContext, Variables } from '../../port.js';

describe('service task (zeebe:taskDefinition)', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  const instance = (key: string) => instanceOf(engine, key);

  it('given a worker for the job type, when an instance starts and the engine idles, then the worker gets the process variables and its output is merged into the process', async () => {
    // given
    const calls: Array<{ variables: Variables; ctx: JobContext }> = [];
    engine.registerWorker('compute-total', (variables, ctx) => {
      calls.push({ variables, ctx });
      return { total: (variables.price as number) * (variables.quantity as number) };
    });
    const deployment: DeploymentResult = await t.deploy('service-task.bpmn');

    // when
    const ref = await engine.start('service-task', { price: 12, quantity: 3 });
    await t.idle();

    // then
    expect(deployment.warnings).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(calls[0].variables).toEqual({ price: 12, quantity: 3 });
    expect(calls[0].ctx).toMatchObject({
      type: 'compute-total',
      processInstanceKey: ref.processInstanceKey,
      processId: 'service-task',
      elementId: 'Task_ComputeTotal',
      retries: 3,
      headers: {},
    });
    const done = await instance(ref.processInstanceKey);
    expect(done.state).toBe('completed');
    expect(done.variables).toEqual({ price: 12, quantity: 3, total: 36 });
    expect(done.endedAt).toBeInstanceOf(Date);
    expect(await engine.listJobs({ processInstanceKey: ref.processInstanceKey })).toEqual([]);
  });

  it('given a started instance, when the engine has not idled yet, then the instance waits at the service task with one activatable job and the worker was not called', async () => {
    // given
    let called = 0;
    engine.registerWorker('compute-total', () => {
      called++;
      return {};
    });
    await t.deploy('service-task.bpmn');

    // when
    const ref = await engine.start('service-task', { price: 1, quantity: 1 });

    // then
    expect(called).toBe(0);
    expect((await instance(ref.processInstanceKey)).state).toBe('active');
    const jobs = await engine.listJobs({ processInstanceKey: ref.processInstanceKey });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      type: 'compute-total',
      processInstanceKey: ref.processInstanceKey,
      processId: 'service-task',
      elementId: 'Task_ComputeTotal',
      retries: 3,
      state: 'activatable',
    });
  });

  it('given no worker for the job type, when the diagram is deployed and an instance runs, then deploy warns about the type and the job stays activatable until a worker registers', async () => {
    // given
    const deployment: DeploymentResult = await t.deploy('service-task.bpmn');
    const ref = await engine.start('service-task', { price: 2, quantity: 5 });

    // when
    await t.idle();

    // then
    expect(deployment.processes).toHaveLength(1);
    expect(deployment.warnings).toHaveLength(1);
    expect(deployment.warnings[0]).toMatchObject({ resourceName: 'service-task.bpmn', elementId: 'Task_ComputeTotal' });
    expect(deployment.warnings[0].message).toContain('compute-total');
    expect((await instance(ref.processInstanceKey)).state).toBe('active');
    const jobs = await engine.listJobs({ type: 'compute-total' });
    expect(jobs.map((j) => [j.processInstanceKey, j.state])).toEqual([[ref.processInstanceKey, 'activatable']]);

    // when a worker registers later
    engine.registerWorker('compute-total', (v) => ({ total: (v.price as number) * (v.quantity as number) }));
    await t.idle();

    // then
    const done = await instance(ref.processInstanceKey);
    expect(done.state).toBe('completed');
    expect(done.variables).toEqual({ price: 2, quantity: 5, total: 10 });
  });

  it('given a worker that returns nothing, when its job runs, then the process variables are unchanged and the instance completes', async () => {
    // given
    engine.registerWorker('compute-total', () => undefined);
    await t.deploy('service-task.bpmn');
    const ref = await engine.start('service-task', { price: 4, quantity: 2 });

    // when
    await t.idle();

    // then
    const done = await instance(ref.processInstanceKey);
    expect(done.state).toBe('completed');
    expect(done.variables).toEqual({ price: 4, quantity: 2 });
  });

  it('given an async worker that overwrites an existing variable, when its job runs, then the process holds the new value', async () => {
    // given
    engine.registerWorker('compute-total', async (v) => {
      await Promise.resolve();
      return { status: 'priced', total: (v.price as number) * 2 };
    });
    await t.deploy('service-task.bpmn');
    const ref = await engine.start('service-task', { price: 7, quantity: 2, status: 'new' });

    // when
    await t.idle();

    // then
    const done = await instance(ref.processInstanceKey);
    expect(done.state).toBe('completed');
    expect(done.variables).toEqual({ price: 7, quantity: 2, status: 'priced', total: 14 });
  });

  it('given two instances, when the engine idles, then each job sees only its own instance variables', async () => {
    // given
    const seen: Array<[string, unknown]> = [];
    engine.registerWorker('compute-total', (v, ctx) => {
      seen.push([ctx.processInstanceKey, v.price]);
      return { total: v.price };
    });
    await t.deploy('service-task.bpmn');
    const a = await engine.start('service-task', { price: 100, quantity: 1 });
    const b = await engine.start('service-task', { price: 200, quantity: 1 });

    // when
    await t.idle();

    // then
    expect(seen).toHaveLength(2);
    expect(new Map(seen)).toEqual(
      new Map<string, unknown>([
        [a.processInstanceKey, 100],
        [b.processInstanceKey, 200],
      ]),
    );
    expect((await instance(a.processInstanceKey)).variables.total).toBe(100);
    expect((await instance(b.processInstanceKey)).variables.total).toBe(200);
  });
});
