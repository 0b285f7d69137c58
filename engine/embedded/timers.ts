/**
 * Due timers fired, each in its own transaction: an instance's timer completes its wait, a timer
 * start event starts an instance (and a cycle is moved on).
 */
import { ConflictError } from '../errors.js';
import type { Core } from './core.js';
import type { Ctx } from './ctx.js';
import { nextCycle } from './feel.js';
import { execIdOf } from './keys.js';
import { inTx } from './transaction.js';
import type { TimerRow } from './store/store.js';

/**
 * Fire every due timer, each in its own transaction: a timer whose instance another event moved
 * meanwhile is tried again (twice) and otherwise left for the next pass — it never stops the others.
 */
export async function fireDueTimers(core: Core): Promise<number> {
  const due = await core.store.select<TimerRow>('SELECT * FROM engine_timers WHERE due_at <= ? ORDER BY due_at, id LIMIT 100', [core.now()]);
  let fired = 0;
  core.timersLeft = false;
  const realNow = Date.now();
  if (due.length < 100) {
    // a held timer that is no longer due (fired by another process, its instance moved on) is forgotten
    const ids = new Set(due.map((t) => t.id));
    for (const id of core.timerHolds.keys()) if (!ids.has(id)) core.timerHolds.delete(id);
  }
  for (const t of due) {
    if (core.closed && core.background) break;
    const held = core.timerHolds.get(t.id);
    if (held && held.until > realNow) {
      core.timersLeft = true;
      continue;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        if (await fireTimer(core, t.id)) fired++;
        core.timerHolds.delete(t.id);
        break;
      } catch (err) {
        if (err instanceof ConflictError && attempt < 3) continue;
        // the timer row is still there: later passes try again, less and less often (up to every 5 min)
        const failures = (held?.failures ?? 0) + 1;
        core.timerHolds.set(t.id, { failures, until: realNow + Math.min(1000 * 2 ** (failures - 1), 300_000) });
        core.log.warn({ err, timerId: t.id, processInstanceKey: t.instance_id, failures }, 'timer not fired this pass');
        core.timersLeft = true;
        break;
      }
    }
  }
  return fired;
}

function fireTimer(core: Core, timerId: string): Promise<boolean> {
  return inTx(core, async (ctx) => {
    const timer = await core.store.one<TimerRow>('SELECT * FROM engine_timers WHERE id = ?', [timerId], ctx.tx);
    if (!timer) return false;
    if (timer.instance_id) {
      // 0 rows: another process fired it first
      if ((await core.store.exec('DELETE FROM engine_timers WHERE id = ?', [timer.id], ctx.tx)) !== 1) return false;
      await core.withInstance(ctx, timer.instance_id, { kind: 'complete', execId: execIdOf(timer.id), output: {} });
      return true;
    }
    return fireStartTimer(core, ctx, timer);
  });
}

async function fireStartTimer(core: Core, ctx: Ctx, timer: TimerRow) {
  const def = timer.definition_id ? await core.store.definition(timer.definition_id, ctx.tx) : undefined;
  if (!def) {
    await core.store.exec('DELETE FROM engine_timers WHERE id = ?', [timer.id], ctx.tx);
    return false;
  }
  const next =
    timer.cycle_interval && timer.repetitions !== null
      ? nextCycle({ interval: timer.cycle_interval, repetitions: timer.repetitions }, new Date(timer.due_at))
      : undefined;
  // the due time in the condition: another process that fired this occurrence first wins
  const taken = next
    ? await core.store.exec('UPDATE engine_timers SET due_at = ?, repetitions = ? WHERE id = ? AND due_at = ?', [next.dueAt.getTime(), next.repetitions ?? -1, timer.id, timer.due_at], ctx.tx)
    : await core.store.exec('DELETE FROM engine_timers WHERE id = ? AND due_at = ?', [timer.id, timer.due_at], ctx.tx);
  if (taken !== 1) return false;
  const model = await core.modelOf(def.id, ctx.tx);
  const id = await core.startInstance(ctx, def, model, {}, { elementId: timer.element_id });
  await core.store.appendHistory(id, [{ elementId: timer.element_id, elementType: 'bpmn:StartEvent', event: 'timer-fired', at: core.now(), detail: { dueAt: new Date(timer.due_at).toISOString() } }], ctx.tx);
  return true;
}
