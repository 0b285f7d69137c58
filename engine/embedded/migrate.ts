/**
 * Process-instance migration (Camunda 8.8's shape): a running instance moves to another version of
 * its process with an element mapping. The check says why an instance cannot move; the move rewrites
 * its tokens and the rows that index their waits (user tasks, jobs, timers, subscriptions) onto the
 * target's element ids, in one transaction, and records a 'migrated' history row. Variables and
 * history stay. Timers are re-armed by the TARGET's timer definition evaluated with the instance's
 * variables as of when the element was entered — a changed deadline rule applies to running cases,
 * and a case is never given a fresh "now + duration".
 */
import { InvalidArgumentError, NotFoundError, ConflictError } from '../errors.js';
import type { MigrateOptions, MigrationCheck, MigrationMappingInstruction, MigrationPlan, MigrationProblem, Variables } from '../port.js';
import { assertName, parseJson } from './checks.js';
import type { Core } from './core.js';
import type { Ctx } from './ctx.js';
import { evaluateString, evaluateTimer } from './feel.js';
import { waitKey } from './keys.js';
import type { ElementInfo, ProcessModel } from './model.js';
import type { MessageWait, TimerWait, Wait } from './run-types.js';
import { isTokenState, type Token, type TokenState } from './token-state.js';
import { inTx } from './transaction.js';
import type { DefinitionRow, HistoryRow, InstanceRow } from './store/store.js';

/** what the check found, kept for the move */
interface Checked {
  check: MigrationCheck;
  row?: InstanceRow;
  target?: DefinitionRow;
  source?: ProcessModel;
  model?: ProcessModel;
  state?: TokenState;
  map?: (elementId: string) => string | undefined;
}

export function checkMigration(core: Core, processInstanceKey: string, plan: MigrationPlan): Promise<MigrationCheck> {
  assertName(processInstanceKey, 'processInstanceKey');
  assertPlan(plan);
  return inTx(core, async (ctx) => (await inspect(core, ctx, processInstanceKey, plan)).check);
}

export async function migrateProcessInstance(core: Core, processInstanceKey: string, plan: MigrationPlan, options: MigrateOptions = {}): Promise<void> {
  assertName(processInstanceKey, 'processInstanceKey');
  assertPlan(plan);
  const { transactional } = options;
  if (transactional !== undefined && typeof transactional !== 'function') throw new InvalidArgumentError('transactional must be a function');
  await inTx(core, async (ctx) => {
    const c = await inspect(core, ctx, processInstanceKey, plan);
    if (!c.check.migratable) {
      throw new InvalidArgumentError(`process instance ${processInstanceKey} cannot be migrated: ${c.check.problems.map((p) => p.message).join('; ')}`);
    }
    if (transactional) await transactional(ctx.tx);
    await move(core, ctx, c);
  });
  // a live run kept for a local worker's job is of the old version
  core.hot.delete(processInstanceKey);
}

function assertPlan(plan: MigrationPlan) {
  if (!plan || typeof plan !== 'object') throw new InvalidArgumentError('a migration plan is required');
  assertName(plan.targetProcessDefinitionKey, 'targetProcessDefinitionKey');
  if (!Array.isArray(plan.mappingInstructions)) throw new InvalidArgumentError('mappingInstructions must be a list');
  for (const m of plan.mappingInstructions) {
    if (!m || typeof m.sourceElementId !== 'string' || typeof m.targetElementId !== 'string' || !m.sourceElementId || !m.targetElementId) {
      throw new InvalidArgumentError('each mapping instruction needs a sourceElementId and a targetElementId');
    }
  }
}

