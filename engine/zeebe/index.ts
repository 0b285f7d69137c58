/**
 * The Zeebe adapter: the engine port on Camunda 8.8 through `@camunda8/sdk` — commands on the gRPC
 * API (commands.ts), the registered handlers as gRPC job workers (workers.ts), user tasks mirrored
 * by 8.8 task listeners and completed through the REST API (listener-worker.ts), instances learned
 * from process start/end execution listeners (listeners.ts), and everything the port's queries
 * read kept in the adapter's own records (records.ts), because engine-only Camunda answers no
 * searches. engine/README.md says what is partial on Zeebe (element history, timers).
 *
 * Role `app` mirrors (task and instance listeners) and runs the handlers registered with it; role
 * `workers` (`npm run workers`) runs only the registered handlers, so N such processes can share
 * the jobs of every type.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import { systemClock, type Clock } from '../clock.js';
import type { EngineLogger } from '../embedded/index.js';
import type { Database } from '../embedded/store/database.js';
import { ConflictError, EngineError, InvalidArgumentError, InvalidResourceError, NotFoundError } from '../errors.js';
import type {
  CancelOptions,
  SetVariablesOptions,
  DeployResource,
  DeploymentResult,
  EnginePort,
  Incident,
  InstanceFilter,
  Job,
  JobHandler,
  ModifyInstructions,
  ModifyOptions,
  ProcessInstanceRef,
  PublishMessageRequest,
  StartOptions,
  UserTaskEvent,
  UserTaskFilter,
  UserTaskProjector,
  CompleteOptions,
  Variables,
  WorkerOptions,
} from '../port.js';
import { createZeebeCommands } from './commands.js';
import type { JobOutcome } from './job-outcome.js';
import { createListenerWorker, type ZeebeRestApi } from './listener-worker.js';
import { INSTANCE_END_TYPE, INSTANCE_START_TYPE, withAdapterListeners } from './listeners.js';
import { checkZeebeMigration, migrateOnZeebe, type MigrationDeps } from './migration.js';
import { createZeebeRecords } from './records.js';
import type { GrpcJob, GrpcWorker, ZeebeGrpcApi } from './sdk-boundary.js';
import { createZeebeWorkers } from './workers.js';

const zeebeModdle = createRequire(import.meta.url)('zeebe-bpmn-moddle/resources/zeebe.json');

export interface ZeebeEngineOptions {
  grpc: ZeebeGrpcApi;
  rest: ZeebeRestApi;
  /** the adapter's records (migrated with zeebeRecordMigrations) */
  db: Database;
  clock?: Clock;
  logger?: EngineLogger;
  /** `app` (default): mirror tasks and instances and run the registered handlers; `workers`: the handlers only */
  role?: 'app' | 'workers';
  /** the forms a deployment's diagrams link to (`zeebe:formDefinition formId`), deployed with them: Zeebe makes no user task whose form it lacks */
  formsOf?: (formIds: string[]) => Promise<DeployResource[]>;
  /** pin Zeebe's clock to `clock` at open and whenever it jumps (a broker started with ZEEBE_CLOCK_CONTROLLED=true; tests) */
  controlClock?: boolean;
}

export interface ZeebeEngine extends EnginePort {
  /** wait until the broker and this adapter have been quiet for `quietMs` (tests against a broker) */
  idle(options?: { quietMs?: number; timeoutMs?: number }): Promise<void>;
}

const silent: EngineLogger = { info() {}, warn() {}, error() {} };
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const text = (c: string | Buffer) => (typeof c === 'string' ? c : c.toString('utf8')).trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** a REST rejection (the orchestration cluster client throws with the HTTP status) as the port's error */
function restError(err: unknown, what: string): unknown {
  const e = (err ?? {}) as { status?: number; statusCode?: number; response?: { status?: number }; message?: string; detail?: string };
  const status = e.status ?? e.statusCode ?? e.response?.status;
  const msg = e.detail || e.message || String(err);
  if (status === 404) return new NotFoundError(`${what}: ${msg}`);
  if (status === 409) return new ConflictError(`${what}: ${msg}`);
  if (status === 400) return new InvalidArgumentError(`${what}: ${msg}`);
  return err;
}

