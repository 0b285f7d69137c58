/**
 * The embedded adapter of the engine port: the interpreter (token-run.ts) runs the diagrams with
 * Zeebe's semantics, this module makes them durable. Every event (start, job done, task completed,
 * message, timer due, incident retried) is handled in one database transaction: load the instance's
 * tokens, apply the event, run to the next waits (inline jobs included), save tokens, wait indexes
 * and history. Waiting instances cost no memory: they are rows.
 */
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import {
  BusinessError,
  ConflictError,
  InvalidArgumentError,
  InvalidResourceError,
  NotFoundError,
  type DeployProblem,
} from '../errors.js';
import type {
  AppTransaction,
  DeployResource,
  DeploymentResult,
  DeployWarning,
  EnginePort,
  HistoryEvent,
  ProcessDefinition,
  WaitingCount,
  InstanceFilter,
  PendingTimer,
  Incident,
  Job,
  JobContext,
  JobHandler,
  ProcessInstance,
  ProcessInstanceRef,
  PublishMessageRequest,
  PublishMessageResult,
  StartOptions,
  UserTask,
  UserTaskEvent,
  UserTaskFilter,
  UserTaskProjector,
  CompleteOptions,
  Variables,
  WorkerOptions,
} from '../port.js';
import { evaluateTimer, isExpression, nextCycle } from './feel.js';
import { execIdOf, newKey, waitKey } from './keys.js';
import { parseResource, type ProcessModel } from './model.js';
import { InstanceRun } from './run.js';
import type { HistoryRecord, JobWait, SavedRun, StartTrigger, Wait } from './run-types.js';
import { TokenRun, isTokenState, openElements } from './token-run.js';
import { insideInlineJob, type Database } from './store/database.js';
import { isTransient, retryTransient, transientBackoff } from './transient.js';
import {
  Store,
  type DefinitionRow,
  type IncidentRow,
  type InstanceRow,
  type JobRow,
  type MessageRow,
  type SubscriptionRow,
  type TimerRow,
  type Tx,
  type UserTaskRow,
  definitionFromRow,
  historyFromRow,
  instanceQuery,
  userTaskFromRow,
  userTaskRow,
  userTaskWhere,
  whereOf,
} from './store/store.js';

export interface EngineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface EmbeddedEngineOptions {
  db: Database;
  clock?: Clock;
  logger?: EngineLogger;
  /** run timers, jobs and message expiry in the background (default true); tests drive them with idle() */
  background?: boolean;
  /** how often workers look for jobs when not told of new ones (ms, default 1000) */
  pollInterval?: number;
  /** jobs run at once by this process (default 32) */
  maxJobsInFlight?: number;
  /**
   * only run jobs of the registered workers (`npm run workers` beside the app): timers and message
   * expiry stay with the app. Job locking is safe across processes (engine/README.md).
   */
  jobsOnly?: boolean;
  /** ms a cached "latest version" (and the message start events) is trusted: another process's deployment shows within it (default 2000) */
  definitionCacheMs?: number;
  /**
   * start new instances on the bpmn-engine runner, as versions before the interpreter saved them
   * (tests of the instances such a version left running; never in production)
   */
  startOnBpmnEngine?: boolean;
  /**
   * MySQL/MariaDB: engine transactions open at once (default: half the connection pool). An inline
   * job's handler reads through a second connection while its transaction holds one: with every
   * connection held by a transaction waiting for another, none would ever come.
   */
  maxTransactions?: number;
}

export interface EmbeddedEngine extends EnginePort {
  /** run everything due now until nothing is left (tests, scripts) */
  idle(): Promise<void>;
}

/**
 * A live instance: the engine's own interpreter (TokenRun); instances saved by an earlier version
 * as bpmn-engine state go on in InstanceRun until they end.
 */
type Run = TokenRun | InstanceRun;

function stateOf(run: Run): string {
  if (run instanceof TokenRun) return JSON.stringify(run.getState());
  const saved = run.getState();
  return JSON.stringify({ engine: saved.engine, scopes: saved.scopes, open: saved.open });
}

type JobWrite = (tx: AppTransaction) => Promise<void>;

type PendingEvent =
  | { kind: 'start'; variables: Variables; trigger?: StartTrigger }
  | { kind: 'complete'; execId: string; output: Variables }
  | { kind: 'error'; execId: string; code: string; message: string; variables?: Variables };

interface Ctx {
  tx: AppTransaction;
  /** run after commit: listener notifications, waking the job loop */
  effects: (() => void)[];
  /** run after a rollback: undo in-memory reservations */
  rollbacks: (() => void)[];
}

interface Worker {
  handler: JobHandler;
  options: WorkerOptions;
}

const silent: EngineLogger = { info() {}, warn() {}, error() {} };
const DEFAULT_BACKOFF = 1000;
const DEFAULT_JOB_TIMEOUT = 5 * 60_000;
/** lock_version of an instance row that settle() still has to insert */
const NEW_ROW = -1;

function parseJson<T>(text: string | null | undefined, fallback: T): T {
  return text ? (JSON.parse(text) as T) : fallback;
}

function assertVariables(variables: unknown, what = 'variables'): Variables {
  if (variables === undefined || variables === null) return {};
  if (typeof variables !== 'object' || Array.isArray(variables)) {
    throw new InvalidArgumentError(`${what} must be a JSON object`);
  }
  try {
    return JSON.parse(JSON.stringify(variables));
  } catch {
    throw new InvalidArgumentError(`${what} must be JSON-serialisable`);
  }
}

function assertName(value: unknown, what: string): string {
  if (typeof value !== 'string' || !value.trim()) throw new InvalidArgumentError(`${what} must be a non-empty string`);
  return value;
}

export function createEmbeddedEngine(options: EmbeddedEngineOptions): EmbeddedEngine {
  return new Embedded(options);
}

class Embedded implements EmbeddedEngine {
  private readonly db: Database;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly log: EngineLogger;
  private readonly background: boolean;
  private readonly models = new Map<string, Promise<ProcessModel>>();
  private readonly workers = new Map<string, Worker>();
  private readonly taskListeners = new Set<(e: UserTaskEvent) => void | Promise<void>>();
  private readonly projectors = new Set<UserTaskProjector>();
  private messageStarts: Promise<Map<string, { definitionId: string; processId: string; elementId: string }[]>> | undefined;
  private messageStartsAt = 0;
  private opened = false;
  private closed = false;
  private timerHandle: NodeJS.Timeout | undefined;
  private jobHandle: NodeJS.Timeout | undefined;
  private unsubscribeClock: (() => void) | undefined;
  private jobsInFlight = 0;
  /** the last timer pass left a due timer it could not fire */
  private timersLeft = false;
  /** timers whose firing failed: not tried again before `until` (real time) */
  private readonly timerHolds = new Map<string, { failures: number; until: number }>();
  private jobsReserved = 0;
  /** jobs for local workers are waiting for room (not pushed, or more due than could be taken) */
  private backlog = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly pollInterval: number;
  /**
   * Live runs of instances whose next event is a job this process will run: its completion then
   * skips the resume from JSON. Keyed by instance, valid only for the saved lock version; bounded.
   */
  private readonly latestCache = new Map<string, { def: DefinitionRow; at: number }>();
  private readonly hot = new Map<string, { run: Run; version: number; row: InstanceRow }>();
  private static readonly HOT_MAX = 64;
  private readonly maxJobsInFlight: number;
  private readonly jobsOnly: boolean;
  private readonly definitionCacheMs: number;
  private readonly startOnBpmnEngine: boolean;
  private readonly txPermits: number;
  private txOpen = 0;
  private readonly txWaiting: (() => void)[] = [];

  constructor(options: EmbeddedEngineOptions) {
    this.db = options.db;
    this.store = new Store(options.db);
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? silent;
    this.background = options.background ?? true;
    this.pollInterval = options.pollInterval ?? 1000;
    this.maxJobsInFlight = options.maxJobsInFlight ?? 32;
    this.jobsOnly = options.jobsOnly ?? false;
    this.definitionCacheMs = options.definitionCacheMs ?? 2_000;
    this.startOnBpmnEngine = options.startOnBpmnEngine ?? false;
    const poolMax = Number((options.db.sequelize as any).config?.pool?.max ?? 10);
    this.txPermits = options.db.dialect === 'sqlite' ? Infinity : (options.maxTransactions ?? Math.max(1, Math.floor(poolMax / 2)));
  }

  private now() {
    return this.clock.now().getTime();
  }

  // ---------------------------------------------------------------- lifecycle

