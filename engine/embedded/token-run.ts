/**
 * The embedded engine's interpreter: one process instance as element instances (tokens) over the
 * parsed model, as Zeebe keeps it — no engine object is rebuilt per event. An event (start, job
 * done, task completed, message, timer, business error) is applied to the saved tokens and the
 * instance runs to its next waits; the state that is saved is the list of live element instances
 * with their waits, so the work per event grows with what the event touches, not with the diagram.
 *
 * Semantics are the ones the adapter has always given the diagrams (engine/README.md): Zeebe's
 * variable propagation (one process scope; an element's input mappings and a multi-instance
 * iteration's element are local to it), incidents instead of silent ends, durable timers and
 * message subscriptions, history records in the order elements ran.
 */
import type { Clock } from '../clock.js';
import type { Variables } from '../port.js';
import {
  FeelError,
  applyInputMappings,
  applyOutputMappings,
  evaluate,
  evaluateCondition,
  nextCycle,
} from './feel.js';
import type { ElementInfo, ProcessModel } from './model.js';
import type { StartTrigger, Wait } from './run-types.js';
import { loopLocalNames } from './run-shared.js';
import { TokenRunBase } from './token-run-base.js';
import { ElementFailure, type Token, type TokenState } from './token-state.js';

export { ElementFailure, isTokenState, openElements, type TokenState } from './token-state.js';
export { loopLocalNames, userTaskWaitOf } from './run-shared.js';

const ACTIVITY = new Set([
  'bpmn:ServiceTask',
  'bpmn:UserTask',
  'bpmn:CallActivity',
  'bpmn:ReceiveTask',
  'bpmn:ScriptTask',
  'bpmn:BusinessRuleTask',
  'bpmn:SendTask',
  'bpmn:Task',
  'bpmn:ManualTask',
  'bpmn:SubProcess',
]);

interface Step {
  /** the scope the step runs in: a terminate end event drops the steps of its scope */
  scope: string | undefined;
  run: () => void;
}

export class TokenRun extends TokenRunBase {
  private readonly queue: Step[] = [];
  /** scopes that may have run empty since the last check */
  private readonly emptied = new Set<string>();

  private constructor(opts: { model: ProcessModel; instanceKey: string; clock: Clock; variables: Variables; state?: TokenState; trigger?: StartTrigger }) {
    super(opts);
  }

  /** a new instance, run to its first waits */
  static start(opts: { model: ProcessModel; instanceKey: string; clock: Clock; variables: Variables; trigger?: StartTrigger }): TokenRun {
    const run = new TokenRun(opts);
    run.record(opts.model.processId, 'bpmn:Process', 'activated');
    const start = opts.trigger?.elementId ?? opts.model.noneStarts.get('');
    run.guard(() => {
      if (!start) throw new ElementFailure(`process ${opts.model.processId} has no start event to start from`, 'UNKNOWN', opts.model.processId);
      if (opts.trigger?.variables) run.variables = { ...run.variables, ...opts.trigger.variables };
      run.activate(start, undefined);
    });
    return run;
  }

  static resume(opts: { model: ProcessModel; instanceKey: string; clock: Clock; variables: Variables; state: TokenState }): TokenRun {
    return new TokenRun(opts);
  }

  /** a wait completed: job done, user task completed, called instance ended, message caught, timer due */
  complete(execId: string, output: Variables = {}) {
    const t = this.holders.get(execId);
    const w = this.waits.get(execId);
    if (!t || !w) throw new Error(`instance ${this.instanceKey} has no wait ${execId}`);
    this.guard(() => this.onWaitDone(t, w, output));
  }

  /** a wait that could not be met (a called decision missing or failing): the run stops with an incident there */
  failWait(execId: string, errorType: string, message: string) {
    const w = this.waits.get(execId);
    if (!w) throw new Error(`instance ${this.instanceKey} has no wait ${execId}`);
    this.failure ??= { elementId: w.elementId, errorType, message };
  }

  /** a job's business error, to be caught by an error boundary event with its code */
  throwError(execId: string, code: string, message: string, variables?: Variables) {
    const t = this.holders.get(execId);
    if (!t || this.waits.get(execId)?.kind !== 'job') throw new Error(`instance ${this.instanceKey} has no job ${execId}`);
    this.guard(() => {
      this.releaseWait(execId);
      if (variables) this.variables = { ...this.variables, ...variables };
      this.throwBpmnError(t, code, message);
    });
  }

