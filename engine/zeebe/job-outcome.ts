/**
 * What a handler's outcome becomes on a Zeebe job, as in the embedded adapter: a result completes
 * the job with it, a `BusinessError` throws the BPMN error the diagram models (code, message,
 * variables), any other failure fails the job with one retry less and the worker's backoff — at
 * 0 retries Zeebe raises the incident itself.
 */
import { BusinessError } from '../errors.js';
import type { JobContext, JobHandler, WorkerOptions } from '../port.js';
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

/** run the handler on the job and report its outcome to Zeebe; answers which outcome it was and the SDK's acknowledgement (what a task handler returns) */
export async function runJob(
  job: GrpcJob,
  handler: JobHandler,
  options: WorkerOptions,
  attempts: AttemptCounter,
  logger?: JobLogger,
): Promise<{ outcome: 'completed' | 'error-thrown' | 'failed'; ack: unknown }> {
  const ctx = jobContext(job, logger);
  let output: unknown;
  try {
    output = await handler({ ...(job.variables ?? {}) }, ctx);
  } catch (err) {
    if (err instanceof BusinessError) {
      attempts.done(ctx.jobKey);
      const ack = await job.error({ errorCode: err.code, errorMessage: err.message, variables: err.variables ?? {} });
      return { outcome: 'error-thrown', ack };
    }
    const attempt = attempts.failed(ctx.jobKey);
    const retries = Math.max(0, job.retries - 1);
    const ack = await job.fail({ errorMessage: String((err as Error)?.message ?? err).slice(0, 4000), retries, retryBackOff: retries > 0 ? backoffFor(options, attempt) : 0 });
    return { outcome: 'failed', ack };
  }
  attempts.done(ctx.jobKey);
  const ack = await job.complete(output && typeof output === 'object' && !Array.isArray(output) ? (output as Record<string, unknown>) : {});
  return { outcome: 'completed', ack };
}