  async open() {
    if (this.opened) return;
    this.opened = true;
    if (!this.background) return;
    // a clock that jumps (tests, simulations) makes timers and backed-off jobs due at once
    this.unsubscribeClock = this.clock.onJump?.(() => {
      this.scheduleTimers(0);
      this.scheduleJobs(0);
    });
    this.scheduleTimers(0);
    this.scheduleJobs(0);
  }

  async close() {
    this.closed = true;
    if (this.timerHandle) clearTimeout(this.timerHandle);
    if (this.jobHandle) clearTimeout(this.jobHandle);
    this.unsubscribeClock?.();
    await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  private scheduleTimers(delay: number) {
    // nothing runs before open(): the app attaches its task projection first
    if (!this.background || !this.opened || this.closed || this.jobsOnly) return;
    if (this.timerHandle) clearTimeout(this.timerHandle);
    this.timerHandle = setTimeout(() => {
      this.timerHandle = undefined;
      void this.track(this.timerTick());
    }, delay);
    this.timerHandle.unref?.();
  }

  private async timerTick() {
    try {
      while (!this.closed && (await this.fireDueTimers()) > 0);
      await this.expireMessages();
      const next = await this.store.one<{ due: number | null }>('SELECT MIN(due_at) AS due FROM engine_timers', []);
      const due = next?.due === null || next?.due === undefined ? undefined : Number(next.due);
      // a fake clock tells us when it jumps; a real one is re-checked at least every 30 s
      // a timer left behind by a failure is tried again after a second, not in a busy loop
      const wait = due === undefined ? 30_000 : Math.min(Math.max(due - this.now(), this.timersLeft ? 1_000 : 0), 30_000);
      this.scheduleTimers(wait);
    } catch (err) {
      this.log.error({ err }, 'timer loop failed');
      this.scheduleTimers(5_000);
    }
  }

  private scheduleJobs(delay: number) {
    if (!this.background || !this.opened || this.closed) return;
    if (this.jobHandle) clearTimeout(this.jobHandle);
    this.jobHandle = setTimeout(() => {
      this.jobHandle = undefined;
      void this.track(this.jobTick());
    }, delay);
    this.jobHandle.unref?.();
  }

  private dispatch(job: JobRow & { instance_variables: string | null }) {
    this.jobsInFlight++;
    void this.track(this.runJob(job))
      .catch((err) => this.log.error({ err, jobKey: job.id }, 'job handling failed'))
      .finally(() => {
        this.jobsInFlight--;
        // look for waiting jobs only when some were left waiting for room
        if (this.backlog) this.scheduleJobs(0);
      });
  }

  /**
   * One poll: take what is due (new, backed-off, or locked by a worker that vanished) up to the free
   * room, then poll again after pollInterval whatever happened — a crashed worker's jobs and due
   * retries are only ever found by a later poll.
   */
  private async jobTick() {
    const delay = this.pollInterval;
    try {
      const free = this.maxJobsInFlight - this.jobsInFlight - this.jobsReserved;
      if (free > 0) {
        const jobs = await this.lockDueJobs(free);
        this.backlog = jobs.length === free;
        for (const job of jobs) this.dispatch(job);
      }
    } catch (err) {
      this.log.error({ err }, 'job loop failed');
    }
    // a finishing job reschedules at once while there is a backlog (dispatch)
    if (!this.jobHandle) this.scheduleJobs(delay);
  }

  async idle() {
    for (let round = 0; round < 100_000; round++) {
      const timers = await this.fireDueTimers();
      const jobs = await this.lockDueJobs(50);
      // as in the background loop: a job whose result could not be saved stays locked until its timeout
      for (const job of jobs) await this.runJob(job).catch((err) => this.log.error({ err, jobKey: job.id }, 'job handling failed'));
      const expired = await this.expireMessages();
      if (timers + jobs.length + expired === 0) return;
    }
    throw new Error('idle(): still busy after 100000 rounds (a loop in the diagram?)');
  }

  // ---------------------------------------------------------------- transactions

  private async inTx<T>(fn: (ctx: Ctx) => Promise<T>): Promise<T> {
    const effects: (() => void)[] = [];
    const rollbacks: (() => void)[] = [];
    let result: T;
    // a permit: a free one, or handed over by a transaction that ends
    if (this.txOpen < this.txPermits) this.txOpen++;
    else await new Promise<void>((resolve) => this.txWaiting.push(resolve));
    try {
      result = await this.db.transaction((tx) => fn({ tx, effects, rollbacks }));
    } catch (err) {
      for (const undo of rollbacks) undo();
      throw err;
    } finally {
      const next = this.txWaiting.shift();
      if (next) next();
      else this.txOpen--;
    }
    for (const effect of effects) {
      try {
        effect();
      } catch (err) {
        this.log.error({ err }, 'after-commit effect failed');
      }
    }
    return result;
  }

  // ---------------------------------------------------------------- models and deployment

  private modelOf(definitionId: string, tx?: Tx): Promise<ProcessModel> {
    let model = this.models.get(definitionId);
    if (!model) {
      model = (async () => {
        const row = await this.store.definition(definitionId, tx);
        if (!row) throw new NotFoundError(`process definition ${definitionId} not found`);
        const parsed = await parseResource(row.resource_name, row.xml);
        const m = parsed.processes.get(row.process_id);
        if (!m) throw new Error(`process ${row.process_id} missing from its resource`);
        return m;
      })();
      model.catch(() => this.models.delete(definitionId));
      this.models.set(definitionId, model);
    }
    return model;
  }

  async deploy(resources: DeployResource[], meta: { deployedBy?: string } = {}): Promise<DeploymentResult> {
    if (!Array.isArray(resources) || !resources.length) throw new InvalidArgumentError('deploy needs at least one resource');
    const problems: DeployProblem[] = [];
    const parsed: Awaited<ReturnType<typeof parseResource>>[] = [];
    for (const r of resources) {
      if (!r || typeof r.name !== 'string' || (typeof r.content !== 'string' && !Buffer.isBuffer(r.content))) {
        throw new InvalidArgumentError('each resource needs a name and content');
      }
      try {
        parsed.push(await parseResource(r.name, r.content));
      } catch (err) {
        if (err instanceof InvalidResourceError) problems.push(...err.problems);
        else throw err;
      }
    }
    const seen = new Map<string, string>();
    for (const p of parsed) {
      for (const id of p.processes.keys()) {
        const other = seen.get(id);
        if (other) problems.push({ resourceName: p.resourceName, elementId: id, message: `process id '${id}' is also in ${other}` });
        seen.set(id, p.resourceName);
      }
    }
    if (problems.length) {
      throw new InvalidResourceError(`deployment rejected: ${problems.map((p) => `${p.resourceName}${p.elementId ? `#${p.elementId}` : ''}: ${p.message}`).join('; ')}`, problems);
    }

    const warnings: DeployWarning[] = [];
    for (const p of parsed) {
      for (const model of p.processes.values()) {
        for (const el of model.elements.values()) {
          const type = el.taskDefinition?.type;
          if (type !== undefined && !isExpression(type) && !this.workers.has(type)) {
            warnings.push({ resourceName: p.resourceName, elementId: el.id, message: `no worker is registered for job type '${type}': its jobs will wait` });
          }
        }
      }
    }

    const deploymentKey = newKey();
    const now = this.now();
    const processes = await this.inTx(async (ctx) => {
      await this.store.insert('engine_deployments', { id: deploymentKey, deployed_at: now, deployed_by: meta.deployedBy ?? null }, ctx.tx);
      const out = [];
      for (const p of parsed) {
        for (const [processId, model] of p.processes) {
          const latest = await this.store.latestDefinition(processId, ctx.tx);
          if (latest && latest.checksum === p.checksum) {
            out.push({ processId, version: latest.version, processDefinitionKey: latest.id, resourceName: p.resourceName, duplicate: true });
            continue;
          }
          const id = newKey();
          const version = (latest?.version ?? 0) + 1;
          await this.store.insert(
            'engine_process_definitions',
            { id, process_id: processId, version, resource_name: p.resourceName, checksum: p.checksum, xml: p.xml, deployment_id: deploymentKey, deployed_at: now },
            ctx.tx,
          );
          this.models.set(id, Promise.resolve(model));
          await this.scheduleStartTimers(ctx, processId, id, model);
          out.push({ processId, version, processDefinitionKey: id, resourceName: p.resourceName, duplicate: false });
        }
      }
      return out;
    });
    this.messageStarts = undefined;
    this.latestCache.clear();
    this.scheduleTimers(0);
    return { deploymentKey, processes, warnings };
  }

  /** a new version replaces the timer start events of the previous ones (as in Zeebe) */
  private async scheduleStartTimers(ctx: Ctx, processId: string, definitionId: string, model: ProcessModel) {
    await this.store.exec(
      'DELETE FROM engine_timers WHERE instance_id IS NULL AND definition_id IN (SELECT id FROM engine_process_definitions WHERE process_id = ?)',
      [processId],
      ctx.tx,
    );
    for (const el of model.timerStarts) {
      if (!el.timer) continue;
      const schedule = evaluateTimer(el.timer.kind, el.timer.expression, {}, this.clock.now());
      await this.store.insert(
        'engine_timers',
        {
          id: `${definitionId}/${el.id}`,
          instance_id: null,
          definition_id: definitionId,
          element_id: el.id,
          due_at: schedule.dueAt.getTime(),
          repetitions: schedule.repetitions ?? null,
          cycle_interval: schedule.interval ?? null,
        },
        ctx.tx,
      );
    }
  }

  /**
   * The latest version of a process, cached for a moment: starts are the hottest read there is,
   * and a deployment by this process clears the cache at once (another process's after definitionCacheMs).
   */
  private async latest(processId: string): Promise<DefinitionRow | undefined> {
    const now = Date.now();
    const cached = this.latestCache.get(processId);
    if (cached && now - cached.at < this.definitionCacheMs) return cached.def;
    const def = await this.store.latestDefinition(processId);
    if (def) this.latestCache.set(processId, { def, at: now });
    return def;
  }

  /** message start events of the latest versions: like latest(), a deployment by another process shows within definitionCacheMs */
  private getMessageStarts() {
    if (this.messageStarts && Date.now() - this.messageStartsAt >= this.definitionCacheMs) this.messageStarts = undefined;
    if (!this.messageStarts) {
      this.messageStartsAt = Date.now();
      this.messageStarts = (async () => {
        const byName = new Map<string, { definitionId: string; processId: string; elementId: string }[]>();
        for (const def of await this.store.latestDefinitions()) {
          const model = await this.modelOf(def.id);
          for (const el of model.messageStarts) {
            const name = el.message?.name;
            if (!name) continue;
            const list = byName.get(name) ?? [];
            list.push({ definitionId: def.id, processId: def.process_id, elementId: el.id });
            byName.set(name, list);
          }
        }
        return byName;
      })();
      this.messageStarts.catch(() => (this.messageStarts = undefined));
    }
    return this.messageStarts;
  }

  // ---------------------------------------------------------------- instances

  async start(processId: string, variables: Variables = {}, options: StartOptions = {}): Promise<ProcessInstanceRef> {
    assertName(processId, 'processId');
    const vars = assertVariables(variables);
    const def = options.version !== undefined ? await this.store.definitionByVersion(processId, options.version) : await this.latest(processId);
    if (!def) throw new NotFoundError(`no process '${processId}'${options.version !== undefined ? ` version ${options.version}` : ''} is deployed`);
    const model = await this.modelOf(def.id);
    const hasNoneStart = [...model.elements.values()].some((e) => e.isStartEvent && !e.parentId && e.eventKind === 'none');
    if (!hasNoneStart) throw new InvalidArgumentError(`process '${processId}' has no none start event: it starts by message or timer only`);
    // the first run needs nothing from the database: do it before taking the write lock
    const key = newKey();
    const run = await this.newRun({ model, instanceKey: key, clock: this.clock, variables: vars });
    const ref: ProcessInstanceRef = { processInstanceKey: key, processId, version: def.version, processDefinitionKey: def.id };
    await this.inTx(async (ctx) => {
      // the app's rows first: the instance's first events (task projections) read them
      if (options.transactional) await options.transactional(ctx.tx, ref);
      await this.startInstance(ctx, def, model, vars, undefined, undefined, run);
    });
    return ref;
  }

  private async startInstance(
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
      started_at: this.now(),
      ended_at: null,
    };
    const run = prerun ?? (await this.newRun({ model, instanceKey: id, clock: this.clock, variables: { ...variables, ...(trigger?.variables ?? {}) }, trigger }));
    await this.settle(ctx, row, run, [], { kind: 'start', variables, trigger });
    return id;
  }

