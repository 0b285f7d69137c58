/**
 * The part of `@camunda8/sdk` (8.8) the Zeebe adapter uses, as structural types: the SDK's
 * ZeebeGrpcClient and its jobs satisfy them, and the adapter's tests replace them with fakes. Keys
 * are strings (the SDK hands Zeebe's int64 keys over as strings).
 */
export interface GrpcProcessMetadata {
  bpmnProcessId: string;
  version: number;
  processDefinitionKey: string;
  resourceName: string;
}

/** `{ decision: … }` of a deployment: one per decision of a deployed DMN resource */
export interface GrpcDecisionMetadata {
  dmnDecisionId: string;
  dmnDecisionName: string;
  version: number;
  decisionKey: string;
  dmnDecisionRequirementsId: string;
  decisionRequirementsKey: string;
}

/** `{ decisionRequirements: … }` of a deployment: the DMN resource itself (it alone names the resource) */
export interface GrpcDecisionRequirementsMetadata {
  dmnDecisionRequirementsId: string;
  version: number;
  decisionRequirementsKey: string;
  resourceName: string;
}

/** EvaluateDecision's answer; outputs are JSON text */
export interface GrpcDecisionEvaluation {
  decisionKey: string;
  decisionId: string;
  decisionVersion: number;
  decisionOutput: string;
  evaluatedDecisions: { decisionId: string; matchedRules: { ruleId: string; ruleIndex: number; evaluatedOutputs: { outputName: string; outputValue: string }[] }[] }[];
  failedDecisionId: string;
  failureMessage: string;
}

export interface GrpcDeployResponse {
  key: string;
  /** `{ process: GrpcProcessMetadata }`, `{ form: … }`, `{ decision: … }`: narrowed where read */
  deployments: unknown[];
}

/** variables as the SDK types them (JSON values) */
export type GrpcVariables = Record<string, any>;

export interface GrpcJob {
  key: string;
  type: string;
  processInstanceKey: string;
  bpmnProcessId: string;
  processDefinitionVersion: number;
  elementId: string;
  customHeaders: Record<string, any>;
  retries: number;
  variables: GrpcVariables;
  /** each answers the SDK's acknowledgement, which a task handler must return */
  complete(variables?: GrpcVariables): Promise<any>;
  error(error: { errorCode: string; errorMessage?: string; variables: GrpcVariables }): Promise<any>;
  fail(failure: { errorMessage: string; retries?: number; retryBackOff?: number }): Promise<any>;
}

export interface GrpcWorker {
  close(timeout?: number): Promise<unknown>;
}

export interface ZeebeGrpcApi {
  deployResources(resources: ({ name: string; process: Buffer } | { name: string; form: Buffer } | { name: string; decision: Buffer })[]): Promise<GrpcDeployResponse>;
  /** a deployed decision by id (its latest version) or by key (one version) */
  evaluateDecision(request: { decisionId: string; variables: GrpcVariables } | { decisionKey: string; variables: GrpcVariables }): Promise<GrpcDecisionEvaluation>;
  createProcessInstance(request: { bpmnProcessId: string; variables: GrpcVariables; version?: number }): Promise<{ processInstanceKey: string; bpmnProcessId: string; version: number; processDefinitionKey: string }>;
  publishMessage(request: { name: string; correlationKey: string; variables?: GrpcVariables; timeToLive?: number; messageId?: string }): Promise<{ key: string }>;
  cancelProcessInstance(processInstanceKey: string): Promise<void>;
  setVariables(request: { elementInstanceKey: string; variables: GrpcVariables; local: boolean }): Promise<unknown>;
  createWorker(config: { taskType: string; taskHandler: (job: GrpcJob) => Promise<any>; timeout?: number; maxJobsToActivate?: number }): GrpcWorker;
  updateJobRetries(request: { jobKey: string; retries: number }): Promise<unknown>;
  resolveIncident(request: { incidentKey: string }): Promise<unknown>;
  close(timeout?: number): Promise<unknown>;
  // ---------------------------------------------------------------- process-instance migration (issue 18)
  /** Zeebe's MigrateProcessInstance (8.5+): the broker checks the plan against the instance and refuses with INVALID_ARGUMENT */
  migrateProcessInstance(request: { processInstanceKey: string; migrationPlan: { targetProcessDefinitionKey: string; mappingInstructions: { sourceElementId: string; targetElementId: string }[] } }): Promise<unknown>;
  // ---------------------------------------------------------------- process-instance modification
  /** ModifyProcessInstance: `ancestorElementInstanceKey` '-1' = the one active instance of the element's flow scope; `scopeId` '' = global variables */
  modifyProcessInstance(request: GrpcModifyRequest): Promise<unknown>;
}

export interface GrpcModifyRequest {
  processInstanceKey: string;
  activateInstructions: { elementId: string; ancestorElementInstanceKey: string; variableInstructions: { variables: GrpcVariables; scopeId: string }[] }[];
  terminateInstructions: { elementInstanceKey: string }[];
}

/** a gRPC status the SDK raises (`code` is the gRPC status number) */
export interface GrpcErrorLike {
  code?: number;
  details?: string;
  message?: string;
}

export const GRPC = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, FAILED_PRECONDITION: 9 } as const;
