/**
 * The rows that index what a run waits for (jobs, user tasks, timers, message subscriptions, called
 * instances), added and removed as its waits change.
 */
import type { Variables } from '../port.js';
import { parseJson } from './checks.js';
import type { Core } from './core.js';
import { type Ctx, DEFAULT_JOB_TIMEOUT } from './ctx.js';
import { newKey, waitKey } from './keys.js';
import type { HistoryRecord, Wait } from './run-types.js';
import { type InstanceRow, type UserTaskRow, userTaskRow } from './store/store.js';

export async function childIncident(core: Core, ctx: Ctx, row: InstanceRow, w: Wait, message: string) {
  await core.store.insert(
    'engine_incidents',
    {
      id: newKey(),
      instance_id: row.id,
      process_id: row.process_id,
      element_id: w.elementId,
      job_id: null,
      error_type: 'CALLED_ELEMENT_ERROR',
      error_message: message,
      state: 'active',
      pending_event: JSON.stringify({ kind: 'call', execId: w.execId }),
      created_at: core.now(),
      resolved_at: null,
    },
    ctx.tx,
  );
  await core.store.exec("UPDATE engine_instances SET state = 'incident' WHERE id = ?", [row.id], ctx.tx);
}

export async function addWait(core: Core, ctx: Ctx, row: InstanceRow, w: Wait, history: HistoryRecord[], instanceVariables: Variables) {
  const id = waitKey(row.id, w.execId);
  const now = core.now();
  switch (w.kind) {
    case 'job': {
      // a job for a worker of this process with room to run it is handed over at once, locked
      // for it (no polling, no lock transaction); the others wait for a worker to take them
      const worker = core.workers.get(w.type);
      const push = core.background && core.opened && !core.closed && worker && core.jobsInFlight + core.jobsReserved < core.maxJobsInFlight;
      const lockedUntil = push ? now + (worker.options.timeout ?? DEFAULT_JOB_TIMEOUT) : null;
      const job = {
        id,
        instance_id: row.id,
        process_id: row.process_id,
        element_id: w.elementId,
        type: w.type,
        retries: w.retries,
        state: push ? ('activated' as const) : ('activatable' as const),
        not_before: now,
        locked_until: lockedUntil,
          variables: JSON.stringify(w.locals),
        headers: JSON.stringify(w.headers),
        error_message: null,
        created_at: now,
      };
      await core.store.insert('engine_jobs', job, ctx.tx);
      history.push({ elementId: w.elementId, elementType: 'job', event: 'job-created', at: now, detail: { jobKey: id, type: w.type } });
      if (push) {
        core.jobsReserved++;
        const pushed = { ...job, instance_variables: JSON.stringify(instanceVariables) };
        ctx.effects.push(() => {
          core.jobsReserved--;
          core.dispatch(pushed);
        });
        ctx.rollbacks.push(() => core.jobsReserved--);
      } else if (worker) {
        ctx.effects.push(() => {
          core.backlog = true;
          core.scheduleJobs(0);
        });
      } else if (core.jobWaiters.size) {
        // a remote worker's long poll for this type takes it at once (external-tasks.ts)
        ctx.effects.push(() => core.wakeJobWaiters(w.type));
      }
      return;
    }
    case 'userTask': {
      const task = userTaskRow({
        id,
        processInstanceKey: row.id,
        processId: row.process_id,
        elementId: w.elementId,
        ...(w.name && { name: w.name }),
        ...(w.assignee && { assignee: w.assignee }),
        candidateGroups: w.candidateGroups,
        candidateUsers: w.candidateUsers,
        ...(w.formId && { formId: w.formId }),
        ...(w.dueDate && { dueDate: w.dueDate }),
        ...(w.followUpDate && { followUpDate: w.followUpDate }),
        ...(w.priority !== undefined && w.priority !== null && { priority: w.priority }),
        variables: w.locals,
        createdAt: now,
      });
      await core.store.insert('engine_user_tasks', task as any, ctx.tx);
      await core.taskEvent(ctx, { type: 'created', task: core.toTask(task, { ...instanceVariables, ...w.locals }) });
      return;
    }
    case 'timer':
      await core.store.insert(
        'engine_timers',
        { id, instance_id: row.id, definition_id: null, element_id: w.elementId, due_at: w.dueAt, repetitions: w.repetitions ?? null, cycle_interval: w.interval ?? null },
        ctx.tx,
      );
      ctx.effects.push(() => core.scheduleTimers(0));
      return;
    case 'message':
      await core.store.insert(
        'engine_subscriptions',
        { id, instance_id: row.id, process_id: row.process_id, element_id: w.elementId, message_name: w.messageName, correlation_key: w.correlationKey, created_at: now },
        ctx.tx,
      );
      return;
    case 'call':
      return;
  }
}

export async function removeWait(core: Core, ctx: Ctx, row: InstanceRow, w: Wait) {
  const id = waitKey(row.id, w.execId);
  switch (w.kind) {
    case 'job':
      await core.store.exec('DELETE FROM engine_jobs WHERE id = ?', [id], ctx.tx);
      return;
    case 'userTask': {
      const n = await core.store.exec("UPDATE engine_user_tasks SET state = 'canceled', ended_at = ? WHERE id = ? AND state = 'created'", [core.now(), id], ctx.tx);
      if (n) {
        const task = await core.store.one<UserTaskRow>('SELECT * FROM engine_user_tasks WHERE id = ?', [id], ctx.tx);
        if (task) await core.taskEvent(ctx, { type: 'canceled', task: core.toTask(task, { ...parseJson<Variables>(row.variables, {}), ...parseJson<Variables>(task.variables, {}) }) });
      }
      return;
    }
    case 'timer':
      await core.store.exec('DELETE FROM engine_timers WHERE id = ?', [id], ctx.tx);
      return;
    case 'message':
      await core.store.exec('DELETE FROM engine_subscriptions WHERE id = ?', [id], ctx.tx);
      return;
    case 'call': {
      // the call activity was interrupted: its child goes too
      const children = await core.store.select<{ id: string }>(
        "SELECT id FROM engine_instances WHERE parent_id = ? AND parent_execution_id = ? AND state IN ('active', 'incident')",
        [row.id, w.execId],
        ctx.tx,
      );
      for (const c of children) await core.cancelIn(ctx, c.id);
      return;
    }
  }
}
