/**
 * Camunda 7's external-task protocol over the engine's jobs (issue 19): a remote worker fetches and
 * locks due jobs of its topics (job types), then completes them, fails them, throws a business
 * error, extends or gives back its lock. The rows, the retries and the incidents are those of the
 * engine's own workers (jobs.ts); only the lock's holder differs: a remote lock carries the worker's
 * id (`worker_id`), and only that worker may finish it — as Camunda 7 checks "the worker that most
 * recently locked the task". A lock that ran out is free for any worker again.
 */
import { ExternalTaskLockError, InvalidArgumentError, NotFoundError } from '../errors.js';
import type {
  ExternalTaskFailure,
  ExternalTaskOptions,
  FetchAndLockOptions,
  FetchAndLockRequest,
  LockedExternalTask,
  Variables,
} from '../port.js';
import { assertVariables, parseJson } from './checks.js';
import type { Core } from './core.js';
import { finishJob, recordFailure } from './jobs.js';
import { execIdOf } from './keys.js';
import { inTx } from './transaction.js';
import { isTransient, retryTransient } from './transient.js';
import type { JobRow } from './store/store.js';

type TaskRow = JobRow & { instance_variables: string | null; definition_id: string };

const MAX_TASKS = 1000;
/** Camunda 7 has no upper bound; a day keeps a forgotten lock from hiding a job for longer */
const MAX_LOCK_MS = 24 * 3600_000;
const MAX_WORKER_ID = 255;

const SELECT_TASK = `SELECT j.*, i.variables AS instance_variables, i.definition_id AS definition_id
  FROM engine_jobs j JOIN engine_instances i ON i.id = j.instance_id`;

function checkWorkerId(workerId: unknown): string {
  if (typeof workerId !== 'string' || !workerId.trim()) throw new InvalidArgumentError('workerId must be a non-empty string');
  if (workerId.length > MAX_WORKER_ID) throw new InvalidArgumentError(`workerId must be at most ${MAX_WORKER_ID} characters`);
  return workerId;
}

function checkMs(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(`${what} must be a whole number of milliseconds from ${min} to ${max}`);
  return value;
}

function checkId(id: unknown): string {
  if (typeof id !== 'string' || !id || id.length > 255) throw new InvalidArgumentError('the external task id must be a non-empty string');
  return id;
}

function toTask(row: TaskRow, lockedUntil: number | null, workerId: string | null) {
  return {
    id: row.id,
    topicName: row.type,
    workerId,
    processInstanceId: row.instance_id,
    processDefinitionKey: row.definition_id,
    processId: row.process_id,
    activityId: row.element_id,
    retries: row.retries,
    errorMessage: row.error_message,
    lockExpirationTime: lockedUntil === null ? null : new Date(lockedUntil),
    createTime: new Date(Number(row.created_at)),
    // what a handler of the engine's own is given (jobs.ts runJob): the instance's variables, the job's input mappings over them
    variables: { ...parseJson<Variables>(row.instance_variables, {}), ...parseJson<Variables>(row.variables, {}) },
    headers: parseJson<Record<string, string>>(row.headers, {}),
  };
}

