/**
 * A handler's outcome on a Zeebe job (the SDK's job replaced by a fake): a result completes the job
 * with it, a BusinessError throws its BPMN error, any other failure fails the job with one retry
 * less and the worker's backoff for that attempt; the last retry gets no backoff (Zeebe raises the
 * incident at 0).
 */
import { describe, it, expect } from '@jest/globals';
import { BusinessError } from '../errors.js';
import { createAttemptCounter, jobContext, runJob } from './job-outcome.js';
import type { GrpcJob } from './sdk-boundary.js';

function fakeJob(over: Partial<GrpcJob> = {}) {
  const calls: { kind: string; arg: unknown }[] = [];
  const job: GrpcJob = {
    key: '2251799813685249',
    type: 'notify',
    processInstanceKey: '2251799813685100',
    bpmnProcessId: 'unit-handling',
    processDefinitionVersion: 2,
    elementId: 'Task_NotifyUnitDispatched',
    customHeaders: { template: 'case-dispatched', to: 'unit-contact' },
    retries: 3,
    variables: { petitionId: 'p-1', unitId: 'u-longnan' },
    complete: async (v) => (calls.push({ kind: 'complete', arg: v }), 'JOB_ACTION_ACKNOWLEDGEMENT'),
    error: async (e) => (calls.push({ kind: 'error', arg: e }), 'JOB_ACTION_ACKNOWLEDGEMENT'),
    fail: async (f) => (calls.push({ kind: 'fail', arg: f }), 'JOB_ACTION_ACKNOWLEDGEMENT'),
    ...over,
  };
  return { job, calls };
}

describe('a Zeebe job and its handler', () => {
  it('given a job, then the handler sees its variables and a context with the headers as strings', async () => {
    const { job } = fakeJob({ customHeaders: { template: 'case-dispatched', retriesOfNothing: 3 } });
    expect(jobContext(job)).toEqual({
      jobKey: '2251799813685249',
      type: 'notify',
      processInstanceKey: '2251799813685100',
      processId: 'unit-handling',
      elementId: 'Task_NotifyUnitDispatched',
      headers: { template: 'case-dispatched', retriesOfNothing: '3' },
      retries: 3,
    });
    let seen: unknown;
    const { job: j2, calls } = fakeJob();
    await runJob(j2, (vars) => void (seen = vars), {}, createAttemptCounter());
    expect(seen).toEqual({ petitionId: 'p-1', unitId: 'u-longnan' });
    // no output: completed with no variables
    expect(calls).toEqual([{ kind: 'complete', arg: {} }]);
  });

  it('given a result, then the job completes with it and the SDK acknowledgement is answered', async () => {
    const { job, calls } = fakeJob();
    const r = await runJob(job, async () => ({ finishDueAt: '2026-03-09T16:00:00.000Z' }), {}, createAttemptCounter());
    expect(r).toEqual({ outcome: 'completed', ack: 'JOB_ACTION_ACKNOWLEDGEMENT' });
    expect(calls).toEqual([{ kind: 'complete', arg: { finishDueAt: '2026-03-09T16:00:00.000Z' } }]);
  });

  it('given a BusinessError, then the BPMN error with its code, message and variables is thrown (no retry used)', async () => {
    const { job, calls } = fakeJob({ retries: 1 });
    const r = await runJob(job, () => { throw new BusinessError('RETURN_LATE', '超过退回期限', { lateDays: 2 }); }, { backoff: 1000 }, createAttemptCounter());
    expect(r.outcome).toBe('error-thrown');
    expect(calls).toEqual([{ kind: 'error', arg: { errorCode: 'RETURN_LATE', errorMessage: '超过退回期限', variables: { lateDays: 2 } } }]);
  });

  it('given a failure, then the job fails with one retry less and the backoff of its attempt; the last retry without backoff', async () => {
    const attempts = createAttemptCounter();
    const backoff = (attempt: number) => 1000 * 2 ** (attempt - 1);
    const boom = () => { throw new Error('SMS gateway timed out'); };
    const fails: unknown[] = [];
    for (const retries of [3, 2, 1]) {
      const { job, calls } = fakeJob({ retries });
      expect((await runJob(job, boom, { backoff }, attempts)).outcome).toBe('failed');
      fails.push(calls[0].arg);
    }
    expect(fails).toEqual([
      { errorMessage: 'SMS gateway timed out', retries: 2, retryBackOff: 1000 },
      { errorMessage: 'SMS gateway timed out', retries: 1, retryBackOff: 2000 },
      { errorMessage: 'SMS gateway timed out', retries: 0, retryBackOff: 0 },
    ]);
    // a fixed backoff, and none by default
    const { job, calls } = fakeJob();
    await runJob(job, boom, { backoff: 250 }, createAttemptCounter());
    expect(calls[0].arg).toMatchObject({ retries: 2, retryBackOff: 250 });
    const { job: j2, calls: c2 } = fakeJob();
    await runJob(j2, boom, {}, createAttemptCounter());
    expect(c2[0].arg).toMatchObject({ retries: 2, retryBackOff: 0 });
  });

  it('given many jobs that never come back, then the attempt counter keeps only the newest', () => {
    const attempts = createAttemptCounter(3);
    for (const k of ['a', 'b', 'c', 'd']) attempts.failed(k);
    // "a" was dropped: counting starts again
    expect(attempts.failed('a')).toBe(1);
    expect(attempts.failed('d')).toBe(2);
  });

  it('given a handler that leaves writes for its outcome (JobContext.transactional), then they run in one app transaction before Zeebe hears of a completion or a business error, and not at all for a failure', async () => {
    const order: string[] = [];
    const transact = async (work: (tx: never) => Promise<void>) => {
      order.push('begin');
      await work('tx' as never);
      order.push('commit');
    };
    const writing = (outcome: () => unknown) => async (_v: unknown, ctx: { transactional?: (w: (tx: unknown) => Promise<void>) => void }) => {
      ctx.transactional?.(async (tx) => void order.push(`write in ${String(tx)}`));
      return outcome() as never;
    };
    const completed = fakeJob({ complete: async () => (order.push('complete'), 'JOB_ACTION_ACKNOWLEDGEMENT') });
    await runJob(completed.job, writing(() => ({})), {}, createAttemptCounter(), undefined, undefined, transact);
    expect(order.splice(0)).toEqual(['begin', 'write in tx', 'commit', 'complete']);

    const thrown = fakeJob({ error: async () => (order.push('error'), 'JOB_ACTION_ACKNOWLEDGEMENT') });
    await runJob(thrown.job, writing(() => { throw new BusinessError('REFUSED', 'no'); }), {}, createAttemptCounter(), undefined, undefined, transact);
    expect(order.splice(0)).toEqual(['begin', 'write in tx', 'commit', 'error']);

    const failed = fakeJob({ fail: async () => (order.push('fail'), 'JOB_ACTION_ACKNOWLEDGEMENT') });
    await runJob(failed.job, writing(() => { throw new Error('down'); }), {}, createAttemptCounter(), undefined, undefined, transact);
    expect(order.splice(0)).toEqual(['fail']);

    // a write that fails fails the job: Zeebe retries it
    const broken = fakeJob({ fail: async () => (order.push('fail'), 'JOB_ACTION_ACKNOWLEDGEMENT'), complete: async () => (order.push('complete'), 'JOB_ACTION_ACKNOWLEDGEMENT') });
    await runJob(broken.job, writing(() => ({})), {}, createAttemptCounter(), undefined, undefined, async () => { throw new Error('database gone'); });
    expect(order.splice(0)).toEqual(['fail']);
  });
});