async function inspect(core: Core, ctx: Ctx, key: string, plan: MigrationPlan): Promise<Checked> {
  const problems: MigrationProblem[] = [];
  const elements: MigrationMappingInstruction[] = [];
  const check: MigrationCheck = { processInstanceKey: key, targetProcessDefinitionKey: plan.targetProcessDefinitionKey, migratable: false, problems, elements, checkedBy: 'engine' };
  const row = await core.store.getInstance(key, ctx.tx);
  if (!row) throw new NotFoundError(`process instance ${key} not found`);
  check.sourceProcessDefinitionKey = row.definition_id;
  if (row.state === 'completed' || row.state === 'canceled') problems.push({ code: 'NOT_ACTIVE', message: `the instance is ${row.state === 'completed' ? 'completed' : 'canceled'}` });
  if (row.state === 'incident') problems.push({ code: 'HAS_INCIDENT', message: 'the instance has an active incident: resolve it first' });
  const target = await core.store.definition(plan.targetProcessDefinitionKey, ctx.tx);
  if (!target) {
    problems.push({ code: 'TARGET_NOT_FOUND', message: `no process definition ${plan.targetProcessDefinitionKey} is deployed` });
    return { check };
  }
  if (target.process_id !== row.process_id) {
    problems.push({ code: 'DIFFERENT_PROCESS', message: `the target definition is of process '${target.process_id}', the instance runs '${row.process_id}'` });
  }
  if (problems.length) return { check };
  const state = parseJson<unknown>(row.engine_state, null);
  if (!isTokenState(state)) {
    problems.push({ code: 'UNSUPPORTED', message: 'the instance was saved by the former runner (bpmn-engine state) and cannot be migrated' });
    return { check };
  }
  const source = await core.modelOf(row.definition_id, ctx.tx);
  const model = await core.modelOf(target.id, ctx.tx);

  const explicit = new Map<string, string>();
  const targets = new Set<string>();
  for (const m of plan.mappingInstructions) {
    if (!source.elements.has(m.sourceElementId)) problems.push({ code: 'INVALID_MAPPING', elementId: m.sourceElementId, message: `${m.sourceElementId} is not an element of version ${row.version}` });
    else if (!model.elements.has(m.targetElementId)) problems.push({ code: 'INVALID_MAPPING', elementId: m.sourceElementId, message: `${m.targetElementId} is not an element of version ${target.version}` });
    else if (explicit.has(m.sourceElementId)) problems.push({ code: 'INVALID_MAPPING', elementId: m.sourceElementId, message: `${m.sourceElementId} is mapped twice` });
    else if (targets.has(m.targetElementId)) problems.push({ code: 'INVALID_MAPPING', elementId: m.sourceElementId, message: `${m.targetElementId} is the target of two elements` });
    else {
      explicit.set(m.sourceElementId, m.targetElementId);
      targets.add(m.targetElementId);
    }
  }
  const map = (id: string) => explicit.get(id) ?? (model.elements.has(id) ? id : undefined);

  if (state.joins && Object.values(state.joins).some((arrived) => Object.values(arrived).some((n) => n > 0))) {
    problems.push({ code: 'UNSUPPORTED', message: 'a token waits at a parallel join: migrate the instance once it joined' });
  }
  const tokens = new Map(state.tokens.map((t) => [t.id, t]));
  for (const t of state.tokens) {
    const from = source.elements.get(t.el);
    if (!from) continue;
    const to = map(t.el);
    if (from.type === 'bpmn:BoundaryEvent') {
      // a boundary event is a subscription of its activity: an unmapped one is dropped, a mapped one must keep its kind and its activity
      if (!to) continue;
      const info = model.elements.get(to)!;
      if (info.type !== 'bpmn:BoundaryEvent') problems.push({ code: 'ELEMENT_TYPE_CHANGED', elementId: t.el, message: `${t.el} (${short(from.type)}) maps to ${to}, a ${short(info.type)}` });
      else if (info.eventKind !== from.eventKind) problems.push({ code: 'EVENT_TYPE_CHANGED', elementId: t.el, message: `${t.el} is a ${from.eventKind} boundary event, ${to} a ${info.eventKind} one` });
      else {
        const activity = t.on ? tokens.get(t.on)?.el : undefined;
        // an activity without a target of its kind is its own problem: its boundaries say nothing more
        const activityTo = activity ? map(activity) : undefined;
        const fits = activity && activityTo && model.elements.get(activityTo)?.type === source.elements.get(activity)?.type;
        if (activity && fits && info.attachedTo !== activityTo) problems.push({ code: 'SCOPE_CHANGED', elementId: t.el, message: `${to} is not attached to ${map(activity) ?? activity}` });
        elements.push({ sourceElementId: t.el, targetElementId: to });
      }
      continue;
    }
    if (!to) {
      problems.push({ code: 'UNMAPPED_ELEMENT', elementId: t.el, message: `the active element ${t.el} has no element in version ${target.version}: map it` });
      continue;
    }
    elements.push({ sourceElementId: t.el, targetElementId: to });
    const info = model.elements.get(to)!;
    if (from.type === 'bpmn:CallActivity') {
      problems.push({ code: 'CALL_ACTIVITY', elementId: t.el, message: `the instance waits at the call activity ${t.el}: its child instance would not move with it (not supported)` });
      continue;
    }
    if (info.type !== from.type) {
      problems.push({ code: 'ELEMENT_TYPE_CHANGED', elementId: t.el, message: `${t.el} (${short(from.type)}) maps to ${to}, a ${short(info.type)}` });
      continue;
    }
    if (t.wait && (t.wait.kind === 'timer' || t.wait.kind === 'message') && info.eventKind !== from.eventKind && info.type !== 'bpmn:ReceiveTask') {
      problems.push({ code: 'EVENT_TYPE_CHANGED', elementId: t.el, message: `${t.el} is a ${from.eventKind} event, ${to} a ${info.eventKind} one` });
    }
    if (!!from.loop !== !!info.loop || (from.loop && info.loop && from.loop.isSequential !== info.loop.isSequential)) {
      problems.push({ code: 'UNSUPPORTED', elementId: t.el, message: `the multi-instance characteristics of ${t.el} and ${to} differ` });
    }
    const scopeEl = t.scope ? tokens.get(t.scope)?.el : undefined;
    // an iteration's scope is its body, the same element
    const expectedParent = scopeEl === undefined || scopeEl === t.el ? (scopeEl === t.el ? info.parentId : undefined) : map(scopeEl);
    if ((info.parentId ?? undefined) !== expectedParent) {
      problems.push({ code: 'SCOPE_CHANGED', elementId: t.el, message: `${to} is in another scope than ${t.el}` });
    }
    for (const w of t.race ?? []) {
      const wt = map(w.elementId);
      const wFrom = source.elements.get(w.elementId);
      const wTo = wt ? model.elements.get(wt) : undefined;
      if (!wTo || !info.outgoing.some((f) => model.flows.get(f)?.target === wt)) problems.push({ code: 'UNMAPPED_ELEMENT', elementId: w.elementId, message: `${w.elementId} after the event-based gateway ${t.el} has no element after ${to}` });
      else if (wTo.eventKind !== wFrom?.eventKind || wTo.type !== wFrom?.type) problems.push({ code: 'EVENT_TYPE_CHANGED', elementId: w.elementId, message: `${w.elementId} is a ${wFrom?.eventKind} event, ${wt} a ${wTo.eventKind} one` });
    }
  }
  check.migratable = problems.length === 0;
  return { check, row, target, source, model, state, map };
}

