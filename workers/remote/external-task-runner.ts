/**
 * The job handlers as Camunda 7 external-task workers (issue 19): one camunda-external-task-client-js
 * Client against the app's `/engine-rest`, a subscription per job type (topic), each task run by the
 * same handler as in the app (workers/registry.ts) with deps over the worker services
 * (remote-deps.ts). The handler's output completes the task; a BusinessError throws its BPMN error;
 * any other error fails it with one retry less and the type's backoff (the engine raises an incident
 * at 0). No JobContext.transactional here: workers/job.ts atCompletion writes at once, and the
 * writes are idempotent, so a job retried after a lost completion repeats them harmlessly.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { BasicAuthInterceptor, Client, Variables } from 'camunda-external-task-client-js';
import type { JobContext, JobHandler } from '../../engine/port.js';
import { workerOptions } from '../registry.js';
import type { WorkerLogger } from '../deps.js';
import { DeferredWrites } from './remote-deps.js';

/** what the runner reads of a fetched task (the client's Task) */
export interface ExternalTaskLike {
  id?: string | undefined;
  topicName?: string | undefined;
  processInstanceId?: string | undefined;
  processDefinitionKey?: string | undefined;
  activityId?: string | undefined;
  retries?: number | null | undefined;
  variables: { getAll(): Record<string, unknown> };
  /** zeebe:taskHeaders, when fetched with includeExtensionProperties */
  extensionProperties?: Record<string, string> | undefined;
}

type VariablesOut = InstanceType<typeof Variables>;

/** what the runner calls of the client's TaskService */
export interface TaskServiceLike {
  complete(task: never, variables?: VariablesOut): Promise<void>;
  handleFailure(task: never, options: { errorMessage: string; errorDetails?: string; retries: number; retryTimeout: number }): Promise<void>;
  handleBpmnError(task: never, errorCode: string, errorMessage?: string, variables?: VariablesOut): Promise<void>;
}

/** retries of a job the engine has not failed yet (Camunda 7 sends null) */
export const DEFAULT_RETRIES = 3;
const DEFAULT_BACKOFF_MS = 1_000;

