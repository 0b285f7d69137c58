/**
 * Process-instance modification (Operate's "modify"): tokens added before elements, element
 * instances ended, or both (a token moved), in one transaction. The interpreter enters and ends the
 * elements as it always does (TokenRun.modify), and settle() brings the tasks, jobs, timers and
 * subscriptions in line — so an activated element's boundary timer is armed as entering it arms it.
 * Every instruction is checked before anything changes; a refusal is an EngineError with a code.
 */
import { EngineError, InvalidArgumentError, NotFoundError } from '../errors.js';
import type { ModifyInstructions, ModifyOptions, Variables } from '../port.js';
import { assertName, assertVariables, parseJson } from './checks.js';
import type { Core } from './core.js';
import { execIdOf } from './keys.js';
import type { ProcessModel } from './model.js';
import type { RunFailure } from './run-types.js';
import { isTokenState, TokenRun } from './token-run.js';
import type { Token, TokenState } from './token-state.js';
import { inTx } from './transaction.js';

const NOT_ACTIVATABLE = new Set(['bpmn:StartEvent', 'bpmn:BoundaryEvent', 'bpmn:SequenceFlow', 'bpmn:Process']);

const refuse = (message: string, code: string, status = 400, details?: unknown) => new EngineError(message, status, code, details);

export async function modifyProcessInstance(core: Core, processInstanceKey: string, instructions: ModifyInstructions, options: ModifyOptions = {}) {
  assertName(processInstanceKey, 'processInstanceKey');
  const { transactional } = options;
  if (transactional !== undefined && typeof transactional !== 'function') throw new InvalidArgumentError('transactional must be a function');
  const activate = (instructions?.activate ?? []).map((a, i) => ({
    elementId: assertName(a?.elementId, `activate[${i}].elementId`),
    ...(a.variables !== undefined && { variables: assertVariables(a.variables, `activate[${i}].variables`) }),
  }));
  const terminate = instructions?.terminate ?? [];
  if (!Array.isArray(activate) || !Array.isArray(terminate)) throw new InvalidArgumentError('activate and terminate must be lists');
  if (!activate.length && !terminate.length) throw refuse('a modification needs at least one instruction', 'NOTHING_TO_DO');

  await inTx(core, async (ctx) => {
    const row = await core.store.getInstance(processInstanceKey, ctx.tx);
    if (!row) throw new NotFoundError(`process instance ${processInstanceKey} not found`);
    // an incident's state is the one before its failed event: a retry replays that event on it
    if (row.state !== 'active') throw refuse(`process instance ${processInstanceKey} is ${row.state}: only an active instance can be modified`, 'INSTANCE_NOT_ACTIVE', 409);
    const state = parseJson<unknown>(row.engine_state, null);
    if (!isTokenState(state)) throw refuse(`process instance ${processInstanceKey} runs on the former runner and cannot be modified`, 'UNSUPPORTED', 409);
    const model = await core.modelOf(row.definition_id, ctx.tx);

    const activations = activate.map((a) => ({ ...a, ...scopeFor(model, state, a.elementId) }));
    const ended = new Set<string>();
    for (const [i, t] of terminate.entries()) for (const id of tokensFor(model, state, row.id, t, i)) ended.add(id);
    if (!activations.length && leftRunning(state, ended) === 0) {
      throw refuse(`terminating these would leave process instance ${processInstanceKey} with nothing running: cancel it instead`, 'NO_TOKEN_LEFT', 409);
    }

    core.hot.delete(row.id);
    const run = TokenRun.resume({ model, instanceKey: row.id, clock: core.clock, variables: parseJson<Variables>(row.variables, {}), state });
    const oldWaits = [...run.waits.values()];
    run.modify(activations, [...ended]);
    if (run.failure) {
      // entering the element failed (a timer or mapping expression): nothing is changed
      throw refuse(`activating ${run.failure.elementId} failed: ${run.failure.message}`, 'ACTIVATION_FAILED', 409, run.failure);
    }
    if (run.completed && !activations.length) throw refuse(`process instance ${processInstanceKey} would be left with nothing running: cancel it instead`, 'NO_TOKEN_LEFT', 409);
    // the app's record of the operation (its audit line) commits with it
    if (transactional) await transactional(ctx.tx);
    await core.settle(ctx, row, run, oldWaits, { kind: 'start', variables: {} });
    // a business-rule task entered whose decision failed: refused, the incident rolls back with it
    const failed = failureOf(run);
    if (failed) throw refuse(`activating ${failed.elementId} failed: ${failed.message}`, 'ACTIVATION_FAILED', 409, failed);
  });
}

