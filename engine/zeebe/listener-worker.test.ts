/**
 * The user-task listener worker, with the REST client replaced: a creating job is mirrored before
 * it completes; a mirror that fails fails the job with one retry less (Zeebe asks again); a job of
 * an event the app does not use completes without mirroring; the worker listens on the adapter's
 * listener job type.
 */
import { describe, it, expect } from '@jest/globals';
import type { UserTaskEvent } from '../port.js';
import { createListenerWorker, type RestListenerJob, type ZeebeRestApi } from './listener-worker.js';

const now = new Date('2026-03-02T01:00:00.000Z');

function job(listenerEventType: string, log: string[]): RestListenerJob {
  return {
    jobKey: '1', type: 'wenzheng-user-task', kind: 'TASK_LISTENER', listenerEventType, retries: 3,
    processInstanceKey: '2', processDefinitionId: 'unit-handling', elementId: 'Task_SignOrReturn', variables: { petitionId: 'p-1' },
    userTask: { userTaskKey: '3', candidateGroups: ['unit:u-longnan'] },
    complete: async () => (log.push('complete'), 'receipt'),
    fail: async (f) => (log.push(`fail ${f.retries} ${f.retryBackOff} ${f.errorMessage}`), 'receipt'),
  };
}

function fakeRest() {
  const configs: { jobType: string; maxParallelJobs: number; jobTimeoutMs: number }[] = [];
  const stopped: boolean[] = [];
  const rest: ZeebeRestApi = {
    createJobWorker: (config) => (configs.push(config), { start() {}, stopGracefully: async () => void stopped.push(true) }),
    completeUserTask: async () => { throw new Error('not used here'); },
    pinClock: async () => { throw new Error('not used here'); },
    activeIncidentKeyOfJob: async () => { throw new Error('not used here'); },
    activeElementInstanceKeys: async () => { throw new Error('not used here'); },
  };
  return { rest, configs, stopped };
}

describe('the user-task listener worker', () => {
  it('given a creating job, then the task is mirrored first and the job completes after', async () => {
    const log: string[] = [];
    const events: UserTaskEvent[] = [];
    const { rest, configs, stopped } = fakeRest();
    const w = createListenerWorker({ rest, clock: { now: () => now }, formIdOf: () => undefined, nameOf: () => '签收或申请退回', onEvent: async (e) => void (events.push(e), log.push(`mirror ${e.type}`)) });
    w.open();
    w.open();
    expect(configs.map((c) => c.jobType)).toEqual(['wenzheng-user-task']);
    expect(await w.handle(job('CREATING', log))).toBe('receipt');
    expect(log).toEqual(['mirror created', 'complete']);
    expect(events[0]).toMatchObject({ type: 'created', task: { userTaskKey: '3', name: '签收或申请退回', candidateGroups: ['unit:u-longnan'] } });
    await w.close();
    expect(stopped).toEqual([true]);
  });

  it('given a mirror that fails, then the job fails with one retry less and a backoff; an unused event completes without mirroring', async () => {
    const log: string[] = [];
    const w = createListenerWorker({ rest: fakeRest().rest, clock: { now: () => now }, formIdOf: () => undefined, nameOf: () => undefined, retryBackOffMs: 2_000, onEvent: async () => { throw new Error('database is locked'); } });
    await w.handle(job('COMPLETING', log));
    expect(log).toEqual(['fail 2 2000 mirroring the user task failed: database is locked']);
    log.length = 0;
    await w.handle(job('ASSIGNING', log));
    expect(log).toEqual(['complete']);
  });
});
