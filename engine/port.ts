/**
 * The engine port: everything above it (server, workers, scenario tests) talks to a process engine
 * only through these types, so the embedded adapter and the Zeebe adapter are interchangeable.
 * Keys are strings (Zeebe's int64 keys arrive as strings from its SDK as well).
 * See engine/README.md for how each call maps to Zeebe / Camunda 8.8.
 */

import type { Transaction } from 'sequelize';
import type { ExternalTaskPort } from './port-external-tasks.js';

export type * from './port-external-tasks.js';

export type Variables = Record<string, unknown>;

/**
 * A transaction on the app's database (both adapters keep their state, or their records, there): the
 * app's own writes for an engine event join it, so the event and what the app records of it commit
 * together (embedded) or the app's part is never left behind silently (Zeebe: see each call).
 */
export type AppTransaction = Transaction;

export interface DeployResource {
  /** file name, e.g. `petition.bpmn`, `unit-assessment.dmn`; also what warnings and errors refer to */
  name: string;
  content: string | Buffer;
}

export interface DeployedProcess {
  processId: string;
  version: number;
  /** key of this (processId, version) */
  processDefinitionKey: string;
  resourceName: string;
  /** true when the resource was identical to the latest version, so no new version was made */
  duplicate: boolean;
}

export interface DeployWarning {
  resourceName: string;
  elementId?: string;
  message: string;
}

/** a decision of a deployed DMN resource (a changed resource makes a new version of each of its decisions) */
export interface DeployedDecision {
  decisionId: string;
  name: string;
  version: number;
  /** key of this (decisionId, version) */
  decisionKey: string;
  /** the DMN definitions' id (Zeebe's decision requirements graph) */
  decisionRequirementsId: string;
  resourceName: string;
  /** true when the resource was identical to the latest version, so no new version was made */
  duplicate: boolean;
}

export interface DeploymentResult {
  deploymentKey: string;
  processes: DeployedProcess[];
  decisions: DeployedDecision[];
  warnings: DeployWarning[];
}

export interface StartOptions {
  /** start a given version instead of the latest */
  version?: number;
  /**
   * The app's writes that belong to this start (its business record, audit). Embedded: run in the
   * transaction that creates the instance, before the instance's first events, so both commit or
   * neither. Zeebe: run in an app transaction that commits only once the broker created the instance.
   */
  transactional?: (tx: AppTransaction, ref: ProcessInstanceRef) => Promise<void>;
}

export interface SetVariablesOptions {
  /**
   * The app's record of the change (an operator's audit entry). Embedded: in the transaction that
   * sets the variables, both or neither. Zeebe: in an app transaction that commits once the broker
   * took the variables (a crash between the two leaves the change without its record).
   */
  transactional?: (tx: AppTransaction) => Promise<void>;
}

export interface CancelOptions {
  /**
   * The app's writes that belong to the cancellation (the case's status, its mark, the audit line).
   * Embedded: in the transaction that cancels the instance, so both commit or neither. Zeebe: the app's
   * transaction commits first, then the instance is canceled (an instance already gone counts as
   * canceled), so a crash between the two leaves the app's record for a reconciler to finish.
   */
  transactional?: (tx: AppTransaction) => Promise<void>;
}

export interface CompleteOptions {
  /**
   * The app's writes that belong to the completion (audit). Embedded: in the engine's transaction.
   * Zeebe: in an app transaction that commits only once Camunda accepted the completion.
   */
  transactional?: (tx: AppTransaction) => Promise<void>;
}

/**
 * Keeps the app's projection of a case in step with its user tasks. Embedded: called inside the
 * transaction that creates, completes or cancels the task (a throw rolls the event back). Zeebe:
 * called in an app transaction before the task listener's job completes (at least once: it must be
 * idempotent).
 */
export type UserTaskProjector = (event: UserTaskEvent, tx: AppTransaction) => Promise<void>;

export interface ProcessInstanceRef {
  processInstanceKey: string;
  processId: string;
  version: number;
  processDefinitionKey: string;
}

