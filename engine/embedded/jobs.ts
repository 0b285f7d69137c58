/**
 * Jobs: workers registered, due jobs locked (safe across processes), run, and completed, failed with
 * backoff (an incident at 0 retries) or ended by a business error; transient database errors retried.
 */
import { BusinessError, ConflictError, InvalidArgumentError } from '../errors.js';
import type { Job, JobContext, JobHandler, Variables, WorkerOptions } from '../port.js';
import { assertName, assertVariables, parseJson } from './checks.js';
import type { Core } from './core.js';
import { type Ctx, DEFAULT_BACKOFF, DEFAULT_JOB_TIMEOUT, type JobWrite, type PendingEvent, type Worker } from './ctx.js';
import { execIdOf, newKey } from './keys.js';
import type { HistoryRecord } from './run-types.js';
import { inTx } from './transaction.js';
import { isTransient, retryTransient, transientBackoff } from './transient.js';
import { type JobRow, whereOf } from './store/store.js';

export function registerWorker(core: Core, type: string, handler: JobHandler, options: WorkerOptions = {}) {
  assertName(type, 'job type');
  if (typeof handler !== 'function') throw new InvalidArgumentError(`the worker for '${type}' must be a function`);
  if (core.workers.has(type)) throw new ConflictError(`a worker for job type '${type}' is already registered`);
  core.workers.set(type, { handler, options });
  core.scheduleJobs(0);
}

export async function listJobs(core: Core, filter: { processInstanceKey?: string; type?: string } = {}): Promise<Job[]> {
  const { where, args } = whereOf([
    ['instance_id = ?', filter.processInstanceKey],
    ['type = ?', filter.type],
  ]);
  const rows = await core.store.select<JobRow>(`SELECT * FROM engine_jobs ${where} ORDER BY created_at, id`, args);
  return rows.map((r) => ({
    jobKey: r.id,
    type: r.type,
    processInstanceKey: r.instance_id,
    processId: r.process_id,
    elementId: r.element_id,
    retries: r.retries,
    state: r.state,
    ...(r.not_before > r.created_at && { notBefore: new Date(r.not_before) }),
    ...(r.error_message && { errorMessage: r.error_message }),
    createdAt: new Date(r.created_at),
  }));
}

/**
 * Take due jobs of the registered types: waiting ones past their backoff, and activated ones whose
 * lock ran out (their worker died or hangs). The lock's expiry is the lock's token: a worker whose
 * job was taken from it finds no row to complete or fail.
 */
export async function lockDueJobs(core: Core, limit: number): Promise<(JobRow & { instance_variables: string | null })[]> {
  const types = [...core.workers.keys()];
  if (!types.length || limit <= 0) return [];
  const now = core.now();
  const typeList = types.map(() => '?').join(', ');
  const candidates = await core.store.select<JobRow & { instance_variables: string | null }>(
    `SELECT j.*, i.variables AS instance_variables FROM engine_jobs j JOIN engine_instances i ON i.id = j.instance_id
     WHERE ((j.state = 'activatable' AND j.not_before <= ?) OR (j.state = 'activated' AND j.locked_until < ?)) AND j.type IN (${typeList})
     ORDER BY j.not_before, j.created_at, j.id LIMIT ${Math.floor(limit)}`,
    [now, now, ...types],
  );
  if (!candidates.length) return [];
  const lock = () => inTx(core, async (ctx) => {
    const locked: (JobRow & { instance_variables: string | null })[] = [];
    for (const job of candidates) {
      const timeout = core.workers.get(job.type)?.options.timeout ?? DEFAULT_JOB_TIMEOUT;
      const until = Math.max(now + timeout, Number(job.locked_until ?? 0) + 1);
      // the state check makes the lock safe against another process taking the same job
      const n = await core.store.exec(
        "UPDATE engine_jobs SET state = 'activated', locked_until = ?, worker_id = NULL WHERE id = ? AND ((state = 'activatable' AND not_before <= ?) OR (state = 'activated' AND locked_until < ?))",
        [until, job.id, now, now],
        ctx.tx,
      );
      if (n === 1) locked.push({ ...job, state: 'activated', locked_until: until });
    }
    return locked;
  });
  try {
    // another engine's transaction on the same rows: nothing was locked, so try again at once
    return await retryTransient(lock, { attempts: 3 });
  } catch (err) {
    if (!isTransient(err)) throw err;
    // still contended: the jobs stay as they were for the next poll, no lock to wait out
    core.log.warn({ err }, 'locking jobs met a deadlock; left for the next poll');
    return [];
  }
}

