/**
 * One process instance, live: a bpmn-engine Engine running the instance's diagram with the Zeebe
 * semantics this adapter adds. A run is created to handle one event (start, job done, task completed,
 * message, timer) and dropped after its state is saved; nothing of it stays in memory between events.
 *
 * Waits (jobs, user tasks, call activities, message subscriptions, timers) are registered here by the
 * element behaviours and completed through `complete()` / `throwError()`; after a restart the engine
 * re-executes the waiting elements on resume and they find their saved wait instead of a new one.
 */
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import type { Clock } from '../clock.js';
import type { Variables } from '../port.js';
import {
  FeelError,
  applyInputMappings,
  applyOutputMappings,
  evaluate,
  evaluateString,
  evaluateTimer,
  isExpression,
  nextCycle,
} from './feel.js';
import type { ElementInfo, ProcessModel } from './model.js';
import type { CallWait, HistoryRecord, JobWait, MessageWait, RunFailure, SavedRun, StartTrigger, TimerWait, UserTaskWait, Wait, WaitingRun } from './run-types.js';
import { loopLocalNames, userTaskWaitOf } from './run-shared.js';

interface WaitHandler {
  complete(output: Variables): void;
  error?(code: string, message: string, variables?: Variables): void;
}

const OUTPUT_ELEMENT = '__zeebeOutputElement';
const LOOP = '__zeebeLoop';

const silentLogger = () => ({ debug() {}, error() {}, warn() {} });

/** errors of the diagram's own making get an errorType like Zeebe's incidents */
export class ElementFailure extends Error {
  constructor(
    message: string,
    readonly errorType: string,
  ) {
    super(message);
  }
}

function typeOfFailure(err: any): string {
  if (err?.errorType) return err.errorType;
  const inner = err?.inner ?? err;
  if (inner?.errorType) return inner.errorType;
  if (inner instanceof FeelError || /FeelError/.test(inner?.name ?? '')) return 'EXTRACT_VALUE_ERROR';
  if (err?.name === 'BusinessError' || inner?.name === 'BusinessError' || err?.type === 'BpmnError') return 'UNHANDLED_ERROR_EVENT';
  if (/no conditional flow taken/.test(err?.message ?? '')) return 'CONDITION_ERROR';
  return 'UNKNOWN';
}

export class InstanceRun implements WaitingRun {
  readonly model: ProcessModel;
  readonly instanceKey: string;
  variables: Variables;
  scopes: Record<string, Variables>;
  /** started, not yet ended executions (execution id → element id): what "terminated" applies to */
  open: Record<string, string>;
  readonly waits = new Map<string, Wait>();
  readonly history: HistoryRecord[] = [];
  failure?: RunFailure;
  completed = false;
  private readonly handlers = new Map<string, WaitHandler>();
  private readonly saved: Map<string, Wait>;
  private readonly clock: Clock;
  private readonly trigger?: StartTrigger;
  private engine: any;
  private readonly listener = new EventEmitter();
  /** the element that started last: where a failure without a source happened */
  private lastActivated?: string;
  readonly expressions;

