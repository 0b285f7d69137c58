/**
 * What a handler's outcome becomes on a Zeebe job, as in the embedded adapter: a result completes
 * the job with it, a `BusinessError` throws the BPMN error the diagram models (code, message,
 * variables), any other failure fails the job with one retry less and the worker's backoff — at
 * 0 retries Zeebe raises the incident itself.
 */
import { BusinessError } from '../errors.js';
import type { AppTransaction, JobContext, JobHandler, WorkerOptions } from '../port.js';
import type { GrpcJob } from './sdk-boundary.js';

export interface JobLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
}

/** the port's view of a Zeebe job: headers as strings, as the diagrams write them */
export function jobContext(job: GrpcJob, logger?: JobLogger): JobContext {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(job.customHeaders ?? {})) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return {
    jobKey: String(job.key),
    type: job.type,
    processInstanceKey: String(job.processInstanceKey),
    processId: job.bpmnProcessId,
    elementId: job.elementId,
    headers,
    retries: job.retries,
    ...(logger && { logger }),
  };
}

/**
 * Zeebe does not say which attempt a job is on, only the retries left: the worker counts the
 * failures of each job it saw (a worker process restart starts counting anew).
 */
export function createAttemptCounter(max = 10_000) {
  const failures = new Map<string, number>();
  return {
    /** the 1-based attempt that just failed */
    failed(jobKey: string): number {
      const n = (failures.get(jobKey) ?? 0) + 1;
      failures.delete(jobKey);
      failures.set(jobKey, n);
      // keep the newest entries only: jobs that never come back must not grow the map forever
      if (failures.size > max) failures.delete(failures.keys().next().value as string);
      return n;
    },
    done(jobKey: string) {
      failures.delete(jobKey);
    },
  };
}

export type AttemptCounter = ReturnType<typeof createAttemptCounter>;

export function backoffFor(options: WorkerOptions, attempt: number): number {
  const b = options.backoff;
  const ms = typeof b === 'function' ? b(attempt) : (b ?? 0);
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : 0;
}

/** what a handler's run came to, told to the adapter's records before Zeebe is (so they are in order) */
export type JobOutcome =
  | { kind: 'completed'; output: Record<string, unknown> }
  | { kind: 'error-thrown'; code: string; message: string; variables: Record<string, unknown> }
  | { kind: 'failed'; message: string; retries: number; retryBackOff: number };

/** seen before the acknowledgement goes to Zeebe; a throw here is logged and the job still acknowledged */
export type BeforeAck = (job: GrpcJob, outcome: JobOutcome) => Promise<void>;

/** run the handler on the job and report its outcome to Zeebe; answers which outcome it was and the SDK's acknowledgement (what a task handler returns) */
export async function runJob(
  job: GrpcJob,
  handler: JobHandler,
  options: WorkerOptions,
  attempts: AttemptCounter,
  logger?: JobLogger,
  beforeAck?: BeforeAck,
  transact?: (work: (tx: AppTransaction) => Promise<void>) => Promise<void>,
): Promise<{ outcome: 'completed' | 'error-thrown' | 'failed'; ack: unknown }> {
  const ctx = jobContext(job, logger);
  const writes: ((tx: AppTransaction) => Promise<void>)[] = [];
  if (transact) ctx.transactional = (work) => void writes.push(work);
  /** the handler's writes, committed before Zeebe hears the outcome */
  const commitWrites = async () => {
    if (writes.length) await transact!(async (tx) => {
      for (const w of writes) await w(tx);
    });
  };
  const tell = async (outcome: JobOutcome) => {
    try {
      await beforeAck?.(job, outcome);
    } catch (err) {
      logger?.warn({ err, jobKey: ctx.jobKey, type: ctx.type }, 'recording the job outcome failed');
    }
  };
  let output: unknown;
  try {
    try {
      output = await handler({ ...(job.variables ?? {}) }, ctx);
    } catch (err) {
      if (err instanceof BusinessError) await commitWrites();
      throw err;
    }
    await commitWrites();
  } catch (err) {
    if (err instanceof BusinessError) {
      attempts.done(ctx.jobKey);
      const failure = { errorCode: err.code, errorMessage: err.message, variables: err.variables ?? {} };
      await tell({ kind: 'error-thrown', code: err.code, message: err.message, variables: failure.variables });
      const ack = await job.error(failure);
      return { outcome: 'error-thrown', ack };
    }
    const attempt = attempts.failed(ctx.jobKey);
    const retries = Math.max(0, job.retries - 1);
    const failure = { errorMessage: String((err as Error)?.message ?? err).slice(0, 4000), retries, retryBackOff: retries > 0 ? backoffFor(options, attempt) : 0 };
    await tell({ kind: 'failed', message: failure.errorMessage, retries, retryBackOff: failure.retryBackOff });
    const ack = await job.fail(failure);
    return { outcome: 'failed', ack };
  }
  attempts.done(ctx.jobKey);
  const result = output && typeof output === 'object' && !Array.isArray(output) ? (output as Record<string, unknown>) : {};
  await tell({ kind: 'completed', output: result });
  const ack = await job.complete(result);
  return { outcome: 'completed', ack };
}
