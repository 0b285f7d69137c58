/**
 * The port's commands on Zeebe's gRPC API (deploy, start, publish a message, cancel, set variables,
 * retry an incident), with Zeebe's rejections turned into the port's errors: INVALID_ARGUMENT on a
 * deployment → InvalidResourceError (nothing is deployed, as Zeebe deploys all or nothing),
 * NOT_FOUND → NotFoundError, ALREADY_EXISTS on a message id → ConflictError('ALREADY_EXISTS').
 */
import { ConflictError, EngineError, InvalidArgumentError, InvalidResourceError, NotFoundError } from '../errors.js';
import type { MigrationPlan, DecisionEvaluation, DeployedDecision, DeployResource, DeploymentResult, ProcessInstanceRef, PublishMessageRequest, PublishMessageResult, StartOptions, Variables } from '../port.js';
import { GRPC, type GrpcDecisionMetadata, type GrpcDecisionRequirementsMetadata, type GrpcErrorLike, type GrpcProcessMetadata, type ZeebeGrpcApi } from './sdk-boundary.js';

const text = (c: string | Buffer) => (Buffer.isBuffer(c) ? c : Buffer.from(c, 'utf8'));
const reason = (err: GrpcErrorLike) => err.details || err.message || String(err);

/** a gRPC rejection as the port's error; anything else (unavailable, deadline) stays as it is: the caller retries */
export function portError(err: unknown, notFound: string): unknown {
  const e = (err ?? {}) as GrpcErrorLike;
  if (e.code === GRPC.NOT_FOUND) return new NotFoundError(`${notFound}: ${reason(e)}`);
  if (e.code === GRPC.ALREADY_EXISTS) return new ConflictError(reason(e), 'ALREADY_EXISTS');
  if (e.code === GRPC.INVALID_ARGUMENT) return new InvalidArgumentError(reason(e));
  if (e.code === GRPC.FAILED_PRECONDITION) return new ConflictError(reason(e), 'FAILED_PRECONDITION');
  return err;
}

export interface CommandOptions {
  /** whether a process definition key was deployed before this deployment (Zeebe answers a duplicate with the existing version) */
  knownDefinition?: (processDefinitionKey: string) => Promise<boolean>;
  /** the same for a decision key */
  knownDecision?: (decisionKey: string) => Promise<boolean>;
}

/** JSON text from Zeebe (decision outputs), as a value */
const json = (s: string | undefined): unknown => {
  if (s === undefined || s === '') return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
};