  private constructor(opts: { model: ProcessModel; instanceKey: string; clock: Clock; trigger?: StartTrigger; saved?: SavedRun; variables?: Variables }) {
    this.model = opts.model;
    this.instanceKey = opts.instanceKey;
    this.clock = opts.clock;
    this.trigger = opts.trigger;
    this.variables = { ...(opts.saved?.variables ?? opts.variables ?? {}) };
    this.scopes = { ...(opts.saved?.scopes ?? {}) };
    this.open = { ...(opts.saved?.open ?? {}) };
    this.saved = new Map((opts.saved?.waits ?? []).map((w) => [w.execId, w]));
    this.expressions = {
      resolveExpression: (expression: any, context: any) => {
        if (typeof expression === 'string' && isExpression(expression)) {
          const value = evaluate(expression, this.scopeFor(context?.content));
          if (value === null || value === undefined) {
            throw new ElementFailure(`expression '${expression}' evaluated to null`, 'EXTRACT_VALUE_ERROR');
          }
          return value;
        }
        // a value without `=` is static, as in Zeebe
        return expression;
      },
      isExpression: (text: unknown) => typeof text === 'string' && isExpression(text),
      hasExpression: (text: unknown) => typeof text === 'string' && isExpression(text),
    };
    this.engine = new Engine({
      name: opts.instanceKey,
      sourceContext: opts.model.sourceContext as any,
      Logger: silentLogger as any,
      expressions: this.expressions as any,
      extensions: { zeebe: (activity: any) => this.extend(activity) },
      timers: noTimers as any,
      settings: { enableDummyService: false },
      zeebeRun: this,
    } as any);
    this.engine.on('error', (err: any) => this.fail(err));
    this.engine.on('end', () => {
      this.completed = true;
    });
    this.listen();
  }

  /** start a new instance and run it to its first wait */
  static async start(opts: { model: ProcessModel; instanceKey: string; clock: Clock; variables: Variables; trigger?: StartTrigger }) {
    const run = new InstanceRun(opts);
    run.record(opts.model.processId, 'bpmn:Process', 'activated');
    await run.engine.execute({ listener: run.listener });
    return run;
  }

  /** load a saved instance back into a live engine */
  static async resume(opts: { model: ProcessModel; instanceKey: string; clock: Clock; saved: SavedRun }) {
    const run = new InstanceRun(opts);
    run.engine.recover(structuredClone(opts.saved.engine));
    await run.engine.resume({ listener: run.listener });
    return run;
  }

  getState(): SavedRun {
    const state = this.engine.execution.getState();
    for (const d of state.definitions) delete d.source;
    return { engine: state, variables: this.variables, scopes: this.scopes, open: this.open, waits: [...this.waits.values()] };
  }

  /** ready the live run for its next event (it stays in memory only while a local worker has its job) */
  reuse() {
    this.history.length = 0;
    this.saved.clear();
  }

  hasWait(execId: string) {
    return this.handlers.has(execId);
  }

  /** complete a wait: job done, user task completed, called instance ended, message caught, timer due */
  complete(execId: string, output: Variables = {}) {
    const handler = this.handlers.get(execId);
    if (!handler) throw new Error(`instance ${this.instanceKey} has no wait ${execId}`);
    handler.complete(output);
  }

  /** a job's business error, to be caught by an error boundary event with its code */
  throwError(execId: string, code: string, message: string, variables?: Variables) {
    const handler = this.handlers.get(execId);
    if (!handler?.error) throw new Error(`instance ${this.instanceKey} has no job ${execId}`);
    handler.error(code, message, variables);
  }

  releaseWait(execId: string) {
    this.handlers.delete(execId);
    this.waits.delete(execId);
  }

  /** scope of an element: process variables, then the locals of its enclosing executions, then its own */
  scopeFor(content: any): Variables {
    let scope: Variables = this.variables;
    if (!content) return scope;
    const chain: string[] = [];
    for (let p = content.parent; p; p = undefined) {
      if (p.path) for (let i = p.path.length - 1; i >= 0; i--) chain.push(p.path[i].executionId);
      chain.push(p.executionId);
    }
    chain.push(content.executionId);
    for (const id of chain) {
      if (!id) continue;
      const iteration = /^(.*)_(\d+)$/.exec(id);
      const loop = iteration && (this.scopes[iteration[1]]?.[LOOP] as { element: string; collection: unknown[] } | undefined);
      if (loop) scope = { ...scope, [loop.element]: loop.collection[Number(iteration[2])] ?? null };
      const locals = this.scopes[id];
      if (locals) {
        scope = { ...scope, ...locals };
        delete scope[LOOP];
      }
    }
    return scope;
  }

