import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import { createTestEngine, endsReached, instanceOf, type TestEngine } from '../harness.js';
import { BusinessError } from '../../errors.js';
import type { EnginePort } from '../../port.js';

/** start → user task → service task (`lookup`) → end */
const REVIEW_THEN_LOOKUP = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="review-then-lookup" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Task_Review" />
    <bpmn:userTask id="Task_Review"><bpmn:extensionElements><zeebe:userTask /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="Task_Review" targetRef="Task_Lookup" />
    <bpmn:serviceTask id="Task_Lookup"><bpmn:extensionElements><zeebe:taskDefinition type="lookup" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="Task_Lookup" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;

describe('inline jobs (WorkerOptions.inline): the handler runs in the transaction that reaches its job', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
    await t.db.sequelize.query('CREATE TABLE inline_writes (job_key VARCHAR(191) PRIMARY KEY, total INTEGER NOT NULL)');
  });
  afterEach(() => t.close());

  const writes = async () => (await t.db.sequelize.query('SELECT job_key, total FROM inline_writes', { type: QueryTypes.SELECT })) as { job_key: string; total: number }[];

  it('given an inline worker, when an instance starts, then it has ended by the time start answers: the job shows created and completed in the history, no job row is left, and the handler’s own write committed with it', async () => {
    // given
    engine.registerWorker(
      'compute-total',
      (v, ctx) => {
        const total = Number(v.price) * Number(v.quantity);
        ctx.transactional?.(async (tx) => void (await t.db.sequelize.query('INSERT INTO inline_writes (job_key, total) VALUES (?, ?)', { replacements: [ctx.jobKey, total], transaction: tx })));
        return { total };
      },
      { inline: true },
    );
    await t.deploy('service-task.bpmn');

    // when
    const ref = await engine.start('service-task', { price: 5, quantity: 4 });

    // then: no idle() needed
    expect(await instanceOf(engine, ref.processInstanceKey)).toMatchObject({ state: 'completed', variables: { price: 5, quantity: 4, total: 20 } });
    expect(await engine.listJobs({ processInstanceKey: ref.processInstanceKey })).toEqual([]);
    const history = (await engine.getHistory(ref.processInstanceKey)).filter((e) => e.elementId === 'Task_ComputeTotal').map((e) => e.event);
    expect(history).toEqual(['activated', 'job-created', 'job-completed', 'completed']);
    expect(await writes()).toEqual([{ job_key: expect.stringContaining(ref.processInstanceKey), total: 20 }]);
  });

  it('given an inline handler that fails, when the instance reaches it, then an ordinary job is left (its write not made) and the worker loop runs it again', async () => {
    // given
    let calls = 0;
    engine.registerWorker(
      'compute-total',
      (_v, ctx) => {
        calls++;
        ctx.transactional?.(async (tx) => void (await t.db.sequelize.query('INSERT INTO inline_writes (job_key, total) VALUES (?, ?)', { replacements: [`${ctx.jobKey}#${calls}`, calls], transaction: tx })));
        if (calls === 1) throw new Error('the price list is not reachable');
        return { total: 1 };
      },
      { inline: true },
    );
    await t.deploy('service-task.bpmn');

    // when
    const ref = await engine.start('service-task', { price: 1, quantity: 1 });

    // then
    expect((await engine.listJobs({ processInstanceKey: ref.processInstanceKey })).map((j) => j.state)).toEqual(['activatable']);
    expect(await writes()).toEqual([]);
    await t.idle();
    expect((await instanceOf(engine, ref.processInstanceKey)).state).toBe('completed');
    expect(calls).toBe(2);
    expect((await writes()).map((w) => w.total)).toEqual([2]);
  });

  it('given an inline handler that opens a transaction of its own, when the instance reaches it, then it is refused there (no deadlock on the one writer) and the job runs the ordinary way', async () => {
    // given
    const tried: string[] = [];
    engine.registerWorker(
      'compute-total',
      async (_v, ctx) => {
        tried.push(ctx.jobKey);
        await t.db.transaction(async (tx) => void (await t.db.sequelize.query('INSERT INTO inline_writes (job_key, total) VALUES (?, ?)', { replacements: [`${ctx.jobKey}#${tried.length}`, tried.length], transaction: tx })));
        return { total: 3 };
      },
      { inline: true },
    );
    await t.deploy('service-task.bpmn');

    // when
    const ref = await engine.start('service-task', { price: 1, quantity: 3 });
    await t.idle();

    // then
    expect((await instanceOf(engine, ref.processInstanceKey)).state).toBe('completed');
    expect(tried).toHaveLength(2);
    expect((await writes()).map((w) => w.total)).toEqual([2]);
  });

  it('given an inline handler that throws the modelled business error, when the instance reaches it, then the error boundary takes it in the same transaction', async () => {
    // given
    engine.registerWorker(
      'verify-identity',
      () => {
        throw new BusinessError('IDENTITY_REJECTED', 'name does not match the ID card');
      },
      { inline: true },
    );
    await t.deploy('error-boundary.bpmn');

    // when
    const ref = await engine.start('error-boundary', { petitionId: 'P-1' });

    // then
    expect((await instanceOf(engine, ref.processInstanceKey)).state).toBe('completed');
    expect(endsReached(await engine.getHistory(ref.processInstanceKey))).toEqual(['End_Rejected']);
  });

  it('given many completions at once whose inline handlers read through another connection, when they run together, then all finish: transactions never hold every pooled connection while waiting for one more', async () => {
    // given
    engine.registerWorker(
      'lookup',
      async () => {
        // a read outside the job's transaction, as the app's handlers read units and calendars
        const [row] = (await t.db.sequelize.query('SELECT COUNT(*) AS n FROM engine_process_definitions', { type: QueryTypes.SELECT })) as { n: number }[];
        return { definitions: Number(row.n) };
      },
      { inline: true },
    );
    await engine.deploy([{ name: 'review-then-lookup.bpmn', content: REVIEW_THEN_LOOKUP }]);
    const refs = [];
    for (let i = 0; i < 24; i++) refs.push(await engine.start('review-then-lookup', {}));
    const tasks = await engine.listUserTasks({ state: 'created' });
    expect(tasks).toHaveLength(24);

    // when
    await Promise.all(tasks.map((task) => engine.completeUserTask(task.userTaskKey, {})));

    // then
    for (const ref of refs) expect(await instanceOf(engine, ref.processInstanceKey)).toMatchObject({ state: 'completed', variables: { definitions: 1 } });
  });
});