export interface PublishMessageRequest {
  name: string;
  correlationKey: string;
  variables?: Variables;
  /** milliseconds the message is buffered for subscriptions that open later; 0 = not buffered */
  timeToLive?: number;
  /** publishing the same messageId again (same name + correlation key) while it is buffered is refused */
  messageId?: string;
  /**
   * The app's writes that belong to this publication (its audit line), given what it correlated.
   * Embedded: in the transaction that correlates the message, so both commit or neither. Zeebe: in
   * an app transaction that commits only once the broker took the message.
   */
  transactional?: (tx: AppTransaction, result: PublishMessageResult) => Promise<void>;
}

export interface PublishMessageResult {
  messageKey: string;
  /** process instances the message was correlated to on publication (started ones included) */
  correlatedInstanceKeys: string[];
  buffered: boolean;
}

export type InstanceState = 'active' | 'completed' | 'canceled' | 'incident';

export interface ProcessInstance extends ProcessInstanceRef {
  state: InstanceState;
  parentProcessInstanceKey?: string;
  variables: Variables;
  startedAt: Date;
  endedAt?: Date;
}

export type UserTaskState = 'created' | 'completed' | 'canceled';

export interface UserTask {
  userTaskKey: string;
  processInstanceKey: string;
  processId: string;
  elementId: string;
  name?: string;
  assignee?: string;
  candidateGroups: string[];
  candidateUsers: string[];
  formId?: string;
  dueDate?: string;
  followUpDate?: string;
  priority?: number;
  state: UserTaskState;
  /** the process variables when the task was created (for display; complete() sends new ones) */
  variables: Variables;
  createdAt: Date;
  endedAt?: Date;
}

export type UserTaskEvent =
  | { type: 'created'; task: UserTask }
  | { type: 'completed'; task: UserTask; variables: Variables }
  | { type: 'canceled'; task: UserTask };

export interface JobContext {
  jobKey: string;
  type: string;
  processInstanceKey: string;
  processId: string;
  elementId: string;
  /** zeebe:taskHeaders */
  headers: Record<string, string>;
  /** retries left, counting this attempt */
  retries: number;
  logger?: { info(o: object, msg?: string): void; warn(o: object, msg?: string): void };
  /**
   * Writes that belong to the job's outcome: run in the transaction that completes the job (or
   * throws its business error), after the handler returned — they commit with the next waits or not
   * at all. A failed job runs none. Embedded: the completion's own transaction; Zeebe: an app
   * transaction before the broker hears the outcome (at least once, so the writes are idempotent).
   */
  transactional?: (work: (tx: AppTransaction) => Promise<void>) => void;
}

/** A job handler: variables in, output variables out (merged into the process per the output mappings). */
export type JobHandler = (variables: Variables, ctx: JobContext) => Promise<Variables | void> | Variables | void;

export interface UserTaskFilter {
  processInstanceKey?: string;
  state?: UserTaskState;
  candidateGroups?: readonly string[];
}

export interface WorkerOptions {
  /** ms before a locked job is offered again (a crashed worker); default 5 min */
  timeout?: number;
  /** backoff before a failed job is retried: ms, or a function of the attempt number (1-based) */
  backoff?: number | ((attempt: number) => number);
  /**
   * Embedded engine: run the handler in the transaction that reaches the job (Camunda 7's
   * synchronous service task), so the job's outcome and the next waits commit with what led to it —
   * one transaction instead of two. Only for handlers that compute from their variables and write
   * through `JobContext.transactional` alone (a transaction of their own would wait for this one). A
   * handler that throws there leaves an ordinary job, run and retried as any other. Zeebe: ignored.
   */
  inline?: boolean;
}

export interface Job {
  jobKey: string;
  type: string;
  processInstanceKey: string;
  processId: string;
  elementId: string;
  retries: number;
  /** activatable: waiting for a worker (also when no worker for its type is registered); activated: a worker has it */
  state: 'activatable' | 'activated' | 'incident';
  /** not before this instant (backoff after a failure) */
  notBefore?: Date;
  errorMessage?: string;
  createdAt: Date;
}