  private newRun(opts: { model: ProcessModel; instanceKey: string; clock: Clock; variables: Variables; trigger?: StartTrigger }): Promise<Run> {
    return this.startOnBpmnEngine ? InstanceRun.start(opts) : Promise.resolve(TokenRun.start(opts));
  }

  /** load an instance, apply `action` to its live run, run to the next wait and save */
  private async withInstance(ctx: Ctx, instanceId: string, event: PendingEvent, extraHistory: HistoryRecord[] = [], loaded?: InstanceRow) {
    const row = loaded ?? (await this.store.getInstance(instanceId, ctx.tx));
    if (!row) throw new NotFoundError(`process instance ${instanceId} not found`);
    if (row.state === 'completed' || row.state === 'canceled') throw new ConflictError(`process instance ${instanceId} is ${row.state}`);
    const model = await this.modelOf(row.definition_id, ctx.tx);
    if (!row.engine_state) {
      // the instance failed before its first wait: only its start can be retried
      if (event.kind !== 'start') throw new ConflictError(`process instance ${instanceId} has not started yet (incident at start)`);
      const run = TokenRun.start({
        model,
        instanceKey: row.id,
        clock: this.clock,
        variables: { ...parseJson(row.variables, {}), ...(event.trigger?.variables ?? {}) },
        trigger: event.trigger,
      });
      run.history.unshift(...extraHistory);
      return this.settle(ctx, row, run, [], event);
    }
    const cached = this.hot.get(instanceId);
    this.hot.delete(instanceId);
    let run: Run;
    let oldWaits: Wait[];
    const state = cached && cached.version === row.lock_version ? undefined : JSON.parse(row.engine_state);
    if (cached && cached.version === row.lock_version) {
      run = cached.run;
      run.reuse();
      oldWaits = [...run.waits.values()];
    } else if (isTokenState(state)) {
      run = TokenRun.resume({ model, instanceKey: row.id, clock: this.clock, variables: parseJson(row.variables, {}), state });
      oldWaits = [...run.waits.values()];
    } else {
      const saved: SavedRun = { ...state, variables: parseJson(row.variables, {}), waits: parseJson(row.waits, []) };
      run = await InstanceRun.resume({ model, instanceKey: row.id, clock: this.clock, saved });
      if (run.failure) throw new Error(`process instance ${instanceId} could not be resumed: ${run.failure.message}`);
      oldWaits = saved.waits;
    }
    run.history.push(...extraHistory);
    if (event.kind !== 'start' && !run.hasWait(event.execId)) throw new ConflictError(`process instance ${instanceId} is not waiting at ${event.execId}`);
    this.apply(run, event);
    await this.settle(ctx, row, run, oldWaits, event);
  }

  private apply(run: Run, event: PendingEvent) {
    if (event.kind === 'complete') run.complete(event.execId, event.output);
    else if (event.kind === 'error') run.throwError(event.execId, event.code, event.message, event.variables);
  }

