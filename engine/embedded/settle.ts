/**
 * An event applied to an instance and saved, in the caller's transaction: load the run (or take the
 * live one kept for a local worker's job), apply the event, run inline jobs and buffered messages,
 * then save the state and wait indexes, or record an incident and keep the state as it was.
 */
import { BusinessError, ConflictError, NotFoundError } from '../errors.js';
import type { JobContext } from '../port.js';
import { assertVariables, parseJson } from './checks.js';
import type { Core } from './core.js';
import { type Ctx, type JobWrite, NEW_ROW, type PendingEvent, type Run } from './ctx.js';
import { newKey, waitKey } from './keys.js';
import { InstanceRun } from './run.js';
import type { HistoryRecord, JobWait, SavedRun, Wait } from './run-types.js';
import { isTokenState, TokenRun } from './token-run.js';
import { insideInlineJob } from './store/database.js';
import type { InstanceRow } from './store/store.js';

/** live runs kept for local workers' jobs (Core.hot) */
const HOT_MAX = 64;

function stateOf(run: Run): string {
  if (run instanceof TokenRun) return JSON.stringify(run.getState());
  const saved = run.getState();
  return JSON.stringify({ engine: saved.engine, scopes: saved.scopes, open: saved.open });
}

/** load an instance, apply `action` to its live run, run to the next wait and save */
export async function withInstance(core: Core, ctx: Ctx, instanceId: string, event: PendingEvent, extraHistory: HistoryRecord[] = [], loaded?: InstanceRow) {
  const row = loaded ?? (await core.store.getInstance(instanceId, ctx.tx));
  if (!row) throw new NotFoundError(`process instance ${instanceId} not found`);
  if (row.state === 'completed' || row.state === 'canceled') throw new ConflictError(`process instance ${instanceId} is ${row.state}`);
  const model = await core.modelOf(row.definition_id, ctx.tx);
  if (!row.engine_state) {
    // the instance failed before its first wait: only its start can be retried
    if (event.kind !== 'start') throw new ConflictError(`process instance ${instanceId} has not started yet (incident at start)`);
    const run = TokenRun.start({
      model,
      instanceKey: row.id,
      clock: core.clock,
      variables: { ...parseJson(row.variables, {}), ...(event.trigger?.variables ?? {}) },
      trigger: event.trigger,
    });
    run.history.unshift(...extraHistory);
    return settle(core, ctx, row, run, [], event);
  }
  const cached = core.hot.get(instanceId);
  core.hot.delete(instanceId);
  let run: Run;
  let oldWaits: Wait[];
  const state = cached && cached.version === row.lock_version ? undefined : JSON.parse(row.engine_state);
  if (cached && cached.version === row.lock_version) {
    run = cached.run;
    run.reuse();
    oldWaits = [...run.waits.values()];
  } else if (isTokenState(state)) {
    run = TokenRun.resume({ model, instanceKey: row.id, clock: core.clock, variables: parseJson(row.variables, {}), state });
    oldWaits = [...run.waits.values()];
  } else {
    const saved: SavedRun = { ...state, variables: parseJson(row.variables, {}), waits: parseJson(row.waits, []) };
    run = await InstanceRun.resume({ model, instanceKey: row.id, clock: core.clock, saved });
    if (run.failure) throw new Error(`process instance ${instanceId} could not be resumed: ${run.failure.message}`);
    oldWaits = saved.waits;
  }
  run.history.push(...extraHistory);
  if (event.kind !== 'start' && !run.hasWait(event.execId)) throw new ConflictError(`process instance ${instanceId} is not waiting at ${event.execId}`);
  apply(core, run, event);
  await settle(core, ctx, row, run, oldWaits, event);
}

export function apply(core: Core, run: Run, event: PendingEvent) {
  if (event.kind === 'complete') run.complete(event.execId, event.output);
  else if (event.kind === 'error') run.throwError(event.execId, event.code, event.message, event.variables);
}

/**
 * After a run: correlate buffered messages to new subscriptions, then either record an incident
 * (the state stays as it was before the event; the event is kept for the retry) or save the new
 * state and bring the wait indexes in line with the run's waits.
 */