export interface Incident {
  incidentKey: string;
  processInstanceKey: string;
  processId: string;
  elementId: string;
  jobKey?: string;
  /** e.g. JOB_NO_RETRIES, EXTRACT_VALUE_ERROR, CONDITION_ERROR, UNHANDLED_ERROR_EVENT */
  errorType: string;
  errorMessage: string;
  state: 'active' | 'resolved';
  createdAt: Date;
}

export type HistoryEventType =
  | 'activated'
  | 'completed'
  | 'terminated'
  | 'timer-fired'
  | 'message-correlated'
  | 'job-created'
  | 'job-completed'
  | 'job-failed'
  | 'job-error-thrown'
  | 'decision-evaluated'
  | 'incident'
  | 'incident-resolved'
  | 'variables-updated'
  | 'canceled'
  /** the instance moved to another version of its process (migrateProcessInstance) */
  | 'migrated';

export interface HistoryEvent {
  id: number;
  processInstanceKey: string;
  elementId: string;
  elementType: string;
  event: HistoryEventType;
  at: Date;
  detail?: Record<string, unknown>;
}

export interface ProcessDefinition {
  processDefinitionKey: string;
  processId: string;
  version: number;
  resourceName: string;
  deployedAt: Date;
  deployedBy?: string;
}

/** a deployed decision version (the admin pages list them like process definitions) */
export interface DecisionDefinition {
  decisionKey: string;
  decisionId: string;
  name: string;
  version: number;
  /** how many versions of this decision are deployed */
  versions: number;
  decisionRequirementsId: string;
  resourceName: string;
  deployedAt: Date;
  deployedBy?: string;
}

/** a rule that matched in a decision table, with its evaluated outputs by output name */
export interface MatchedDecisionRule {
  ruleId: string;
  /** 1-based, in table order (Zeebe's ruleIndex) */
  ruleIndex: number;
  outputs: Record<string, unknown>;
}

export interface DecisionEvaluation {
  decisionId: string;
  decisionKey: string;
  version: number;
  /**
   * As Zeebe gives it: one output → its value, several → a context; UNIQUE / FIRST / ANY / PRIORITY →
   * one result (null when no rule matched); RULE ORDER / OUTPUT ORDER / COLLECT → a list; COLLECT
   * with an aggregation → a number
   */
  result: unknown;
  /** the rules of the evaluated decision that matched (not those of decisions it requires) */
  matchedRules: MatchedDecisionRule[];
}

/** how many running instances of a version wait at an element (a user task, job, timer or message) */
export interface WaitingCount {
  version: number;
  elementId: string;
  instances: number;
}

export interface InstanceFilter {
  processId?: string;
  version?: number;
  state?: InstanceState;
  /** started at or after */
  startedFrom?: Date;
  /** started before */
  startedTo?: Date;
  /** at most 500 (default 50), newest first */
  limit?: number;
  offset?: number;
}

export interface PendingTimer {
  elementId: string;
  dueAt: Date;
}

// ---------------------------------------------------------------- process-instance modification
/**
 * Operate's "modify": activate an element (a token added before it: what entering it sets up —
 * input mappings, boundary timers and subscriptions, its task or job — is set up), terminate an
 * element instance (its task, job, timers and subscriptions go, as on cancellation), or both in one
 * command (a token moved). Activations are applied first, then terminations.
 */
export interface ModifyInstructions {
  /** `variables`: merged into the process variables before the element is entered */
  activate?: { elementId: string; variables?: Variables }[];
  /**
   * an element instance by its key (embedded: the execution id of the history's `executionId`, or
   * the key of its user task or job), or every active instance of an element by `elementId`
   */
  terminate?: { elementInstanceKey?: string; elementId?: string }[];
}

export interface ModifyOptions {
  /**
   * The app's writes that belong to the modification (its audit line). Embedded: in the transaction
   * that modifies the instance. Zeebe: in an app transaction that commits only once the broker took it.
   */
  transactional?: (tx: AppTransaction) => Promise<void>;
}

