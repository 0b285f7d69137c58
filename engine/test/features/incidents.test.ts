import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, instanceOf, type TestEngine } from '../harness.js';
import type { EnginePort, Job } from '../../port.js';

describe('job failures and incidents', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  const instance = (key: string) => instanceOf(engine, key);

  async function onlyJob(processInstanceKey: string): Promise<Job> {
    const jobs = await engine.listJobs({ processInstanceKey });
    expect(jobs).toHaveLength(1);
    return jobs[0];
  }

  it('given a worker that keeps failing, when the job is retried after each 1 s backoff, then each attempt sees one retry less and at 0 retries a JOB_NO_RETRIES incident is raised', async () => {
    // given
    const attempts: Array<[number, string]> = [];
    engine.registerWorker('compute-total', (_v, ctx) => {
      attempts.push([ctx.retries, t.clock.now().toISOString()]);
      throw new Error('pricing service down');
    });
    await t.deploy('service-task.bpmn');
    const ref = await engine.start('service-task', { price: 1, quantity: 1 });

    // when
    await t.idle();
    const afterFirst = await onlyJob(ref.processInstanceKey);
    await t.idle();
    t.clock.advance(999);
    await t.idle();
    const attemptsBeforeBackoff = attempts.length;
    t.clock.advance(1);
    await t.idle();
    t.clock.advance(1000);
    await t.idle();

    // then
    expect(afterFirst).toMatchObject({ retries: 2, state: 'activatable', errorMessage: 'pricing service down' });
    expect(afterFirst.notBefore?.toISOString()).toBe('2026-03-02T01:00:01.000Z');
    expect(attemptsBeforeBackoff).toBe(1);
    expect(attempts).toEqual([
      [3, '2026-03-02T01:00:00.000Z'],
      [2, '2026-03-02T01:00:01.000Z'],
      [1, '2026-03-02T01:00:02.000Z'],
    ]);
    expect((await instance(ref.processInstanceKey)).state).toBe('incident');
    const job = await onlyJob(ref.processInstanceKey);
    expect(job).toMatchObject({ retries: 0, state: 'incident' });
    const incidents = await engine.listIncidents({ processInstanceKey: ref.processInstanceKey });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      processInstanceKey: ref.processInstanceKey,
      processId: 'service-task',
      elementId: 'Task_ComputeTotal',
      jobKey: job.jobKey,
      errorType: 'JOB_NO_RETRIES',
      state: 'active',
    });
    expect(incidents[0].errorMessage).toContain('pricing service down');
    const history = await engine.getHistory(ref.processInstanceKey);
    expect(history.filter((e) => e.event === 'job-failed' || e.event === 'incident').map((e) => [e.elementId, e.event])).toEqual([
      ['Task_ComputeTotal', 'job-failed'],
      ['Task_ComputeTotal', 'job-failed'],
      ['Task_ComputeTotal', 'job-failed'],
      ['Task_ComputeTotal', 'incident'],
    ]);
  });

  it('given a job incident, when the cause is fixed and the incident retried, then the job runs once more, the incident is resolved and the instance completes', async () => {
    // given
    let down = true;
    engine.registerWorker('compute-total', (v) => {
      if (down) throw new Error('pricing service down');
      return { total: (v.price as number) * (v.quantity as number) };
    });
    await t.deploy('service-task.bpmn');
    const ref = await engine.start('service-task', { price: 3, quantity: 3 });
    for (let i = 0; i < 3; i++) {
      await t.idle();
      t.clock.advance(1000);
    }
    const [incident] = await engine.listIncidents({ processInstanceKey: ref.processInstanceKey, state: 'active' });

    // when
    down = false;
    await engine.retryIncident(incident.incidentKey);
    const stateAfterRetry = (await instance(ref.processInstanceKey)).state;
    const jobAfterRetry = await onlyJob(ref.processInstanceKey);
    await t.idle();

    // then
    expect(stateAfterRetry).toBe('active');
    expect(jobAfterRetry).toMatchObject({ retries: 1, state: 'activatable' });
    const done = await instance(ref.processInstanceKey);
    expect(done.state).toBe('completed');
    expect(done.variables).toEqual({ price: 3, quantity: 3, total: 9 });
    expect(await engine.listIncidents({ processInstanceKey: ref.processInstanceKey, state: 'active' })).toEqual([]);
    const resolved = await engine.listIncidents({ processInstanceKey: ref.processInstanceKey, state: 'resolved' });
    expect(resolved.map((i) => i.incidentKey)).toEqual([incident.incidentKey]);
    const history = await engine.getHistory(ref.processInstanceKey);
    expect(history.filter((e) => e.event === 'incident-resolved').map((e) => e.elementId)).toEqual(['Task_ComputeTotal']);
  });

  it('given a job incident, when it is retried with 2 retries and the worker still fails, then it runs twice more and a new incident is raised', async () => {
    // given
    let calls = 0;
    engine.registerWorker('compute-total', () => {
      calls++;
      throw new Error('still down');
    });
    await t.deploy('service-task.bpmn');
    const ref = await engine.start('service-task', {});
    for (let i = 0; i < 3; i++) {
      await t.idle();
      t.clock.advance(1000);
    }
    const [first] = await engine.listIncidents({ processInstanceKey: ref.processInstanceKey, state: 'active' });

    // when
    await engine.retryIncident(first.incidentKey, { retries: 2 });
    await t.idle();
    t.clock.advance(1000);
    await t.idle();

    // then
    expect(calls).toBe(5);
    const active = await engine.listIncidents({ processInstanceKey: ref.processInstanceKey, state: 'active' });
    expect(active).toHaveLength(1);
    expect(active[0].incidentKey).not.toBe(first.incidentKey);
    expect(active[0].errorType).toBe('JOB_NO_RETRIES');
    expect((await instance(ref.processInstanceKey)).state).toBe('incident');
  });

  it('given a worker registered with a 5 s backoff, when its job fails, then it is not retried before 5 s', async () => {
    // given
    const at: string[] = [];
    engine.registerWorker(
      'compute-total',
      () => {
        at.push(t.clock.now().toISOString());
        if (at.length === 1) throw new Error('flaky');
        return { total: 1 };
      },
      { backoff: 5000 },
    );
    await t.deploy('service-task.bpmn');
    const ref = await engine.start('service-task', {});

    // when
    await t.idle();
    t.clock.advance(4999);
    await t.idle();
    const callsBefore = at.length;
    t.clock.advance(1);
    await t.idle();

    // then
    expect(callsBefore).toBe(1);
    expect(at).toEqual(['2026-03-02T01:00:00.000Z', '2026-03-02T01:00:05.000Z']);
    expect((await instance(ref.processInstanceKey)).state).toBe('completed');
  });

  it('given a backoff function of the attempt number, when the job fails twice, then the waits grow as the function says', async () => {
    // given
    const at: string[] = [];
    engine.registerWorker(
      'compute-total',
      () => {
        at.push(t.clock.now().toISOString());
        if (at.length < 3) throw new Error('flaky');
        return {};
      },
      { backoff: (attempt) => attempt * 2000 },
    );
    await t.deploy('service-task.bpmn');
    const ref = await engine.start('service-task', {});

    // when
    for (let second = 0; second <= 6; second++) {
      await t.idle();
      t.clock.advance(1000);
    }

    // then
    expect(at).toEqual(['2026-03-02T01:00:00.000Z', '2026-03-02T01:00:02.000Z', '2026-03-02T01:00:06.000Z']);
    expect((await instance(ref.processInstanceKey)).state).toBe('completed');
  });

  it('given a timer whose date expression is null, when the instance reaches it, then an incident is raised instead of firing; after setting the date and retrying, it fires on time', async () => {
    // given
    await t.deploy('timer-intermediate.bpmn');
    const ref = await engine.start('timer-intermediate', { petitionId: 'P-1' });
    await t.idle();

    // then
    const waiting = await instance(ref.processInstanceKey);
    expect(waiting.state).toBe('incident');
    const [incident] = await engine.listIncidents({ processInstanceKey: ref.processInstanceKey, state: 'active' });
    expect(incident).toMatchObject({ elementId: 'Timer_WaitUntilDue', errorType: 'EXTRACT_VALUE_ERROR' });
    expect((await engine.getHistory(ref.processInstanceKey)).some((e) => e.event === 'timer-fired')).toBe(false);

    // when
    await engine.setVariables(ref.processInstanceKey, { dueAt: '2026-03-02T03:00:00.000Z' });
    await engine.retryIncident(incident.incidentKey);
    t.clock.advance(2 * 60 * 60_000 - 60_000);
    await t.idle();
    const oneMinuteBefore = (await instance(ref.processInstanceKey)).state;
    t.clock.advance(60_000);
    await t.idle();

    // then
    expect(oneMinuteBefore).toBe('active');
    const done = await instance(ref.processInstanceKey);
    expect(done.state).toBe('completed');
    expect(done.variables).toEqual({ petitionId: 'P-1', dueAt: '2026-03-02T03:00:00.000Z' });
  });

  it('given an instance in incident, when days pass, then it neither ends nor moves on by itself', async () => {
    // given
    await t.deploy('decision-routing.bpmn');
    const ref = await engine.start('decision-routing', {});
    await t.idle();

    // when
    t.clock.advanceDays(30);
    await t.idle();

    // then
    const waiting = await instance(ref.processInstanceKey);
    expect(waiting.state).toBe('incident');
    expect(waiting.endedAt).toBeUndefined();
    expect((await engine.listIncidents({ processInstanceKey: ref.processInstanceKey, state: 'active' })).map((i) => i.elementId)).toEqual([
      'Gateway_Decision',
    ]);
  });

  it('given incidents in two instances, when incidents are listed by instance, then each list holds only that instance’s incident', async () => {
    // given
    await t.deploy('decision-routing.bpmn');
    const a = await engine.start('decision-routing', { decision: 'x' });
    const b = await engine.start('decision-routing', { decision: 'y' });
    await t.idle();

    // when
    const all = await engine.listIncidents({ state: 'active' });
    const ofA = await engine.listIncidents({ processInstanceKey: a.processInstanceKey });

    // then
    expect(all.map((i) => i.processInstanceKey).sort()).toEqual([a.processInstanceKey, b.processInstanceKey].sort());
    expect(ofA.map((i) => i.processInstanceKey)).toEqual([a.processInstanceKey]);
  });
});