export async function runJob(core: Core, job: JobRow & { instance_variables: string | null }) {
  const worker = core.workers.get(job.type);
  if (!worker) return;
  const variables = { ...parseJson<Variables>(job.instance_variables, {}), ...parseJson<Variables>(job.variables, {}) };
  const ctx: JobContext = {
    jobKey: job.id,
    type: job.type,
    processInstanceKey: job.instance_id,
    processId: job.process_id,
    elementId: job.element_id,
    headers: parseJson(job.headers, {}),
    retries: job.retries,
    transactional: (work) => void writes.push(work),
  };
  const writes: JobWrite[] = [];
  const execId = execIdOf(job.id);
  // a write of the handler's that fails fails the job (retried with backoff), as a throw would
  const finish = async (event: PendingEvent, historyEvent: HistoryRecord['event'], detail: Record<string, unknown>) => {
    try {
      await finishJob(core, job, event, historyEvent, detail, writes);
    } catch (err) {
      if (!writes.length || err instanceof ConflictError || isTransient(err)) throw err;
      await failJob(core, job, worker, err as Error);
    }
  };
  let output: Variables | void;
  try {
    output = await worker.handler(variables, ctx);
  } catch (err) {
    if (err instanceof BusinessError || (err as any)?.name === 'BusinessError') {
      const e = err as BusinessError;
      await finish({ kind: 'error', execId, code: e.code, message: e.message, variables: e.variables }, 'job-error-thrown', { code: e.code });
      return;
    }
    await failJob(core, job, worker, err as Error);
    return;
  }
  let out: Variables;
  try {
    out = assertVariables(output ?? {}, `the output of worker '${job.type}'`);
  } catch (err) {
    await failJob(core, job, worker, err as Error);
    return;
  }
  await finish({ kind: 'complete', execId, output: out }, 'job-completed', {});
}

/**
 * Who may finish a job: the engine's own worker by its lock's expiry (the lock's token), a remote
 * worker by its id (Camunda 7: the worker that most recently locked it).
 */
export type JobLock = { lockedUntil: number } | { workerId: string };

const lockCondition = (lock: JobLock): [string, unknown] =>
  'workerId' in lock ? ['worker_id = ?', lock.workerId] : ['locked_until = ?', lock.lockedUntil];

/**
 * `writes`: the handler's own (JobContext.transactional), in the completion's transaction. False
 * when the job was not there to finish (canceled, or its lock taken by another worker).
 */
export async function finishJob(
  core: Core,
  job: JobRow,
  event: PendingEvent,
  historyEvent: HistoryRecord['event'],
  detail: Record<string, unknown>,
  writes: JobWrite[] = [],
  lock: JobLock = { lockedUntil: Number(job.locked_until) },
): Promise<boolean> {
  const record = (): HistoryRecord => ({ elementId: job.element_id, elementType: 'job', event: historyEvent as any, at: core.now(), detail: { jobKey: job.id, ...detail } });
  const [cond, arg] = lockCondition(lock);
  let applied = false;
  const deleteJob = async (ctx: Ctx) => {
    // 0 rows: canceled, or taken back after its timeout: the result is dropped, as in Zeebe
    applied = (await core.store.exec(`DELETE FROM engine_jobs WHERE id = ? AND state = 'activated' AND ${cond}`, [job.id, arg], ctx.tx)) === 1;
    if (!applied) return false;
    for (const w of writes) await w(ctx.tx);
    return true;
  };

  // fast path: the run that created the job is still live; advance it before taking the write
  // lock, then save it in one transaction whose version check proves nobody moved the instance
  const hot = core.hot.get(job.instance_id);
  if (hot && event.kind !== 'start') {
    core.hot.delete(job.instance_id);
    const run = hot.run;
    run.reuse();
    const oldWaits = [...run.waits.values()];
    if (run.hasWait(event.execId)) {
      run.history.push(record());
      core.apply(run, event);
      try {
        await inTx(core, async (ctx) => {
          if (await deleteJob(ctx)) await core.settle(ctx, { ...hot.row }, run, oldWaits, event);
        });
        return applied;
      } catch (err) {
        // a deadlock rolled it back whole: redo it from the database below
        if (!(err instanceof ConflictError) && !isTransient(err)) throw err;
      }
    }
  }
  // from the database; a concurrent change of the instance makes us read it again, and a
  // deadlock or lock-wait timeout (another engine on the same rows) rolled everything back: the
  // handler's result is saved by a retry, not left locked until the timeout to be run twice
  for (let conflicts = 0, transients = 0; ; ) {
    try {
      await inTx(core, async (ctx) => {
        if (await deleteJob(ctx)) await core.withInstance(ctx, job.instance_id, event, [record()]);
      });
      return applied;
    } catch (err) {
      if (err instanceof ConflictError && ++conflicts < 3) continue;
      if (!isTransient(err) || ++transients >= 8) throw err;
      core.log.warn({ err, jobKey: job.id, attempt: transients }, 'saving a job result met a deadlock; retrying');
      await new Promise((r) => setTimeout(r, transientBackoff(transients)));
    }
  }
}

