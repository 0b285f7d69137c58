import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import { createTestEngine, instanceOf, type TestEngine } from '../harness.js';
import { ExternalTaskLockError, InvalidArgumentError, NotFoundError } from '../../errors.js';
import type { ExternalTaskPort } from '../../port.js';

/** issue 19: Camunda 7's external-task protocol over the embedded engine's jobs */
describe('external tasks (remote workers)', () => {
  let t: TestEngine;
  let ext: ExternalTaskPort;
  beforeEach(async () => {
    t = await createTestEngine();
    ext = t.engine.externalTasks!;
    await t.deploy('service-task.bpmn', 'error-boundary.bpmn', 'task-headers.bpmn');
  });
  afterEach(() => t.close());

  const fetch = (workerId: string, topicName: string, maxTasks = 10, lockDuration = 60_000) => ext.fetchAndLock({ workerId, maxTasks, topics: [{ topicName, lockDuration }] });

  it('given a started process, when a remote worker fetches its topic, then the job is locked to it with the variables and headers, and its completion moves the instance on', async () => {
    const { processInstanceKey: key } = await t.engine.start('service-task', { amount: 2 });
    const [task, ...more] = await fetch('cred/w1', 'compute-total');
    expect(more).toEqual([]);
    expect(task).toMatchObject({ topicName: 'compute-total', workerId: 'cred/w1', processInstanceId: key, processId: 'service-task', activityId: 'Task_ComputeTotal', retries: 3 });
    expect(task.variables.amount).toBe(2);
    expect(task.lockExpirationTime.getTime()).toBe(t.clock.now().getTime() + 60_000);
    // locked: nobody else gets it
    expect(await fetch('cred/w2', 'compute-total')).toEqual([]);

    await ext.complete(task.id, 'cred/w1', { total: 42 });
    const instance = await instanceOf(t.engine, key);
    expect(instance.state).toBe('completed');
    expect(instance.variables.total).toBe(42);
    await expect(ext.complete(task.id, 'cred/w1', {})).rejects.toBeInstanceOf(NotFoundError);
  });

  it('given headers on the task, when fetched, then they come with it', async () => {
    await t.engine.start('task-headers', {});
    const [task] = await fetch('cred/w1', 'send-notice');
    expect(task.headers).toMatchObject({ template: 'acceptance-notice', channel: 'sms' });
  });

  it('given a task locked by one worker, when another completes, fails, extends or throws on it, then each is refused and the task stays locked to the first', async () => {
    await t.engine.start('service-task', {});
    const [task] = await fetch('a/w1', 'compute-total');
    await expect(ext.complete(task.id, 'b/w1', {})).rejects.toBeInstanceOf(ExternalTaskLockError);
    await expect(ext.fail(task.id, 'b/w1', { errorMessage: 'x', retries: 0, retryTimeout: 0 })).rejects.toBeInstanceOf(ExternalTaskLockError);
    await expect(ext.extendLock(task.id, 'b/w1', 1000)).rejects.toBeInstanceOf(ExternalTaskLockError);
    await expect(ext.bpmnError(task.id, 'b/w1', { errorCode: 'X' })).rejects.toBeInstanceOf(ExternalTaskLockError);
    expect((await ext.getExternalTask(task.id))?.workerId).toBe('a/w1');
    expect((await t.engine.listIncidents()).length).toBe(0);
  });

  it('given a failure with retries left, then the job waits the retry timeout, is fetched again, and at 0 retries becomes an incident that a retry resolves', async () => {
    const { processInstanceKey: key } = await t.engine.start('service-task', {});
    const [first] = await fetch('c/w', 'compute-total');
    await ext.fail(first.id, 'c/w', { errorMessage: 'SMS gateway down', errorDetails: 'ECONNREFUSED', retries: 2, retryTimeout: 30_000 });
    expect(await fetch('c/w', 'compute-total')).toEqual([]);
    t.clock.advance(30_000);
    const [second] = await fetch('c/w', 'compute-total');
    expect(second).toMatchObject({ id: first.id, retries: 2, errorMessage: 'SMS gateway down' });
    await ext.fail(second.id, 'c/w', { errorMessage: 'still down', retries: 0, retryTimeout: 0 });
    const incidents = await t.engine.listIncidents({ processInstanceKey: key, state: 'active' });
    expect(incidents).toMatchObject([{ errorType: 'JOB_NO_RETRIES', errorMessage: 'still down' }]);
    expect((await instanceOf(t.engine, key)).state).toBe('incident');
    expect(await fetch('c/w', 'compute-total')).toEqual([]);

    await t.engine.retryIncident(incidents[0].incidentKey, { retries: 1 });
    const [third] = await fetch('c/w', 'compute-total');
    await ext.complete(third.id, 'c/w', { total: 1 });
    expect((await instanceOf(t.engine, key)).state).toBe('completed');
  });

  it('given a BPMN error with the modelled code, then the error boundary takes it', async () => {
    const { processInstanceKey: key } = await t.engine.start('error-boundary', { petitionId: 'P-1' });
    const [task] = await fetch('c/w', 'verify-identity');
    await ext.bpmnError(task.id, 'c/w', { errorCode: 'IDENTITY_REJECTED', errorMessage: 'no match' });
    expect((await instanceOf(t.engine, key)).state).toBe('completed');
    const history = await t.engine.getHistory(key);
    expect(history.some((e) => e.elementId === 'Event_IdentityRejected' && e.event === 'completed')).toBe(true);
  });

  it('given a lock that ran out, then another worker takes the job, the first can neither extend nor complete it, and it is done once', async () => {
    const { processInstanceKey: key } = await t.engine.start('service-task', {});
    const [stale] = await fetch('c/dead', 'compute-total', 10, 5_000);
    t.clock.advance(5_001);
    await expect(ext.extendLock(stale.id, 'c/dead', 10_000)).rejects.toBeInstanceOf(ExternalTaskLockError);
    const [taken] = await fetch('c/alive', 'compute-total');
    expect(taken.id).toBe(stale.id);
    await expect(ext.complete(stale.id, 'c/dead', { total: 1 })).rejects.toBeInstanceOf(ExternalTaskLockError);
    await ext.complete(taken.id, 'c/alive', { total: 2 });
    const instance = await instanceOf(t.engine, key);
    expect(instance.variables.total).toBe(2);
    expect((await t.engine.getHistory(key)).filter((e) => e.event === 'job-completed')).toHaveLength(1);
  });

  it('given a held lock, when extended, then it holds past its first expiry; when unlocked, then any worker fetches it at once', async () => {
    await t.engine.start('service-task', {});
    const [task] = await fetch('c/w', 'compute-total', 10, 5_000);
    t.clock.advance(4_000);
    await ext.extendLock(task.id, 'c/w', 10_000);
    t.clock.advance(5_000);
    expect(await fetch('c/other', 'compute-total')).toEqual([]);
    await ext.unlock(task.id);
    const [again] = await fetch('c/other', 'compute-total');
    expect(again.id).toBe(task.id);
    await expect(ext.unlock('nope/1')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('given maxTasks, then no more are locked, and the rest go to the next fetch', async () => {
    for (let i = 0; i < 5; i++) await t.engine.start('service-task', { i });
    expect(await fetch('c/w', 'compute-total', 3)).toHaveLength(3);
    expect(await fetch('c/w', 'compute-total', 3)).toHaveLength(2);
  });

  it('given workers fetching at the same moment over the same jobs of two topics, then each job is locked to one worker only, with its topic’s lock, and the next fetch takes the rest', async () => {
    for (let i = 0; i < 12; i++) await t.engine.start('service-task', { i });
    for (let i = 0; i < 6; i++) await t.engine.start('error-boundary', { i });
    const topics = [
      { topicName: 'compute-total', lockDuration: 60_000 },
      { topicName: 'verify-identity', lockDuration: 30_000 },
    ];
    const got = await Promise.all(['c/w1', 'c/w2', 'c/w3', 'c/w4'].map((workerId) => ext.fetchAndLock({ workerId, maxTasks: 5, topics })));
    const all = got.flat();
    // each read the same first candidates (twice its maxTasks): the later ones found some taken and took the next
    expect(all.length).toBeGreaterThanOrEqual(10);
    expect(new Set(all.map((x) => x.id)).size).toBe(all.length);
    got.forEach((tasks) => expect(tasks.length).toBeLessThanOrEqual(5));
    const now = t.clock.now().getTime();
    for (const x of all) expect(x.lockExpirationTime.getTime() - now).toBe(x.topicName === 'compute-total' ? 60_000 : 30_000);
    // the rows say the same: each locked job is held by the worker that was given it
    const rows = await t.db.sequelize.query<{ id: string; worker_id: string | null }>("SELECT id, worker_id FROM engine_jobs WHERE state = 'activated'", { type: QueryTypes.SELECT });
    const holder = new Map(got.flatMap((tasks, i) => tasks.map((x) => [x.id, `c/w${i + 1}`] as const)));
    expect(new Map(rows.map((r) => [r.id, r.worker_id]))).toEqual(holder);
    // the rest go to the next fetch
    expect(await ext.fetchAndLock({ workerId: 'c/w5', maxTasks: 20, topics })).toHaveLength(18 - all.length);
  });

  it('given bad requests, then they are refused and nothing is locked', async () => {
    await t.engine.start('service-task', {});
    await expect(ext.fetchAndLock({ workerId: '', maxTasks: 1, topics: [{ topicName: 'compute-total', lockDuration: 1000 }] })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(ext.fetchAndLock({ workerId: 'c/w', maxTasks: 0, topics: [{ topicName: 'compute-total', lockDuration: 1000 }] })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(ext.fetchAndLock({ workerId: 'c/w', maxTasks: 1, topics: [{ topicName: 'compute-total', lockDuration: -1 }] })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(ext.fetchAndLock({ workerId: 'c/w', maxTasks: 1, topics: [] })).rejects.toBeInstanceOf(InvalidArgumentError);
    const locked = await t.db.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM engine_jobs WHERE state = 'activated'", { type: QueryTypes.SELECT });
    expect(Number(locked[0].n)).toBe(0);
    const [task] = await fetch('c/w', 'compute-total');
    await expect(ext.fail(task.id, 'c/w', { errorMessage: 'x', retries: -1, retryTimeout: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(ext.complete(task.id, 'c/w', [] as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect((await ext.getExternalTask(task.id))?.workerId).toBe('c/w');
  });

  it('given the app\'s write with a completion, when the write fails, then the job is not completed either', async () => {
    const { processInstanceKey: key } = await t.engine.start('service-task', {});
    const [task] = await fetch('c/w', 'compute-total');
    await expect(ext.complete(task.id, 'c/w', { total: 1 }, { transactional: () => Promise.reject(new Error('audit refused')) })).rejects.toThrow('audit refused');
    expect((await instanceOf(t.engine, key)).state).toBe('active');
    await ext.complete(task.id, 'c/w', { total: 1 });
    expect((await instanceOf(t.engine, key)).state).toBe('completed');
  });

  it('given a long poll, when a job of its topic is created, then it wakes at once, not at the end of its poll', async () => {
    await t.engine.open();
    const started = Date.now();
    const woke = ext.waitForTasks(['compute-total'], 60_000);
    await t.engine.start('service-task', {});
    await woke;
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await fetch('c/w', 'compute-total')).toHaveLength(1);
    const aborted = new AbortController();
    const waiting = ext.waitForTasks(['compute-total'], 60_000, aborted.signal);
    aborted.abort();
    await waiting;
  });
});