  /**
   * After a run: correlate buffered messages to new subscriptions, then either record an incident
   * (the state stays as it was before the event; the event is kept for the retry) or save the new
   * state and bring the wait indexes in line with the run's waits.
   */
  private async settle(ctx: Ctx, row: InstanceRow, run: Run, oldWaits: Wait[], event: PendingEvent) {
    const before = new Map(oldWaits.map((w) => [w.execId, w]));
    const checked = new Set<string>();
    for (let again = true; again && !run.failure; ) {
      again = false;
      for (const w of [...run.waits.values()]) {
        if (w.kind === 'job' && !before.has(w.execId) && !checked.has(w.execId) && this.workers.get(w.type)?.options.inline) {
          checked.add(w.execId);
          if (await this.runInline(ctx, row, run, w)) {
            again = true;
            break;
          }
          continue;
        }
        if (w.kind !== 'message' || before.has(w.execId) || checked.has(w.execId)) continue;
        checked.add(w.execId);
        const msg = await this.findBufferedMessage(ctx, w.messageName, w.correlationKey, row.process_id);
        if (!msg) continue;
        await this.markCorrelated(ctx, msg, row.process_id);
        run.complete(w.execId, parseJson(msg.variables, {}));
        again = true;
        break;
      }
    }

    run.reconcile();
    const now = this.now();
    if (run.failure) {
      const f = run.failure;
      await this.store.insert(
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
      await this.store.appendHistory(row.id, [{ elementId: f.elementId, elementType: run.model.elements.get(f.elementId)?.type ?? 'bpmn:Process', event: 'incident', at: now, detail: { errorType: f.errorType, message: f.message } }], ctx.tx);
      if (row.lock_version === NEW_ROW) {
        await this.store.insert('engine_instances', { ...row, state: 'incident', lock_version: 0 } as any, ctx.tx);
      } else {
        const ok = await this.store.exec('UPDATE engine_instances SET state = ?, lock_version = lock_version + 1 WHERE id = ? AND lock_version = ?', ['incident', row.id, row.lock_version], ctx.tx);
        if (ok !== 1) throw new ConflictError(`process instance ${row.id} was changed concurrently`);
      }
      this.log.warn({ processInstanceKey: row.id, elementId: f.elementId, errorType: f.errorType }, 'incident');
      return;
    }

    // an ended instance waits for nothing (a terminate end event leaves other branches' waits behind)
    const newWaits = run.completed ? [] : [...run.waits.values()];
    const after = new Map(newWaits.map((w) => [w.execId, w]));
    const removed = oldWaits.filter((w) => !after.has(w.execId));
    const added = newWaits.filter((w) => !before.has(w.execId));
    const history: HistoryRecord[] = [...run.history];

    for (const w of removed) await this.removeWait(ctx, row, w);
    const calls: Wait[] = [];
    for (const w of added) {
      if (w.kind === 'call') calls.push(w);
      else await this.addWait(ctx, row, w, history, run.variables);
    }

    let state: InstanceRow['state'] = run.completed ? 'completed' : 'active';
    if (!run.completed && row.state === 'incident') {
      const open = await this.store.one<{ n: number }>("SELECT COUNT(*) AS n FROM engine_incidents WHERE instance_id = ? AND state = 'active'", [row.id], ctx.tx);
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
      await this.store.insert('engine_instances', { ...row, ...next, lock_version: 0 } as any, ctx.tx);
      row.lock_version = 0;
    } else {
      const ok = await this.store.saveInstance(next, row.lock_version, ctx.tx);
      if (!ok) throw new ConflictError(`process instance ${row.id} was changed concurrently`);
      row.lock_version += 1;
    }
    Object.assign(row, next);
    await this.store.appendHistory(row.id, history, ctx.tx);
    if (!run.completed && newWaits.some((w) => w.kind === 'job' && this.workers.has(w.type))) {
      const version = row.lock_version;
      // only once committed: a rolled-back save must not leave a run that looks current
      const copy = { ...row };
      ctx.effects.push(() => this.keepHot(row.id, run, version, copy));
    }

    // after the save: children may complete at once and come back to this instance
    for (const w of calls) {
      if (w.kind !== 'call') continue;
      const def = await this.store.latestDefinition(w.processId, ctx.tx);
      if (!def) {
        await this.childIncident(ctx, row, w, `no process '${w.processId}' is deployed to call`);
        continue;
      }
      const model = await this.modelOf(def.id, ctx.tx);
      await this.startInstance(ctx, def, model, w.variables, undefined, { id: row.id, execId: w.execId });
    }
    if (run.completed && row.parent_id && row.parent_execution_id) {
      await this.withInstance(ctx, row.parent_id, { kind: 'complete', execId: row.parent_execution_id, output: run.variables });
    }
  }

  /**
   * A job of an inline worker, run in this transaction: its outcome goes into the run at once (the
   * history still shows it created and completed). False when the handler failed: the job is then
   * saved as any other and the worker loop retries it.
   */
  private async runInline(ctx: Ctx, row: InstanceRow, run: Run, w: JobWait): Promise<boolean> {
    const worker = this.workers.get(w.type)!;
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
    const at = this.now();
    const created: HistoryRecord = { elementId: w.elementId, elementType: 'job', event: 'job-created', at, detail: { jobKey, type: w.type, inline: true } };
    try {
      const output = assertVariables((await insideInlineJob.run(jobKey, () => worker.handler({ ...run.variables, ...w.locals }, jobCtx))) ?? {}, `the output of worker '${w.type}'`);
      for (const write of writes) await write(ctx.tx);
      run.history.push(created, { elementId: w.elementId, elementType: 'job', event: 'job-completed', at, detail: { jobKey } });
      run.complete(w.execId, output);
    } catch (err) {
      if (!(err instanceof BusinessError || (err as any)?.name === 'BusinessError')) {
        this.log.warn({ err, jobKey, type: w.type }, 'inline job failed: left to the worker loop');
        return false;
      }
      const e = err as BusinessError;
      for (const write of writes) await write(ctx.tx);
      run.history.push(created, { elementId: w.elementId, elementType: 'job', event: 'job-error-thrown', at, detail: { jobKey, code: e.code } });
      run.throwError(w.execId, e.code, e.message, e.variables);
    }
    return true;
  }

  private keepHot(id: string, run: Run, version: number, row: InstanceRow) {
    this.hot.delete(id);
    this.hot.set(id, { run, version, row });
    if (this.hot.size > Embedded.HOT_MAX) this.hot.delete(this.hot.keys().next().value as string);
  }

  private async childIncident(ctx: Ctx, row: InstanceRow, w: Wait, message: string) {
    await this.store.insert(
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
        created_at: this.now(),
        resolved_at: null,
      },
      ctx.tx,
    );
    await this.store.exec("UPDATE engine_instances SET state = 'incident' WHERE id = ?", [row.id], ctx.tx);
  }

