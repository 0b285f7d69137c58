/**
 * The embedded adapter of the engine port: the interpreter (token-run.ts) runs the diagrams with
 * Zeebe's semantics, this module makes them durable. Every event (start, job done, task completed,
 * message, timer due, incident retried) is handled in one database transaction: load the instance's
 * tokens, apply the event, run to the next waits (inline jobs included), save tokens, wait indexes
 * and history. Waiting instances cost no memory: they are rows.
 *
 * The Embedded class only composes: its state is the Core (core.ts), every call is a function of
 * the module for its concern (engine/README.md lists them), given the engine as `core`.
 */
import type { EnginePort, ExternalTaskPort } from '../port.js';
import { Core } from './core.js';
import * as decisions from './decisions.js';
import * as external from './external-tasks.js';
import * as definitions from './definitions.js';
import * as incidents from './incidents.js';
import * as instances from './instances.js';
import * as jobs from './jobs.js';
import * as lifecycle from './lifecycle.js';
import * as messages from './messages.js';
import * as modification from './modify.js';
import * as migration from './migrate.js';
import * as queries from './queries.js';
import * as settling from './settle.js';
import * as timers from './timers.js';
import * as userTasks from './user-tasks.js';
import * as waits from './waits.js';
import type { EmbeddedEngineOptions } from './core.js';

export type { EngineLogger } from './ctx.js';
export type { EmbeddedEngineOptions } from './core.js';

export interface EmbeddedEngine extends EnginePort {
  /** run everything due now until nothing is left (tests, scripts) */
  idle(): Promise<void>;
}

export function createEmbeddedEngine(options: EmbeddedEngineOptions): EmbeddedEngine {
  return new Embedded(options);
}

/** the arguments of a module's function after the engine it works on */
type Args<F> = F extends (core: Core, ...args: infer A) => unknown ? A : never;

class Embedded extends Core implements EmbeddedEngine {
  // ---------------------------------------------------------------- lifecycle
  open(...a: Args<typeof lifecycle.open>) { return lifecycle.open(this, ...a); }
  close(...a: Args<typeof lifecycle.close>) { return lifecycle.close(this, ...a); }
  idle(...a: Args<typeof lifecycle.idle>) { return lifecycle.idle(this, ...a); }
  scheduleTimers(...a: Args<typeof lifecycle.scheduleTimers>) { return lifecycle.scheduleTimers(this, ...a); }
  scheduleJobs(...a: Args<typeof lifecycle.scheduleJobs>) { return lifecycle.scheduleJobs(this, ...a); }
  dispatch(...a: Args<typeof lifecycle.dispatch>) { return lifecycle.dispatch(this, ...a); }

  // ---------------------------------------------------------------- models and deployment
  deploy(...a: Args<typeof definitions.deploy>) { return definitions.deploy(this, ...a); }
  modelOf(...a: Args<typeof definitions.modelOf>) { return definitions.modelOf(this, ...a); }
  latest(...a: Args<typeof definitions.latest>) { return definitions.latest(this, ...a); }
  getMessageStarts(...a: Args<typeof definitions.getMessageStarts>) { return definitions.getMessageStarts(this, ...a); }

  // ---------------------------------------------------------------- decisions
  saveDecisions(...a: Args<typeof decisions.saveDecisions>) { return decisions.saveDecisions(this, ...a); }
  decide(...a: Args<typeof decisions.decide>) { return decisions.decide(this, ...a); }
  evaluateDecision(...a: Args<typeof decisions.evaluateDecision>) { return decisions.evaluateDecision(this, ...a); }
  listDecisionDefinitions(...a: Args<typeof decisions.listDecisionDefinitions>) { return decisions.listDecisionDefinitions(this, ...a); }
  getDecisionDefinitionXml(...a: Args<typeof decisions.getDecisionDefinitionXml>) { return decisions.getDecisionDefinitionXml(this, ...a); }

  // ---------------------------------------------------------------- instances
  start(...a: Args<typeof instances.start>) { return instances.start(this, ...a); }
  cancel(...a: Args<typeof instances.cancel>) { return instances.cancel(this, ...a); }
  setVariables(...a: Args<typeof instances.setVariables>) { return instances.setVariables(this, ...a); }
  startInstance(...a: Args<typeof instances.startInstance>) { return instances.startInstance(this, ...a); }
  cancelIn(...a: Args<typeof instances.cancelIn>) { return instances.cancelIn(this, ...a); }
  withInstance(...a: Args<typeof settling.withInstance>) { return settling.withInstance(this, ...a); }
  apply(...a: Args<typeof settling.apply>) { return settling.apply(this, ...a); }
  settle(...a: Args<typeof settling.settle>) { return settling.settle(this, ...a); }
  addWait(...a: Args<typeof waits.addWait>) { return waits.addWait(this, ...a); }
  removeWait(...a: Args<typeof waits.removeWait>) { return waits.removeWait(this, ...a); }
  childIncident(...a: Args<typeof waits.childIncident>) { return waits.childIncident(this, ...a); }

