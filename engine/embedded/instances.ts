/**
 * Process instances started, canceled (with their children, tasks, jobs, timers, subscriptions) and
 * given new variables.
 */
import type { Clock } from '../clock.js';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import type { CancelOptions, ProcessInstanceRef, SetVariablesOptions, StartOptions, Variables } from '../port.js';
import { assertName, assertVariables, parseJson } from './checks.js';
import type { Core } from './core.js';
import { type Ctx, NEW_ROW, type Run } from './ctx.js';
import { newKey } from './keys.js';
import type { ProcessModel } from './model.js';
import { InstanceRun } from './run.js';
import type { HistoryRecord, StartTrigger } from './run-types.js';
import { isTokenState, openElements, TokenRun } from './token-run.js';
import { inTx } from './transaction.js';
import type { DefinitionRow, InstanceRow, UserTaskRow } from './store/store.js';

export async function start(core: Core, processId: string, variables: Variables = {}, options: StartOptions = {}): Promise<ProcessInstanceRef> {
  assertName(processId, 'processId');
  const vars = assertVariables(variables);
  const def = options.version !== undefined ? await core.store.definitionByVersion(processId, options.version) : await core.latest(processId);
  if (!def) throw new NotFoundError(`no process '${processId}'${options.version !== undefined ? ` version ${options.version}` : ''} is deployed`);
  const model = await core.modelOf(def.id);
  const hasNoneStart = [...model.elements.values()].some((e) => e.isStartEvent && !e.parentId && e.eventKind === 'none');
  if (!hasNoneStart) throw new InvalidArgumentError(`process '${processId}' has no none start event: it starts by message or timer only`);
  // the first run needs nothing from the database: do it before taking the write lock
  const key = newKey();
  const run = await newRun(core, { model, instanceKey: key, clock: core.clock, variables: vars });
  const ref: ProcessInstanceRef = { processInstanceKey: key, processId, version: def.version, processDefinitionKey: def.id };
  await inTx(core, async (ctx) => {
    // the app's rows first: the instance's first events (task projections) read them
    if (options.transactional) await options.transactional(ctx.tx, ref);
    await startInstance(core, ctx, def, model, vars, undefined, undefined, run);
  });
  return ref;
}

export async function startInstance(
  core: Core,
  ctx: Ctx,
  def: DefinitionRow,
  model: ProcessModel,
  variables: Variables,
  trigger?: StartTrigger,
  parent?: { id: string; execId: string },
  prerun?: Run,
): Promise<string> {
  const id = prerun?.instanceKey ?? newKey();
  const row: InstanceRow = {
    id,
    process_id: def.process_id,
    version: def.version,
    definition_id: def.id,
    parent_id: parent?.id ?? null,
    parent_execution_id: parent?.execId ?? null,
    state: 'active',
    engine_state: null,
    variables: JSON.stringify(variables),
    waits: '[]',
    // not inserted yet: settle() inserts it with its first state
    lock_version: NEW_ROW,
    started_at: core.now(),
    ended_at: null,
  };
  const run = prerun ?? (await newRun(core, { model, instanceKey: id, clock: core.clock, variables: { ...variables, ...(trigger?.variables ?? {}) }, trigger }));
  await core.settle(ctx, row, run, [], { kind: 'start', variables, trigger });
  return id;
}

function newRun(core: Core, opts: { model: ProcessModel; instanceKey: string; clock: Clock; variables: Variables; trigger?: StartTrigger }): Promise<Run> {
  return core.startOnBpmnEngine ? InstanceRun.start(opts) : Promise.resolve(TokenRun.start(opts));
}

export async function cancel(core: Core, processInstanceKey: string, options: CancelOptions = {}) {
  assertName(processInstanceKey, 'processInstanceKey');
  const { transactional } = options;
  if (transactional !== undefined && typeof transactional !== 'function') throw new InvalidArgumentError('transactional must be a function');
  await inTx(core, async (ctx) => {
    const row = await core.store.getInstance(processInstanceKey, ctx.tx);
    if (!row) throw new NotFoundError(`process instance ${processInstanceKey} not found`);
    if (row.state === 'completed' || row.state === 'canceled') throw new ConflictError(`process instance ${processInstanceKey} is already ${row.state}`);
    // the app's record of why (a 恶意 mark and the case's status) first, committing with the cancellation
    if (transactional) await transactional(ctx.tx);
    await cancelIn(core, ctx, processInstanceKey);
  });
}