export async function fetchAndLock(core: Core, request: FetchAndLockRequest, options: FetchAndLockOptions = {}): Promise<LockedExternalTask[]> {
  const workerId = checkWorkerId(request?.workerId);
  const maxTasks = request.maxTasks;
  if (!Number.isInteger(maxTasks) || maxTasks < 1 || maxTasks > MAX_TASKS) throw new InvalidArgumentError(`maxTasks must be a whole number from 1 to ${MAX_TASKS}`);
  if (!Array.isArray(request.topics) || !request.topics.length) throw new InvalidArgumentError('topics must name at least one topic');
  const lockFor = new Map<string, number>();
  for (const t of request.topics) {
    if (typeof t?.topicName !== 'string' || !t.topicName) throw new InvalidArgumentError('every topic needs a topicName');
    lockFor.set(t.topicName, checkMs(t.lockDuration, `lockDuration of topic ${t.topicName}`, 1, MAX_LOCK_MS));
  }
  const types = [...lockFor.keys()];
  const now = core.now();
  // new or backed off and due, or its lock ran out (`p`: the table's alias)
  const due = (p: string) => `((${p}state = 'activatable' AND ${p}not_before <= ?) OR (${p}state = 'activated' AND ${p}locked_until < ?))`;
  // more than asked for: a worker racing us for the first rows leaves us the next ones
  const candidates = await core.store.select<TaskRow>(
    `${SELECT_TASK} WHERE ${due('j.')} AND j.type IN (${types.map(() => '?').join(', ')})
     ORDER BY j.not_before, j.created_at, j.id LIMIT ${Math.min(2 * maxTasks, MAX_TASKS)}`,
    [now, now, ...types],
  );
  if (!candidates.length) return [];
  // the candidates in order, a statement for as many as are still wanted (per lock duration); the
  // state check makes the lock safe against another process taking the same job, and only when it
  // took some are ours read back
  const lock = () =>
    inTx(core, async (ctx) => {
      const locked: LockedExternalTask[] = [];
      for (let next = 0; locked.length < maxTasks && next < candidates.length; ) {
        const part = candidates.slice(next, next + maxTasks - locked.length);
        next += part.length;
        const byUntil = new Map<number, TaskRow[]>();
        for (const row of part) {
          const until = now + lockFor.get(row.type)!;
          const group = byUntil.get(until);
          if (group) group.push(row);
          else byUntil.set(until, [row]);
        }
        for (const [until, rows] of byUntil) {
          const ids = rows.map((r) => r.id);
          const marks = ids.map(() => '?').join(', ');
          const n = await core.store.exec(`UPDATE engine_jobs SET state = 'activated', locked_until = ?, worker_id = ? WHERE id IN (${marks}) AND ${due('')}`, [until, workerId, ...ids, now, now], ctx.tx);
          let ours = rows;
          if (n < rows.length) {
            const mine = new Set((await core.store.select<{ id: string }>(`SELECT id FROM engine_jobs WHERE id IN (${marks}) AND state = 'activated' AND worker_id = ? AND locked_until = ?`, [...ids, workerId, until], ctx.tx)).map((r) => r.id));
            ours = rows.filter((r) => mine.has(r.id));
          }
          for (const row of ours) locked.push(toTask(row, until, workerId) as LockedExternalTask);
        }
      }
      if (locked.length && options.transactional) await options.transactional(ctx.tx, locked);
      return locked;
    });
  try {
    const locked = await retryTransient(lock, { attempts: 3 });
    const rows = new Map(candidates.map((r) => [r.id, r]));
    for (const t of locked) remember(core, rows.get(t.id)!, workerId, t.lockExpirationTime!.getTime());
    return locked;
  } catch (err) {
    if (!isTransient(err)) throw err;
    // still contended: the jobs stay as they were for the next fetch
    core.log.warn({ err }, 'locking external tasks met a deadlock; left for the next fetch');
    return [];
  }
}

/**
 * Resolves when a job of one of the types may have become due: created by this process (at once),
 * or anything else — another process's job, a backoff that ended, a lock that ran out — at the
 * latest after `pollMs`; also when the clock jumps (tests) or `signal` aborts.
 */
export function waitForTasks(core: Core, topics: readonly string[], pollMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const waiter = { types: new Set(topics), wake: () => done() };
    const timer = setTimeout(() => done(), Math.max(0, pollMs));
    const unsubscribe = core.clock.onJump?.(() => done());
    const onAbort = () => done();
    signal?.addEventListener('abort', onAbort, { once: true });
    core.jobWaiters.add(waiter);
    function done() {
      clearTimeout(timer);
      unsubscribe?.();
      signal?.removeEventListener('abort', onAbort);
      core.jobWaiters.delete(waiter);
      resolve();
    }
  });
}