  /**
   * Process-instance modification (modify.ts checks the instructions against the tokens first):
   * the elements named are entered as a flow entering them would be (input mappings, boundary
   * events, waits), then the element instances named end as a cancellation ends them; a scope left
   * with nothing running ends with them (the process itself: modify.ts refuses that).
   */
  modify(activate: { elementId: string; scope?: string; variables?: Variables }[], terminate: string[]) {
    this.guard(() => {
      for (const a of activate) {
        if (a.variables) this.variables = { ...this.variables, ...a.variables };
        this.activate(a.elementId, a.scope);
      }
      for (const id of terminate) {
        const t = this.tokens.get(id);
        if (!t) continue;
        this.terminate(t);
        this.endEmptied(t.scope);
      }
    });
  }

  private endEmptied(scope: string | undefined) {
    for (let s = scope; s; ) {
      const owner = this.tokens.get(s);
      if (!owner || this.hasChildren(s)) return;
      s = owner.scope;
      this.terminate(owner);
    }
    this.emptied.add('');
  }

  // ---------------------------------------------------------------- running

  /** run `first`, then everything it set going, until only waits are left; a failure stops the run */
  private guard(first: () => void) {
    if (this.failure || this.completed) return;
    try {
      first();
      for (;;) {
        let step: Step | undefined;
        while ((step = this.queue.shift())) step.run();
        if (!this.settleScopes()) break;
      }
    } catch (err) {
      this.queue.length = 0;
      this.fail(err);
    }
  }

  private fail(err: unknown) {
    if (this.failure) return;
    const errorType = err instanceof ElementFailure ? err.errorType : err instanceof FeelError ? 'EXTRACT_VALUE_ERROR' : 'UNKNOWN';
    const elementId = err instanceof ElementFailure ? err.elementId : undefined;
    this.failure = { elementId: elementId ?? this.current ?? this.model.processId, errorType, message: (err as Error)?.message ?? String(err) };
  }

  /** the element being worked on: where a failure without its own element happened */
  private current?: string;


  // ---------------------------------------------------------------- activation

  /** a token arrives at `elementId` in `scope` (over `flowId`): joins wait for their other flows */
  private arrive(elementId: string, scope: string | undefined, flowId: string) {
    // its scope was interrupted meanwhile
    if (scope && !this.tokens.has(scope)) return;
    const info = this.info(elementId);
    if (info.type === 'bpmn:ParallelGateway' && info.incoming.length > 1) {
      const key = `${scope ?? ''}|${elementId}`;
      const arrived = (this.joins[key] ??= {});
      arrived[flowId] = (arrived[flowId] ?? 0) + 1;
      if (!info.incoming.every((f) => (arrived[f] ?? 0) > 0)) return;
      for (const f of info.incoming) if (--arrived[f] === 0) delete arrived[f];
      if (!Object.keys(arrived).length) delete this.joins[key];
    }
    this.activate(elementId, scope);
  }

  private activate(elementId: string, scope: string | undefined, iteration?: { index: number; item: unknown; elementVariable: string }) {
    const info = this.info(elementId);
    this.current = elementId;
    if (info.loop && !iteration) return this.activateBody(info, scope);
    const t: Token = { id: this.newId(elementId), el: elementId, ...(scope && { scope }) };
    if (iteration) {
      t.iter = iteration.index;
      t.locals = { [iteration.elementVariable]: iteration.item };
    }
    this.tokens.set(t.id, t);
    this.record(elementId, info.type, 'activated', this.detailOf(t));
    if (info.inputs.length && ACTIVITY.has(info.type)) {
      t.locals = { ...t.locals, ...applyInputMappings(info.inputs, this.scopeOf(t)) };
    }
    // a multi-instance activity's boundary events belong to its body
    if (!iteration) this.attachBoundaries(t, info);
    this.execute(t, info);
  }

