/**
 * The SDK's clients behind the adapter's boundaries (sdk-boundary.ts, listener-worker.ts). Each call is written out
 * against the SDK's own types, so `tsc` checks every request and answer the adapter relies on —
 * an SDK upgrade that changes one fails the build here. Types only: the caller passes the client
 * (`new Camunda8().getZeebeGrpcApiClient()`), so nothing of the SDK loads unless Zeebe is used.
 */
import type { CamundaClient, ElementId, JobKey, ProcessInstanceKey, UserTaskKey } from '@camunda8/orchestration-cluster-api';
import type { Zeebe } from '@camunda8/sdk';
import type { ZeebeRestApi } from './listener-worker.js';
import type { GrpcVariables, GrpcWorker, ZeebeGrpcApi } from './sdk-boundary.js';

type Client = Zeebe.ZeebeGrpcClient;

/** the app's logger as the SDK's worker log sink (it hands over JSON lines) */
export interface SdkLogSink {
  debug(message: string): void;
  info(message: string): void;
  error(message: string): void;
}

export function wrapGrpcClient(c: Client, options: { stdout?: SdkLogSink } = {}): ZeebeGrpcApi {
  return {
    deployResources: (resources) => c.deployResources(resources),
    evaluateDecision: (r) => c.evaluateDecision(r),
    createProcessInstance: (r) => c.createProcessInstance<GrpcVariables>({ bpmnProcessId: r.bpmnProcessId, variables: r.variables, ...(r.version !== undefined && { version: r.version }) }),
    publishMessage: (r) => c.publishMessage<GrpcVariables>(r),
    cancelProcessInstance: (key) => c.cancelProcessInstance(key),
    setVariables: (r) => c.setVariables<GrpcVariables>(r),
    createWorker: (config): GrpcWorker =>
      c.createWorker<GrpcVariables, GrpcVariables, GrpcVariables>({
        taskType: config.taskType,
        // the SDK's job carries more than the boundary reads; tsc checks that it has all of that
        taskHandler: (job) => config.taskHandler(job),
        ...(config.timeout !== undefined && { timeout: config.timeout }),
        ...(config.maxJobsToActivate !== undefined && { maxJobsToActivate: config.maxJobsToActivate }),
        ...(options.stdout && { stdout: options.stdout }),
      }),
    updateJobRetries: (r) => c.updateJobRetries(r),
    resolveIncident: (r) => c.resolveIncident(r),
    close: (timeout) => c.close(timeout),
    // process-instance modification
    modifyProcessInstance: (r) => c.modifyProcessInstance(r),
    migrateProcessInstance: (r) => c.migrateProcessInstance(r),
  };
}

/**
 * The REST client (`new Camunda8().getOrchestrationClusterApiClient()`) behind the listener worker's
 * boundary (listener-worker.ts), written against its own types as above.
 */
export function wrapRestClient(c: CamundaClient): ZeebeRestApi {
  return {
    createJobWorker: (config) => {
      const w = c.createJobWorker({
        jobType: config.jobType,
        maxParallelJobs: config.maxParallelJobs,
        jobTimeoutMs: config.jobTimeoutMs,
        ...(config.autoStart !== undefined && { autoStart: config.autoStart }),
        jobHandler: (job) => config.jobHandler(job),
      });
      return { start: () => w.start(), stopGracefully: (opts) => w.stopGracefully(opts) };
    },
    completeUserTask: (userTaskKey, variables) => c.completeUserTask({ userTaskKey: userTaskKey as UserTaskKey, variables }),
    pinClock: (epochMs) => c.pinClock({ timestamp: epochMs }),
    activeIncidentKeyOfJob: async (jobKey) => {
      // no waiting for eventual consistency: the incident was raised well before anyone retries it
      const r = await c.searchIncidents({ filter: { jobKey: jobKey as JobKey, state: 'ACTIVE' }, page: { limit: 1 } }, { consistency: { waitUpToMs: 0 } });
      const key = r.items?.[0]?.incidentKey;
      return key ? String(key) : undefined;
    },
    // process-instance modification: an element's active instances (a terminate instruction names keys only)
    activeElementInstanceKeys: async (processInstanceKey, elementId) => {
      const r = await c.searchElementInstances(
        { filter: { processInstanceKey: processInstanceKey as ProcessInstanceKey, elementId: elementId as ElementId, state: 'ACTIVE' }, page: { limit: 100 } },
        { consistency: { waitUpToMs: 0 } },
      );
      return (r.items ?? []).map((i) => String(i.elementInstanceKey));
    },
  };
}