export async function getExternalTask(core: Core, id: string) {
  checkId(id);
  const row = await core.store.one<TaskRow>(`${SELECT_TASK} WHERE j.id = ?`, [id]);
  if (!row) return undefined;
  const held = row.state === 'activated' && row.worker_id ? row.worker_id : null;
  return toTask(row, held ? Number(row.locked_until) : null, held) as LockedExternalTask;
}

/** at most this many locked rows are kept (a flood of fetches keeps the newest) */
const MAX_REMEMBERED = 10_000;

function remember(core: Core, row: TaskRow, workerId: string, until: number) {
  if (core.lockedTasks.size >= MAX_REMEMBERED) core.lockedTasks.delete(core.lockedTasks.keys().next().value as string);
  // the job's own columns (the instance's variables are not the job's, and may be large)
  const job: JobRow & Partial<TaskRow> = { ...row, state: 'activated', worker_id: workerId, locked_until: until };
  delete job.instance_variables;
  delete job.definition_id;
  core.lockedTasks.set(row.id, { row: job, workerId, until });
}

/**
 * The row this process locked for `workerId`, while that lock holds: what a completion needs of it
 * (its id, instance and element) does not change, and finishJob's delete checks the lock again in
 * its transaction, so a row that changed meanwhile is refused there, never finished twice.
 */
function remembered(core: Core, id: string, workerId: string): JobRow | undefined {
  const e = core.lockedTasks.get(id);
  if (!e) return undefined;
  core.lockedTasks.delete(id);
  return e.workerId === workerId && e.until > core.now() ? e.row : undefined;
}

/** the job as this worker holds it; otherwise why not (Camunda 7: 404 for a missing task, 400 for another's lock) */
async function heldBy(core: Core, id: string, workerId: string, doing: string): Promise<JobRow> {
  const row = await core.store.one<JobRow>('SELECT * FROM engine_jobs WHERE id = ?', [checkId(id)]);
  if (!row) throw new NotFoundError(`External task with id ${id} does not exist`);
  if (row.state !== 'activated' || row.worker_id !== workerId) {
    throw new ExternalTaskLockError(`External task ${id} cannot be ${doing} by worker '${lockName(workerId)}': it is not locked by that worker`);
  }
  return row;
}

/** the client's part of a lock holder `<credential>/<workerId>` (messages never name another credential) */
const lockName = (workerId: string) => workerId.slice(workerId.indexOf('/') + 1);

/** after a finish that found nothing to finish: the job went (404), or another worker locked it meanwhile (400) */
async function refusal(core: Core, id: string, workerId: string, doing: string): Promise<never> {
  await heldBy(core, id, workerId, doing);
  throw new ExternalTaskLockError(`External task ${id} cannot be ${doing} by worker '${lockName(workerId)}': its lock changed meanwhile`);
}

const writesOf = (options: ExternalTaskOptions) => (options.transactional ? [options.transactional] : []);

export async function complete(core: Core, id: string, workerId: string, variables: Variables, options: ExternalTaskOptions = {}): Promise<void> {
  checkWorkerId(workerId);
  const output = assertVariables(variables, 'the variables of a completion');
  const row = remembered(core, checkId(id), workerId) ?? (await heldBy(core, id, workerId, 'completed'));
  const done = await finishJob(core, row, { kind: 'complete', execId: execIdOf(row.id), output }, 'job-completed', { remote: true }, writesOf(options), { workerId });
  if (!done) await refusal(core, id, workerId, 'completed');
}