  /** a multi-instance body: the collection is read once; every iteration sees its element as a local */
  private activateBody(info: ElementInfo, scope: string | undefined) {
    const loop = info.loop!;
    const body: Token = { id: this.newId(info.id), el: info.id, ...(scope && { scope }) };
    this.tokens.set(body.id, body);
    this.record(info.id, info.type, 'activated', this.detailOf(body));
    let items: unknown;
    try {
      items = loop.inputCollection ? evaluate(loop.inputCollection, this.scopeOf(body)) : undefined;
    } catch {
      items = undefined;
    }
    if (!Array.isArray(items)) {
      throw new ElementFailure(`the input collection of ${info.id} (${loop.inputCollection ?? 'none'}) is not a list`, 'EXTRACT_VALUE_ERROR', info.id);
    }
    body.mi = { items, next: 0, out: new Array(items.length).fill(null), done: 0 };
    this.attachBoundaries(body, info);
    if (!items.length) return this.completeBody(body, info);
    const count = loop.isSequential ? 1 : items.length;
    for (let i = 0; i < count; i++) this.startIteration(body, info);
  }

  private startIteration(body: Token, info: ElementInfo) {
    const mi = body.mi!;
    const index = mi.next++;
    this.activate(info.id, body.id, { index, item: mi.items[index] ?? null, elementVariable: info.loop!.inputElement || 'item' });
  }

  private attachBoundaries(t: Token, info: ElementInfo) {
    for (const id of info.boundaries) {
      const b = this.info(id);
      const bt: Token = { id: this.newId(id), el: id, on: t.id, ...(t.scope && { scope: t.scope }) };
      this.tokens.set(bt.id, bt);
      if (b.eventKind === 'timer') this.setWait(bt, this.timerWait(bt, b, t));
      else if (b.eventKind === 'message') this.setWait(bt, this.messageWait(bt, b, this.scopeOf(t)));
      // error and escalation boundaries wait for a throw, not for the outside world
    }
  }

  private execute(t: Token, info: ElementInfo) {
    switch (info.type) {
      case 'bpmn:StartEvent':
        return this.completeToken(t);
      case 'bpmn:EndEvent':
        if (info.eventKind === 'error') return this.throwBpmnError(t, info.code ?? '', `error end event ${info.id}`);
        if (info.eventKind === 'escalation' && !this.throwEscalation(t, info)) return;
        if (info.terminate) return this.terminateScope(t);
        if (info.eventKind === 'message' && info.taskDefinition) return this.setWait(t, this.jobWait(t, info));
        return this.completeToken(t);
      case 'bpmn:IntermediateThrowEvent':
        if (info.eventKind === 'escalation' && !this.throwEscalation(t, info)) return;
        if (info.eventKind === 'message' && info.taskDefinition) return this.setWait(t, this.jobWait(t, info));
        return this.completeToken(t);
      case 'bpmn:IntermediateCatchEvent':
        if (info.eventKind === 'timer') return this.setWait(t, this.timerWait(t, info, t));
        if (info.eventKind === 'message') return this.setWait(t, this.messageWait(t, info, this.scopeOf(t)));
        throw new ElementFailure(`intermediate catch event ${info.id} has an event the embedded engine cannot wait for`, 'UNKNOWN', info.id);
      case 'bpmn:EventBasedGateway':
        return this.openRace(t, info);
      case 'bpmn:ExclusiveGateway':
      case 'bpmn:ParallelGateway':
      case 'bpmn:InclusiveGateway':
        return this.completeToken(t);
      case 'bpmn:SubProcess': {
        const start = this.model.noneStarts.get(info.id);
        if (!start) throw new ElementFailure(`sub-process ${info.id} has no none start event`, 'UNKNOWN', info.id);
        return this.activate(start, t.id);
      }
      case 'bpmn:ScriptTask':
        if (info.script) {
          const value = evaluate(info.script.expression, this.scopeOf(t));
          return this.completeToken(t, { [info.script.resultVariable]: value });
        }
        break;
      case 'bpmn:UserTask':
        return this.setWait(t, this.userTaskWait(t, info));
      case 'bpmn:CallActivity':
        return this.setWait(t, this.callWait(t, info));
      case 'bpmn:ReceiveTask':
        return this.setWait(t, this.messageWait(t, info, this.scopeOf(t)));
      case 'bpmn:BusinessRuleTask':
        // a job worker's task (zeebe:taskDefinition) stays a job
        if (info.calledDecision && !info.taskDefinition) return this.setWait(t, this.decisionWait(t, info));
        break;
    }
    if (info.taskDefinition) return this.setWait(t, this.jobWait(t, info));
    // a task with nothing to do (Zeebe would refuse it at deploy; lint says so)
    return this.completeToken(t);
  }