  private async addWait(ctx: Ctx, row: InstanceRow, w: Wait, history: HistoryRecord[], instanceVariables: Variables) {
    const id = waitKey(row.id, w.execId);
    const now = this.now();
    switch (w.kind) {
      case 'job': {
        // a job for a worker of this process with room to run it is handed over at once, locked
        // for it (no polling, no lock transaction); the others wait for a worker to take them
        const worker = this.workers.get(w.type);
        const push = this.background && this.opened && !this.closed && worker && this.jobsInFlight + this.jobsReserved < this.maxJobsInFlight;
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
        await this.store.insert('engine_jobs', job, ctx.tx);
        history.push({ elementId: w.elementId, elementType: 'job', event: 'job-created', at: now, detail: { jobKey: id, type: w.type } });
        if (push) {
          this.jobsReserved++;
          const pushed = { ...job, instance_variables: JSON.stringify(instanceVariables) };
          ctx.effects.push(() => {
            this.jobsReserved--;
            this.dispatch(pushed);
          });
          ctx.rollbacks.push(() => this.jobsReserved--);
        } else if (worker) {
          ctx.effects.push(() => {
            this.backlog = true;
            this.scheduleJobs(0);
          });
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
        await this.store.insert('engine_user_tasks', task as any, ctx.tx);
        await this.taskEvent(ctx, { type: 'created', task: this.toTask(task, { ...instanceVariables, ...w.locals }) });
        return;
      }
      case 'timer':
        await this.store.insert(
          'engine_timers',
          { id, instance_id: row.id, definition_id: null, element_id: w.elementId, due_at: w.dueAt, repetitions: w.repetitions ?? null, cycle_interval: w.interval ?? null },
          ctx.tx,
        );
        ctx.effects.push(() => this.scheduleTimers(0));
        return;
      case 'message':
        await this.store.insert(
          'engine_subscriptions',
          { id, instance_id: row.id, process_id: row.process_id, element_id: w.elementId, message_name: w.messageName, correlation_key: w.correlationKey, created_at: now },
          ctx.tx,
        );
        return;
      case 'call':
        return;
    }
  }

  private async removeWait(ctx: Ctx, row: InstanceRow, w: Wait) {
    const id = waitKey(row.id, w.execId);
    switch (w.kind) {
      case 'job':
        await this.store.exec('DELETE FROM engine_jobs WHERE id = ?', [id], ctx.tx);
        return;
      case 'userTask': {
        const n = await this.store.exec("UPDATE engine_user_tasks SET state = 'canceled', ended_at = ? WHERE id = ? AND state = 'created'", [this.now(), id], ctx.tx);
        if (n) {
          const task = await this.store.one<UserTaskRow>('SELECT * FROM engine_user_tasks WHERE id = ?', [id], ctx.tx);
          if (task) await this.taskEvent(ctx, { type: 'canceled', task: this.toTask(task, { ...parseJson<Variables>(row.variables, {}), ...parseJson<Variables>(task.variables, {}) }) });
        }
        return;
      }
      case 'timer':
        await this.store.exec('DELETE FROM engine_timers WHERE id = ?', [id], ctx.tx);
        return;
      case 'message':
        await this.store.exec('DELETE FROM engine_subscriptions WHERE id = ?', [id], ctx.tx);
        return;
      case 'call': {
        // the call activity was interrupted: its child goes too
        const children = await this.store.select<{ id: string }>(
          "SELECT id FROM engine_instances WHERE parent_id = ? AND parent_execution_id = ? AND state IN ('active', 'incident')",
          [row.id, w.execId],
          ctx.tx,
        );
        for (const c of children) await this.cancelIn(ctx, c.id);
        return;
      }
    }
  }

  async cancel(processInstanceKey: string) {
    assertName(processInstanceKey, 'processInstanceKey');
    await this.inTx(async (ctx) => {
      const row = await this.store.getInstance(processInstanceKey, ctx.tx);
      if (!row) throw new NotFoundError(`process instance ${processInstanceKey} not found`);
      if (row.state === 'completed' || row.state === 'canceled') throw new ConflictError(`process instance ${processInstanceKey} is already ${row.state}`);
      await this.cancelIn(ctx, processInstanceKey);
    });
  }

  private async cancelIn(ctx: Ctx, id: string) {
    const row = await this.store.getInstance(id, ctx.tx);
    if (!row || row.state === 'completed' || row.state === 'canceled') return;
    const now = this.now();
    const tasks = await this.store.select<UserTaskRow>("SELECT * FROM engine_user_tasks WHERE instance_id = ? AND state = 'created'", [id], ctx.tx);
    await this.store.exec("UPDATE engine_user_tasks SET state = 'canceled', ended_at = ? WHERE instance_id = ? AND state = 'created'", [now, id], ctx.tx);
    for (const t of tasks) {
      const variables = { ...parseJson<Variables>(row.variables, {}), ...parseJson<Variables>(t.variables, {}) };
      await this.taskEvent(ctx, { type: 'canceled', task: this.toTask({ ...t, state: 'canceled', ended_at: now }, variables) });
    }
    await this.store.exec('DELETE FROM engine_jobs WHERE instance_id = ?', [id], ctx.tx);
    await this.store.exec('DELETE FROM engine_timers WHERE instance_id = ?', [id], ctx.tx);
    await this.store.exec('DELETE FROM engine_subscriptions WHERE instance_id = ?', [id], ctx.tx);
    await this.store.exec("UPDATE engine_incidents SET state = 'resolved', resolved_at = ? WHERE instance_id = ? AND state = 'active'", [now, id], ctx.tx);
    await this.store.exec("UPDATE engine_instances SET state = 'canceled', ended_at = ?, engine_state = NULL, waits = '[]', lock_version = lock_version + 1 WHERE id = ?", [now, id], ctx.tx);
    // what was running is terminated, as Zeebe records it
    const model = await this.modelOf(row.definition_id, ctx.tx);
    const saved = parseJson<{ open?: Record<string, string> }>(row.engine_state, {});
    const open = isTokenState(saved) ? openElements(model, saved) : (saved.open ?? {});
    const terminated: HistoryRecord[] = [];
    for (const [execId, elementId] of Object.entries(open)) {
      const type = model.elements.get(elementId)?.type ?? 'bpmn:Activity';
      if (type !== 'bpmn:BoundaryEvent') terminated.push({ elementId, elementType: type, event: 'terminated', at: now, detail: { executionId: execId } });
    }
    await this.store.appendHistory(id, [...terminated, { elementId: row.process_id, elementType: 'bpmn:Process', event: 'canceled', at: now }], ctx.tx);
    const children = await this.store.select<{ id: string }>("SELECT id FROM engine_instances WHERE parent_id = ? AND state IN ('active', 'incident')", [id], ctx.tx);
    for (const c of children) await this.cancelIn(ctx, c.id);
  }

  async setVariables(processInstanceKey: string, variables: Variables) {
    assertName(processInstanceKey, 'processInstanceKey');
    const vars = assertVariables(variables);
    await this.inTx(async (ctx) => {
      const row = await this.store.getInstance(processInstanceKey, ctx.tx);
      if (!row) throw new NotFoundError(`process instance ${processInstanceKey} not found`);
      if (row.state === 'completed' || row.state === 'canceled') throw new ConflictError(`process instance ${processInstanceKey} is ${row.state}`);
      const merged = { ...parseJson<Variables>(row.variables, {}), ...vars };
      const n = await this.store.exec('UPDATE engine_instances SET variables = ?, lock_version = lock_version + 1 WHERE id = ? AND lock_version = ?', [JSON.stringify(merged), row.id, row.lock_version], ctx.tx);
      if (n !== 1) throw new ConflictError(`process instance ${row.id} was changed concurrently`);
      await this.store.appendHistory(row.id, [{ elementId: row.process_id, elementType: 'bpmn:Process', event: 'variables-updated', at: this.now(), detail: { names: Object.keys(vars) } }], ctx.tx);
    });
  }

  async getProcessInstance(processInstanceKey: string): Promise<ProcessInstance | undefined> {
    const row = await this.store.getInstance(processInstanceKey);
    if (!row) return undefined;
    return {
      processInstanceKey: row.id,
      processId: row.process_id,
      version: row.version,
      processDefinitionKey: row.definition_id,
      state: row.state,
      ...(row.parent_id && { parentProcessInstanceKey: row.parent_id }),
      variables: parseJson(row.variables, {}),
      startedAt: new Date(row.started_at),
      ...(row.ended_at !== null && { endedAt: new Date(row.ended_at) }),
    };
  }

  async listProcessInstances(filter: InstanceFilter = {}): Promise<ProcessInstance[]> {
    const { where, args, limit, offset } = instanceQuery(filter);
    const rows = await this.store.select<InstanceRow>(`SELECT * FROM engine_instances ${where} ORDER BY started_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`, args);
    return rows.map((row) => ({
      processInstanceKey: row.id,
      processId: row.process_id,
      version: Number(row.version),
      processDefinitionKey: row.definition_id,
      state: row.state,
      ...(row.parent_id && { parentProcessInstanceKey: row.parent_id }),
      variables: parseJson(row.variables, {}),
      startedAt: new Date(Number(row.started_at)),
      ...(row.ended_at !== null && { endedAt: new Date(Number(row.ended_at)) }),
    }));
  }

  async listTimers(processInstanceKey: string): Promise<PendingTimer[]> {
    const rows = await this.store.select<{ element_id: string; due_at: number | string }>('SELECT element_id, due_at FROM engine_timers WHERE instance_id = ? ORDER BY due_at, id', [processInstanceKey]);
    return rows.map((r) => ({ elementId: r.element_id, dueAt: new Date(Number(r.due_at)) }));
  }

  async listProcessDefinitions(filter: { processId?: string } = {}): Promise<ProcessDefinition[]> {
    const { where, args } = whereOf([['d.process_id = ?', filter.processId]]);
    const rows = await this.store.select<{ id: string; process_id: string; version: number | string; resource_name: string; deployed_at: number | string; deployed_by: string | null }>(
      `SELECT d.id, d.process_id, d.version, d.resource_name, d.deployed_at, p.deployed_by FROM engine_process_definitions d LEFT JOIN engine_deployments p ON p.id = d.deployment_id ${where} ORDER BY d.process_id, d.version DESC`,
      args,
    );
    return rows.map(definitionFromRow);
  }

  async getProcessDefinitionXml(processDefinitionKey: string): Promise<string | undefined> {
    if (typeof processDefinitionKey !== 'string') return undefined;
    return (await this.store.one<{ xml: string }>('SELECT xml FROM engine_process_definitions WHERE id = ?', [processDefinitionKey]))?.xml;
  }

  async countWaiting(processId: string): Promise<WaitingCount[]> {
    assertName(processId, 'processId');
    // every wait of a running instance, by the tables that index them; an instance counts once per element
    const rows = await this.store.select<{ version: number | string; element_id: string; n: number | string }>(
      `SELECT i.version, w.element_id, COUNT(DISTINCT i.id) AS n FROM (
         SELECT instance_id, element_id FROM engine_user_tasks WHERE state = 'created'
         UNION ALL SELECT instance_id, element_id FROM engine_jobs
         UNION ALL SELECT instance_id, element_id FROM engine_timers WHERE instance_id IS NOT NULL
         UNION ALL SELECT instance_id, element_id FROM engine_subscriptions
       ) w JOIN engine_instances i ON i.id = w.instance_id
       WHERE i.process_id = ? AND i.state IN ('active', 'incident')
       GROUP BY i.version, w.element_id ORDER BY i.version, w.element_id`,
      [processId],
    );
    return rows.map((r) => ({ version: Number(r.version), elementId: r.element_id, instances: Number(r.n) }));
  }

  async getHistory(processInstanceKey: string): Promise<HistoryEvent[]> {
    const rows = await this.store.select<any>('SELECT * FROM engine_history WHERE instance_id = ? ORDER BY id', [processInstanceKey]);
    return rows.map(historyFromRow);
  }

  // ---------------------------------------------------------------- messages

  async publishMessage(request: PublishMessageRequest): Promise<PublishMessageResult> {
    if (!request || typeof request !== 'object') throw new InvalidArgumentError('a message needs a name and a correlation key');
    const name = assertName(request.name, 'message name');
    if (typeof request.correlationKey !== 'string') throw new InvalidArgumentError('correlationKey must be a string');
    const ttl = request.timeToLive ?? 0;
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0) throw new InvalidArgumentError('timeToLive must be a number of milliseconds ≥ 0');
    if (request.messageId !== undefined && typeof request.messageId !== 'string') throw new InvalidArgumentError('messageId must be a string');
    const variables = assertVariables(request.variables);
    const key = request.correlationKey;
    const starts = (await this.getMessageStarts()).get(name) ?? [];

    return this.inTx(async (ctx) => {
      const now = this.now();
      if (request.messageId) {
        const dup = await this.store.one<MessageRow>(
          'SELECT * FROM engine_messages WHERE name = ? AND correlation_key = ? AND message_id = ? AND expires_at > ?',
          [name, key, request.messageId, now],
          ctx.tx,
        );
        if (dup) throw new ConflictError(`a message '${name}' with id '${request.messageId}' is already published for correlation key '${key}'`, 'ALREADY_EXISTS');
      }
      const subs = await this.store.select<SubscriptionRow>(
        'SELECT * FROM engine_subscriptions WHERE message_name = ? AND correlation_key = ? ORDER BY created_at, id',
        [name, key],
        ctx.tx,
      );
      const correlatedProcesses = new Set<string>();
      const correlated: string[] = [];
      for (const sub of subs) {
        // Zeebe correlates a message at most once per process
        if (correlatedProcesses.has(sub.process_id)) continue;
        // another publication may have taken this subscription meanwhile (MySQL, several app processes)
        if ((await this.store.exec('DELETE FROM engine_subscriptions WHERE id = ?', [sub.id], ctx.tx)) !== 1) continue;
        correlatedProcesses.add(sub.process_id);
        await this.withInstance(ctx, sub.instance_id, { kind: 'complete', execId: execIdOf(sub.id), output: variables });
        correlated.push(sub.instance_id);
      }
      for (const s of starts) {
        if (correlatedProcesses.has(s.processId)) continue;
        const def = await this.store.definition(s.definitionId, ctx.tx);
        if (!def) continue;
        correlatedProcesses.add(s.processId);
        const model = await this.modelOf(def.id, ctx.tx);
        correlated.push(await this.startInstance(ctx, def, model, variables, { elementId: s.elementId, variables }));
      }
      const messageKey = newKey();
      if (ttl > 0) {
        await this.store.insert(
          'engine_messages',
          {
            id: messageKey,
            name,
            correlation_key: key,
            message_id: request.messageId ?? null,
            variables: JSON.stringify(variables),
            published_at: now,
            expires_at: now + ttl,
            correlated_process_ids: JSON.stringify([...correlatedProcesses]),
          },
          ctx.tx,
        );
      }
      return { messageKey, correlatedInstanceKeys: correlated, buffered: ttl > 0 };
    });
  }

