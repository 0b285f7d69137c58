/**
 * The live state of a TokenRun and what reads it: its tokens and the waits they hold, the variables
 * an element sees, its history records, the wait each kind of element leaves. The walk over the
 * model that changes them is token-run.ts.
 */
import type { Clock } from '../clock.js';
import type { Variables } from '../port.js';
import { evaluate, evaluateString, evaluateTimer, isExpression } from './feel.js';
import type { ElementInfo, ProcessModel } from './model.js';
import type { CallWait, DecisionWait, HistoryRecord, JobWait, MessageWait, RunFailure, StartTrigger, TimerWait, UserTaskWait, Wait } from './run-types.js';
import { userTaskWaitOf } from './run-shared.js';
import { ElementFailure, type Token, type TokenState } from './token-state.js';

export class TokenRunBase {
  readonly model: ProcessModel;
  readonly instanceKey: string;
  variables: Variables;
  readonly waits = new Map<string, Wait>();
  readonly history: HistoryRecord[] = [];
  failure?: RunFailure;
  completed = false;
  protected readonly clock: Clock;
  protected readonly trigger?: StartTrigger;
  protected readonly tokens = new Map<string, Token>();
  /** execution id of a wait → the token that holds it */
  protected readonly holders = new Map<string, Token>();
  protected joins: Record<string, Record<string, number>>;
  protected seq: number;

  protected constructor(opts: { model: ProcessModel; instanceKey: string; clock: Clock; variables: Variables; state?: TokenState; trigger?: StartTrigger }) {
    this.model = opts.model;
    this.instanceKey = opts.instanceKey;
    this.clock = opts.clock;
    this.trigger = opts.trigger;
    this.variables = { ...opts.variables };
    this.seq = opts.state?.seq ?? 0;
    this.joins = opts.state?.joins ? structuredClone(opts.state.joins) : {};
    for (const saved of opts.state?.tokens ?? []) {
      const t: Token = structuredClone(saved);
      this.tokens.set(t.id, t);
      if (t.wait) this.hold(t, t.wait);
      for (const w of t.race ?? []) this.hold(t, w);
    }
  }

  getState(): TokenState {
    const state: TokenState = { v: 2, seq: this.seq, tokens: [...this.tokens.values()] };
    if (Object.keys(this.joins).length) state.joins = this.joins;
    return state;
  }

  /** what runs now: execution id → element id (boundary events included) */
  get open(): Record<string, string> {
    return Object.fromEntries([...this.tokens.values()].map((t) => [t.id, t.el]));
  }

  /** ready the live run for its next event (kept in memory only while a local worker has its job) */
  reuse() {
    this.history.length = 0;
  }

  hasWait(execId: string) {
    return this.holders.has(execId);
  }

  /** nothing to bring in line: the tokens are the truth */
  reconcile() {}

  releaseWait(execId: string) {
    const t = this.holders.get(execId);
    if (!t) return;
    this.holders.delete(execId);
    this.waits.delete(execId);
    if (t.wait?.execId === execId) delete t.wait;
    if (t.race) {
      // an event-based gateway gives up all its events at once
      for (const w of t.race) {
        this.holders.delete(w.execId);
        this.waits.delete(w.execId);
      }
      delete t.race;
    }
  }

  protected newId(elementId: string) {
    this.seq += 1;
    return `${elementId}_${this.seq.toString(36)}`;
  }

  protected record(elementId: string, elementType: string, event: HistoryRecord['event'], detail?: Record<string, unknown>) {
    this.history.push({ elementId, elementType, event, at: this.clock.now().getTime(), ...(detail && { detail }) });
  }

  protected info(elementId: string): ElementInfo {
    const info = this.model.elements.get(elementId);
    if (!info) throw new ElementFailure(`element ${elementId} is not in process ${this.model.processId}`, 'UNKNOWN', elementId);
    return info;
  }

  protected detailOf(t: Token) {
    return t.iter === undefined ? { executionId: t.id } : { executionId: t.id, index: t.iter };
  }