function short(type: string) {
  return type.replace('bpmn:', '');
}

/** the variables an element sees: the process's, then each enclosing token's locals */
function scopeOf(tokens: Map<string, Token>, t: Token | undefined, variables: Variables): Variables {
  const chain: Token[] = [];
  for (let x = t; x; x = x.scope ? tokens.get(x.scope) : undefined) if (x.locals) chain.push(x);
  let scope = variables;
  for (let i = chain.length - 1; i >= 0; i--) scope = { ...scope, ...chain[i].locals };
  return scope;
}

async function move(core: Core, ctx: Ctx, c: Checked) {
  const { row, target, model, state, map } = c as Required<Checked>;
  const now = core.now();
  const variables = parseJson<Variables>(row.variables, {});
  const old = new Map(state.tokens.map((t) => [t.id, t]));
  // when each element instance was entered: its timers count from then
  const history = await core.store.select<Pick<HistoryRow, 'detail' | 'at'>>("SELECT detail, at FROM engine_history WHERE instance_id = ? AND event = 'activated' ORDER BY id", [row.id], ctx.tx);
  const enteredAt = new Map<string, number>();
  for (const h of history) {
    const exec = parseJson<{ executionId?: string }>(h.detail, {}).executionId;
    if (exec) enteredAt.set(exec, Number(h.at));
  }
  const timerChanges: { elementId: string; before?: string; after: string }[] = [];
  const armTimer = (w: { execId: string }, info: ElementInfo, on: Token | undefined, before?: TimerWait): TimerWait => {
    const from = (on && enteredAt.get(on.id)) ?? now;
    const schedule = evaluateTimer(info.timer!.kind, info.timer!.expression, scopeOf(next, on, variables), new Date(from));
    const timer: TimerWait = {
      kind: 'timer',
      execId: w.execId,
      elementId: info.id,
      dueAt: schedule.dueAt.getTime(),
      ...(schedule.repetitions !== undefined && { repetitions: schedule.repetitions, interval: schedule.interval }),
    };
    timerChanges.push({ elementId: info.id, ...(before && { before: new Date(before.dueAt).toISOString() }), after: new Date(timer.dueAt).toISOString() });
    return timer;
  };
  const subscribe = (w: { execId: string }, info: ElementInfo, on: Token | undefined): MessageWait => {
    const scope = scopeOf(next, on, variables);
    const m = info.message!;
    return { kind: 'message', execId: w.execId, elementId: info.id, messageName: evaluateString(m.name, scope, 'message name'), correlationKey: m.correlationKey ? evaluateString(m.correlationKey, scope, 'correlation key') : '' };
  };
  /** a wait of a migrated element, as the target sets it */
  const rewait = (w: Wait, info: ElementInfo, on: Token | undefined): Wait => {
    if (w.kind === 'timer' && info.timer) return armTimer(w, info, on, w);
    if (w.kind === 'message' && info.message) return subscribe(w, info, on);
    return { ...w, elementId: info.id };
  };

  // tokens of the target: element ids mapped, boundary events of the target's activities
  const next = new Map<string, Token>();
  const fresh = new Set<string>();
  let seq = state.seq;
  for (const t of state.tokens) {
    const to = map(t.el);
    if (!to) continue;
    next.set(t.id, { ...structuredClone(t), el: to });
  }
  for (const t of [...next.values()]) {
    if (t.on) {
      if (!next.has(t.on)) next.delete(t.id);
      continue;
    }
    const info = model.elements.get(t.el)!;
    if (t.wait) t.wait = rewait(t.wait, info, t);
    if (t.race) t.race = t.race.map((w) => rewait(w, model.elements.get(map(w.elementId)!)!, t));
    // boundaries: a multi-instance body carries them, not its iterations
    const carries = !info.loop || t.mi !== undefined;
    if (!carries || !info.boundaries.length) continue;
    const have = new Set([...next.values()].filter((b) => b.on === t.id).map((b) => b.el));
    for (const id of info.boundaries) {
      const b = model.elements.get(id)!;
      if (have.has(id) || (b.eventKind !== 'timer' && b.eventKind !== 'message')) continue;
      seq += 1;
      const bt: Token = { id: `${id}_${seq.toString(36)}`, el: id, on: t.id, ...(t.scope && { scope: t.scope }) };
      bt.wait = b.eventKind === 'timer' ? armTimer({ execId: bt.id }, b, t) : subscribe({ execId: bt.id }, b, t);
      next.set(bt.id, bt);
      fresh.add(bt.id);
    }
  }
  for (const t of next.values()) {
    if (!t.on || !t.wait || fresh.has(t.id)) continue;
    const on = next.get(t.on);
    t.wait = rewait(t.wait, model.elements.get(t.el)!, on);
  }

  // the wait indexes: same keys (execution ids stay), the target's element ids and times
  const oldWaits = new Map<string, Wait>();
  for (const t of old.values()) for (const w of [...(t.wait ? [t.wait] : []), ...(t.race ?? [])]) oldWaits.set(w.execId, w);
  const newWaits = new Map<string, Wait>();
  for (const t of next.values()) for (const w of [...(t.wait ? [t.wait] : []), ...(t.race ?? [])]) newWaits.set(w.execId, w);
  for (const [execId, w] of oldWaits) {
    const id = waitKey(row.id, execId);
    const n = newWaits.get(execId);
    if (!n) {
      // a boundary event the target does not have
      if (w.kind === 'timer') await core.store.exec('DELETE FROM engine_timers WHERE id = ?', [id], ctx.tx);
      if (w.kind === 'message') await core.store.exec('DELETE FROM engine_subscriptions WHERE id = ?', [id], ctx.tx);
      continue;
    }
    if (n.kind === 'timer') {
      await core.store.exec('UPDATE engine_timers SET element_id = ?, due_at = ?, repetitions = ?, cycle_interval = ? WHERE id = ?', [n.elementId, n.dueAt, n.repetitions ?? null, n.interval ?? null, id], ctx.tx);
    } else if (n.kind === 'message') {
      await core.store.exec('UPDATE engine_subscriptions SET element_id = ?, message_name = ?, correlation_key = ? WHERE id = ?', [n.elementId, n.messageName, n.correlationKey, id], ctx.tx);
    } else if (n.kind === 'job') {
      await core.store.exec('UPDATE engine_jobs SET element_id = ? WHERE id = ?', [n.elementId, id], ctx.tx);
    } else if (n.kind === 'userTask') {
      await core.store.exec('UPDATE engine_user_tasks SET element_id = ? WHERE id = ?', [n.elementId, id], ctx.tx);
    }
  }
  for (const [execId, n] of newWaits) {
    if (oldWaits.has(execId)) continue;
    // a boundary event only the target has
    if (n.kind === 'timer' || n.kind === 'message') await core.addWait(ctx, row, n, [], variables);
  }
  if (newWaits.size) ctx.effects.push(() => core.scheduleTimers(0));

  const engineState: TokenState = { v: 2, seq, tokens: [...next.values()], ...(state.joins && { joins: state.joins }) };
  const n = await core.store.exec(
    'UPDATE engine_instances SET definition_id = ?, version = ?, engine_state = ?, waits = ?, lock_version = lock_version + 1 WHERE id = ? AND lock_version = ?',
    [target.id, target.version, JSON.stringify(engineState), JSON.stringify([...newWaits.values()]), row.id, row.lock_version],
    ctx.tx,
  );
  if (n !== 1) throw new ConflictError(`process instance ${row.id} was changed concurrently`);
  await core.store.appendHistory(
    row.id,
    [
      {
        elementId: row.process_id,
        elementType: 'bpmn:Process',
        event: 'migrated',
        at: now,
        detail: {
          fromVersion: row.version,
          toVersion: target.version,
          fromProcessDefinitionKey: row.definition_id,
          toProcessDefinitionKey: target.id,
          elements: c.check.elements,
          ...(timerChanges.length && { timers: timerChanges }),
        },
      },
    ],
    ctx.tx,
  );
}
