/**
 * A stand-in for Camunda 8.8 at the Zeebe adapter's boundary (sdk-boundary.ts, listener-worker.ts),
 * for tests without a broker: it records every SDK call, and the test plays the broker by handing
 * jobs to the workers the adapter opened (`deliver`, `deliverListener`).
 */
import type { RestListenerJob, ZeebeRestApi } from '../zeebe/listener-worker.js';
import type { GrpcDecisionEvaluation, GrpcJob, ZeebeGrpcApi } from '../zeebe/sdk-boundary.js';

export type FakeBroker = ReturnType<typeof fakeBroker>;

export function fakeBroker() {
  const calls: [string, any][] = [];
  const handlers = new Map<string, (job: GrpcJob) => Promise<any>>();
  let listener: ((job: RestListenerJob) => Promise<any>) | undefined;
  let nextKey = 2251799813685100;
  const key = () => String(nextKey++);
  // DMN as Zeebe versions it: the same text again answers the same keys, a changed one the next versions
  const dmnDeployed = new Map<string, { decisionRequirements: object; decisions: object[] }>();
  const dmnVersions = new Map<string, number>();
  const deployDmn = (name: string, xml: string): object[] => {
    const known = dmnDeployed.get(xml);
    if (known) return [{ decisionRequirements: known.decisionRequirements }, ...known.decisions.map((decision) => ({ decision }))];
    const requirementsId = /<definitions\b[^>]*\bid="([^"]+)"/.exec(xml)![1];
    const requirementsKey = key();
    const version = (dmnVersions.get(requirementsId) ?? 0) + 1;
    dmnVersions.set(requirementsId, version);
    const decisionRequirements = { dmnDecisionRequirementsId: requirementsId, version, decisionRequirementsKey: requirementsKey, resourceName: name };
    const decisions = [...xml.matchAll(/<decision id="([^"]+)" name="([^"]*)"/g)].map((m) => ({ dmnDecisionId: m[1], dmnDecisionName: m[2], version, decisionKey: key(), dmnDecisionRequirementsId: requirementsId, decisionRequirementsKey: requirementsKey }));
    dmnDeployed.set(xml, { decisionRequirements, decisions });
    return [{ decisionRequirements }, ...decisions.map((decision) => ({ decision }))];
  };
  let evaluation: (request: any) => Promise<GrpcDecisionEvaluation> = async () => {
    throw Object.assign(new Error('NOT_FOUND: no decision'), { code: 5, details: 'Expected to evaluate decision, but no decision found' });
  };
  const grpc: ZeebeGrpcApi = {
    deployResources: async (resources) => {
      calls.push(['deployResources', resources.map((r) => r.name)]);
      const deployments = resources.flatMap((r): object[] =>
        'process' in r
          ? [{ process: { bpmnProcessId: /<bpmn:process id="([^"]+)"/.exec(r.process.toString())![1], version: 1, processDefinitionKey: key(), resourceName: r.name } }]
          : 'decision' in r
            ? deployDmn(r.name, r.decision.toString())
            : [{ form: { formId: JSON.parse(r.form.toString()).id, version: 1, formKey: key(), resourceName: r.name } }],
      );
      calls.push(['deployed', resources.map((r) => ('process' in r ? r.process.toString() : 'decision' in r ? r.decision.toString() : r.form.toString()))]);
      return { key: key(), deployments };
    },
    evaluateDecision: (r) => (calls.push(['evaluateDecision', r]), evaluation(r)),
    createProcessInstance: async (r) => (calls.push(['createProcessInstance', r]), { processInstanceKey: '2251799813690001', bpmnProcessId: r.bpmnProcessId, version: 1, processDefinitionKey: '2251799813685100' }),
    publishMessage: async (r) => (calls.push(['publishMessage', r]), { key: key() }),
    cancelProcessInstance: async (k) => void calls.push(['cancelProcessInstance', k]),
    setVariables: async (r) => void calls.push(['setVariables', r]),
    createWorker: (config) => {
      handlers.set(config.taskType, config.taskHandler);
      return { close: async () => undefined };
    },
    updateJobRetries: async (r) => void calls.push(['updateJobRetries', r]),
    resolveIncident: async (r) => void calls.push(['resolveIncident', r]),
    migrateProcessInstance: async (r) => void calls.push(['migrateProcessInstance', r]),
    close: async () => undefined,
    modifyProcessInstance: async (r) => void calls.push(['modifyProcessInstance', r]),
  };
  let incidentSearch: (jobKey: string) => Promise<string | undefined> = async () => undefined;
  let elementInstances: (elementId: string) => string[] = () => [];
  const rest: ZeebeRestApi = {
    createJobWorker: (config) => {
      listener = config.jobHandler;
      return { start() {}, stopGracefully: async () => undefined };
    },
    completeUserTask: async (k, variables) => void calls.push(['completeUserTask', { userTaskKey: k, variables }]),
    pinClock: async (ms) => void calls.push(['pinClock', ms]),
    activeIncidentKeyOfJob: (jobKey) => (calls.push(['searchIncidents', jobKey]), incidentSearch(jobKey)),
    activeElementInstanceKeys: async (processInstanceKey, elementId) => (calls.push(['searchElementInstances', { processInstanceKey, elementId }]), elementInstances(elementId)),
  };
  const acks: [string, any][] = [];
  const job = (type: string, over: Partial<GrpcJob> = {}): GrpcJob => ({
    key: key(),
    type,
    processInstanceKey: '2251799813690001',
    bpmnProcessId: 'petition-lifecycle',
    processDefinitionVersion: 1,
    elementId: 'Task_Route',
    customHeaders: {},
    retries: 3,
    variables: { petitionId: 'p-1' },
    complete: async (v) => void acks.push(['complete', v]),
    error: async (e) => void acks.push(['error', e]),
    fail: async (f) => void acks.push(['fail', f]),
    ...over,
  });
  const listenerJob = (listenerEventType: string, userTaskKey: string, over: Partial<RestListenerJob> = {}): RestListenerJob => ({
    jobKey: key(),
    type: 'wenzheng-user-task',
    kind: 'TASK_LISTENER',
    listenerEventType,
    processInstanceKey: '2251799813690001',
    processDefinitionId: 'petition-lifecycle',
    elementId: 'Task_ScreenPetition',
    variables: { petitionId: 'p-1' },
    userTask: { userTaskKey, candidateGroups: ['platform-reviewer'], candidateUsers: [], dueDate: '2026-03-03T16:00:00.000Z' },
    retries: 3,
    complete: async () => void acks.push(['listener-complete', userTaskKey]),
    fail: async (f) => void acks.push(['listener-fail', f]),
    ...over,
  });
  return {
    grpc,
    rest,
    calls,
    acks,
    job,
    listenerJob,
    deliver: (j: GrpcJob) => handlers.get(j.type)!(j),
    deliverListener: (j: RestListenerJob) => listener!(j),
    handlerTypes: () => [...handlers.keys()],
    setIncidentSearch: (fn: typeof incidentSearch) => void (incidentSearch = fn),
    /** process-instance modification: the active instances of an element the REST search answers */
    setElementInstances: (fn: typeof elementInstances) => void (elementInstances = fn),
    /** what the broker answers to EvaluateDecision */
    setEvaluation: (fn: typeof evaluation) => void (evaluation = fn),
  };
}