  protected hold(t: Token, w: Wait) {
    this.holders.set(w.execId, t);
    this.waits.set(w.execId, w);
  }

  protected setWait(t: Token, w: Wait) {
    t.wait = w;
    this.hold(t, w);
  }

  /** process variables, then the locals of the enclosing element instances (outermost first), then the token's own */
  protected scopeOf(t: Token | undefined): Variables {
    const chain: Token[] = [];
    for (let x = t; x; x = x.scope ? this.tokens.get(x.scope) : undefined) if (x.locals) chain.push(x);
    if (!chain.length) return this.variables;
    let scope = this.variables;
    for (let i = chain.length - 1; i >= 0; i--) scope = { ...scope, ...chain[i].locals };
    return scope;
  }

  /** what the element sees beyond the process variables */
  protected localsOf(t: Token): Variables {
    const chain: Token[] = [];
    for (let x: Token | undefined = t; x; x = x.scope ? this.tokens.get(x.scope) : undefined) if (x.locals) chain.push(x);
    let locals: Variables = {};
    for (let i = chain.length - 1; i >= 0; i--) locals = { ...locals, ...chain[i].locals };
    return locals;
  }

  // ---------------------------------------------------------------- waits

  protected jobWait(t: Token, info: ElementInfo): JobWait {
    const scope = this.scopeOf(t);
    const td = info.taskDefinition!;
    const retries = Number(isExpression(td.retries) ? evaluate(td.retries, scope) : td.retries);
    if (!Number.isInteger(retries) || retries < 0) throw new ElementFailure(`job retries of ${info.id} must be a whole number`, 'EXTRACT_VALUE_ERROR', info.id);
    return { kind: 'job', execId: t.id, elementId: info.id, type: evaluateString(td.type, scope, 'job type'), retries, headers: info.headers, locals: this.localsOf(t) };
  }

  protected userTaskWait(t: Token, info: ElementInfo): UserTaskWait {
    return userTaskWaitOf(info, t.id, this.scopeOf(t), this.localsOf(t));
  }

  protected callWait(t: Token, info: ElementInfo): CallWait {
    const c = info.calledElement!;
    const scope = this.scopeOf(t);
    return { kind: 'call', execId: t.id, elementId: info.id, processId: evaluateString(c.processId, scope, 'called process id'), variables: c.propagateAllParentVariables ? scope : this.localsOf(t) };
  }

  protected decisionWait(t: Token, info: ElementInfo): DecisionWait {
    const d = info.calledDecision!;
    const scope = this.scopeOf(t);
    return { kind: 'decision', execId: t.id, elementId: info.id, decisionId: evaluateString(d.decisionId, scope, 'decision id'), resultVariable: d.resultVariable, variables: scope };
  }

  protected messageWait(t: Token, info: ElementInfo, scope: Variables): MessageWait {
    const m = info.message;
    if (!m) throw new ElementFailure(`${info.id} has no message`, 'EXTRACT_VALUE_ERROR', info.id);
    return {
      kind: 'message',
      execId: t.id,
      elementId: info.id,
      messageName: evaluateString(m.name, scope, 'message name'),
      correlationKey: m.correlationKey ? evaluateString(m.correlationKey, scope, 'correlation key') : '',
    };
  }

  /** `on`: the token whose scope the expression is evaluated in (a boundary event's activity) */
  protected timerWait(t: Token, info: ElementInfo, on: Token, execId = t.id): TimerWait {
    if (!info.timer) throw new ElementFailure(`timer ${info.id} has no time expression`, 'EXTRACT_VALUE_ERROR', info.id);
    const schedule = evaluateTimer(info.timer.kind, info.timer.expression, this.scopeOf(on), this.clock.now());
    return {
      kind: 'timer',
      execId,
      elementId: info.id,
      dueAt: schedule.dueAt.getTime(),
      ...(schedule.repetitions !== undefined && { repetitions: schedule.repetitions, interval: schedule.interval }),
    };
  }
}