  /** an event-based gateway waits for the first of the events after it */
  private openRace(t: Token, info: ElementInfo) {
    t.race = [];
    const scope = this.scopeOf(t);
    for (const f of info.outgoing) {
      const target = this.info(this.model.flows.get(f)!.target);
      const execId = `${t.id}.${target.id}`;
      let w: Wait;
      if (target.eventKind === 'timer') w = this.timerWait(t, target, t, execId);
      else if (target.eventKind === 'message' || target.type === 'bpmn:ReceiveTask') w = { ...this.messageWait(t, target, scope), execId };
      else throw new ElementFailure(`event-based gateway ${info.id} leads to ${target.id}, which is not a timer or message event`, 'UNKNOWN', info.id);
      t.race.push(w);
      this.hold(t, w);
    }
  }

  private onWaitDone(t: Token, w: Wait, output: Variables) {
    const info = this.info(t.el);
    this.current = t.el;
    if (t.race) return this.winRace(t, w, output);
    this.releaseWait(w.execId);
    if (w.kind === 'timer') {
      this.record(w.elementId, info.type, 'timer-fired', { dueAt: new Date(w.dueAt).toISOString() });
    }
    if (w.kind === 'message') {
      this.record(w.elementId, info.type, 'message-correlated', { messageName: w.messageName, correlationKey: w.correlationKey });
    }
    if (t.on) return this.triggerBoundary(t, info, w, w.kind === 'message' ? output : {});
    if (w.kind === 'message' && info.type !== 'bpmn:ReceiveTask') {
      this.variables = { ...this.variables, ...output };
      return this.completeToken(t);
    }
    if (w.kind === 'call') {
      const c = info.calledElement!;
      return this.completeToken(t, c.propagateAllChildVariables || info.outputs.length ? output : {});
    }
    return this.completeToken(t, w.kind === 'timer' ? {} : output);
  }

  private winRace(gateway: Token, w: Wait, output: Variables) {
    const info = this.info(gateway.el);
    this.releaseWait(w.execId);
    this.record(info.id, info.type, 'completed', this.detailOf(gateway));
    this.tokens.delete(gateway.id);
    const flow = info.outgoing.map((f) => this.model.flows.get(f)!).find((f) => f.target === w.elementId)!;
    this.record(flow.id, 'bpmn:SequenceFlow', 'taken');
    const target = this.info(w.elementId);
    const t: Token = { id: this.newId(target.id), el: target.id, ...(gateway.scope && { scope: gateway.scope }) };
    this.tokens.set(t.id, t);
    this.record(target.id, target.type, 'activated', this.detailOf(t));
    if (w.kind === 'timer') this.record(target.id, target.type, 'timer-fired', { dueAt: new Date(w.dueAt).toISOString() });
    if (w.kind === 'message') {
      this.record(target.id, target.type, 'message-correlated', { messageName: w.messageName, correlationKey: w.correlationKey });
      if (target.type !== 'bpmn:ReceiveTask') this.variables = { ...this.variables, ...output };
    }
    this.completeToken(t, target.type === 'bpmn:ReceiveTask' ? output : {});
  }

  // ---------------------------------------------------------------- completion

  /** the element is done: outputs into the process, its boundary events go, its flows are taken */
  private completeToken(t: Token, output?: Variables) {
    const info = this.info(t.el);
    this.current = t.el;
    if (output) this.applyOutputs(t, info, output);
    this.dropBoundaries(t);
    if (t.wait) this.releaseWait(t.wait.execId);
    this.record(info.id, info.type, 'completed', this.detailOf(t));
    this.tokens.delete(t.id);
    if (t.iter !== undefined && t.scope) {
      const body = this.tokens.get(t.scope);
      if (body?.mi) return this.iterationDone(body, info);
    }
    this.leave(t, info);
  }

  private iterationDone(body: Token, info: ElementInfo) {
    const mi = body.mi!;
    mi.done += 1;
    if (mi.done >= mi.items.length) return this.completeBody(body, info);
    if (info.loop?.isSequential && mi.next < mi.items.length) this.startIteration(body, info);
  }

  private completeBody(body: Token, info: ElementInfo) {
    const loop = info.loop!;
    if (loop.outputCollection) this.variables = { ...this.variables, [loop.outputCollection]: body.mi!.out };
    this.dropBoundaries(body);
    this.record(info.id, info.type, 'completed', this.detailOf(body));
    this.tokens.delete(body.id);
    this.leave(body, info);
  }