  private fail(err: any) {
    if (this.failure) return;
    const source = err?.source?.content ?? err?.inner?.source?.content;
    const elementId = source?.id ?? this.lastActivated ?? this.model.processId;
    const inner = err?.inner;
    let message = err?.description ?? err?.message ?? String(err);
    if (inner?.name === 'BusinessError' || err?.name === 'BusinessError') {
      message = `an error with code '${err.code ?? inner?.code}' was thrown and no error catch event was found for it`;
    }
    this.failure = { elementId, errorType: typeOfFailure(err), message };
  }

  private record(elementId: string, elementType: string, event: HistoryRecord['event'], detail?: Record<string, unknown>) {
    this.history.push({ elementId, elementType, event, at: this.clock.now().getTime(), ...(detail && { detail }) });
  }

  private listen() {
    const l = this.listener;
    const detailOf = (api: any) => {
      const c = api.content ?? {};
      return c.isMultiInstance ? { executionId: api.executionId, index: c.index } : { executionId: api.executionId };
    };
    l.on('activity.start', (api: any) => {
      const info = this.model.elements.get(api.id);
      const c = api.content ?? {};
      this.lastActivated = api.id;
      // the input collection is read once, when the multi-instance body starts; each iteration
      // (execution id `<body>_<index>`) then sees its element as a local variable
      // (a missing or wrong collection fails in the loop itself, which makes it an incident)
      if (info?.loop?.inputCollection && c.index === undefined) {
        let collection: unknown;
        try {
          collection = evaluate(info.loop.inputCollection, this.scopeFor(c));
        } catch {
          collection = undefined;
        }
        if (Array.isArray(collection)) this.scopes[api.executionId] = { [LOOP]: { element: info.loop.inputElement || 'item', collection } };
      }
      this.open[api.executionId] = api.id;
      // a boundary event shows in the history only when it is triggered, as in Zeebe
      if (info?.type !== 'bpmn:BoundaryEvent') this.record(api.id, this.typeOf(api), 'activated', detailOf(api));
    });
    l.on('activity.end', (api: any) => {
      const c = api.content ?? {};
      const info = this.model.elements.get(api.id);
      if (info?.loop?.outputCollection && c.isRootScope && Array.isArray(c.output)) {
        this.variables = { ...this.variables, [info.loop.outputCollection]: c.output.map((o: any) => (o ? o[OUTPUT_ELEMENT] ?? null : null)) };
      }
      if (info?.type === 'bpmn:BoundaryEvent') this.record(api.id, info.type, 'activated', detailOf(api));
      this.record(api.id, this.typeOf(api), 'completed', detailOf(api));
      delete this.open[api.executionId];
      this.dropScopes(api.executionId);
    });
    l.on('activity.leave', (api: any) => {
      // left without completing: interrupted by a boundary event, an event-based gateway, a cancel
      if (this.open[api.executionId] && this.model.elements.get(api.id)?.type !== 'bpmn:BoundaryEvent') {
        this.record(api.id, this.typeOf(api), 'terminated', detailOf(api));
      }
      delete this.open[api.executionId];
      this.dropScopes(api.executionId);
      // an activity that is left waits for nothing more (bpmn-elements does not always tell the
      // behaviours of an interrupted sub-process's children)
      const leaving = api.executionId as string;
      for (const execId of [...this.waits.keys()]) {
        if (execId === leaving || execId.startsWith(`${leaving}_`)) this.releaseWait(execId);
      }
    });
    l.on('flow.take', (api: any) => this.record(api.id, 'bpmn:SequenceFlow', 'taken'));
    l.on('process.end', (api: any) => {
      // whatever still runs when the process ends (a terminate end event) is terminated
      for (const [execId, elementId] of Object.entries(this.open)) {
        const type = this.model.elements.get(elementId)?.type ?? 'bpmn:Activity';
        if (type !== 'bpmn:BoundaryEvent') this.record(elementId, type, 'terminated', { executionId: execId });
      }
      this.open = {};
      this.record(api.id, 'bpmn:Process', 'completed');
    });
  }