/** a fetched task's variables as a handler takes them: JSON parsed (by the client), instants as ISO text */
export function plainVariables(all: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

export function jobContextOf(task: ExternalTaskLike, logger?: WorkerLogger): JobContext {
  return {
    jobKey: String(task.id),
    type: String(task.topicName),
    processInstanceKey: String(task.processInstanceId ?? ''),
    // Camunda 7's processDefinitionKey is the process id
    processId: String(task.processDefinitionKey ?? ''),
    elementId: String(task.activityId ?? ''),
    headers: task.extensionProperties ?? {},
    retries: task.retries ?? DEFAULT_RETRIES,
    ...(logger && { logger }),
  };
}

/** ms before a failed job of `type` is offered again: the registry's backoff for it (default 1 s) */
export function retryTimeoutOf(type: string, attempt: number): number {
  const backoff = workerOptions(type).backoff;
  const ms = typeof backoff === 'function' ? backoff(attempt) : backoff;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : DEFAULT_BACKOFF_MS;
}

const isBusinessError = (err: unknown): err is { code: string; message: string; variables?: Record<string, unknown> } =>
  err instanceof Error && err.name === 'BusinessError' && typeof (err as { code?: unknown }).code === 'string';

const variablesOf = (values: Record<string, unknown> | undefined): VariablesOut | undefined => (values ? new Variables().setAll(values) : undefined);

/**
 * Runs one fetched task: `handlerFor(task)` gives the handler (made per job: its deps carry the task's
 * id), then the outcome goes back through `taskService`. Never throws (a failed report is logged: the
 * lock runs out and the job is offered again).
 */
export function createTaskAdapter(options: {
  handlerFor: (task: ExternalTaskLike) => JobHandler | undefined;
  logger: WorkerLogger;
  /**
   * a completion that carries the writes the handler kept for it (remote-deps.ts remoteCompletion):
   * given, the handler's completion writes (JobContext.transactional) commit with the completion in
   * the app; without it they are done before the completion (idempotent, at least once)
   */
  completeWithWrites?: (taskId: string, variables: Record<string, unknown>, writes: DeferredWrites['writes']) => Promise<void>;
}) {
  const { logger } = options;
  return async ({ task, taskService }: { task: ExternalTaskLike; taskService: TaskServiceLike }): Promise<void> => {
    const ctx = jobContextOf(task, logger);
    const t = task as never;
    const log = { jobKey: ctx.jobKey, type: ctx.type };
    // the handler's completion writes, run once its outcome is known (a failed job runs none)
    const works: Parameters<NonNullable<JobContext['transactional']>>[0][] = [];
    if (options.completeWithWrites) ctx.transactional = (work) => void works.push(work);
    const deferred = new DeferredWrites();
    let run: { ok: true; output: Record<string, unknown> } | { ok: false; error: unknown };
    try {
      const handler = options.handlerFor(task);
      if (!handler) throw new Error(`${ctx.type}: no handler for this topic in this worker process`);
      const output = (await handler(plainVariables(task.variables.getAll()), ctx)) ?? {};
      // those whose results it reads are sent now; the others are kept for the completion
      for (const work of works) await work(deferred as never);
      run = { ok: true, output };
    } catch (error) {
      run = { ok: false, error };
      // a business outcome's writes go with it, as the app's own workers' do (sent now: at least once)
      if (isBusinessError(error)) {
        try {
          for (const work of works) await work(undefined as never);
        } catch (err) {
          run = { ok: false, error: err };
        }
      }
    }
    const outcome = run.ok ? 'complete' : isBusinessError(run.error) ? 'bpmnError' : 'failure';
    try {
      if (run.ok && deferred.writes.length && options.completeWithWrites) {
        await options.completeWithWrites(String(task.id), run.output, deferred.writes);
      } else if (run.ok) {
        await taskService.complete(t, variablesOf(run.output));
      } else if (isBusinessError(run.error)) {
        await taskService.handleBpmnError(t, run.error.code, run.error.message, variablesOf(run.error.variables));
      } else {
        const e = run.error instanceof Error ? run.error : new Error(String(run.error));
        // the attempt counted from the retries left (a first attempt has DEFAULT_RETRIES)
        const attempt = Math.max(1, DEFAULT_RETRIES - ctx.retries + 1);
        const retryTimeout = retryTimeoutOf(ctx.type, attempt);
        const retries = Math.max(0, ctx.retries - 1);
        logger.warn({ ...log, retries, retryTimeout, error: e.message.slice(0, 300) }, 'job failed');
        await taskService.handleFailure(t, { errorMessage: e.message.slice(0, 1000), errorDetails: (e.stack ?? e.message).slice(0, 2000), retries, retryTimeout });
      }
    } catch (err) {
      // the engine refused the outcome (the lock ran out, the job was canceled) or is not reachable:
      // the lock runs out and the job is offered again
      logger.warn({ ...log, outcome, error: String((err as Error)?.message ?? err).slice(0, 300) }, 'the job outcome was not taken');
    }
  };
}

export interface RemoteWorkersOptions {
  /** the app's `/engine-rest` address */
  baseUrl: string;
  user: string;
  password: string;
  /** the job types to take (topics) */
  types: readonly string[];
  /** the handler of a task (made per job: e.g. `createWorkers(depsFor(task.id))[task.topicName]`) */
  handlerFor: (task: ExternalTaskLike) => JobHandler | undefined;
  logger: WorkerLogger;
  /** `npm run workers`: the completion that carries the handler's kept writes (remote-deps.ts remoteCompletion) */
  completeWithWrites?: (taskId: string, workerId: string, variables: Record<string, unknown>, writes: DeferredWrites['writes']) => Promise<void>;
  /** tasks locked per fetch and held at once (default 16) */
  maxTasks?: number;
  /** ms a fetched task stays locked (default 5 min, as the app's job timeout) */
  lockDuration?: number;
  /** ms the app holds a fetch open when nothing is due (long polling; default 10 s) */
  asyncResponseTimeout?: number;
  /** ms after a fetch before the client looks again (default 2): a fetch long-polls and asks only for free slots, so a short pause costs no requests, and the slots a finished fetch freed are filled at once */
  interval?: number;
  workerId?: string;
  /** the longest wait before fetching again after a failed fetch (default 10 s) */
  maxPollBackoffMs?: number;
}

export interface RunningRemoteWorkers {
  workerId: string;
  types: string[];
  /** stops fetching, waits for the fetch under way and the tasks in hand */
  stop(): Promise<void>;
}

export function startRemoteWorkers(options: RemoteWorkersOptions): RunningRemoteWorkers {
  const { logger } = options;
  const maxTasks = options.maxTasks ?? 16;
  const interval = options.interval ?? 2;
  const maxBackoff = options.maxPollBackoffMs ?? 10_000;
  const workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const client = new Client({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    workerId,
    maxTasks,
    // at most maxTasks in hand: a fetch asks only for what there is room for
    maxParallelExecutions: maxTasks,
    interval,
    asyncResponseTimeout: options.asyncResponseTimeout ?? 10_000,
    lockDuration: options.lockDuration ?? 5 * 60_000,
    autoPoll: false,
    interceptors: new BasicAuthInterceptor({ username: options.user, password: options.password }),
  });

  // the fetch under way (the client's own method wrapped: a stop waits for what it brings)
  const engineService = (client as unknown as { engineService: { fetchAndLock: (body: unknown) => Promise<unknown> } }).engineService;
  const fetchAndLock = engineService.fetchAndLock;
  let inFlight: Promise<unknown> | undefined;
  engineService.fetchAndLock = (body) => {
    const p = fetchAndLock(body);
    inFlight = p.catch(() => undefined);
    return p;
  };

  const inHand = new Set<Promise<void>>();
  const completeWithWrites = options.completeWithWrites;
  const adapter = createTaskAdapter({
    handlerFor: options.handlerFor,
    logger,
    ...(completeWithWrites && { completeWithWrites: (taskId: string, variables: Record<string, unknown>, writes: DeferredWrites['writes']) => completeWithWrites(taskId, workerId, variables, writes) }),
  });
  for (const type of options.types) {
    client.subscribe(type, { lockDuration: options.lockDuration ?? 5 * 60_000, includeExtensionProperties: true } as never, ({ task, taskService }) => {
      const p = adapter({ task: task as ExternalTaskLike, taskService: taskService as unknown as TaskServiceLike });
      inHand.add(p);
      void p.finally(() => inHand.delete(p));
      return p;
    });
  }

  // a failed fetch (the app down, a revoked credential): the client would fetch again every
  // `interval`; instead stop it and start again later, waiting longer each time up to maxBackoff
  let failures = 0;
  let stopping = false;
  let restart: NodeJS.Timeout | undefined;
  client.on('poll:success', () => {
    if (failures > 0) logger.info({ workerId }, 'the app answers again: fetching tasks');
    failures = 0;
  });
  client.on('poll:error', (err: unknown) => {
    if (stopping) return;
    client.stop();
    failures++;
    // longer than `interval`: the client's own next poll (already scheduled) finds it stopped first
    const delay = Math.max(interval + 50, Math.min(maxBackoff, 250 * 2 ** failures));
    logger.warn({ workerId, failures, retryInMs: delay, error: String((err as Error)?.message ?? err).slice(0, 300) }, 'fetching tasks failed');
    restart = setTimeout(() => {
      restart = undefined;
      if (!stopping) client.start();
    }, delay);
  });
  client.start();
  logger.info({ workerId, types: options.types.length, maxTasks }, 'remote workers fetching tasks');

  let stopped: Promise<void> | undefined;
  return {
    workerId,
    types: [...options.types],
    stop() {
      stopped ??= (async () => {
        stopping = true;
        if (restart) clearTimeout(restart);
        client.stop();
        // what a fetch under way brings is run (it is locked to us), then the tasks in hand finish
        if (inFlight) await inFlight;
        await new Promise((r) => setImmediate(r));
        await Promise.allSettled([...inHand]);
        logger.info({ workerId }, 'remote workers stopped');
      })();
      return stopped;
    },
  };
}
