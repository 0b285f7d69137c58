import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import { createTestEngine, fixture, instanceOf, endsReached, type TestEngine } from '../harness.js';
import { createEmbeddedEngine } from '../../embedded/index.js';
import type { EnginePort } from '../../port.js';

const MINUTE = 60_000;

describe('restart: waiting instances survive a new engine on the same database', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine(); // clock at 2026-03-02T01:00:00.000Z
    engine = t.engine;
  });
  afterEach(() => t.close());

  const instance = (key: string) => instanceOf(engine, key);


  it('given instances waiting at a user task, a timer, a message and a job, when the engine restarts, then each goes on from where it was and reaches its end, the timer on time', async () => {
    // given
    await t.deploy('user-task.bpmn', 'timer-intermediate.bpmn', 'message-catch.bpmn', 'service-task.bpmn');
    const atTask = await engine.start('user-task', { reviewer: 'wang.fang' });
    const atTimer = await engine.start('timer-intermediate', { dueAt: '2026-03-02T03:00:00.000Z' });
    const atMessage = await engine.start('message-catch', { orderId: 'O-42' });
    const atJob = await engine.start('service-task', { price: 5, quantity: 4 });
    await t.idle();
    t.clock.advance(30 * MINUTE);

    // when
    engine = await t.restart();

    // then: everything is still waiting where it was
    for (const ref of [atTask, atTimer, atMessage, atJob]) {
      expect((await instance(ref.processInstanceKey)).state).toBe('active');
    }
    const tasks = await engine.listUserTasks({ state: 'created' });
    expect(tasks.map((x) => [x.processInstanceKey, x.elementId, x.assignee])).toEqual([
      [atTask.processInstanceKey, 'Task_ReviewPetition', 'wang.fang'],
    ]);
    const jobs = await engine.listJobs({ type: 'compute-total' });
    expect(jobs.map((j) => [j.processInstanceKey, j.state])).toEqual([[atJob.processInstanceKey, 'activatable']]);

    // when time moves to one minute before the timer is due
    t.clock.set('2026-03-02T02:59:00.000Z');
    await t.idle();

    // then the timer has not fired
    expect((await instance(atTimer.processInstanceKey)).state).toBe('active');
    expect((await engine.getHistory(atTimer.processInstanceKey)).some((e) => e.event === 'timer-fired')).toBe(false);

    // when the message is published, the task completed and a worker registered
    const published = await engine.publishMessage({ name: 'payment-received', correlationKey: 'O-42', variables: { amount: 20 } });
    await engine.completeUserTask(tasks[0].userTaskKey, { decision: 'accept' });
    engine.registerWorker('compute-total', (v) => ({ total: (v.price as number) * (v.quantity as number) }));
    await t.idle();

    // then
    expect(published.correlatedInstanceKeys).toEqual([atMessage.processInstanceKey]);
    expect((await instance(atMessage.processInstanceKey)).variables).toEqual({ orderId: 'O-42', amount: 20 });
    expect((await instance(atTask.processInstanceKey)).variables).toEqual({ reviewer: 'wang.fang', decision: 'accept' });
    expect((await instance(atJob.processInstanceKey)).variables).toEqual({ price: 5, quantity: 4, total: 20 });
    expect((await instance(atTimer.processInstanceKey)).state).toBe('active');

    // when the due minute arrives
    t.clock.advance(MINUTE);
    await t.idle();

    // then
    const timerHistory = await engine.getHistory(atTimer.processInstanceKey);
    expect(timerHistory.filter((e) => e.event === 'timer-fired').map((e) => e.at.toISOString())).toEqual(['2026-03-02T03:00:00.000Z']);
    const ends: Array<[string, string[]]> = [];
    for (const ref of [atTask, atTimer, atMessage, atJob]) {
      expect((await instance(ref.processInstanceKey)).state).toBe('completed');
      ends.push([ref.processId, endsReached(await engine.getHistory(ref.processInstanceKey))]);
    }
    expect(ends).toEqual([
      ['user-task', ['End_PetitionReviewed']],
      ['timer-intermediate', ['End_DueReached']],
      ['message-catch', ['End_OrderPaid']],
      ['service-task', ['End_TotalComputed']],
    ]);
  });

  it('given a buffered message, when the engine restarts within its TTL, then an instance started afterwards still receives it', async () => {
    // given
    await t.deploy('message-catch.bpmn');
    await engine.publishMessage({ name: 'payment-received', correlationKey: 'O-43', variables: { amount: 7 }, timeToLive: 10 * MINUTE });

    // when
    engine = await t.restart();
    t.clock.advance(5 * MINUTE);
    await t.idle();
    const ref = await engine.start('message-catch', { orderId: 'O-43' });
    await t.idle();

    // then
    const done = await instance(ref.processInstanceKey);
    expect(done.state).toBe('completed');
    expect(done.variables).toEqual({ orderId: 'O-43', amount: 7 });
  });

  it('given a boundary timer half-way through, when the engine restarts, then it fires at its original due time', async () => {
    // given
    await t.deploy('timer-boundary.bpmn');
    const ref = await engine.start('timer-boundary', {});
    await t.idle();
    t.clock.advance(30 * MINUTE);

    // when
    engine = await t.restart();
    t.clock.advance(29 * MINUTE);
    await t.idle();
    const oneMinuteBefore = (await instance(ref.processInstanceKey)).state;
    t.clock.advance(MINUTE);
    await t.idle();

    // then
    expect(oneMinuteBefore).toBe('active');
    expect((await instance(ref.processInstanceKey)).state).toBe('completed');
    expect(endsReached(await engine.getHistory(ref.processInstanceKey))).toEqual(['End_DeadlineMissed']);
    const [task] = await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey });
    expect(task.state).toBe('canceled');
  });

  it('given an instance in incident, when the engine restarts, then the incident is still there and retrying it works', async () => {
    // given
    await t.deploy('decision-routing.bpmn');
    const ref = await engine.start('decision-routing', { decision: 'maybe' });
    await t.idle();

    // when
    engine = await t.restart();
    const incidents = await engine.listIncidents({ processInstanceKey: ref.processInstanceKey, state: 'active' });
    await engine.setVariables(ref.processInstanceKey, { decision: 'accept' });
    await engine.retryIncident(incidents[0].incidentKey);
    await t.idle();

    // then
    expect(incidents.map((i) => i.elementId)).toEqual(['Gateway_Decision']);
    expect((await instance(ref.processInstanceKey)).state).toBe('completed');
    expect(endsReached(await engine.getHistory(ref.processInstanceKey))).toEqual(['End_Accepted']);
  });

  it('given a deployed cycle start timer, when the engine restarts before it is due, then instances still start on schedule', async () => {
    // given
    await t.deploy('timer-start-cycle.bpmn');

    // when
    engine = await t.restart();
    const started: string[] = [];
    engine.registerWorker('run-hourly-check', () => {
      started.push(t.clock.now().toISOString());
      return {};
    });
    t.clock.advance(59 * MINUTE);
    await t.idle();
    const beforeDue = started.length;
    t.clock.advance(MINUTE);
    await t.idle();

    // then
    expect(beforeDue).toBe(0);
    expect(started).toEqual(['2026-03-02T02:00:00.000Z']);
  });
});