  private typeOf(api: any): string {
    return this.model.elements.get(api.id)?.type ?? api.type;
  }

  private dropScopes(execId: string) {
    if (!execId) return;
    for (const key of Object.keys(this.scopes)) {
      if (key === execId || key.startsWith(`${execId}_`)) delete this.scopes[key];
    }
  }

  /** bpmn-elements extension hook, called for every activity when the engine builds it */
  private extend(activity: any) {
    const info = this.model.elements.get(activity.id);
    if (!info) return;
    const lc = activity.behaviour?.loopCharacteristics;
    if (lc && info.loop) {
      lc.behaviour = { ...lc.behaviour, isSequential: info.loop.isSequential };
      if (info.loop.inputCollection) {
        lc.behaviour.collection = info.loop.inputCollection;
        lc.behaviour.elementVariable = info.loop.inputElement || 'item';
      }
    }
    if (!isTaskType(info.type)) return;
    const service = {
      execute: (message: any, callback: (err: any, output?: any) => void) => this.executeTask(info, message, callback),
      discard: (message: any) => {
        const execId = message?.content?.executionId;
        if (execId) this.releaseWait(execId);
      },
    };
    activity.behaviour.Service = function ZeebeTask() {
      return service;
    };
  }

  private executeTask(info: ElementInfo, message: any, callback: (err: any, output?: any) => void) {
    const content = message.content;
    const execId: string = content.executionId;
    const scope = this.scopeFor(content);
    const saved = this.saved.get(execId);
    let locals: Variables;
    try {
      locals = applyInputMappings(info.inputs, scope);
    } catch (err) {
      return callback(asFailure(err));
    }
    const full = { ...scope, ...locals };
    const iterationLocals = content.isMultiInstance && !content.isRootScope ? loopLocalNames(info) : undefined;
    const finish = (output: Variables) => {
      this.releaseWait(execId);
      try {
        const result = this.applyOutputs(info, full, output, iterationLocals);
        callback(null, result);
      } catch (err) {
        callback(asFailure(err));
      }
    };

    try {
      if (info.script) {
        const value = evaluate(info.script.expression, full);
        return finish({ [info.script.resultVariable]: value });
      }
      if (info.taskDefinition) {
        const wait: JobWait =
          saved?.kind === 'job'
            ? saved
            : {
                kind: 'job',
                execId,
                elementId: info.id,
                type: evaluateString(info.taskDefinition.type, full, 'job type'),
                retries: Number(isExpression(info.taskDefinition.retries) ? evaluate(info.taskDefinition.retries, full) : info.taskDefinition.retries),
                headers: info.headers,
                locals: { ...this.localsOf(content), ...locals },
              };
        if (!Number.isInteger(wait.retries) || wait.retries < 0) throw new ElementFailure(`job retries of ${info.id} must be a whole number`, 'EXTRACT_VALUE_ERROR');
        return this.addWait(
          wait,
          {
            complete: finish,
            error: (code, msg, vars) => {
              this.releaseWait(execId);
              if (vars) this.variables = { ...this.variables, ...vars };
              const err: any = new Error(msg || code);
              err.code = code;
              err.name = 'BusinessError';
              callback(err);
            },
          },
        );
      }
      if (info.userTask) {
        const wait: UserTaskWait = saved?.kind === 'userTask' ? saved : userTaskWaitOf(info, execId, full, { ...this.localsOf(content), ...locals });
        return this.addWait(wait, { complete: finish });
      }
      if (info.calledElement) {
        const c = info.calledElement;
        const wait: CallWait =
          saved?.kind === 'call'
            ? saved
            : {
                kind: 'call',
                execId,
                elementId: info.id,
                processId: evaluateString(c.processId, full, 'called process id'),
                variables: c.propagateAllParentVariables ? full : { ...this.localsOf(content), ...locals },
              };
        return this.addWait(
          wait,
          {
            complete: (childVariables) => {
              const out = c.propagateAllChildVariables || info.outputs.length ? childVariables : {};
              finish(out);
            },
          },
        );
      }
      if (info.message) {
        return this.registerMessageWait(info, content, full, finish);
      }
      // a task with nothing to do (Zeebe would refuse it at deploy; lint says so)
      return finish({});
    } catch (err) {
      return callback(asFailure(err));
    }
  }

