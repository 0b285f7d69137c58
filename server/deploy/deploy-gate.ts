/**
 * The deploy gate: the one way a diagram or a decision table reaches the engine (start-up, upload,
 * the modeler, the decision editor). Every resource is parsed and linted — a `.bpmn` with bpmnlint's
 * recommended rules and camunda-compat's Camunda 8.8 rules from `.bpmnlintrc`, plus ours: every job
 * type has a registered worker, every form a user task names exists, every user task has candidate
 * groups or an assignee, every business-rule task calls a decision that is deployed or deployed
 * with it; a `.dmn` with the decision checks of dmn-lint.mjs (hit policy, typed inputs, FEEL that
 * compiles). A process id, a decision id and a decision requirements id may each appear in one
 * resource only. A rejected deployment lists every problem with its resource, decision and element
 * and deploys nothing; an accepted one becomes the next version of each changed process and decision.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DeploymentResult, DeployResource, EnginePort } from '../../engine/port.js';
import { HttpError } from '../http-error.js';

export interface DeployProblem {
  resourceName: string;
  /** a `.dmn` resource's decision the problem is in */
  decisionId?: string;
  /** the element: a diagram's element, or a decision table's rule, input or output */
  elementId?: string;
  /** the lint rule (`camunda-compat/…`, `wenzheng/…`, `dmn/…`), or `xml` for a file that does not parse */
  rule: string;
  message: string;
}

export interface DeployGateDeps {
  engine: EnginePort;
  /** job types with a registered worker (workers/registry.ts) */
  jobTypes: () => Iterable<string>;
  /** form ids that exist (the form store: a form saved through any app process counts) */
  formIds: () => Iterable<string> | Promise<Iterable<string>>;
  /** the project folder (holds .bpmnlintrc and server/deploy/lint-worker.mjs) */
  root: string;
}

interface WorkerAnswer {
  id: number;
  processIds: string[];
  elements: Record<string, string[]>;
  signatures: Record<string, Record<string, string>>;
  calledDecisions?: { elementId: string; decisionId: string }[];
  problems: { decisionId?: string; elementId?: string; rule: string; message: string }[];
}

/** a decision of a `.dmn` resource as the lint worker reads it (dmn-lint.mjs): a table's columns, what a 试算 form asks and shows */
export interface DmnDecisionOutline {
  decisionId: string;
  name: string;
  inputs: { id: string; label: string; expression: string; typeRef: string }[];
  outputs: { id: string; label: string; name: string; typeRef: string }[];
}

/** the lint worker's answer for a `.dmn` resource */
interface DmnAnswer {
  id: number;
  decisionRequirementsId?: string;
  decisions: DmnDecisionOutline[];
  problems: { decisionId?: string; elementId?: string; rule: string; message: string }[];
}

const NAME = /^[\w\u4e00-\u9fa5.-]{1,100}\.(bpmn|dmn)$/;
const MAX_BYTES = 2 * 1024 * 1024;

export interface DeployChange {
  processId: string;
  /** the latest deployed version it changes (null: a new process) */
  fromVersion: number | null;
  added: string[];
  /** elements the new version no longer has, with the running instances of the latest version waiting there */
  removed: { elementId: string; waiting: number }[];
  affectedInstances: number;
}

/** a decision a deployment would deploy: a new one, or the next version of a deployed one */
export interface DecisionChange {
  decisionId: string;
  name: string;
  resourceName: string;
  /** the latest deployed version (null: a new decision) */
  fromVersion: number | null;
}

/** a file on disk that is already some deployed version: of a process, or (a `.dmn`) of its decisions */
export type KnownResource = { name: string; version: number; latest: number } & ({ processId: string } | { decisionId: string });

export class DeployRejected extends HttpError {
  constructor(readonly problems: DeployProblem[]) {
    super(400, 'DEPLOY_REJECTED', `部署未通过检查,共 ${problems.length} 个问题,未部署任何内容`, problems);
    this.name = 'DeployRejected';
  }
}