// ---------------------------------------------------------------- process-instance migration (issue 18)

/** one element of the running version and the element of the target version it moves to */
export interface MigrationMappingInstruction {
  sourceElementId: string;
  targetElementId: string;
}

/** Camunda 8.8's migration plan: elements with the same id in both versions map without an instruction */
export interface MigrationPlan {
  targetProcessDefinitionKey: string;
  mappingInstructions: MigrationMappingInstruction[];
}

export type MigrationProblemCode =
  /** the instance ended or is canceled */
  | 'NOT_ACTIVE'
  /** the instance has an active incident: resolve it first */
  | 'HAS_INCIDENT'
  | 'TARGET_NOT_FOUND'
  /** the target definition is of another process id */
  | 'DIFFERENT_PROCESS'
  /** a mapping instruction names an element that is not in its version, or maps one element twice */
  | 'INVALID_MAPPING'
  /** an active element has no element in the target (no instruction, no element of the same id) */
  | 'UNMAPPED_ELEMENT'
  /** an active element maps to an element of another type (a user task to a service task …) */
  | 'ELEMENT_TYPE_CHANGED'
  /** a waiting event's kind changed (a timer boundary that became a message …) */
  | 'EVENT_TYPE_CHANGED'
  /** an element would land in another sub-process (or out of one) */
  | 'SCOPE_CHANGED'
  /** the instance waits at a call activity: its child instance is not migrated along */
  | 'CALL_ACTIVITY'
  /** a state the engine does not move (a token waiting at a parallel join, a multi-instance change …) */
  | 'UNSUPPORTED';

export interface MigrationProblem {
  code: MigrationProblemCode;
  /** the element of the running version concerned, when one is */
  elementId?: string;
  message: string;
}

export interface MigrationCheck {
  processInstanceKey: string;
  /** the version the instance runs on, when it was found */
  sourceProcessDefinitionKey?: string;
  targetProcessDefinitionKey: string;
  migratable: boolean;
  problems: MigrationProblem[];
  /** the active elements and where they go (same ids included) */
  elements: MigrationMappingInstruction[];
  /** 'engine': checked here against the instance's state; 'broker': Zeebe checks at migration, `problems` are what the diagrams alone show */
  checkedBy: 'engine' | 'broker';
}

export interface MigrateOptions {
  /**
   * The app's writes that belong to the migration (its audit line). Embedded: in the transaction that
   * moves the instance, so both commit or neither. Zeebe: in an app transaction that commits only once
   * the broker accepted the migration.
   */
  transactional?: (tx: AppTransaction) => Promise<void>;
}

export interface EngineMigrationPort {
  /** whether an instance can move to the plan's target version, and each reason it cannot */
  checkMigration(processInstanceKey: string, plan: MigrationPlan): Promise<MigrationCheck>;
  /**
   * Move an instance to the plan's target version: its tokens, user tasks, jobs, timers (re-armed from
   * its variables by the target's timer definition, from when the element was entered) and message
   * subscriptions; variables and history stay. InvalidArgumentError with the check's reasons when it
   * cannot move; NotFoundError when the instance is unknown.
   */
  migrateProcessInstance(processInstanceKey: string, plan: MigrationPlan, options?: MigrateOptions): Promise<void>;
}
// ---------------------------------------------------------------- end of process-instance migration

export interface EnginePort extends EngineMigrationPort {
  /** Camunda 7's external-task protocol (embedded engine; undefined on Zeebe) */
  readonly externalTasks?: ExternalTaskPort;
  /**
   * Parse and deploy diagrams (`.bpmn`) and decisions (`.dmn`); a changed process or DMN resource
   * becomes version N+1 (of each decision in it). Rejects unparsable resources, all or nothing.
   */
  deploy(resources: DeployResource[], meta?: { deployedBy?: string }): Promise<DeploymentResult>;
  start(processId: string, variables?: Variables, options?: StartOptions): Promise<ProcessInstanceRef>;
  publishMessage(request: PublishMessageRequest): Promise<PublishMessageResult>;
  cancel(processInstanceKey: string, options?: CancelOptions): Promise<void>;
  /** set (merge) process variables, e.g. to fix the cause of an incident before retrying it */
  setVariables(processInstanceKey: string, variables: Variables, options?: SetVariablesOptions): Promise<void>;