export async function settle(core: Core, ctx: Ctx, row: InstanceRow, run: Run, oldWaits: Wait[], event: PendingEvent) {
  const before = new Map(oldWaits.map((w) => [w.execId, w]));
  const checked = new Set<string>();
  for (let again = true; again && !run.failure; ) {
    again = false;
    for (const w of [...run.waits.values()]) {
      if (w.kind === 'job' && !before.has(w.execId) && !checked.has(w.execId) && core.workers.get(w.type)?.options.inline) {
        checked.add(w.execId);
        if (await runInline(core, ctx, row, run, w)) {
          again = true;
          break;
        }
        continue;
      }
      if (w.kind === 'decision' && !checked.has(w.execId)) {
        // a business-rule task: the decision is evaluated here, in the transaction that reached it
        checked.add(w.execId);
        const outcome = await core.decide(ctx, w);
        if (!outcome.ok) {
          if (run instanceof TokenRun) run.failWait(w.execId, outcome.errorType, outcome.message);
          break;
        }
        run.history.push(outcome.history);
        run.complete(w.execId, outcome.output);
        again = true;
        break;
      }
      if (w.kind !== 'message' || before.has(w.execId) || checked.has(w.execId)) continue;
      checked.add(w.execId);
      const msg = await core.findBufferedMessage(ctx, w.messageName, w.correlationKey, row.process_id);
      if (!msg) continue;
      await core.markCorrelated(ctx, msg, row.process_id);
      run.complete(w.execId, parseJson(msg.variables, {}));
      again = true;
      break;
    }
  }

  run.reconcile();
  const now = core.now();
  if (run.failure) {
    const f = run.failure;
    await core.store.insert(
      'engine_incidents',
      {
        id: newKey(),
        instance_id: row.id,
        process_id: row.process_id,
        element_id: f.elementId,
        job_id: null,
        error_type: f.errorType,
        error_message: f.message,
        state: 'active',
        pending_event: JSON.stringify(event),
        created_at: now,
        resolved_at: null,
      },
      ctx.tx,
    );
    await core.store.appendHistory(row.id, [{ elementId: f.elementId, elementType: run.model.elements.get(f.elementId)?.type ?? 'bpmn:Process', event: 'incident', at: now, detail: { errorType: f.errorType, message: f.message } }], ctx.tx);
    if (row.lock_version === NEW_ROW) {
      await core.store.insert('engine_instances', { ...row, state: 'incident', lock_version: 0 } as any, ctx.tx);
    } else {
      const ok = await core.store.exec('UPDATE engine_instances SET state = ?, lock_version = lock_version + 1 WHERE id = ? AND lock_version = ?', ['incident', row.id, row.lock_version], ctx.tx);
      if (ok !== 1) throw new ConflictError(`process instance ${row.id} was changed concurrently`);
    }
    core.log.warn({ processInstanceKey: row.id, elementId: f.elementId, errorType: f.errorType }, 'incident');
    return;
  }

  // an ended instance waits for nothing (a terminate end event leaves other branches' waits behind)
  const newWaits = run.completed ? [] : [...run.waits.values()];
  const after = new Map(newWaits.map((w) => [w.execId, w]));
  const removed = oldWaits.filter((w) => !after.has(w.execId));
  const added = newWaits.filter((w) => !before.has(w.execId));
  const history: HistoryRecord[] = [...run.history];

  for (const w of removed) await core.removeWait(ctx, row, w);
  const calls: Wait[] = [];
  for (const w of added) {
    if (w.kind === 'call') calls.push(w);
    else await core.addWait(ctx, row, w, history, run.variables);
  }

  let state: InstanceRow['state'] = run.completed ? 'completed' : 'active';
  if (!run.completed && row.state === 'incident') {
    const open = await core.store.one<{ n: number }>("SELECT COUNT(*) AS n FROM engine_incidents WHERE instance_id = ? AND state = 'active'", [row.id], ctx.tx);
    if (Number(open?.n ?? 0) > 0) state = 'incident';
  }
  const next = {
    id: row.id,
    state,
    engine_state: run.completed ? null : stateOf(run),
    variables: JSON.stringify(run.variables),
    waits: JSON.stringify(newWaits),
    ended_at: run.completed ? now : null,
  };
  if (row.lock_version === NEW_ROW) {
    await core.store.insert('engine_instances', { ...row, ...next, lock_version: 0 } as any, ctx.tx);
    row.lock_version = 0;
  } else {
    const ok = await core.store.saveInstance(next, row.lock_version, ctx.tx);
    if (!ok) throw new ConflictError(`process instance ${row.id} was changed concurrently`);
    row.lock_version += 1;
  }
  Object.assign(row, next);
  await core.store.appendHistory(row.id, history, ctx.tx);
  if (!run.completed && newWaits.some((w) => w.kind === 'job' && core.workers.has(w.type))) {
    const version = row.lock_version;
    // only once committed: a rolled-back save must not leave a run that looks current
    const copy = { ...row };
    ctx.effects.push(() => keepHot(core, row.id, run, version, copy));
  }

  // after the save: children may complete at once and come back to this instance
  for (const w of calls) {
    if (w.kind !== 'call') continue;
    const def = await core.store.latestDefinition(w.processId, ctx.tx);
    if (!def) {
      await core.childIncident(ctx, row, w, `no process '${w.processId}' is deployed to call`);
      continue;
    }
    const model = await core.modelOf(def.id, ctx.tx);
    await core.startInstance(ctx, def, model, w.variables, undefined, { id: row.id, execId: w.execId });
  }
  if (run.completed && row.parent_id && row.parent_execution_id) {
    await withInstance(core, ctx, row.parent_id, { kind: 'complete', execId: row.parent_execution_id, output: run.variables });
  }
}