  /** job result / task / message / child variables into the process, through output mappings if any */
  private applyOutputs(info: ElementInfo, scope: Variables, output: Variables, iterationLocals?: Set<string>): Variables {
    let result: Variables;
    if (info.outputs.length) {
      result = applyOutputMappings(info.outputs, { ...scope, ...output }, this.variables);
    } else {
      result = output;
    }
    // an iteration's own variables (input and output element) stay in the iteration, as in Zeebe
    const propagated = iterationLocals ? Object.fromEntries(Object.entries(result).filter(([k]) => !iterationLocals.has(k))) : result;
    this.variables = { ...this.variables, ...propagated };
    if (info.loop?.outputElement) {
      return { [OUTPUT_ELEMENT]: evaluate(info.loop.outputElement, { ...scope, ...output }) ?? null };
    }
    return {};
  }

  /** what an element sees beyond the process variables (multi-instance element, enclosing locals) */
  private localsOf(content: any): Variables {
    const scope = this.scopeFor(content);
    const locals: Variables = {};
    for (const k of Object.keys(scope)) if (scope[k] !== this.variables[k] || !(k in this.variables)) locals[k] = scope[k];
    return locals;
  }

  private addWait(wait: Wait, handler: WaitHandler) {
    this.waits.set(wait.execId, wait);
    this.handlers.set(wait.execId, handler);
  }

  private registerMessageWait(info: ElementInfo, content: any, scope: Variables, onCatch: (vars: Variables) => void) {
    const execId: string = content.executionId;
    const saved = this.saved.get(execId);
    const m = info.message;
    if (!m) throw new ElementFailure(`${info.id} has no message`, 'EXTRACT_VALUE_ERROR');
    const wait: MessageWait =
      saved?.kind === 'message'
        ? saved
        : {
            kind: 'message',
            execId,
            elementId: info.id,
            messageName: evaluateString(m.name, scope, 'message name'),
            correlationKey: m.correlationKey ? evaluateString(m.correlationKey, scope, 'correlation key') : '',
          };
    this.addWait(
      wait,
      {
        complete: (vars) => {
          this.record(info.id, info.type, 'message-correlated', { messageName: wait.messageName, correlationKey: wait.correlationKey });
          onCatch(vars);
        },
      },
    );
  }

  /** called by the message event definition when a catching message event activates */
  registerMessage(elementId: string, content: any, onCatch: (vars: Variables) => void) {
    const execId: string = content.executionId;
    const info = this.model.elements.get(elementId);
    if (!info) throw new Error(`unknown element ${elementId}`);
    const catchIt = (vars: Variables) => {
      this.releaseWait(execId);
      this.variables = { ...this.variables, ...vars };
      onCatch(vars);
    };
    if (info.isStartEvent) {
      if (this.trigger?.elementId === elementId) return catchIt(this.trigger.variables ?? {});
      return; // another start event started this instance; this one is discarded
    }
    this.registerMessageWait(info, content, this.scopeFor(content), catchIt);
  }