export async function cancelIn(core: Core, ctx: Ctx, id: string) {
  const row = await core.store.getInstance(id, ctx.tx);
  if (!row || row.state === 'completed' || row.state === 'canceled') return;
  const now = core.now();
  const tasks = await core.store.select<UserTaskRow>("SELECT * FROM engine_user_tasks WHERE instance_id = ? AND state = 'created'", [id], ctx.tx);
  await core.store.exec("UPDATE engine_user_tasks SET state = 'canceled', ended_at = ? WHERE instance_id = ? AND state = 'created'", [now, id], ctx.tx);
  for (const t of tasks) {
    const variables = { ...parseJson<Variables>(row.variables, {}), ...parseJson<Variables>(t.variables, {}) };
    await core.taskEvent(ctx, { type: 'canceled', task: core.toTask({ ...t, state: 'canceled', ended_at: now }, variables) });
  }
  await core.store.exec('DELETE FROM engine_jobs WHERE instance_id = ?', [id], ctx.tx);
  await core.store.exec('DELETE FROM engine_timers WHERE instance_id = ?', [id], ctx.tx);
  await core.store.exec('DELETE FROM engine_subscriptions WHERE instance_id = ?', [id], ctx.tx);
  await core.store.exec("UPDATE engine_incidents SET state = 'resolved', resolved_at = ? WHERE instance_id = ? AND state = 'active'", [now, id], ctx.tx);
  await core.store.exec("UPDATE engine_instances SET state = 'canceled', ended_at = ?, engine_state = NULL, waits = '[]', lock_version = lock_version + 1 WHERE id = ?", [now, id], ctx.tx);
  // what was running is terminated, as Zeebe records it
  const model = await core.modelOf(row.definition_id, ctx.tx);
  const saved = parseJson<{ open?: Record<string, string> }>(row.engine_state, {});
  const open = isTokenState(saved) ? openElements(model, saved) : (saved.open ?? {});
  const terminated: HistoryRecord[] = [];
  for (const [execId, elementId] of Object.entries(open)) {
    const type = model.elements.get(elementId)?.type ?? 'bpmn:Activity';
    if (type !== 'bpmn:BoundaryEvent') terminated.push({ elementId, elementType: type, event: 'terminated', at: now, detail: { executionId: execId } });
  }
  await core.store.appendHistory(id, [...terminated, { elementId: row.process_id, elementType: 'bpmn:Process', event: 'canceled', at: now }], ctx.tx);
  const children = await core.store.select<{ id: string }>("SELECT id FROM engine_instances WHERE parent_id = ? AND state IN ('active', 'incident')", [id], ctx.tx);
  for (const c of children) await cancelIn(core, ctx, c.id);
}

export async function setVariables(core: Core, processInstanceKey: string, variables: Variables, options: SetVariablesOptions = {}) {
  assertName(processInstanceKey, 'processInstanceKey');
  const vars = assertVariables(variables);
  const { transactional } = options;
  if (transactional !== undefined && typeof transactional !== 'function') throw new InvalidArgumentError('transactional must be a function');
  await inTx(core, async (ctx) => {
    const row = await core.store.getInstance(processInstanceKey, ctx.tx);
    if (!row) throw new NotFoundError(`process instance ${processInstanceKey} not found`);
    if (row.state === 'completed' || row.state === 'canceled') throw new ConflictError(`process instance ${processInstanceKey} is ${row.state}`);
    const merged = { ...parseJson<Variables>(row.variables, {}), ...vars };
    const n = await core.store.exec('UPDATE engine_instances SET variables = ?, lock_version = lock_version + 1 WHERE id = ? AND lock_version = ?', [JSON.stringify(merged), row.id, row.lock_version], ctx.tx);
    if (n !== 1) throw new ConflictError(`process instance ${row.id} was changed concurrently`);
    await core.store.appendHistory(row.id, [{ elementId: row.process_id, elementType: 'bpmn:Process', event: 'variables-updated', at: core.now(), detail: { names: Object.keys(vars) } }], ctx.tx);
    // the app's record of the change (an operator's audit entry) commits with it, or neither does
    if (transactional) await transactional(ctx.tx);
  });
}