  private async findBufferedMessage(ctx: Ctx, name: string, key: string, processId: string) {
    const rows = await this.store.select<MessageRow>(
      'SELECT * FROM engine_messages WHERE name = ? AND correlation_key = ? AND expires_at > ? ORDER BY published_at, id',
      [name, key, this.now()],
      ctx.tx,
    );
    return rows.find((m) => !parseJson<string[]>(m.correlated_process_ids, []).includes(processId));
  }

  private async markCorrelated(ctx: Ctx, msg: MessageRow, processId: string) {
    const ids = [...parseJson<string[]>(msg.correlated_process_ids, []), processId];
    await this.store.exec('UPDATE engine_messages SET correlated_process_ids = ? WHERE id = ?', [JSON.stringify(ids), msg.id], ctx.tx);
  }

  private async expireMessages(): Promise<number> {
    // a read first: the timer loop runs after every new timer, and most passes have nothing to expire
    const now = this.now();
    const due = await this.store.one<{ n: number }>('SELECT COUNT(*) AS n FROM engine_messages WHERE expires_at <= ?', [now]);
    if (!Number(due?.n ?? 0)) return 0;
    return this.inTx((ctx) => this.store.exec('DELETE FROM engine_messages WHERE expires_at <= ?', [now], ctx.tx));
  }

  // ---------------------------------------------------------------- timers

  /**
   * Fire every due timer, each in its own transaction: a timer whose instance another event moved
   * meanwhile is tried again (twice) and otherwise left for the next pass — it never stops the others.
   */
  private async fireDueTimers(): Promise<number> {
    const due = await this.store.select<TimerRow>('SELECT * FROM engine_timers WHERE due_at <= ? ORDER BY due_at, id LIMIT 100', [this.now()]);
    let fired = 0;
    this.timersLeft = false;
    const realNow = Date.now();
    if (due.length < 100) {
      // a held timer that is no longer due (fired by another process, its instance moved on) is forgotten
      const ids = new Set(due.map((t) => t.id));
      for (const id of this.timerHolds.keys()) if (!ids.has(id)) this.timerHolds.delete(id);
    }
    for (const t of due) {
      if (this.closed && this.background) break;
      const held = this.timerHolds.get(t.id);
      if (held && held.until > realNow) {
        this.timersLeft = true;
        continue;
      }
      for (let attempt = 1; ; attempt++) {
        try {
          if (await this.fireTimer(t.id)) fired++;
          this.timerHolds.delete(t.id);
          break;
        } catch (err) {
          if (err instanceof ConflictError && attempt < 3) continue;
          // the timer row is still there: later passes try again, less and less often (up to every 5 min)
          const failures = (held?.failures ?? 0) + 1;
          this.timerHolds.set(t.id, { failures, until: realNow + Math.min(1000 * 2 ** (failures - 1), 300_000) });
          this.log.warn({ err, timerId: t.id, processInstanceKey: t.instance_id, failures }, 'timer not fired this pass');
          this.timersLeft = true;
          break;
        }
      }
    }
    return fired;
  }

  private fireTimer(timerId: string): Promise<boolean> {
    return this.inTx(async (ctx) => {
      const timer = await this.store.one<TimerRow>('SELECT * FROM engine_timers WHERE id = ?', [timerId], ctx.tx);
      if (!timer) return false;
      if (timer.instance_id) {
        // 0 rows: another process fired it first
        if ((await this.store.exec('DELETE FROM engine_timers WHERE id = ?', [timer.id], ctx.tx)) !== 1) return false;
        await this.withInstance(ctx, timer.instance_id, { kind: 'complete', execId: execIdOf(timer.id), output: {} });
        return true;
      }
      return this.fireStartTimer(ctx, timer);
    });
  }

  private async fireStartTimer(ctx: Ctx, timer: TimerRow) {
    const def = timer.definition_id ? await this.store.definition(timer.definition_id, ctx.tx) : undefined;
    if (!def) {
      await this.store.exec('DELETE FROM engine_timers WHERE id = ?', [timer.id], ctx.tx);
      return false;
    }
    const next =
      timer.cycle_interval && timer.repetitions !== null
        ? nextCycle({ interval: timer.cycle_interval, repetitions: timer.repetitions }, new Date(timer.due_at))
        : undefined;
    // the due time in the condition: another process that fired this occurrence first wins
    const taken = next
      ? await this.store.exec('UPDATE engine_timers SET due_at = ?, repetitions = ? WHERE id = ? AND due_at = ?', [next.dueAt.getTime(), next.repetitions ?? -1, timer.id, timer.due_at], ctx.tx)
      : await this.store.exec('DELETE FROM engine_timers WHERE id = ? AND due_at = ?', [timer.id, timer.due_at], ctx.tx);
    if (taken !== 1) return false;
    const model = await this.modelOf(def.id, ctx.tx);
    const id = await this.startInstance(ctx, def, model, {}, { elementId: timer.element_id });
    await this.store.appendHistory(id, [{ elementId: timer.element_id, elementType: 'bpmn:StartEvent', event: 'timer-fired', at: this.now(), detail: { dueAt: new Date(timer.due_at).toISOString() } }], ctx.tx);
    return true;
  }

  // ---------------------------------------------------------------- jobs

  registerWorker(type: string, handler: JobHandler, options: WorkerOptions = {}) {
    assertName(type, 'job type');
    if (typeof handler !== 'function') throw new InvalidArgumentError(`the worker for '${type}' must be a function`);
    if (this.workers.has(type)) throw new ConflictError(`a worker for job type '${type}' is already registered`);
    this.workers.set(type, { handler, options });
    this.scheduleJobs(0);
  }