  /** called by the timer event definition when a timer event activates */
  registerTimer(
    elementId: string,
    content: any,
    repeatFrom: { dueAt: number; repetitions: number; interval: string } | undefined,
    onFire: (fired: { dueAt: number; next?: { dueAt: number; repetitions: number; interval: string } }) => void,
  ) {
    const execId: string = content.executionId;
    const info = this.model.elements.get(elementId);
    if (!info?.timer) throw new ElementFailure(`timer ${elementId} has no time expression`, 'EXTRACT_VALUE_ERROR');
    if (info.isStartEvent) {
      if (this.trigger?.elementId === elementId) onFire({ dueAt: this.clock.now().getTime() });
      return;
    }
    const saved = this.saved.get(execId);
    let wait: TimerWait;
    if (saved?.kind === 'timer') wait = saved;
    else if (repeatFrom) wait = { kind: 'timer', execId, elementId, ...repeatFrom };
    else {
      const schedule = evaluateTimer(info.timer.kind, info.timer.expression, this.scopeFor(content), this.clock.now());
      wait = {
        kind: 'timer',
        execId,
        elementId,
        dueAt: schedule.dueAt.getTime(),
        ...(schedule.repetitions !== undefined && { repetitions: schedule.repetitions, interval: schedule.interval }),
      };
    }
    this.addWait(wait, {
      complete: () => {
        this.releaseWait(execId);
        this.record(elementId, info.type, 'timer-fired', { dueAt: new Date(wait.dueAt).toISOString() });
        let next: { dueAt: number; repetitions: number; interval: string } | undefined;
        if (wait.interval && wait.repetitions !== undefined && info.cancelActivity === false) {
          const n = nextCycle({ interval: wait.interval, repetitions: wait.repetitions }, new Date(wait.dueAt));
          if (n) next = { dueAt: n.dueAt.getTime(), repetitions: n.repetitions ?? -1, interval: n.interval ?? wait.interval };
        }
        onFire({ dueAt: wait.dueAt, next });
      },
    });
  }

  /**
   * Bring waits and open executions in line with what the engine still runs: the children of an
   * interrupted sub-process get neither a discard nor a leave of their own, so after a run every
   * wait whose execution is gone is dropped and every open execution that is gone is terminated.
   */
  reconcile() {
    if (this.completed || this.failure) return;
    const active = new Set<string>();
    const visit = (apis: any[]) => {
      for (const api of apis ?? []) {
        const id = api?.executionId ?? api?.content?.executionId;
        if (!id || active.has(id)) continue;
        active.add(id);
        if (api.content?.executionId) active.add(api.content.executionId);
        visit(typeof api.getPostponed === 'function' ? api.getPostponed() : []);
      }
    };
    visit(this.engine.execution?.getPostponed?.() ?? []);
    const alive = (id: string): boolean => {
      for (let x: string | undefined = id; x; x = /^(.*)_\d+$/.exec(x)?.[1]) if (active.has(x)) return true;
      return false;
    };
    for (const execId of [...this.waits.keys()]) if (!alive(execId)) this.releaseWait(execId);
    for (const [execId, elementId] of Object.entries(this.open)) {
      if (alive(execId)) continue;
      const type = this.model.elements.get(elementId)?.type ?? 'bpmn:Activity';
      if (type !== 'bpmn:BoundaryEvent') this.record(elementId, type, 'terminated', { executionId: execId });
      delete this.open[execId];
    }
  }
}

const TASK_TYPES = new Set([
  'bpmn:ServiceTask',
  'bpmn:UserTask',
  'bpmn:CallActivity',
  'bpmn:ReceiveTask',
  'bpmn:ScriptTask',
  'bpmn:BusinessRuleTask',
  'bpmn:SendTask',
]);


function isTaskType(type: string) {
  return TASK_TYPES.has(type);
}

function asFailure(err: unknown): Error {
  if (err instanceof ElementFailure) return err;
  if (err instanceof FeelError) return new ElementFailure(err.message, 'EXTRACT_VALUE_ERROR');
  return err as Error;
}

/** timers never run in memory: every timer is durable and fired by the adapter */
const noTimers = {
  executing: [],
  register() {
    return noTimers;
  },
  setTimeout() {
    throw new Error('in-memory timers are not used by the embedded adapter');
  },
  clearTimeout() {},
};