  /** user tasks */
  onUserTask(listener: (event: UserTaskEvent) => void | Promise<void>): () => void;
  /** the app's projection of user tasks, written with the engine's change (see UserTaskProjector) */
  projectUserTasks(projector: UserTaskProjector): () => void;
  completeUserTask(userTaskKey: string, variables?: Variables, options?: CompleteOptions): Promise<void>;
  getUserTask(userTaskKey: string): Promise<UserTask | undefined>;
  /** `candidateGroups`: only the tasks offered to one of these groups (none given: none such) */
  listUserTasks(filter?: UserTaskFilter): Promise<UserTask[]>;

  /** job workers */
  registerWorker(type: string, handler: JobHandler, options?: WorkerOptions): void;
  listJobs(filter?: { processInstanceKey?: string; type?: string }): Promise<Job[]>;

  /** incidents */
  listIncidents(filter?: { processInstanceKey?: string; state?: 'active' | 'resolved' }): Promise<Incident[]>;
  /** resolve an incident: a job incident gets `retries` again (default 1); any other re-runs its element */
  retryIncident(incidentKey: string, options?: { retries?: number }): Promise<void>;

  /** deployed definitions, newest version first (of one process when given) */
  listProcessDefinitions(filter?: { processId?: string }): Promise<ProcessDefinition[]>;
  /** the BPMN XML of a deployed definition */
  getProcessDefinitionXml(processDefinitionKey: string): Promise<string | undefined>;
  /**
   * deployed decisions: every version, newest first (of one decision when given); `latestOnly`: the
   * latest version of each decision. Each carries how many versions its decision has.
   */
  listDecisionDefinitions(filter?: { decisionId?: string; latestOnly?: boolean }): Promise<DecisionDefinition[]>;
  /** the DMN XML a deployed decision version came from (its whole resource) */
  getDecisionDefinitionXml(decisionKey: string): Promise<string | undefined>;
  /**
   * Evaluate the latest version of a deployed decision (or `version`) against variables, as a
   * business-rule task would. NotFoundError when not deployed; a failed evaluation (UNIQUE with two
   * matches …) → InvalidArgumentError naming the decision.
   */
  evaluateDecision(decisionId: string, variables?: Variables, options?: { version?: number }): Promise<DecisionEvaluation>;
  /** running instances of a process by version and the element they wait at */
  countWaiting(processId: string): Promise<WaitingCount[]>;

  /** inspection */
  listProcessInstances(filter?: InstanceFilter): Promise<ProcessInstance[]>;
  /** the timers an instance waits for, earliest first */
  listTimers(processInstanceKey: string): Promise<PendingTimer[]>;
  getProcessInstance(processInstanceKey: string): Promise<ProcessInstance | undefined>;
  getHistory(processInstanceKey: string): Promise<HistoryEvent[]>;

  // ---------------------------------------------------------------- process-instance modification
  /**
   * Move, add or cancel tokens of a running instance (ModifyInstructions). Refused (EngineError with
   * its code): UNKNOWN_ELEMENT, ELEMENT_NOT_ACTIVATABLE (a start or boundary event), SCOPE_NOT_ACTIVE
   * (inside a sub-process with no active instance, or several), UNKNOWN_ELEMENT_INSTANCE,
   * INSTANCE_NOT_ACTIVE, NO_TOKEN_LEFT (nothing would run on: cancel the instance instead),
   * NOTHING_TO_DO.
   */
  modifyProcessInstance(processInstanceKey: string, instructions: ModifyInstructions, options?: ModifyOptions): Promise<void>;

  /** begin working: timers, jobs, message expiry (an engine serves deploy/start/... without it too) */
  open(): Promise<void>;
  /** stop working and release resources; waiting instances stay where they are */
  close(): Promise<void>;
}