describe('upgrade: instances saved by the version before the interpreter', () => {
  it('given instances an earlier version left waiting (bpmn-engine state) at a user task, a timer, a message and a job, when the new engine takes over the database, then each goes on to its end on the old runner while new instances run on the interpreter', async () => {
    // given: the earlier version's engine starts them and stops
    const t = await createTestEngine();
    try {
      const old = createEmbeddedEngine({ db: t.db, clock: t.clock, background: false, startOnBpmnEngine: true });
      await old.open();
      await old.deploy(['user-task.bpmn', 'timer-intermediate.bpmn', 'message-catch.bpmn', 'service-task.bpmn'].map(fixture));
      const atTask = await old.start('user-task', { reviewer: 'wang.fang' });
      const atTimer = await old.start('timer-intermediate', { dueAt: '2026-03-02T03:00:00.000Z' });
      const atMessage = await old.start('message-catch', { orderId: 'O-7' });
      const atJob = await old.start('service-task', { price: 5, quantity: 4 });
      await old.close();
      const [{ engine_state: saved }] = (await t.db.sequelize.query('SELECT engine_state FROM engine_instances WHERE id = ?', { replacements: [atTask.processInstanceKey], type: QueryTypes.SELECT })) as { engine_state: string }[];
      expect(JSON.parse(saved)).toHaveProperty('engine');

      // when: this version takes over
      const engine = await t.restart();
      engine.registerWorker('compute-total', (v) => ({ total: Number(v.price) * Number(v.quantity) }));
      const [task] = await engine.listUserTasks({ processInstanceKey: atTask.processInstanceKey });
      await engine.completeUserTask(task.userTaskKey, { approved: true });
      await engine.publishMessage({ name: 'payment-received', correlationKey: 'O-7' });
      t.clock.set('2026-03-02T03:00:00.000Z');
      await t.idle();
      const fresh = await engine.start('user-task', { reviewer: 'li.lei' });

      // then
      for (const ref of [atTask, atTimer, atMessage, atJob]) expect((await instanceOf(engine, ref.processInstanceKey)).state).toBe('completed');
      expect((await instanceOf(engine, atJob.processInstanceKey)).variables).toMatchObject({ total: 20 });
      expect(endsReached(await engine.getHistory(atTimer.processInstanceKey))).toEqual(['End_DueReached']);
      const [{ engine_state: now }] = (await t.db.sequelize.query('SELECT engine_state FROM engine_instances WHERE id = ?', { replacements: [fresh.processInstanceKey], type: QueryTypes.SELECT })) as { engine_state: string }[];
      expect(JSON.parse(now)).toMatchObject({ v: 2 });
    } finally {
      await t.close();
    }
  });
});
