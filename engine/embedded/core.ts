/**
 * The embedded engine's state, and the calls its modules make into one another. The modules
 * (definitions, instances, settle, waits, jobs, timers, messages, user-tasks, incidents, queries,
 * lifecycle) are functions of a Core; they reach each other only through its abstract methods,
 * which the Embedded class (index.ts) implements by delegating to them — so no module imports
 * another, and each can be read alone.
 */
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { DeployedDecision, UserTask, UserTaskEvent, UserTaskProjector, Variables } from '../port.js';
import type { Ctx, EngineLogger, MessageStarts, PendingEvent, Run, Worker } from './ctx.js';
import type { ParsedDmn } from './dmn.js';
import type { ProcessModel } from './model.js';
import type { DecisionOutcome, DecisionWait, HistoryRecord, StartTrigger, Wait } from './run-types.js';
import type { Database } from './store/database.js';
import { Store, type DefinitionRow, type InstanceRow, type JobRow, type MessageRow, type Tx, type UserTaskRow } from './store/store.js';


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

const silent: EngineLogger = { info() {}, warn() {}, error() {} };

export abstract class Core {
  readonly db: Database;
  readonly store: Store;
  readonly clock: Clock;
  readonly log: EngineLogger;
  readonly background: boolean;
  readonly models = new Map<string, Promise<ProcessModel>>();
  /** compiled DMN resources by their key (engine_decisions_requirements.id): a deployed version never changes */
  readonly decisionResources = new Map<string, Promise<ParsedDmn>>();
  readonly workers = new Map<string, Worker>();
  /** long polls of remote workers (external-tasks.ts): woken when a job of one of their types is created here */
  readonly jobWaiters = new Set<{ types: ReadonlySet<string>; wake: () => void }>();
  /** the rows this process locked for remote workers (external-tasks.ts), so their completion needs no second read */
  readonly lockedTasks = new Map<string, { row: JobRow; workerId: string; until: number }>();
  readonly taskListeners = new Set<(e: UserTaskEvent) => void | Promise<void>>();
  readonly projectors = new Set<UserTaskProjector>();
  messageStarts: Promise<MessageStarts> | undefined;
  messageStartsAt = 0;
  opened = false;
  closed = false;
  timerHandle: NodeJS.Timeout | undefined;
  jobHandle: NodeJS.Timeout | undefined;
  /** a job poll is running (lifecycle.ts: one at a time); another was asked for meanwhile */
  jobTicking = false;
  jobTickAgain = false;
  unsubscribeClock: (() => void) | undefined;
  jobsInFlight = 0;
  /** the last timer pass left a due timer it could not fire */
  timersLeft = false;
  /** timers whose firing failed: not tried again before `until` (real time) */
  readonly timerHolds = new Map<string, { failures: number; until: number }>();
  jobsReserved = 0;
  /** jobs for local workers are waiting for room (not pushed, or more due than could be taken) */
  backlog = false;
  readonly inFlight = new Set<Promise<unknown>>();
  readonly pollInterval: number;
  readonly latestCache = new Map<string, { def: DefinitionRow; at: number }>();
  /**
   * Live runs of instances whose next event is a job this process will run: its completion then
   * skips the resume from JSON. Keyed by instance, valid only for the saved lock version; bounded.
   */
  readonly hot = new Map<string, { run: Run; version: number; row: InstanceRow }>();
  readonly maxJobsInFlight: number;
  readonly jobsOnly: boolean;
  readonly definitionCacheMs: number;
  readonly startOnBpmnEngine: boolean;
  readonly txPermits: number;
  txOpen = 0;
  readonly txWaiting: (() => void)[] = [];

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

  now() {
    return this.clock.now().getTime();
  }

  /** the long polls waiting for a job of this type: look again now */
  wakeJobWaiters(type: string) {
    for (const w of this.jobWaiters) if (w.types.has(type)) w.wake();
  }

  // ---------------------------------------------------------------- calls across modules

  // lifecycle.ts
  abstract scheduleTimers(delay: number): void;
  abstract scheduleJobs(delay: number): void;
  abstract dispatch(job: JobRow & { instance_variables: string | null }): void;
  // definitions.ts
  abstract modelOf(definitionId: string, tx?: Tx): Promise<ProcessModel>;
  abstract latest(processId: string): Promise<DefinitionRow | undefined>;
  abstract getMessageStarts(): Promise<MessageStarts>;
  // decisions.ts
  abstract saveDecisions(ctx: Ctx, resources: ParsedDmn[], deploymentId: string, now: number): Promise<DeployedDecision[]>;
  abstract decide(ctx: Ctx, wait: DecisionWait): Promise<DecisionOutcome>;
  // instances.ts
  abstract startInstance(
    ctx: Ctx,
    def: DefinitionRow,
    model: ProcessModel,
    variables: Variables,
    trigger?: StartTrigger,
    parent?: { id: string; execId: string },
    prerun?: Run,
  ): Promise<string>;
  abstract cancelIn(ctx: Ctx, id: string): Promise<void>;
  // settle.ts
  abstract withInstance(ctx: Ctx, instanceId: string, event: PendingEvent, extraHistory?: HistoryRecord[], loaded?: InstanceRow): Promise<void>;
  abstract apply(run: Run, event: PendingEvent): void;
  abstract settle(ctx: Ctx, row: InstanceRow, run: Run, oldWaits: Wait[], event: PendingEvent): Promise<void>;
  // waits.ts
  abstract addWait(ctx: Ctx, row: InstanceRow, w: Wait, history: HistoryRecord[], instanceVariables: Variables): Promise<void>;
  abstract removeWait(ctx: Ctx, row: InstanceRow, w: Wait): Promise<void>;
  abstract childIncident(ctx: Ctx, row: InstanceRow, w: Wait, message: string): Promise<void>;
  // jobs.ts
  abstract lockDueJobs(limit: number): Promise<(JobRow & { instance_variables: string | null })[]>;
  abstract runJob(job: JobRow & { instance_variables: string | null }): Promise<void>;
  // timers.ts
  abstract fireDueTimers(): Promise<number>;
  // messages.ts
  abstract findBufferedMessage(ctx: Ctx, name: string, key: string, processId: string): Promise<MessageRow | undefined>;
  abstract markCorrelated(ctx: Ctx, msg: MessageRow, processId: string): Promise<void>;
  abstract expireMessages(): Promise<number>;
  // user-tasks.ts
  abstract taskEvent(ctx: Ctx, event: UserTaskEvent): Promise<void>;
  abstract toTask(r: UserTaskRow, variables?: Variables): UserTask;
}