export async function fail(core: Core, id: string, workerId: string, failure: ExternalTaskFailure, options: ExternalTaskOptions = {}): Promise<void> {
  checkWorkerId(workerId);
  const retries = failure?.retries;
  if (!Number.isInteger(retries) || retries < 0) throw new InvalidArgumentError('retries must be a whole number, 0 or more');
  const retryTimeout = checkMs(failure.retryTimeout ?? 0, 'retryTimeout', 0, MAX_LOCK_MS);
  const message = typeof failure.errorMessage === 'string' && failure.errorMessage.trim() ? failure.errorMessage.slice(0, 4000) : 'the remote worker reported a failure';
  const details = typeof failure.errorDetails === 'string' && failure.errorDetails ? failure.errorDetails.slice(0, 4000) : undefined;
  core.lockedTasks.delete(id);
  const row = await heldBy(core, id, workerId, 'failed');
  const done = await recordFailure(core, row, { workerId }, { retries, retryTimeout, message, ...(details && { details }) }, writesOf(options));
  if (!done) await refusal(core, id, workerId, 'failed');
  core.log.warn({ jobKey: id, type: row.type, retries, err: message }, 'external task failed');
  if (retries > 0 && retryTimeout === 0) core.wakeJobWaiters(row.type);
}

export async function bpmnError(
  core: Core,
  id: string,
  workerId: string,
  error: { errorCode: string; errorMessage?: string; variables?: Variables },
  options: ExternalTaskOptions = {},
): Promise<void> {
  checkWorkerId(workerId);
  if (typeof error?.errorCode !== 'string' || !error.errorCode.trim()) throw new InvalidArgumentError('errorCode must be a non-empty string');
  const variables = assertVariables(error.variables, 'the variables of a BPMN error');
  const message = typeof error.errorMessage === 'string' && error.errorMessage ? error.errorMessage.slice(0, 4000) : error.errorCode;
  const row = remembered(core, checkId(id), workerId) ?? (await heldBy(core, id, workerId, 'given a BPMN error'));
  const event = { kind: 'error' as const, execId: execIdOf(row.id), code: error.errorCode, message, ...(Object.keys(variables).length && { variables }) };
  const done = await finishJob(core, row, event, 'job-error-thrown', { code: error.errorCode, remote: true }, writesOf(options), { workerId });
  if (!done) await refusal(core, id, workerId, 'given a BPMN error');
}

export async function extendLock(core: Core, id: string, workerId: string, newDuration: number, options: ExternalTaskOptions = {}): Promise<void> {
  checkWorkerId(workerId);
  const duration = checkMs(newDuration, 'newDuration', 1, MAX_LOCK_MS);
  await heldBy(core, id, workerId, 'extended');
  const now = core.now();
  const extended = await inTx(core, async (ctx) => {
    // a lock that ran out may have been taken by another worker already: Camunda 7 refuses it too
    const n = await core.store.exec("UPDATE engine_jobs SET locked_until = ? WHERE id = ? AND state = 'activated' AND worker_id = ? AND locked_until >= ?", [now + duration, id, workerId, now], ctx.tx);
    if (n === 1) for (const w of writesOf(options)) await w(ctx.tx);
    return n === 1;
  });
  const kept = core.lockedTasks.get(id);
  if (extended && kept?.workerId === workerId) kept.until = now + duration;
  if (!extended) throw new ExternalTaskLockError(`The lock of external task ${id} cannot be extended by worker '${lockName(workerId)}': it ran out`);
}

export async function unlock(core: Core, id: string, options: ExternalTaskOptions = {}): Promise<void> {
  checkId(id);
  core.lockedTasks.delete(id);
  const found = await inTx(core, async (ctx) => {
    const row = await core.store.one<JobRow>('SELECT id, type, state FROM engine_jobs WHERE id = ?', [id], ctx.tx);
    if (!row) return undefined;
    if (row.state === 'activated') {
      await core.store.exec("UPDATE engine_jobs SET state = 'activatable', locked_until = NULL, worker_id = NULL WHERE id = ? AND state = 'activated'", [id], ctx.tx);
    }
    for (const w of writesOf(options)) await w(ctx.tx);
    return row;
  });
  if (!found) throw new NotFoundError(`External task with id ${id} does not exist`);
  core.wakeJobWaiters(found.type);
}