/** the element instance an activated element runs in: the process, or the one active instance of its sub-process */
function scopeFor(model: ProcessModel, state: TokenState, elementId: string): { scope?: string } {
  const info = model.elements.get(elementId);
  if (!info) throw refuse(`element ${elementId} is not in process ${model.processId}`, 'UNKNOWN_ELEMENT', 400, { elementId });
  if (NOT_ACTIVATABLE.has(info.type) || info.isStartEvent) {
    throw refuse(`element ${elementId} (${info.type}) cannot be activated: a start or boundary event is entered only by its trigger`, 'ELEMENT_NOT_ACTIVATABLE', 400, { elementId });
  }
  if (!info.parentId || info.parentId === model.processId) return {};
  const parent = model.elements.get(info.parentId);
  if (!parent) return {};
  // a multi-instance sub-process's elements run in an iteration, never in its body
  const owners = state.tokens.filter((t) => t.el === parent.id && !t.mi && !t.on);
  if (owners.length !== 1) {
    throw refuse(
      owners.length
        ? `element ${elementId} is inside ${parent.id}, which runs ${owners.length} times: which one is not chosen`
        : `element ${elementId} is inside ${parent.id}, which is not active: activate ${parent.id} instead`,
      'SCOPE_NOT_ACTIVE',
      409,
      { elementId, scopeElementId: parent.id },
    );
  }
  return { scope: owners[0].id };
}

/** the tokens a terminate instruction names (boundary events are never named alone) */
function tokensFor(model: ProcessModel, state: TokenState, instanceId: string, t: { elementInstanceKey?: string; elementId?: string }, i: number): string[] {
  const live = state.tokens.filter((x) => !x.on);
  if (t?.elementInstanceKey !== undefined) {
    const key = assertName(t.elementInstanceKey, `terminate[${i}].elementInstanceKey`);
    // the execution id, or the key of its user task or job (`<instance>/<execution>`)
    const execId = key.startsWith(`${instanceId}/`) ? execIdOf(key) : key;
    const found = live.find((x) => x.id === execId);
    if (!found) throw refuse(`process instance ${instanceId} has no active element instance ${key}`, 'UNKNOWN_ELEMENT_INSTANCE', 400, { elementInstanceKey: key });
    return [found.id];
  }
  const elementId = assertName(t?.elementId, `terminate[${i}].elementId`);
  if (!model.elements.has(elementId)) throw refuse(`element ${elementId} is not in process ${model.processId}`, 'UNKNOWN_ELEMENT', 400, { elementId });
  // of a multi-instance activity, its body (the iterations end with it)
  const found = live.filter((x) => x.el === elementId && (x.mi || !isIteration(state, x)));
  if (!found.length) throw refuse(`element ${elementId} is not active in process instance ${instanceId}`, 'UNKNOWN_ELEMENT_INSTANCE', 400, { elementId });
  return found.map((x) => x.id);
}

function isIteration(state: TokenState, t: Token) {
  return t.iter !== undefined && state.tokens.some((b) => b.id === t.scope && b.mi);
}

/** how many element instances at the process level would still run once `ended` (and what they contain) end */
function leftRunning(state: TokenState, ended: Set<string>): number {
  const byId = new Map(state.tokens.map((t) => [t.id, t]));
  const endedWithin = (t: Token): boolean => {
    for (let x: Token | undefined = t; x; x = x.scope ? byId.get(x.scope) : undefined) if (ended.has(x.id)) return true;
    return false;
  };
  // a scope whose every child ends ends with them: count the leaves that stay
  return state.tokens.filter((t) => !t.on && !endedWithin(t) && !state.tokens.some((c) => c.scope === t.id && !c.on)).length;
}

/** read anew: settle() may have failed the run since it was last looked at */
function failureOf(run: TokenRun): RunFailure | undefined {
  return run.failure;
}