async function failJob(core: Core, job: JobRow, worker: Worker, err: Error) {
  const retries = job.retries - 1;
  const message = err?.message ?? String(err);
  // the failure's time is when the handler gave up, not when its record is written
  const at = core.now();
  const attempt = Math.max(1, 1 + (await countFailures(core, job.id)));
  const b = worker.options.backoff ?? DEFAULT_BACKOFF;
  const backoff = typeof b === 'function' ? b(attempt) : b;
  core.log.warn({ jobKey: job.id, type: job.type, retries, err: message }, 'job failed');
  await recordFailure(core, job, { lockedUntil: Number(job.locked_until) }, { retries, retryTimeout: backoff, message, at });
}

/**
 * A failed attempt: the job waits `retryTimeout` ms for its next one, or with no retries left it is
 * an incident (JOB_NO_RETRIES) and its instance shows it. False when the job was not there to fail
 * (canceled, or its lock taken by another worker).
 */
export async function recordFailure(
  core: Core,
  job: JobRow,
  lock: JobLock,
  failure: { retries: number; retryTimeout: number; message: string; details?: string; at?: number },
  writes: JobWrite[] = [],
): Promise<boolean> {
  const { retries, retryTimeout, message } = failure;
  const [cond, arg] = lockCondition(lock);
  const now = failure.at ?? core.now();
  return retryTransient(() => inTx(core, async (ctx) => {
    const detail = { jobKey: job.id, retries, message, ...(failure.details && { details: failure.details }) };
    const history = [{ elementId: job.element_id, elementType: 'job', event: 'job-failed' as const, at: now, detail }];
    if (retries > 0) {
      const n = await core.store.exec(
        `UPDATE engine_jobs SET state = 'activatable', retries = ?, not_before = ?, locked_until = NULL, worker_id = NULL, error_message = ? WHERE id = ? AND state = 'activated' AND ${cond}`,
        [retries, now + retryTimeout, message, job.id, arg],
        ctx.tx,
      );
      if (n !== 1) return false;
      for (const w of writes) await w(ctx.tx);
      await core.store.appendHistory(job.instance_id, history, ctx.tx);
      return true;
    }
    const n = await core.store.exec(
      `UPDATE engine_jobs SET state = 'incident', retries = 0, locked_until = NULL, worker_id = NULL, error_message = ? WHERE id = ? AND state = 'activated' AND ${cond}`,
      [message, job.id, arg],
      ctx.tx,
    );
    if (n !== 1) return false;
    for (const w of writes) await w(ctx.tx);
    await core.store.insert(
      'engine_incidents',
      {
        id: newKey(),
        instance_id: job.instance_id,
        process_id: job.process_id,
        element_id: job.element_id,
        job_id: job.id,
        error_type: 'JOB_NO_RETRIES',
        error_message: message,
        state: 'active',
        pending_event: null,
        created_at: now,
        resolved_at: null,
      },
      ctx.tx,
    );
    await core.store.exec("UPDATE engine_instances SET state = 'incident' WHERE id = ? AND state = 'active'", [job.instance_id], ctx.tx);
    await core.store.appendHistory(
      job.instance_id,
      [...history, { elementId: job.element_id, elementType: 'job', event: 'incident', at: now, detail: { errorType: 'JOB_NO_RETRIES', message } }],
      ctx.tx,
    );
    return true;
  }));
}

async function countFailures(core: Core, jobId: string) {
  const r = await core.store.one<{ n: number }>("SELECT COUNT(*) AS n FROM engine_history WHERE event = 'job-failed' AND instance_id = ? AND detail LIKE ?", [
    jobId.slice(0, jobId.indexOf('/')),
    `%${JSON.stringify(jobId).slice(1, -1)}%`,
  ]);
  return Number(r?.n ?? 0);
}
