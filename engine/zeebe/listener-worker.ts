/**
 * The worker for the user-task listener jobs, on the REST API (only REST-activated jobs carry the
 * user task: engine/README.md). Each job becomes the port's user-task event (task-listener.ts),
 * which the adapter mirrors into the app's task table before the job completes — a `creating`
 * listener holds the task back until then, so the app never shows a task Camunda has not made, or
 * misses one. A mirror that fails fails the job with one retry less: Zeebe asks again, and at 0
 * raises an incident on the task.
 */
import type { UserTaskEvent } from '../port.js';
import { listenerEvent, USER_TASK_LISTENER_TYPE, type ListenerJob } from './task-listener.js';

/** an activated REST job with its outcome calls (`EnrichedActivatedJob` of @camunda8/orchestration-cluster-api) */
export interface RestListenerJob extends ListenerJob {
  retries: number;
  complete(variables?: Record<string, any>): Promise<any>;
  fail(body: { errorMessage: string; retries: number; retryBackOff?: number }): Promise<any>;
}

/** the part of the REST client (`getOrchestrationClusterApiClient()`) the adapter uses */
export interface ZeebeRestApi {
  createJobWorker(config: { jobType: string; jobHandler: (job: RestListenerJob) => Promise<any>; maxParallelJobs: number; jobTimeoutMs: number; autoStart?: boolean }): {
    start(): void;
    stopGracefully(opts?: { waitUpToMs?: number }): Promise<unknown>;
  };
  /** `POST /v2/user-tasks/{userTaskKey}/completion` */
  completeUserTask(userTaskKey: string, variables: Record<string, unknown>): Promise<unknown>;
  /** `PUT /v2/clock` (a broker started with ZEEBE_CLOCK_CONTROLLED=true) */
  pinClock(epochMs: number): Promise<unknown>;
  /** the active incident of a job (`POST /v2/incidents/search`): needs secondary storage, fails without */
  activeIncidentKeyOfJob(jobKey: string): Promise<string | undefined>;
  /** process-instance modification: the active instances of an element (`POST /v2/element-instances/search`): needs secondary storage */
  activeElementInstanceKeys(processInstanceKey: string, elementId: string): Promise<string[]>;
}

export interface ListenerWorkerDeps {
  rest: ZeebeRestApi;
  /** mirror the event (the task table) and tell the port's listeners */
  onEvent(event: UserTaskEvent): Promise<void>;
  formIdOf(formKey: string): string | undefined;
  nameOf(processId: string, elementId: string): string | undefined;
  clock: { now(): Date };
  /** backoff before Zeebe offers a listener job again after a failed mirror */
  retryBackOffMs?: number;
}

export function createListenerWorker(deps: ListenerWorkerDeps) {
  let worker: ReturnType<ZeebeRestApi['createJobWorker']> | undefined;
  const handle = async (job: RestListenerJob) => {
    try {
      const event = listenerEvent(job, deps.clock.now(), deps);
      if (event) await deps.onEvent(event);
    } catch (err) {
      return job.fail({ errorMessage: `mirroring the user task failed: ${String((err as Error)?.message ?? err).slice(0, 2000)}`, retries: Math.max(0, job.retries - 1), retryBackOff: deps.retryBackOffMs ?? 5_000 });
    }
    return job.complete();
  };
  return {
    handle,
    open() {
      worker ??= deps.rest.createJobWorker({ jobType: USER_TASK_LISTENER_TYPE, jobHandler: handle, maxParallelJobs: 8, jobTimeoutMs: 60_000, autoStart: true });
    },
    async close() {
      const w = worker;
      worker = undefined;
      await w?.stopGracefully({ waitUpToMs: 5_000 });
    },
  };
}
