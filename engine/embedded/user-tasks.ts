/**
 * User tasks: their events projected in the transaction and told to listeners after commit, read and
 * completed.
 */
import { ConflictError, NotFoundError } from '../errors.js';
import type { CompleteOptions, UserTask, UserTaskEvent, UserTaskFilter, UserTaskProjector, Variables } from '../port.js';
import { assertName, assertVariables, parseJson } from './checks.js';
import type { Core } from './core.js';
import type { Ctx } from './ctx.js';
import { execIdOf } from './keys.js';
import { inTx } from './transaction.js';
import { userTaskFromRow, type UserTaskRow, userTaskWhere } from './store/store.js';

export function onUserTask(core: Core, listener: (event: UserTaskEvent) => void | Promise<void>) {
  core.taskListeners.add(listener);
  return () => {
    core.taskListeners.delete(listener);
  };
}

export function projectUserTasks(core: Core, projector: UserTaskProjector) {
  core.projectors.add(projector);
  return () => {
    core.projectors.delete(projector);
  };
}

/** a user-task event: projected in this transaction, told to the listeners once it commits */
export async function taskEvent(core: Core, ctx: Ctx, event: UserTaskEvent) {
  for (const p of core.projectors) await p(event, ctx.tx);
  ctx.effects.push(() => emitTask(core, event));
}

function emitTask(core: Core, event: UserTaskEvent) {
  for (const l of core.taskListeners) {
    Promise.resolve()
      .then(() => l(event))
      .catch((err) => core.log.error({ err, userTaskKey: event.task.userTaskKey }, 'user task listener failed'));
  }
}

export function toTask(core: Core, r: UserTaskRow, variables?: Variables): UserTask {
  return userTaskFromRow(r, variables);
}

export async function getUserTask(core: Core, userTaskKey: string): Promise<UserTask | undefined> {
  const r = await core.store.one<UserTaskRow & { instance_variables: string | null }>(
    'SELECT t.*, i.variables AS instance_variables FROM engine_user_tasks t JOIN engine_instances i ON i.id = t.instance_id WHERE t.id = ?',
    [userTaskKey],
  );
  if (!r) return undefined;
  return toTask(core, r, { ...parseJson(r.instance_variables, {}), ...parseJson(r.variables, {}) });
}

export async function listUserTasks(core: Core, filter: UserTaskFilter = {}): Promise<UserTask[]> {
  const { where, args } = userTaskWhere(filter, 't.');
  const rows = await core.store.select<UserTaskRow & { instance_variables: string | null }>(
    `SELECT t.*, i.variables AS instance_variables FROM engine_user_tasks t JOIN engine_instances i ON i.id = t.instance_id
     ${where} ORDER BY t.created_at, t.id`,
    args,
  );
  return rows.map((r) => toTask(core, r, { ...parseJson(r.instance_variables, {}), ...parseJson(r.variables, {}) }));
}

export async function completeUserTask(core: Core, userTaskKey: string, variables: Variables = {}, options: CompleteOptions = {}) {
  assertName(userTaskKey, 'userTaskKey');
  const vars = assertVariables(variables);
  await inTx(core, async (ctx) => {
    const task = await core.store.one<UserTaskRow>('SELECT * FROM engine_user_tasks WHERE id = ?', [userTaskKey], ctx.tx);
    if (!task) throw new NotFoundError(`user task ${userTaskKey} not found`);
    if (task.state !== 'created') throw new ConflictError(`user task ${userTaskKey} is already ${task.state}`);
    const now = core.now();
    const n = await core.store.exec("UPDATE engine_user_tasks SET state = 'completed', ended_at = ? WHERE id = ? AND state = 'created'", [now, userTaskKey], ctx.tx);
    if (n !== 1) throw new ConflictError(`user task ${userTaskKey} was completed concurrently`);
    if (options.transactional) await options.transactional(ctx.tx);
    // read once: the event's variables and the run below both come from this row
    const instance = await core.store.getInstance(task.instance_id, ctx.tx);
    const taskVariables = { ...parseJson<Variables>(instance?.variables, {}), ...parseJson<Variables>(task.variables, {}) };
    // the completion before what it leads to (the next tasks' events come from the run)
    await taskEvent(core, ctx, { type: 'completed', task: toTask(core, { ...task, state: 'completed', ended_at: now }, taskVariables), variables: vars });
    await core.withInstance(ctx, task.instance_id, { kind: 'complete', execId: execIdOf(task.id), output: vars }, [], instance);
  });
}