export function createDeployGate(deps: DeployGateDeps) {
  let worker: Worker | undefined;
  let seq = 0;
  const waiting = new Map<number, (a: any) => void>();

  function lintWorker(): Worker {
    if (worker) return worker;
    const w = new Worker(join(deps.root, 'server', 'deploy', 'lint-worker.mjs'));
    w.on('message', (a: WorkerAnswer) => {
      waiting.get(a.id)?.(a);
      waiting.delete(a.id);
      // an idle worker does not keep the process alive; one with work to answer does
      if (waiting.size === 0) w.unref();
    });
    w.on('error', () => {
      // a crashed worker fails what it had; the next check starts a new one
      for (const resolve of waiting.values()) resolve({ id: -1, processIds: [], elements: {}, signatures: {}, decisions: [], problems: [{ rule: 'internal', message: '检查程序意外退出' }] });
      waiting.clear();
      worker = undefined;
    });
    w.unref();
    worker = w;
    return w;
  }

  const ask = <T>(message: Record<string, unknown>) =>
    new Promise<T>((resolve) => {
      const id = ++seq;
      waiting.set(id, resolve);
      const w = lintWorker();
      w.ref();
      w.postMessage({ ...message, id });
    });
  const lint = async (xml: string, options: { lint?: boolean; withSignatures?: boolean } = {}) => {
    const formIds = [...(await deps.formIds())];
    return ask<WorkerAnswer>({ xml, jobTypes: [...deps.jobTypes()], formIds, lint: options.lint ?? true, withSignatures: options.withSignatures ?? false });
  };
  const lintDmn = (xml: string) => ask<DmnAnswer>({ xml, kind: 'dmn' });

  /** every problem; per process the elements it has; the decisions the resources hold */
  async function examine(resources: DeployResource[]): Promise<{ problems: DeployProblem[]; elements: Map<string, string[]>; decisions: Omit<DecisionChange, 'fromVersion'>[] }> {
    const problems: DeployProblem[] = [];
    const elements = new Map<string, string[]>();
    const decisions: Omit<DecisionChange, 'fromVersion'>[] = [];
    if (!Array.isArray(resources) || resources.length === 0) return { problems: [{ resourceName: '', rule: 'input', message: '请提供要部署的 BPMN 或 DMN 文件' }], elements, decisions };
    const owners = new Map<string, string>();
    const decisionOwners = new Map<string, string>();
    const drgOwners = new Map<string, string>();
    const called: { resourceName: string; elementId: string; decisionId: string }[] = [];
    const names = new Set<string>();
    for (const r of resources) {
      const name = typeof r?.name === 'string' ? r.name : '';
      if (!NAME.test(name)) {
        problems.push({ resourceName: name.slice(0, 100), rule: 'input', message: '文件名须以 .bpmn 或 .dmn 结尾,只含字母、数字、汉字、点、横线或下划线' });
        continue;
      }
      if (names.has(name)) problems.push({ resourceName: name, rule: 'input', message: '同名文件重复' });
      names.add(name);
      const xml = typeof r.content === 'string' ? r.content : Buffer.isBuffer(r.content) ? r.content.toString('utf8') : undefined;
      if (xml === undefined || Buffer.byteLength(xml) > MAX_BYTES) {
        problems.push({ resourceName: name, rule: 'input', message: xml === undefined ? '文件内容须为文本' : '文件超过 2 MB' });
        continue;
      }
      if (name.endsWith('.dmn')) {
        const answer = await lintDmn(xml);
        for (const p of answer.problems) problems.push({ resourceName: name, ...p });
        const drg = answer.decisionRequirementsId;
        if (drg) {
          const other = drgOwners.get(drg);
          if (other) problems.push({ resourceName: name, elementId: drg, rule: 'duplicate-decision-requirements-id', message: `决策文件编号「${drg}」同时出现在 ${other} 和 ${name} 中` });
          else drgOwners.set(drg, name);
        }
        for (const d of answer.decisions) {
          const other = decisionOwners.get(d.decisionId);
          if (other) problems.push({ resourceName: name, decisionId: d.decisionId, elementId: d.decisionId, rule: 'duplicate-decision-id', message: `决策编号「${d.decisionId}」同时出现在 ${other} 和 ${name} 中` });
          else {
            decisionOwners.set(d.decisionId, name);
            decisions.push({ decisionId: d.decisionId, name: d.name, resourceName: name });
          }
        }
        continue;
      }
      const answer = await lint(xml);
      for (const p of answer.problems) problems.push({ resourceName: name, ...p });
      for (const c of answer.calledDecisions ?? []) called.push({ resourceName: name, ...c });
      for (const pid of answer.processIds) {
        const other = owners.get(pid);
        if (other) problems.push({ resourceName: name, elementId: pid, rule: 'duplicate-process-id', message: `流程编号「${pid}」同时出现在 ${other} 和 ${name} 中` });
        else owners.set(pid, name);
        elements.set(pid, answer.elements[pid] ?? []);
      }
    }
    // a business-rule task calls a decision deployed before or in this deployment (Zeebe would raise an incident at run time)
    if (called.length) {
      const deployed = new Set((await deps.engine.listDecisionDefinitions()).map((d) => d.decisionId));
      for (const c of called) {
        if (!decisionOwners.has(c.decisionId) && !deployed.has(c.decisionId)) {
          problems.push({ resourceName: c.resourceName, elementId: c.elementId, rule: 'wenzheng/called-decision', message: `业务规则任务调用的决策「${c.decisionId}」尚未部署,也不在本次部署中` });
        }
      }
    }
    return { problems, elements, decisions };
  }

  /** per decision of the deployment, the latest version deployed now */
  async function decisionChanges(decisions: Omit<DecisionChange, 'fromVersion'>[]): Promise<DecisionChange[]> {
    if (!decisions.length) return [];
    const latest = new Map<string, number>();
    for (const d of await deps.engine.listDecisionDefinitions()) latest.set(d.decisionId, Math.max(latest.get(d.decisionId) ?? 0, d.version));
    return decisions.map((d) => ({ ...d, fromVersion: latest.get(d.decisionId) ?? null }));
  }

  /** what a deployment changes against each process's latest version, and the instances waiting at what it removes */
  async function changes(elements: Map<string, string[]>): Promise<DeployChange[]> {
    const out: DeployChange[] = [];
    for (const [processId, now] of elements) {
      const [latest] = await deps.engine.listProcessDefinitions({ processId });
      if (!latest) {
        out.push({ processId, fromVersion: null, added: now, removed: [], affectedInstances: 0 });
        continue;
      }
      const xml = await deps.engine.getProcessDefinitionXml(latest.processDefinitionKey);
      const before = xml ? ((await lint(xml, { lint: false })).elements[processId] ?? []) : [];
      const kept = new Set(now);
      const waiting = new Map<string, number>();
      for (const w of await deps.engine.countWaiting(processId)) if (w.version === latest.version) waiting.set(w.elementId, w.instances);
      const removed = before.filter((e) => !kept.has(e)).map((elementId) => ({ elementId, waiting: waiting.get(elementId) ?? 0 }));
      out.push({
        processId,
        fromVersion: latest.version,
        added: now.filter((e) => !before.includes(e)),
        removed,
        affectedInstances: removed.reduce((n, r) => n + r.waiting, 0),
      });
    }
    return out;
  }

  const gate = {
    /** every problem of the resources together; empty when they may be deployed */
    async check(resources: DeployResource[]): Promise<DeployProblem[]> {
      return (await examine(resources)).problems;
    },

    /** the problems, and what the deployment would change (elements added and removed, instances waiting at removed ones; decisions and the version they follow) */
    async preview(resources: DeployResource[]): Promise<{ problems: DeployProblem[]; changes: DeployChange[]; decisions: DecisionChange[] }> {
      const { problems, elements, decisions } = await examine(resources);
      if (problems.length) return { problems, changes: [], decisions: [] };
      return { problems, changes: await changes(elements), decisions: await decisionChanges(decisions) };
    },

    /**
     * Check, then deploy all or nothing; DeployRejected (400) with every problem otherwise. A
     * deployment that removes elements where instances of the latest version wait needs
     * `confirmAffected` (409 AFFECTED_INSTANCES says how many; they keep running on their version).
     */
    async deploy(resources: DeployResource[], meta: { deployedBy: string; confirmAffected?: boolean }): Promise<DeploymentResult & { changes: DeployChange[] }> {
      const { problems, changes: found } = await gate.preview(resources);
      if (problems.length) throw new DeployRejected(problems);
      const affected = found.reduce((n, c) => n + c.affectedInstances, 0);
      if (affected > 0 && !meta.confirmAffected) {
        throw new HttpError(409, 'AFFECTED_INSTANCES', `新版本删除了 ${affected} 个运行中实例正在等待的环节;这些实例将继续按原版本运行。确认后再部署`, found);
      }
      const result = await deps.engine.deploy(resources, { deployedBy: meta.deployedBy });
      return { ...result, changes: found };
    },

    /**
     * The start-up rule: of the files on disk, those whose content is already some deployed version
     * (same file name) are left out — otherwise every restart would deploy the unchanged file over a
     * newer version an admin deployed from the modeler or the decision editor. A file with new
     * content is deployed as usual. A `.dmn` file is known by its decisions' versions.
     */
    async notYetDeployed(resources: DeployResource[]): Promise<{ toDeploy: DeployResource[]; known: KnownResource[] }> {
      const defs = await deps.engine.listProcessDefinitions();
      const latest = new Map<string, number>();
      for (const d of defs) latest.set(d.processId, Math.max(latest.get(d.processId) ?? 0, d.version));
      const decisions = resources.some((r) => r.name.endsWith('.dmn')) ? await deps.engine.listDecisionDefinitions() : [];
      const latestDecision = new Map<string, number>();
      for (const d of decisions) latestDecision.set(d.decisionId, Math.max(latestDecision.get(d.decisionId) ?? 0, d.version));
      const toDeploy: DeployResource[] = [];
      const known: KnownResource[] = [];
      for (const r of resources) {
        // the engine keeps a resource's text trimmed
        const content = (typeof r.content === 'string' ? r.content : r.content.toString('utf8')).trim();
        if (r.name.endsWith('.dmn')) {
          let match: (typeof decisions)[number] | undefined;
          for (const d of decisions.filter((x) => x.resourceName === r.name)) {
            if ((await deps.engine.getDecisionDefinitionXml(d.decisionKey))?.trim() === content && (!match || d.version > match.version)) match = d;
          }
          if (match) known.push({ name: r.name, decisionId: match.decisionId, version: match.version, latest: latestDecision.get(match.decisionId) ?? match.version });
          else toDeploy.push(r);
          continue;
        }
        let match: (typeof defs)[number] | undefined;
        for (const d of defs.filter((x) => x.resourceName === r.name)) {
          if ((await deps.engine.getProcessDefinitionXml(d.processDefinitionKey)) === content && (!match || d.version > match.version)) match = d;
        }
        if (match) known.push({ name: r.name, processId: match.processId, version: match.version, latest: latest.get(match.processId) ?? match.version });
        else toDeploy.push(r);
      }
      return { toDeploy, known };
    },

    /** what differs between two versions of a process: elements added, removed, and changed (name, documentation, conditions, timers, extensions…) */
    async diff(processId: string, fromVersion: number, toVersion: number): Promise<{ added: string[]; removed: string[]; changed: string[] }> {
      const defs = await deps.engine.listProcessDefinitions({ processId });
      const xmlOf = async (version: number) => {
        const def = defs.find((d) => d.version === version);
        const xml = def && (await deps.engine.getProcessDefinitionXml(def.processDefinitionKey));
        if (!xml) throw new HttpError(404, 'NOT_FOUND', `未找到流程 ${processId} 的第 ${version} 版`);
        return (await lint(xml, { lint: false, withSignatures: true })).signatures[processId] ?? {};
      };
      const [a, b] = [await xmlOf(fromVersion), await xmlOf(toVersion)];
      const ids = (o: Record<string, string>) => Object.keys(o).sort();
      return {
        added: ids(b).filter((k) => !(k in a)),
        removed: ids(a).filter((k) => !(k in b)),
        changed: ids(b).filter((k) => k in a && a[k] !== b[k]),
      };
    },

    /** a `.dmn` resource's decisions with their columns, and its problems (nothing is deployed) */
    async outline(xml: string): Promise<{ decisions: DmnDecisionOutline[]; problems: DmnAnswer['problems'] }> {
      const { decisions, problems } = await lintDmn(xml);
      return { decisions, problems };
    },

    async close() {
      await worker?.terminate();
      worker = undefined;
    },
  };
  return gate;
}

export type DeployGate = ReturnType<typeof createDeployGate>;