export function createZeebeCommands(grpc: ZeebeGrpcApi, options: CommandOptions = {}) {
  return {
    async deploy(resources: DeployResource[]): Promise<DeploymentResult & { forms: { formId: string; version: number; formKey: string }[] }> {
      if (!Array.isArray(resources) || resources.length === 0) throw new InvalidArgumentError('nothing to deploy');
      const known = new Map<string, boolean>();
      const wanted = resources.map((r) => {
        if (r.name.endsWith('.bpmn')) return { name: r.name, process: text(r.content) };
        if (r.name.endsWith('.form')) return { name: r.name, form: text(r.content) };
        if (r.name.endsWith('.dmn')) return { name: r.name, decision: text(r.content) };
        throw new InvalidResourceError(`unsupported resource ${r.name}`, [{ resourceName: r.name, message: 'only .bpmn, .dmn and .form resources are deployed' }]);
      });
      let response;
      try {
        response = await grpc.deployResources(wanted);
      } catch (err) {
        const e = err as GrpcErrorLike;
        if (e.code === GRPC.INVALID_ARGUMENT) {
          // Zeebe names the resource in its rejection ("'x.bpmn': …"); the whole deployment is refused
          const msg = reason(e);
          const named = resources.filter((r) => msg.includes(`'${r.name}'`));
          const problems = (named.length ? named : resources).map((r) => ({ resourceName: r.name, message: msg }));
          throw new InvalidResourceError(`deployment rejected: ${msg}`, problems);
        }
        throw portError(err, 'deployment failed');
      }
      const processes = [];
      for (const d of response.deployments) {
        if (!d || typeof d !== 'object' || !('process' in d)) continue;
        const p = (d as { process: GrpcProcessMetadata }).process;
        const key = String(p.processDefinitionKey);
        if (!known.has(key)) known.set(key, options.knownDefinition ? await options.knownDefinition(key) : false);
        processes.push({ processId: p.bpmnProcessId, version: p.version, processDefinitionKey: key, resourceName: p.resourceName, duplicate: known.get(key) === true });
      }
      const forms = [];
      for (const d of response.deployments) {
        if (!d || typeof d !== 'object' || !('form' in d)) continue;
        const f = (d as { form: { formId: string; version: number; formKey: string } }).form;
        forms.push({ formId: f.formId, version: f.version, formKey: String(f.formKey) });
      }
      // a decision names its requirements graph; the graph names the resource
      const resourceOf = new Map<string, string>();
      for (const d of response.deployments) {
        if (!d || typeof d !== 'object' || !('decisionRequirements' in d)) continue;
        const g = (d as { decisionRequirements: GrpcDecisionRequirementsMetadata }).decisionRequirements;
        resourceOf.set(String(g.decisionRequirementsKey), g.resourceName);
      }
      const decisions: DeployedDecision[] = [];
      for (const d of response.deployments) {
        if (!d || typeof d !== 'object' || !('decision' in d)) continue;
        const m = (d as { decision: GrpcDecisionMetadata }).decision;
        const key = String(m.decisionKey);
        decisions.push({
          decisionId: m.dmnDecisionId,
          name: m.dmnDecisionName || m.dmnDecisionId,
          version: m.version,
          decisionKey: key,
          decisionRequirementsId: m.dmnDecisionRequirementsId,
          resourceName: resourceOf.get(String(m.decisionRequirementsKey)) ?? '',
          duplicate: options.knownDecision ? await options.knownDecision(key) : false,
        });
      }
      return { deploymentKey: String(response.key), processes, decisions, warnings: [], forms };
    },

    /** Zeebe's EvaluateDecision: a failed evaluation (UNIQUE with two matches …) → InvalidArgumentError naming the decision */
    async evaluateDecision(ref: { decisionId: string } | { decisionKey: string }, variables: Variables): Promise<DecisionEvaluation> {
      let r;
      try {
        r = await grpc.evaluateDecision({ ...ref, variables });
      } catch (err) {
        throw portError(err, `decision ${'decisionId' in ref ? ref.decisionId : ref.decisionKey} is not deployed`);
      }
      if (r.failureMessage) throw new InvalidArgumentError(r.failureMessage, { decisionId: r.failedDecisionId || r.decisionId });
      const own = r.evaluatedDecisions.find((d) => d.decisionId === r.decisionId);
      return {
        decisionId: r.decisionId,
        decisionKey: String(r.decisionKey),
        version: r.decisionVersion,
        result: json(r.decisionOutput),
        matchedRules: (own?.matchedRules ?? []).map((m) => ({ ruleId: m.ruleId, ruleIndex: m.ruleIndex, outputs: Object.fromEntries(m.evaluatedOutputs.map((o) => [o.outputName, json(o.outputValue)])) })),
      };
    },

    async start(processId: string, variables: Variables = {}, opts: StartOptions = {}): Promise<ProcessInstanceRef> {
      try {
        const r = await grpc.createProcessInstance({ bpmnProcessId: processId, variables, ...(opts.version !== undefined && { version: opts.version }) });
        return { processInstanceKey: String(r.processInstanceKey), processId: r.bpmnProcessId, version: r.version, processDefinitionKey: String(r.processDefinitionKey) };
      } catch (err) {
        throw portError(err, `process ${processId} is not deployed`);
      }
    },

    /**
     * Zeebe does not tell which instances a publication correlated to: `correlatedInstanceKeys` is
     * empty and `buffered` says only that the message was given a time to live.
     */
    async publishMessage(req: PublishMessageRequest): Promise<PublishMessageResult> {
      try {
        const r = await grpc.publishMessage({
          name: req.name,
          correlationKey: req.correlationKey,
          ...(req.variables && { variables: req.variables }),
          timeToLive: req.timeToLive ?? 0,
          ...(req.messageId && { messageId: req.messageId }),
        });
        return { messageKey: String(r.key), correlatedInstanceKeys: [], buffered: (req.timeToLive ?? 0) > 0 };
      } catch (err) {
        throw portError(err, 'message not published');
      }
    },

    async cancel(processInstanceKey: string): Promise<void> {
      try {
        await grpc.cancelProcessInstance(processInstanceKey);
      } catch (err) {
        throw portError(err, `process instance ${processInstanceKey} not found`);
      }
    },

    /** process-instance migration (issue 18): the broker's own check refuses with INVALID_ARGUMENT / FAILED_PRECONDITION */
    async migrate(processInstanceKey: string, plan: MigrationPlan): Promise<void> {
      try {
        await grpc.migrateProcessInstance({
          processInstanceKey,
          migrationPlan: { targetProcessDefinitionKey: plan.targetProcessDefinitionKey, mappingInstructions: plan.mappingInstructions.map((m) => ({ sourceElementId: m.sourceElementId, targetElementId: m.targetElementId })) },
        });
      } catch (err) {
        throw portError(err, `process instance ${processInstanceKey} not found`);
      }
    },

    async setVariables(processInstanceKey: string, variables: Variables): Promise<void> {
      try {
        await grpc.setVariables({ elementInstanceKey: processInstanceKey, variables, local: false });
      } catch (err) {
        throw portError(err, `process instance ${processInstanceKey} not found`);
      }
    },

    /** a job incident gets its retries back first (default 1), then the incident is resolved */
    async retryIncident(incident: { incidentKey: string; jobKey?: string }, retries = 1): Promise<void> {
      if (!Number.isInteger(retries) || retries < 1) throw new EngineError('retries must be a positive integer', 400, 'INVALID_ARGUMENT');
      try {
        if (incident.jobKey) await grpc.updateJobRetries({ jobKey: incident.jobKey, retries });
        await grpc.resolveIncident({ incidentKey: incident.incidentKey });
      } catch (err) {
        throw portError(err, `incident ${incident.incidentKey} not found`);
      }
    },

    // ---------------------------------------------------------------- process-instance modification
    /** ModifyProcessInstance: each element activated in the active instance of its flow scope, its variables global */
    async modify(processInstanceKey: string, activate: { elementId: string; variables?: Variables }[], terminateKeys: string[]): Promise<void> {
      try {
        await grpc.modifyProcessInstance({
          processInstanceKey,
          activateInstructions: activate.map((a) => ({ elementId: a.elementId, ancestorElementInstanceKey: '-1', variableInstructions: a.variables ? [{ variables: a.variables, scopeId: '' }] : [] })),
          terminateInstructions: terminateKeys.map((k) => ({ elementInstanceKey: k })),
        });
      } catch (err) {
        throw modifyError(err, processInstanceKey);
      }
    },
  };
}

/** Zeebe's rejections of a modification, with the port's codes where its reason says which */
export function modifyError(err: unknown, processInstanceKey: string): unknown {
  const e = (err ?? {}) as GrpcErrorLike;
  if (e.code === GRPC.NOT_FOUND) return new EngineError(`process instance ${processInstanceKey} is not active: ${reason(e)}`, 409, 'INSTANCE_NOT_ACTIVE');
  if (e.code !== GRPC.INVALID_ARGUMENT) return portError(err, `process instance ${processInstanceKey} not found`);
  const msg = reason(e);
  const code = /element instance that could not be found|element instances? that (?:is|are) not active/i.test(msg)
    ? 'UNKNOWN_ELEMENT_INSTANCE'
    : /element that could not be found/i.test(msg)
      ? 'UNKNOWN_ELEMENT'
      : /unsupported|start event|boundary event/i.test(msg)
        ? 'ELEMENT_NOT_ACTIVATABLE'
        : /flow scope|ancestor/i.test(msg)
          ? 'SCOPE_NOT_ACTIVE'
          : 'INVALID_ARGUMENT';
  return new EngineError(msg, 400, code);
}

export type ZeebeCommands = ReturnType<typeof createZeebeCommands>;