  async listJobs(filter: { processInstanceKey?: string; type?: string } = {}): Promise<Job[]> {
    const { where, args } = whereOf([
      ['instance_id = ?', filter.processInstanceKey],
      ['type = ?', filter.type],
    ]);
    const rows = await this.store.select<JobRow>(`SELECT * FROM engine_jobs ${where} ORDER BY created_at, id`, args);
    return rows.map((r) => ({
      jobKey: r.id,
      type: r.type,
      processInstanceKey: r.instance_id,
      processId: r.process_id,
      elementId: r.element_id,
      retries: r.retries,
      state: r.state,
      ...(r.not_before > r.created_at && { notBefore: new Date(r.not_before) }),
      ...(r.error_message && { errorMessage: r.error_message }),
      createdAt: new Date(r.created_at),
    }));
  }

  /**
   * Take due jobs of the registered types: waiting ones past their backoff, and activated ones whose
   * lock ran out (their worker died or hangs). The lock's expiry is the lock's token: a worker whose
   * job was taken from it finds no row to complete or fail.
   */
  private async lockDueJobs(limit: number): Promise<(JobRow & { instance_variables: string | null })[]> {
    const types = [...this.workers.keys()];
    if (!types.length || limit <= 0) return [];
    const now = this.now();
    const typeList = types.map(() => '?').join(', ');
    const candidates = await this.store.select<JobRow & { instance_variables: string | null }>(
      `SELECT j.*, i.variables AS instance_variables FROM engine_jobs j JOIN engine_instances i ON i.id = j.instance_id
       WHERE ((j.state = 'activatable' AND j.not_before <= ?) OR (j.state = 'activated' AND j.locked_until < ?)) AND j.type IN (${typeList})
       ORDER BY j.not_before, j.created_at, j.id LIMIT ${Math.floor(limit)}`,
      [now, now, ...types],
    );
    if (!candidates.length) return [];
    const lock = () => this.inTx(async (ctx) => {
      const locked: (JobRow & { instance_variables: string | null })[] = [];
      for (const job of candidates) {
        const timeout = this.workers.get(job.type)?.options.timeout ?? DEFAULT_JOB_TIMEOUT;
        const until = Math.max(now + timeout, Number(job.locked_until ?? 0) + 1);
        // the state check makes the lock safe against another process taking the same job
        const n = await this.store.exec(
          "UPDATE engine_jobs SET state = 'activated', locked_until = ? WHERE id = ? AND ((state = 'activatable' AND not_before <= ?) OR (state = 'activated' AND locked_until < ?))",
          [until, job.id, now, now],
          ctx.tx,
        );
        if (n === 1) locked.push({ ...job, state: 'activated', locked_until: until });
      }
      return locked;
    });
    try {
      // another engine's transaction on the same rows: nothing was locked, so try again at once
      return await retryTransient(lock, { attempts: 3 });
    } catch (err) {
      if (!isTransient(err)) throw err;
      // still contended: the jobs stay as they were for the next poll, no lock to wait out
      this.log.warn({ err }, 'locking jobs met a deadlock; left for the next poll');
      return [];
    }
  }

  private async runJob(job: JobRow & { instance_variables: string | null }) {
    const worker = this.workers.get(job.type);
    if (!worker) return;
    const variables = { ...parseJson<Variables>(job.instance_variables, {}), ...parseJson<Variables>(job.variables, {}) };
    const ctx: JobContext = {
      jobKey: job.id,
      type: job.type,
      processInstanceKey: job.instance_id,
      processId: job.process_id,
      elementId: job.element_id,
      headers: parseJson(job.headers, {}),
      retries: job.retries,
      transactional: (work) => void writes.push(work),
    };
    const writes: JobWrite[] = [];
    const execId = execIdOf(job.id);
    // a write of the handler's that fails fails the job (retried with backoff), as a throw would
    const finish = async (event: PendingEvent, historyEvent: HistoryRecord['event'], detail: Record<string, unknown>) => {
      try {
        await this.finishJob(job, event, historyEvent, detail, writes);
      } catch (err) {
        if (!writes.length || err instanceof ConflictError || isTransient(err)) throw err;
        await this.failJob(job, worker, err as Error);
      }
    };
    let output: Variables | void;
    try {
      output = await worker.handler(variables, ctx);
    } catch (err) {
      if (err instanceof BusinessError || (err as any)?.name === 'BusinessError') {
        const e = err as BusinessError;
        await finish({ kind: 'error', execId, code: e.code, message: e.message, variables: e.variables }, 'job-error-thrown', { code: e.code });
        return;
      }
      await this.failJob(job, worker, err as Error);
      return;
    }
    let out: Variables;
    try {
      out = assertVariables(output ?? {}, `the output of worker '${job.type}'`);
    } catch (err) {
      await this.failJob(job, worker, err as Error);
      return;
    }
    await finish({ kind: 'complete', execId, output: out }, 'job-completed', {});
  }

  /** `writes`: the handler's own (JobContext.transactional), in the completion's transaction */
  private async finishJob(job: JobRow, event: PendingEvent, historyEvent: HistoryRecord['event'], detail: Record<string, unknown>, writes: JobWrite[] = []) {
    const record = (): HistoryRecord => ({ elementId: job.element_id, elementType: 'job', event: historyEvent as any, at: this.now(), detail: { jobKey: job.id, ...detail } });
    const deleteJob = async (ctx: Ctx) => {
      // 0 rows: canceled, or taken back after its timeout: the result is dropped, as in Zeebe
      if ((await this.store.exec("DELETE FROM engine_jobs WHERE id = ? AND state = 'activated' AND locked_until = ?", [job.id, Number(job.locked_until)], ctx.tx)) !== 1) return false;
      for (const w of writes) await w(ctx.tx);
      return true;
    };

    // fast path: the run that created the job is still live; advance it before taking the write
    // lock, then save it in one transaction whose version check proves nobody moved the instance
    const hot = this.hot.get(job.instance_id);
    if (hot && event.kind !== 'start') {
      this.hot.delete(job.instance_id);
      const run = hot.run;
      run.reuse();
      const oldWaits = [...run.waits.values()];
      if (run.hasWait(event.execId)) {
        run.history.push(record());
        this.apply(run, event);
        try {
          await this.inTx(async (ctx) => {
            if (await deleteJob(ctx)) await this.settle(ctx, { ...hot.row }, run, oldWaits, event);
          });
          return;
        } catch (err) {
          // a deadlock rolled it back whole: redo it from the database below
          if (!(err instanceof ConflictError) && !isTransient(err)) throw err;
        }
      }
    }
    // from the database; a concurrent change of the instance makes us read it again, and a
    // deadlock or lock-wait timeout (another engine on the same rows) rolled everything back: the
    // handler's result is saved by a retry, not left locked until the timeout to be run twice
    for (let conflicts = 0, transients = 0; ; ) {
      try {
        await this.inTx(async (ctx) => {
          if (await deleteJob(ctx)) await this.withInstance(ctx, job.instance_id, event, [record()]);
        });
        return;
      } catch (err) {
        if (err instanceof ConflictError && ++conflicts < 3) continue;
        if (!isTransient(err) || ++transients >= 8) throw err;
        this.log.warn({ err, jobKey: job.id, attempt: transients }, 'saving a job result met a deadlock; retrying');
        await new Promise((r) => setTimeout(r, transientBackoff(transients)));
      }
    }
  }

  private async failJob(job: JobRow, worker: Worker, err: Error) {
    const retries = job.retries - 1;
    const message = err?.message ?? String(err);
    const now = this.now();
    const attempt = Math.max(1, 1 + (await this.countFailures(job.id)));
    const b = worker.options.backoff ?? DEFAULT_BACKOFF;
    const backoff = typeof b === 'function' ? b(attempt) : b;
    this.log.warn({ jobKey: job.id, type: job.type, retries, err: message }, 'job failed');
    await retryTransient(() => this.inTx(async (ctx) => {
      const history = [{ elementId: job.element_id, elementType: 'job', event: 'job-failed', at: now, detail: { jobKey: job.id, retries, message } }];
      if (retries > 0) {
        await this.store.exec(
          "UPDATE engine_jobs SET state = 'activatable', retries = ?, not_before = ?, locked_until = NULL, error_message = ? WHERE id = ? AND state = 'activated' AND locked_until = ?",
          [retries, now + backoff, message, job.id, Number(job.locked_until)],
          ctx.tx,
        );
        await this.store.appendHistory(job.instance_id, history, ctx.tx);
        return;
      }
      const n = await this.store.exec("UPDATE engine_jobs SET state = 'incident', retries = 0, locked_until = NULL, error_message = ? WHERE id = ? AND state = 'activated' AND locked_until = ?", [message, job.id, Number(job.locked_until)], ctx.tx);
      if (n !== 1) return;
      await this.store.insert(
        'engine_incidents',
        {
          id: newKey(),
          instance_id: job.instance_id,
          process_id: job.process_id,
          element_id: job.element_id,
          job_id: job.id,
          error_type: 'JOB_NO_RETRIES',
          error_message: message,
          state: 'active',
          pending_event: null,
          created_at: now,
          resolved_at: null,
        },
        ctx.tx,
      );
      await this.store.exec("UPDATE engine_instances SET state = 'incident' WHERE id = ? AND state = 'active'", [job.instance_id], ctx.tx);
      await this.store.appendHistory(
        job.instance_id,
        [...history, { elementId: job.element_id, elementType: 'job', event: 'incident', at: now, detail: { errorType: 'JOB_NO_RETRIES', message } }],
        ctx.tx,
      );
    }));
  }