export function createZeebeEngine(o: ZeebeEngineOptions): ZeebeEngine {
  const clock = o.clock ?? systemClock;
  const log = o.logger ?? silent;
  const role = o.role ?? 'app';
  const records = createZeebeRecords(o.db);
  const commands = createZeebeCommands(o.grpc, { knownDefinition: (key) => records.definitionKnown(key), knownDecision: (key) => records.decisionKnown(key) });
  const listeners = new Set<(e: UserTaskEvent) => void | Promise<void>>();
  const projectors = new Set<UserTaskProjector>();
  const now = () => clock.now().getTime();
  /** bumped by everything the adapter hears from Zeebe; idle() waits for it to stand still */
  let activity = 0;
  let inFlight = 0;
  /** variables a completion sent, for the `completed` event its completing listener job brings */
  const completions = new Map<string, Variables>();

  const counted = async <T>(fn: () => Promise<T>): Promise<T> => {
    inFlight++;
    activity++;
    try {
      return await fn();
    } finally {
      inFlight--;
      activity++;
    }
  };

  const versionRef = async (job: GrpcJob) => ({
    processInstanceKey: String(job.processInstanceKey),
    processId: job.bpmnProcessId,
    version: job.processDefinitionVersion,
    processDefinitionKey: (await records.definitionKeyOf(job.bpmnProcessId, job.processDefinitionVersion)) ?? '',
  });

  /** handler outcomes into the records, before Zeebe hears them */
  const beforeAck = (job: GrpcJob, outcome: JobOutcome) =>
    counted(async () => {
      const ref = await versionRef(job);
      const at = now();
      const elementType = 'bpmn:ServiceTask';
      if (outcome.kind === 'completed') {
        await records.sawInstance(ref, at, { ...job.variables, ...outcome.output }, { elementId: job.elementId, elementType, event: 'job-completed', detail: { jobKey: String(job.key), type: job.type } });
      } else if (outcome.kind === 'error-thrown') {
        await records.sawInstance(ref, at, { ...job.variables, ...outcome.variables }, { elementId: job.elementId, elementType, event: 'job-error-thrown', detail: { jobKey: String(job.key), code: outcome.code } });
      } else {
        await records.sawInstance(ref, at, job.variables, { elementId: job.elementId, elementType, event: 'job-failed', detail: { jobKey: String(job.key), retries: outcome.retries, errorMessage: outcome.message.slice(0, 500) } });
        // at 0 retries Zeebe raises the incident; its key is Zeebe's, this record is keyed by the job
        if (outcome.retries === 0) {
          await records.addIncident({ incidentKey: `job-${job.key}`, processInstanceKey: ref.processInstanceKey, processId: ref.processId, elementId: job.elementId, jobKey: String(job.key), errorType: 'JOB_NO_RETRIES', errorMessage: outcome.message }, at);
        }
      }
    });

  const workers = createZeebeWorkers(o.grpc, { logger: log, beforeAck, transact: (work) => o.db.transaction(work) });

  // ---------------------------------------------------------------- the adapter's own listeners

  const names = new Map<string, Promise<Map<string, string>>>();
  const elementNames = (processId: string): Promise<Map<string, string>> => {
    let p = names.get(processId);
    if (!p) {
      p = (async () => {
        const latest = await records.latestDefinition(processId);
        const map = new Map<string, string>();
        if (!latest) return map;
        const { rootElement } = await new BpmnModdle({ zeebe: zeebeModdle }).fromXML(latest.xml);
        const visit = (el: any) => {
          for (const child of [...(el.rootElements ?? []), ...(el.flowElements ?? [])]) {
            if (child.id && child.name) map.set(child.id, child.name);
            visit(child);
          }
        };
        visit(rootElement);
        return map;
      })();
      p.catch(() => names.delete(processId));
      names.set(processId, p);
    }
    return p;
  };

  const emit = async (event: UserTaskEvent) => {
    // the projection commits before the listener job completes: a crash repeats the job, not loses it
    if (projectors.size) {
      await o.db.transaction(async (tx) => {
        for (const p of projectors) await p(event, tx);
      });
    }
    for (const l of listeners) {
      try {
        await l(event);
      } catch (err) {
        log.error({ err, userTaskKey: event.task.userTaskKey }, 'a user-task listener failed');
      }
    }
  };

  const taskListener = createListenerWorker({
    rest: o.rest,
    clock,
    formIdOf: (formKey) => records.formIdOf(formKey),
    nameOf: () => undefined,
    onEvent: (event) =>
      counted(async () => {
        const task = { ...event.task };
        if (!task.name) {
          const name = (await elementNames(task.processId)).get(task.elementId);
          if (name) task.name = name;
        }
        const changed = await records.mirrorTask(event.type, task, now());
        if (!changed) return;
        if (event.type === 'completed') {
          const variables = completions.get(task.userTaskKey) ?? event.variables;
          completions.delete(task.userTaskKey);
          await emit({ type: 'completed', task, variables });
        } else await emit({ ...event, task } as UserTaskEvent);
      }),
  });

  const instanceWorkers: GrpcWorker[] = [];
  const instanceHandler = (kind: 'start' | 'end') => async (job: GrpcJob) => {
    try {
      await counted(async () => {
        const ref = await versionRef(job);
        if (kind === 'start') await records.sawInstance(ref, now(), job.variables, { elementId: job.bpmnProcessId, elementType: 'bpmn:Process', event: 'activated' });
        else {
          await records.sawInstance(ref, now(), job.variables);
          await records.endInstance(ref.processInstanceKey, 'completed', now(), job.variables);
        }
      });
    } catch (err) {
      return job.fail({ errorMessage: `recording the instance failed: ${String((err as Error)?.message ?? err).slice(0, 2000)}`, retries: Math.max(0, job.retries - 1), retryBackOff: 5_000 });
    }
    return job.complete({});
  };

  // ---------------------------------------------------------------- the controlled clock

  let pinned: Promise<unknown> = Promise.resolve();
  let lastPinned: number | undefined;
  const pinClock = () => {
    const at = now();
    pinned = pinned
      .catch(() => undefined)
      .then(async () => {
        if (lastPinned === at) return;
        await o.rest.pinClock(at);
        lastPinned = at;
      });
    return pinned;
  };
  let unsubscribeClock: (() => void) | undefined;

  let opened = false;
  const migration: MigrationDeps = { records, migrate: (key, plan) => commands.migrate(key, plan), transaction: (fn) => o.db.transaction(fn), now };

  const engine: ZeebeEngine = {
    async deploy(resources: DeployResource[], meta: { deployedBy?: string } = {}): Promise<DeploymentResult> {
      if (!Array.isArray(resources) || resources.length === 0) throw new InvalidArgumentError('deploy needs at least one resource');
      const drawn = new Map<string, string>();
      const prepared: DeployResource[] = [];
      const formIds = new Set<string>();
      const given = new Set(resources.filter((r) => r.name.endsWith('.form')).map((r) => r.name));
      for (const r of resources) {
        if (!r || typeof r.name !== 'string' || (typeof r.content !== 'string' && !Buffer.isBuffer(r.content))) throw new InvalidArgumentError('a resource needs a name and content');
        if (!r.name.endsWith('.bpmn')) {
          prepared.push(r);
          continue;
        }
        const xml = text(r.content);
        let withListeners;
        try {
          withListeners = await withAdapterListeners(xml);
        } catch (err) {
          throw new InvalidResourceError(`${r.name} is not a BPMN diagram`, [{ resourceName: r.name, message: String((err as Error)?.message ?? err) }]);
        }
        for (const m of xml.matchAll(/<zeebe:formDefinition\b[^>]*\bformId="([^"]+)"/g)) formIds.add(m[1]);
        drawn.set(r.name, xml);
        prepared.push({ name: r.name, content: withListeners.xml });
      }
      if (formIds.size && o.formsOf) for (const f of await o.formsOf([...formIds])) if (!given.has(f.name)) prepared.push(f);
      const result = await commands.deploy(prepared);
      const at = now();
      await records.recordDeployment({
        deploymentKey: result.deploymentKey,
        at,
        ...(meta.deployedBy && { deployedBy: meta.deployedBy }),
        // the diagram as drawn (the modeler and the inspector show it), not with the adapter's listeners
        processes: result.processes.map((p) => {
          const xml = drawn.get(p.resourceName) ?? '';
          return { processDefinitionKey: p.processDefinitionKey, processId: p.processId, version: p.version, resourceName: p.resourceName, checksum: sha256(xml), xml };
        }),
        forms: result.forms,
        // Zeebe versions a DMN resource as it is sent: the records keep that text
        decisions: result.decisions.map((d) => ({ ...d, xml: text(resources.find((r) => r.name === d.resourceName)?.content ?? '') })),
      });
      for (const p of result.processes) names.delete(p.processId);
      const jobTypes = new Set(workers.types());
      const warnings = [...result.warnings];
      for (const [name, xml] of drawn) {
        for (const m of xml.matchAll(/<zeebe:taskDefinition\b[^>]*\btype="([^"=][^"]*)"/g)) {
          if (!jobTypes.has(m[1]) && role === 'app' && jobTypes.size) warnings.push({ resourceName: name, message: `no worker is registered in this process for job type ${m[1]} (it may run in a workers process)` });
        }
      }
      return { deploymentKey: result.deploymentKey, processes: result.processes, decisions: result.decisions, warnings };
    },

    async start(processId: string, variables: Variables = {}, options: StartOptions = {}): Promise<ProcessInstanceRef> {
      if (typeof processId !== 'string' || !processId) throw new InvalidArgumentError('processId is required');
      const { transactional, ...startOptions } = options;
      // no transaction spans Zeebe: the app's rows commit only once the broker made the instance
      const ref = transactional
        ? await o.db.transaction(async (tx) => {
            const made = await commands.start(processId, variables, startOptions);
            await transactional(tx, made);
            return made;
          })
        : await commands.start(processId, variables, startOptions);
      await records.sawInstance(ref, now(), variables, { elementId: processId, elementType: 'bpmn:Process', event: 'activated' });
      return ref;
    },

    publishMessage: (request: PublishMessageRequest) => {
      if (!request || typeof request.name !== 'string' || !request.name || typeof request.correlationKey !== 'string') throw new InvalidArgumentError('a message needs a name and a correlation key');
      const { transactional, ...message } = request;
      if (transactional !== undefined && typeof transactional !== 'function') throw new InvalidArgumentError('transactional must be a function');
      // no transaction spans Zeebe: the app's rows commit only once the broker took the message
      return transactional
        ? o.db.transaction(async (tx) => {
            const result = await commands.publishMessage(message);
            await transactional(tx, result);
            return result;
          })
        : commands.publishMessage(message);
    },

    async cancel(processInstanceKey: string, options: CancelOptions = {}) {
      const { transactional } = options;
      if (transactional !== undefined && typeof transactional !== 'function') throw new InvalidArgumentError('transactional must be a function');
      // no transaction spans Zeebe: the app's record first, then the cancel — idempotent, so that a
      // reconciler finishes what a crash between the two left (an instance already gone is canceled)
      if (transactional) await o.db.transaction((tx) => transactional(tx));
      try {
        await commands.cancel(processInstanceKey);
      } catch (err) {
        if (!(transactional && err instanceof NotFoundError)) throw err;
      }
      await records.endInstance(processInstanceKey, 'canceled', now());
    },

    async setVariables(processInstanceKey: string, variables: Variables, options: SetVariablesOptions = {}) {
      if (!variables || typeof variables !== 'object' || Array.isArray(variables)) throw new InvalidArgumentError('variables must be an object');
      const { transactional } = options;
      if (transactional !== undefined && typeof transactional !== 'function') throw new InvalidArgumentError('transactional must be a function');
      await commands.setVariables(processInstanceKey, variables);
      await records.mergeVariables(processInstanceKey, variables, now());
      // the broker took them: the app's record follows
      if (transactional) await o.db.transaction((tx) => transactional(tx));
    },

    // ---------------------------------------------------------------- process-instance modification
    async modifyProcessInstance(processInstanceKey: string, instructions: ModifyInstructions, options: ModifyOptions = {}) {
      if (typeof processInstanceKey !== 'string' || !processInstanceKey) throw new InvalidArgumentError('processInstanceKey is required');
      const { transactional } = options;
      if (transactional !== undefined && typeof transactional !== 'function') throw new InvalidArgumentError('transactional must be a function');
      const activate = instructions?.activate ?? [];
      const terminate = instructions?.terminate ?? [];
      if (!activate.length && !terminate.length) throw new EngineError('a modification needs at least one instruction', 400, 'NOTHING_TO_DO');
      for (const a of activate) if (typeof a?.elementId !== 'string' || !a.elementId) throw new InvalidArgumentError('an activation needs an elementId');
      // Zeebe terminates by element instance key only: an element's active instances are looked up
      const keys: string[] = [];
      for (const t of terminate) {
        if (t?.elementInstanceKey) keys.push(t.elementInstanceKey);
        else if (t?.elementId) {
          const found = await o.rest.activeElementInstanceKeys(processInstanceKey, t.elementId);
          if (!found.length) throw new EngineError(`element ${t.elementId} is not active in process instance ${processInstanceKey}`, 400, 'UNKNOWN_ELEMENT_INSTANCE', { elementId: t.elementId });
          keys.push(...found);
        } else throw new InvalidArgumentError('a termination needs an elementInstanceKey or an elementId');
      }
      const send = () => commands.modify(processInstanceKey, activate, keys);
      // no transaction spans Zeebe: the app's rows commit only once the broker took the modification
      if (transactional) await o.db.transaction(async (tx) => (await send(), await transactional(tx)));
      else await send();
    },

    onUserTask(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    projectUserTasks(projector) {
      projectors.add(projector);
      return () => projectors.delete(projector);
    },

    async completeUserTask(userTaskKey: string, variables: Variables = {}, options: CompleteOptions = {}) {
      const task = await records.getTask(userTaskKey);
      if (!task) throw new NotFoundError(`user task ${userTaskKey} not found`);
      if (task.state !== 'created') throw new ConflictError(`user task ${userTaskKey} is already ${task.state}`);
      completions.set(userTaskKey, variables);
      try {
        const send = () => o.rest.completeUserTask(userTaskKey, variables);
        const hook = options.transactional;
        // the app's rows commit only once Camunda accepted the completion (no transaction held without them)
        await (hook ? o.db.transaction(async (tx) => (await hook(tx), send())) : send());
      } catch (err) {
        completions.delete(userTaskKey);
        throw restError(err, `user task ${userTaskKey} not completed`);
      }
      await records.mergeVariables(task.processInstanceKey, variables, now()).catch((err) => log.warn({ err, userTaskKey }, 'recording the completion variables failed'));
    },

    getUserTask: (userTaskKey: string) => records.getTask(userTaskKey),
    listUserTasks: (filter: UserTaskFilter = {}) => records.listTasks(filter),

    registerWorker(type: string, handler: JobHandler, options?: WorkerOptions) {
      if (type === INSTANCE_START_TYPE || type === INSTANCE_END_TYPE) throw new ConflictError(`job type ${type} is the adapter's own`, 'ALREADY_EXISTS');
      workers.register(type, handler, options);
    },

    /** Zeebe answers no job search without secondary storage: the jobs known here are those held by an incident */
    async listJobs(filter: { processInstanceKey?: string; type?: string } = {}): Promise<Job[]> {
      const incidents = await records.listIncidents({ ...(filter.processInstanceKey && { processInstanceKey: filter.processInstanceKey }), state: 'active' });
      return incidents
        .filter((i) => i.jobKey)
        .map((i) => ({ jobKey: i.jobKey!, type: '', processInstanceKey: i.processInstanceKey, processId: i.processId, elementId: i.elementId, retries: 0, state: 'incident' as const, errorMessage: i.errorMessage, createdAt: i.createdAt }))
        .filter((j) => !filter.type || j.type === filter.type);
    },

    listIncidents: (filter = {}) => records.listIncidents(filter),

    async retryIncident(incidentKey: string, options: { retries?: number } = {}) {
      const incident: Incident | undefined = await records.getIncident(incidentKey);
      if (!incident) throw new NotFoundError(`incident ${incidentKey} not found`);
      if (incident.state !== 'active') throw new ConflictError(`incident ${incidentKey} is already resolved`);
      const retries = options.retries ?? 1;
      if (!Number.isInteger(retries) || retries < 1) throw new InvalidArgumentError('retries must be a positive integer');
      if (!incident.jobKey) throw new ConflictError(`incident ${incidentKey} is not a job's: resolve it in Operate`);
      // Zeebe's key of the incident comes from its search (secondary storage); engine-only Camunda has none
      let zeebeKey: string | undefined;
      try {
        zeebeKey = await o.rest.activeIncidentKeyOfJob(incident.jobKey);
      } catch (err) {
        throw new EngineError(
          `Camunda cannot search incidents (no secondary storage), so incident ${incidentKey} cannot be resolved from here: resolve it in Operate, or run Camunda with secondary storage`,
          409,
          'INCIDENT_KEY_UNKNOWN',
          { cause: String((err as Error)?.message ?? err) },
        );
      }
      if (!zeebeKey) {
        // nothing active in Zeebe any more (resolved elsewhere): the record follows
        await records.resolveIncident(incidentKey, now());
        return;
      }
      await commands.retryIncident({ incidentKey: zeebeKey, jobKey: incident.jobKey }, retries);
      await records.resolveIncident(incidentKey, now());
    },

    // ---------------------------------------------------------------- process-instance migration (issue 18)
    /** what the records and the two diagrams show; the broker checks the instance's state at migration (checkedBy 'broker') */
    checkMigration: async (processInstanceKey, plan) => {
      const check = await checkZeebeMigration(migration, processInstanceKey, plan);
      delete check.targetVersion;
      return check;
    },
    migrateProcessInstance: (processInstanceKey, plan, options) => migrateOnZeebe(migration, processInstanceKey, plan, options),
    // ---------------------------------------------------------------- end of process-instance migration

    listProcessDefinitions: (filter = {}) => records.listDefinitions(filter),
    getProcessDefinitionXml: (key: string) => records.definitionXml(key),
    listDecisionDefinitions: (filter = {}) => records.listDecisions(filter),
    getDecisionDefinitionXml: (key: string) => records.decisionXml(key),
    async evaluateDecision(decisionId: string, variables: Variables = {}, options: { version?: number } = {}) {
      if (typeof decisionId !== 'string' || !decisionId) throw new InvalidArgumentError('decisionId is required');
      if (options.version === undefined) return commands.evaluateDecision({ decisionId }, variables);
      // Zeebe evaluates a version by its key only: the records know the keys of what was deployed here
      const decisionKey = await records.decisionKeyOf(decisionId, options.version);
      if (!decisionKey) throw new NotFoundError(`decision ${decisionId} version ${options.version} is not known`);
      return commands.evaluateDecision({ decisionKey }, variables);
    },
    countWaiting: (processId: string) => records.countWaiting(processId),
    listProcessInstances: (filter: InstanceFilter = {}) => records.listInstances(filter),
    /** Zeebe's timers are not visible without secondary storage */
    listTimers: async () => [],
    getProcessInstance: (key: string) => records.getInstance(key),
    getHistory: (key: string) => records.history(key),

    async open() {
      if (opened) return;
      opened = true;
      await records.loadForms();
      if (o.controlClock) {
        await pinClock();
        unsubscribeClock = clock.onJump?.(() => void pinClock().catch((err) => log.warn({ err }, 'pinning the Zeebe clock failed')));
      }
      workers.open();
      if (role === 'app') {
        taskListener.open();
        for (const [kind, type] of [['start', INSTANCE_START_TYPE], ['end', INSTANCE_END_TYPE]] as const) {
          instanceWorkers.push(o.grpc.createWorker({ taskType: type, taskHandler: instanceHandler(kind), timeout: 60_000 }));
        }
      }
    },

    async close() {
      opened = false;
      unsubscribeClock?.();
      const closing = instanceWorkers.splice(0);
      await Promise.allSettled([workers.close(), taskListener.close(), ...closing.map((w) => w.close())]);
      await o.grpc.close().catch(() => undefined);
    },

    async idle({ quietMs = 1_000, timeoutMs = 60_000 } = {}) {
      if (o.controlClock) await pinClock();
      const deadline = Date.now() + timeoutMs;
      let seen = -1;
      let quietSince = Date.now();
      // waiting on a broker in another process: its work shows up here as jobs arriving
      while (Date.now() < deadline) {
        if (inFlight > 0 || activity !== seen) {
          seen = activity;
          quietSince = Date.now();
        } else if (Date.now() - quietSince >= quietMs) return;
        await sleep(100);
      }
      throw new Error(`idle(): Zeebe still busy after ${timeoutMs} ms`);
    },
  };
  return engine;
}
