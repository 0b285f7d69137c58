/**
 * The registered handlers as Zeebe job workers, with the SDK client replaced: one SDK worker per job
 * type once opened (with the handler's timeout), jobs handed to the handler and their outcome
 * reported, a type registered once only, everything closed with the adapter.
 */
import { describe, it, expect } from '@jest/globals';
import { ConflictError } from '../errors.js';
import type { GrpcJob, ZeebeGrpcApi } from './sdk-boundary.js';
import { createZeebeWorkers } from './workers.js';

function fakeGrpc() {
  const workers: { taskType: string; timeout?: number; taskHandler: (job: GrpcJob) => Promise<unknown>; closed: boolean }[] = [];
  const grpc = {
    createWorker(config: { taskType: string; timeout?: number; taskHandler: (job: GrpcJob) => Promise<unknown> }) {
      const w = { ...config, closed: false };
      workers.push(w);
      return { close: async () => void (w.closed = true) };
    },
  } as unknown as ZeebeGrpcApi;
  return { grpc, workers };
}

const job = (type: string, completed: unknown[]): GrpcJob => ({
  key: '1', type, processInstanceKey: '2', bpmnProcessId: 'unit-handling', processDefinitionVersion: 2, elementId: 'Task_X', customHeaders: { level: 'blue' }, retries: 3, variables: { petitionId: 'p-1' },
  complete: async (v) => (completed.push(v), 'ACK'),
  error: async () => 'ACK',
  fail: async () => 'ACK',
});

describe('the Zeebe job workers', () => {
  it('given registered handlers, when opened, then each job type gets one SDK worker with its timeout, and a job reaches its handler and completes', async () => {
    const { grpc, workers } = fakeGrpc();
    const w = createZeebeWorkers(grpc);
    w.register('raise-warning', async (vars, ctx) => ({ raised: `${vars.petitionId}:${ctx.headers.level}` }), { timeout: 30_000 });
    w.register('notify', async () => undefined);
    expect(workers).toHaveLength(0);
    w.open();
    w.open();
    expect(workers.map((x) => [x.taskType, x.timeout])).toEqual([['raise-warning', 30_000], ['notify', 300_000]]);
    const completed: unknown[] = [];
    expect(await workers[0].taskHandler(job('raise-warning', completed))).toBe('ACK');
    expect(completed).toEqual([{ raised: 'p-1:blue' }]);
    // registered after opening: started at once
    w.register('publish-reply', async () => undefined);
    expect(workers.map((x) => x.taskType)).toEqual(['raise-warning', 'notify', 'publish-reply']);
    expect(w.types()).toEqual(['raise-warning', 'notify', 'publish-reply']);
    await w.close();
    expect(workers.every((x) => x.closed)).toBe(true);
  });

  it('given a job type registered twice or a bad one, then it is refused', () => {
    const w = createZeebeWorkers(fakeGrpc().grpc);
    w.register('notify', async () => undefined);
    expect(() => w.register('notify', async () => undefined)).toThrow(ConflictError);
    expect(() => w.register('has space', async () => undefined)).toThrow(/invalid job type/);
    expect(() => w.register('x', 'not a function' as never)).toThrow(/not a function/);
  });
});
