/**
 * The registered handlers as Zeebe job workers (gRPC long-polling through the SDK): one SDK worker
 * per job type, opened with the adapter and closed with it; each job's outcome goes back to Zeebe
 * as in job-outcome.ts. Workers run wherever this adapter runs — the app or `npm run workers` —
 * and Zeebe spreads the jobs of a type over all of them.
 */
import { ConflictError, InvalidArgumentError } from '../errors.js';
import type { AppTransaction, JobHandler, WorkerOptions } from '../port.js';
import { createAttemptCounter, runJob, type BeforeAck, type JobLogger } from './job-outcome.js';
import type { GrpcWorker, ZeebeGrpcApi } from './sdk-boundary.js';

/** Zeebe's default job timeout is 5 min: a crashed worker's job is offered again after it */
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export function createZeebeWorkers(
  grpc: ZeebeGrpcApi,
  options: { logger?: JobLogger; maxJobsToActivate?: number; beforeAck?: BeforeAck; transact?: (work: (tx: AppTransaction) => Promise<void>) => Promise<void> } = {},
) {
  const registered = new Map<string, { handler: JobHandler; options: WorkerOptions }>();
  const running = new Map<string, GrpcWorker>();
  const attempts = createAttemptCounter();
  let opened = false;

  const start = (type: string) => {
    const { handler, options: o } = registered.get(type)!;
    running.set(
      type,
      grpc.createWorker({
        taskType: type,
        taskHandler: async (job) => (await runJob(job, handler, o, attempts, options.logger, options.beforeAck, options.transact)).ack,
        timeout: o.timeout ?? DEFAULT_TIMEOUT_MS,
        ...(options.maxJobsToActivate && { maxJobsToActivate: options.maxJobsToActivate }),
      }),
    );
  };

  return {
    register(type: string, handler: JobHandler, o: WorkerOptions = {}) {
      if (typeof type !== 'string' || !/^[\w.:-]{1,255}$/.test(type)) throw new InvalidArgumentError(`invalid job type ${JSON.stringify(type)}`);
      if (typeof handler !== 'function') throw new InvalidArgumentError(`the worker of ${type} is not a function`);
      if (registered.has(type)) throw new ConflictError(`a worker is already registered for ${type}`, 'ALREADY_EXISTS');
      registered.set(type, { handler, options: o });
      if (opened) start(type);
    },
    types: () => [...registered.keys()],
    open() {
      if (opened) return;
      opened = true;
      for (const type of registered.keys()) start(type);
    },
    async close() {
      opened = false;
      const workers = [...running.values()];
      running.clear();
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

export type ZeebeWorkers = ReturnType<typeof createZeebeWorkers>;