  /** job result / task / message / child variables into the process, through output mappings if any */
  private applyOutputs(t: Token, info: ElementInfo, output: Variables) {
    const scope = { ...this.scopeOf(t), ...output };
    const result = info.outputs.length ? applyOutputMappings(info.outputs, scope, this.variables) : output;
    let propagated = result;
    if (t.iter !== undefined) {
      // an iteration's own variables (input and output element) stay in the iteration, as in Zeebe
      const own = loopLocalNames(info);
      propagated = Object.fromEntries(Object.entries(result).filter(([k]) => !own.has(k)));
      const body = t.scope ? this.tokens.get(t.scope) : undefined;
      if (body?.mi && info.loop?.outputElement) body.mi.out[t.iter] = evaluate(info.loop.outputElement, scope) ?? null;
    }
    this.variables = { ...this.variables, ...propagated };
  }

  /** take the element's outgoing flows (a gateway chooses); an element without any ends its branch */
  private leave(t: Token, info: ElementInfo) {
    const taken = this.chooseFlows(t, info);
    for (const f of taken) {
      this.record(f.id, 'bpmn:SequenceFlow', 'taken');
      const scope = t.scope;
      this.queue.push({ scope, run: () => this.arrive(f.target, scope, f.id) });
    }
    if (!taken.length) this.emptied.add(t.scope ?? '');
  }

  private chooseFlows(t: Token, info: ElementInfo) {
    const flows = info.outgoing.map((id) => this.model.flows.get(id)!).filter(Boolean);
    if (!flows.length) return [];
    const exclusive = info.type === 'bpmn:ExclusiveGateway';
    if (!exclusive && info.type !== 'bpmn:InclusiveGateway' && flows.every((f) => !f.condition)) return flows;
    const scope = this.scopeOf(t);
    const chosen = [];
    for (const f of flows) {
      if (f.id === info.defaultFlow) continue;
      if (f.condition === undefined || this.condition(f.condition, scope, info.id)) {
        chosen.push(f);
        if (exclusive) break;
      }
    }
    if (!chosen.length && info.defaultFlow) chosen.push(this.model.flows.get(info.defaultFlow)!);
    if (!chosen.length && (exclusive || info.type === 'bpmn:InclusiveGateway')) {
      throw new ElementFailure(`Expected at least one condition to evaluate to true, or to have a default flow: no conditional flow taken at ${info.id}`, 'CONDITION_ERROR', info.id);
    }
    return chosen;
  }

  private condition(expression: string, scope: Variables, elementId: string): boolean {
    try {
      return evaluateCondition(expression, scope);
    } catch (err) {
      throw new ElementFailure((err as Error).message, 'EXTRACT_VALUE_ERROR', elementId);
    }
  }

  /** scopes whose last token ended: a sub-process or iteration completes, the process ends */
  private settleScopes(): boolean {
    if (!this.emptied.size) return false;
    const scopes = [...this.emptied];
    this.emptied.clear();
    let moved = false;
    for (const scope of scopes) {
      if (this.hasChildren(scope)) continue;
      if (scope === '') {
        if (!this.completed && !this.tokens.size) {
          this.completed = true;
          this.record(this.model.processId, 'bpmn:Process', 'completed');
        }
        continue;
      }
      const owner = this.tokens.get(scope);
      if (owner) {
        this.completeToken(owner, {});
        moved = true;
      }
    }
    return moved || this.queue.length > 0;
  }

  private hasChildren(scope: string) {
    const key = scope || undefined;
    for (const t of this.tokens.values()) if (t.scope === key && !t.on) return true;
    for (const k of Object.keys(this.joins)) if (k.startsWith(`${scope}|`)) return true;
    return false;
  }

  // ---------------------------------------------------------------- interruption

  private dropBoundaries(t: Token) {
    for (const b of [...this.tokens.values()]) {
      if (b.on !== t.id) continue;
      if (b.wait) this.releaseWait(b.wait.execId);
      this.tokens.delete(b.id);
    }
  }

  /** end an element instance and all it contains, recording `terminated` (boundary events silently) */
  private terminate(t: Token) {
    for (const child of [...this.tokens.values()]) if (child.scope === t.id && !child.on) this.terminate(child);
    for (const k of Object.keys(this.joins)) if (k.startsWith(`${t.id}|`)) delete this.joins[k];
    this.dropBoundaries(t);
    if (t.wait) this.releaseWait(t.wait.execId);
    if (t.race) this.releaseWait(t.race[0].execId);
    const info = this.model.elements.get(t.el);
    this.tokens.delete(t.id);
    if (info?.type !== 'bpmn:BoundaryEvent') this.record(t.el, info?.type ?? 'bpmn:Activity', 'terminated', this.detailOf(t));
  }