/**
 * A job of an inline worker, run in this transaction: its outcome goes into the run at once (the
 * history still shows it created and completed). False when the handler failed: the job is then
 * saved as any other and the worker loop retries it.
 */
async function runInline(core: Core, ctx: Ctx, row: InstanceRow, run: Run, w: JobWait): Promise<boolean> {
  const worker = core.workers.get(w.type)!;
  const jobKey = waitKey(row.id, w.execId);
  const writes: JobWrite[] = [];
  const jobCtx: JobContext = {
    jobKey,
    type: w.type,
    processInstanceKey: row.id,
    processId: row.process_id,
    elementId: w.elementId,
    headers: w.headers,
    retries: w.retries,
    transactional: (work) => void writes.push(work),
  };
  const at = core.now();
  const created: HistoryRecord = { elementId: w.elementId, elementType: 'job', event: 'job-created', at, detail: { jobKey, type: w.type, inline: true } };
  try {
    const output = assertVariables((await insideInlineJob.run(jobKey, () => worker.handler({ ...run.variables, ...w.locals }, jobCtx))) ?? {}, `the output of worker '${w.type}'`);
    for (const write of writes) await write(ctx.tx);
    run.history.push(created, { elementId: w.elementId, elementType: 'job', event: 'job-completed', at, detail: { jobKey } });
    run.complete(w.execId, output);
  } catch (err) {
    if (!(err instanceof BusinessError || (err as any)?.name === 'BusinessError')) {
      core.log.warn({ err, jobKey, type: w.type }, 'inline job failed: left to the worker loop');
      return false;
    }
    const e = err as BusinessError;
    for (const write of writes) await write(ctx.tx);
    run.history.push(created, { elementId: w.elementId, elementType: 'job', event: 'job-error-thrown', at, detail: { jobKey, code: e.code } });
    run.throwError(w.execId, e.code, e.message, e.variables);
  }
  return true;
}

function keepHot(core: Core, id: string, run: Run, version: number, row: InstanceRow) {
  core.hot.delete(id);
  core.hot.set(id, { run, version, row });
  if (core.hot.size > HOT_MAX) core.hot.delete(core.hot.keys().next().value as string);
}