  // ---------------------------------------------------------------- process-instance modification
  modifyProcessInstance(...a: Args<typeof modification.modifyProcessInstance>) { return modification.modifyProcessInstance(this, ...a); }
  // ---------------------------------------------------------------- process-instance migration (issue 18)
  checkMigration(...a: Args<typeof migration.checkMigration>) { return migration.checkMigration(this, ...a); }
  migrateProcessInstance(...a: Args<typeof migration.migrateProcessInstance>) { return migration.migrateProcessInstance(this, ...a); }
  // ---------------------------------------------------------------- end of process-instance migration

  // ---------------------------------------------------------------- read queries
  getProcessInstance(...a: Args<typeof queries.getProcessInstance>) { return queries.getProcessInstance(this, ...a); }
  listProcessInstances(...a: Args<typeof queries.listProcessInstances>) { return queries.listProcessInstances(this, ...a); }
  listTimers(...a: Args<typeof queries.listTimers>) { return queries.listTimers(this, ...a); }
  listProcessDefinitions(...a: Args<typeof queries.listProcessDefinitions>) { return queries.listProcessDefinitions(this, ...a); }
  getProcessDefinitionXml(...a: Args<typeof queries.getProcessDefinitionXml>) { return queries.getProcessDefinitionXml(this, ...a); }
  countWaiting(...a: Args<typeof queries.countWaiting>) { return queries.countWaiting(this, ...a); }
  getHistory(...a: Args<typeof queries.getHistory>) { return queries.getHistory(this, ...a); }

  // ---------------------------------------------------------------- messages
  publishMessage(...a: Args<typeof messages.publishMessage>) { return messages.publishMessage(this, ...a); }
  findBufferedMessage(...a: Args<typeof messages.findBufferedMessage>) { return messages.findBufferedMessage(this, ...a); }
  markCorrelated(...a: Args<typeof messages.markCorrelated>) { return messages.markCorrelated(this, ...a); }
  expireMessages(...a: Args<typeof messages.expireMessages>) { return messages.expireMessages(this, ...a); }

  // ---------------------------------------------------------------- timers
  fireDueTimers(...a: Args<typeof timers.fireDueTimers>) { return timers.fireDueTimers(this, ...a); }

  // ---------------------------------------------------------------- jobs
  registerWorker(...a: Args<typeof jobs.registerWorker>) { return jobs.registerWorker(this, ...a); }
  listJobs(...a: Args<typeof jobs.listJobs>) { return jobs.listJobs(this, ...a); }
  lockDueJobs(...a: Args<typeof jobs.lockDueJobs>) { return jobs.lockDueJobs(this, ...a); }
  runJob(...a: Args<typeof jobs.runJob>) { return jobs.runJob(this, ...a); }

  // ---------------------------------------------------------------- external tasks (issue 19)
  readonly externalTasks: ExternalTaskPort = {
    fetchAndLock: (...a) => external.fetchAndLock(this, ...a),
    waitForTasks: (...a) => external.waitForTasks(this, ...a),
    getExternalTask: (...a) => external.getExternalTask(this, ...a),
    complete: (...a) => external.complete(this, ...a),
    fail: (...a) => external.fail(this, ...a),
    bpmnError: (...a) => external.bpmnError(this, ...a),
    extendLock: (...a) => external.extendLock(this, ...a),
    unlock: (...a) => external.unlock(this, ...a),
  };

  // ---------------------------------------------------------------- incidents
  listIncidents(...a: Args<typeof incidents.listIncidents>) { return incidents.listIncidents(this, ...a); }
  retryIncident(...a: Args<typeof incidents.retryIncident>) { return incidents.retryIncident(this, ...a); }

  // ---------------------------------------------------------------- user tasks
  onUserTask(...a: Args<typeof userTasks.onUserTask>) { return userTasks.onUserTask(this, ...a); }
  projectUserTasks(...a: Args<typeof userTasks.projectUserTasks>) { return userTasks.projectUserTasks(this, ...a); }
  getUserTask(...a: Args<typeof userTasks.getUserTask>) { return userTasks.getUserTask(this, ...a); }
  listUserTasks(...a: Args<typeof userTasks.listUserTasks>) { return userTasks.listUserTasks(this, ...a); }
  completeUserTask(...a: Args<typeof userTasks.completeUserTask>) { return userTasks.completeUserTask(this, ...a); }
  taskEvent(...a: Args<typeof userTasks.taskEvent>) { return userTasks.taskEvent(this, ...a); }
  toTask(...a: Args<typeof userTasks.toTask>) { return userTasks.toTask(this, ...a); }
}