  /** a terminate end event: everything else in its scope ends; the scope then completes */
  private terminateScope(t: Token) {
    const key = t.scope;
    for (const other of [...this.tokens.values()]) if (other.scope === key && other.id !== t.id && !other.on && this.tokens.has(other.id)) this.terminate(other);
    for (const k of Object.keys(this.joins)) if (k.startsWith(`${key ?? ''}|`)) delete this.joins[k];
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].scope === key) this.queue.splice(i, 1);
    this.completeToken(t);
  }

  private triggerBoundary(b: Token, info: ElementInfo, w: Wait | undefined, output: Variables) {
    const activity = b.on ? this.tokens.get(b.on) : undefined;
    if (!activity) return;
    if (w?.kind === 'message') this.variables = { ...this.variables, ...output };
    // a non-interrupting error or escalation boundary stays, to catch the next throw
    if (w || info.cancelActivity !== false) this.tokens.delete(b.id);
    if (info.cancelActivity !== false) {
      this.terminate(activity);
    } else if (w?.kind === 'timer' && w.interval && w.repetitions !== undefined) {
      // a non-interrupting cycle waits for its next firing
      const n = nextCycle({ interval: w.interval, repetitions: w.repetitions }, new Date(w.dueAt));
      if (n) this.rearm(b, { kind: 'timer', execId: '', elementId: info.id, dueAt: n.dueAt.getTime(), repetitions: n.repetitions ?? -1, interval: n.interval ?? w.interval });
    } else if (w?.kind === 'message') {
      // a non-interrupting message boundary catches every later message too
      this.rearm(b, { ...w, execId: '' });
    }
    const fired: Token = { id: b.id, el: b.el, ...(activity.scope && { scope: activity.scope }) };
    this.record(info.id, info.type, 'activated', this.detailOf(fired));
    this.record(info.id, info.type, 'completed', this.detailOf(fired));
    this.leave(fired, info);
  }

  private rearm(b: Token, w: Wait) {
    const again: Token = { id: this.newId(b.el), el: b.el, on: b.on, ...(b.scope && { scope: b.scope }) };
    this.tokens.set(again.id, again);
    this.setWait(again, { ...w, execId: again.id });
  }

  /** the nearest boundary event of `kind` on `from` or an enclosing activity that catches `code` */
  private catcher(from: Token | undefined, kind: 'error' | 'escalation', code: string): Token | undefined {
    for (let x = from; x; x = x.scope ? this.tokens.get(x.scope) : undefined) {
      let found: Token | undefined;
      let catchAll: Token | undefined;
      for (const b of this.tokens.values()) {
        if (b.on !== x.id) continue;
        const info = this.model.elements.get(b.el);
        if (info?.eventKind !== kind) continue;
        if (info.code === undefined) catchAll ??= b;
        else if (info.code === code) found ??= b;
      }
      if (found ?? catchAll) return found ?? catchAll;
    }
    return undefined;
  }

  private throwBpmnError(t: Token, code: string, _message: string) {
    const catcher = this.catcher(t, 'error', code);
    if (!catcher) {
      throw new ElementFailure(`an error with code '${code}' was thrown and no error catch event was found for it`, 'UNHANDLED_ERROR_EVENT', t.el);
    }
    if (this.tokens.has(t.id) && t.on === undefined && !this.isAncestor(this.tokens.get(catcher.on!)!, t)) this.terminate(t);
    this.triggerBoundary(catcher, this.info(catcher.el), undefined, {});
  }

  private isAncestor(a: Token, t: Token): boolean {
    for (let x: Token | undefined = t; x; x = x.scope ? this.tokens.get(x.scope) : undefined) if (x.id === a.id) return true;
    return false;
  }

  /** an escalation: caught by a boundary event up the scopes, else nothing happens (as in Zeebe); false when it interrupted the thrower */
  private throwEscalation(t: Token, info: ElementInfo): boolean {
    const catcher = this.catcher(t.scope ? this.tokens.get(t.scope) : undefined, 'escalation', info.code ?? '');
    if (!catcher) return true;
    const b = this.info(catcher.el);
    this.triggerBoundary(catcher, b, undefined, {});
    return b.cancelActivity === false && this.tokens.has(t.id);
  }
}