  private async countFailures(jobId: string) {
    const r = await this.store.one<{ n: number }>("SELECT COUNT(*) AS n FROM engine_history WHERE event = 'job-failed' AND instance_id = ? AND detail LIKE ?", [
      jobId.slice(0, jobId.indexOf('/')),
      `%${JSON.stringify(jobId).slice(1, -1)}%`,
    ]);
    return Number(r?.n ?? 0);
  }

  // ---------------------------------------------------------------- incidents

  async listIncidents(filter: { processInstanceKey?: string; state?: 'active' | 'resolved' } = {}): Promise<Incident[]> {
    const { where, args } = whereOf([
      ['instance_id = ?', filter.processInstanceKey],
      ['state = ?', filter.state],
    ]);
    const rows = await this.store.select<IncidentRow>(`SELECT * FROM engine_incidents ${where} ORDER BY created_at, id`, args);
    return rows.map((r) => ({
      incidentKey: r.id,
      processInstanceKey: r.instance_id,
      processId: r.process_id,
      elementId: r.element_id,
      ...(r.job_id && { jobKey: r.job_id }),
      errorType: r.error_type,
      errorMessage: r.error_message,
      state: r.state,
      createdAt: new Date(r.created_at),
    }));
  }

  async retryIncident(incidentKey: string, options: { retries?: number } = {}) {
    assertName(incidentKey, 'incidentKey');
    const retries = options.retries ?? 1;
    if (!Number.isInteger(retries) || retries < 1) throw new InvalidArgumentError('retries must be a whole number ≥ 1');
    await this.inTx(async (ctx) => {
      const inc = await this.store.one<IncidentRow>('SELECT * FROM engine_incidents WHERE id = ?', [incidentKey], ctx.tx);
      if (!inc) throw new NotFoundError(`incident ${incidentKey} not found`);
      if (inc.state !== 'active') throw new ConflictError(`incident ${incidentKey} is already resolved`);
      const now = this.now();
      const n = await this.store.exec("UPDATE engine_incidents SET state = 'resolved', resolved_at = ? WHERE id = ? AND state = 'active'", [now, inc.id], ctx.tx);
      if (n !== 1) throw new ConflictError(`incident ${incidentKey} is already resolved`);
      const resolved: HistoryRecord = { elementId: inc.element_id, elementType: 'incident', event: 'incident-resolved', at: now, detail: { incidentKey: inc.id } };
      const open = await this.store.one<{ n: number }>("SELECT COUNT(*) AS n FROM engine_incidents WHERE instance_id = ? AND state = 'active'", [inc.instance_id], ctx.tx);
      if (Number(open?.n ?? 0) === 0) {
        await this.store.exec("UPDATE engine_instances SET state = 'active' WHERE id = ? AND state = 'incident'", [inc.instance_id], ctx.tx);
      }
      if (inc.job_id) {
        await this.store.exec("UPDATE engine_jobs SET state = 'activatable', retries = ?, not_before = ?, error_message = NULL WHERE id = ?", [retries, now, inc.job_id], ctx.tx);
        await this.store.appendHistory(inc.instance_id, [resolved], ctx.tx);
        ctx.effects.push(() => this.scheduleJobs(0));
        return;
      }
      const pending = parseJson<PendingEvent | { kind: 'call'; execId: string } | null>(inc.pending_event, null);
      if (!pending) return;
      if (pending.kind === 'call') {
        const row = await this.store.getInstance(inc.instance_id, ctx.tx);
        const wait = parseJson<Wait[]>(row?.waits ?? null, []).find((w) => w.execId === pending.execId);
        if (!row || wait?.kind !== 'call') return;
        const def = await this.store.latestDefinition(wait.processId, ctx.tx);
        if (!def) {
          await this.childIncident(ctx, row, wait, `no process '${wait.processId}' is deployed to call`);
          return;
        }
        await this.store.appendHistory(inc.instance_id, [resolved], ctx.tx);
        await this.startInstance(ctx, def, await this.modelOf(def.id, ctx.tx), wait.variables, undefined, { id: row.id, execId: wait.execId });
        return;
      }
      await this.withInstance(ctx, inc.instance_id, pending, [resolved]);
    });
  }

  // ---------------------------------------------------------------- user tasks

  onUserTask(listener: (event: UserTaskEvent) => void | Promise<void>) {
    this.taskListeners.add(listener);
    return () => {
      this.taskListeners.delete(listener);
    };
  }

  projectUserTasks(projector: UserTaskProjector) {
    this.projectors.add(projector);
    return () => {
      this.projectors.delete(projector);
    };
  }

  /** a user-task event: projected in this transaction, told to the listeners once it commits */
  private async taskEvent(ctx: Ctx, event: UserTaskEvent) {
    for (const p of this.projectors) await p(event, ctx.tx);
    ctx.effects.push(() => this.emitTask(event));
  }

  private emitTask(event: UserTaskEvent) {
    for (const l of this.taskListeners) {
      Promise.resolve()
        .then(() => l(event))
        .catch((err) => this.log.error({ err, userTaskKey: event.task.userTaskKey }, 'user task listener failed'));
    }
  }

  private toTask(r: UserTaskRow, variables?: Variables): UserTask {
    return userTaskFromRow(r, variables);
  }

  async getUserTask(userTaskKey: string): Promise<UserTask | undefined> {
    const r = await this.store.one<UserTaskRow & { instance_variables: string | null }>(
      'SELECT t.*, i.variables AS instance_variables FROM engine_user_tasks t JOIN engine_instances i ON i.id = t.instance_id WHERE t.id = ?',
      [userTaskKey],
    );
    if (!r) return undefined;
    return this.toTask(r, { ...parseJson(r.instance_variables, {}), ...parseJson(r.variables, {}) });
  }

  async listUserTasks(filter: UserTaskFilter = {}): Promise<UserTask[]> {
    const { where, args } = userTaskWhere(filter, 't.');
    const rows = await this.store.select<UserTaskRow & { instance_variables: string | null }>(
      `SELECT t.*, i.variables AS instance_variables FROM engine_user_tasks t JOIN engine_instances i ON i.id = t.instance_id
       ${where} ORDER BY t.created_at, t.id`,
      args,
    );
    return rows.map((r) => this.toTask(r, { ...parseJson(r.instance_variables, {}), ...parseJson(r.variables, {}) }));
  }

  async completeUserTask(userTaskKey: string, variables: Variables = {}, options: CompleteOptions = {}) {
    assertName(userTaskKey, 'userTaskKey');
    const vars = assertVariables(variables);
    await this.inTx(async (ctx) => {
      const task = await this.store.one<UserTaskRow>('SELECT * FROM engine_user_tasks WHERE id = ?', [userTaskKey], ctx.tx);
      if (!task) throw new NotFoundError(`user task ${userTaskKey} not found`);
      if (task.state !== 'created') throw new ConflictError(`user task ${userTaskKey} is already ${task.state}`);
      const now = this.now();
      const n = await this.store.exec("UPDATE engine_user_tasks SET state = 'completed', ended_at = ? WHERE id = ? AND state = 'created'", [now, userTaskKey], ctx.tx);
      if (n !== 1) throw new ConflictError(`user task ${userTaskKey} was completed concurrently`);
      if (options.transactional) await options.transactional(ctx.tx);
      // read once: the event's variables and the run below both come from this row
      const instance = await this.store.getInstance(task.instance_id, ctx.tx);
      const taskVariables = { ...parseJson<Variables>(instance?.variables, {}), ...parseJson<Variables>(task.variables, {}) };
      // the completion before what it leads to (the next tasks' events come from the run)
      await this.taskEvent(ctx, { type: 'completed', task: this.toTask({ ...task, state: 'completed', ended_at: now }, taskVariables), variables: vars });
      await this.withInstance(ctx, task.instance_id, { kind: 'complete', execId: execIdOf(task.id), output: vars }, [], instance);
    });
  }
}
