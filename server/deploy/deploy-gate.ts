/**
 * The deploy gate: the one way a diagram reaches the engine (start-up, upload, later the modeler).
 * Every resource is parsed and linted — bpmnlint's recommended rules and camunda-compat's Camunda
 * 8.8 rules from `.bpmnlintrc`, plus ours: every job type has a registered worker, every form a
 * user task names exists, every user task has candidate groups or an assignee — and a process id
 * may appear in one resource only. A rejected deployment lists every problem with its resource and
 * element and deploys nothing; an accepted one becomes the next version of each changed process.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DeploymentResult, DeployResource, EnginePort } from '../../engine/port.js';
import { HttpError } from '../http-error.js';

export interface DeployProblem {
  resourceName: string;
  elementId?: string;
  /** the lint rule (`camunda-compat/…`, `wenzheng/…`), or `xml` for a file that does not parse */
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
  problems: { elementId?: string; rule: string; message: string }[];
}

const NAME = /^[\w\u4e00-\u9fa5.-]{1,100}\.bpmn$/;
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

export class DeployRejected extends HttpError {
  constructor(readonly problems: DeployProblem[]) {
    super(400, 'DEPLOY_REJECTED', `部署未通过检查,共 ${problems.length} 个问题,未部署任何内容`, problems);
    this.name = 'DeployRejected';
  }
}

export function createDeployGate(deps: DeployGateDeps) {
  let worker: Worker | undefined;
  let seq = 0;
  const waiting = new Map<number, (a: WorkerAnswer) => void>();

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
      for (const resolve of waiting.values()) resolve({ id: -1, processIds: [], elements: {}, signatures: {}, problems: [{ rule: 'internal', message: '检查程序意外退出' }] });
      waiting.clear();
      worker = undefined;
    });
    w.unref();
    worker = w;
    return w;
  }

  const lint = async (xml: string, options: { lint?: boolean; withSignatures?: boolean } = {}) => {
    const formIds = [...(await deps.formIds())];
    return new Promise<WorkerAnswer>((resolve) => {
      const id = ++seq;
      waiting.set(id, resolve);
      const w = lintWorker();
      w.ref();
      w.postMessage({ id, xml, jobTypes: [...deps.jobTypes()], formIds, lint: options.lint ?? true, withSignatures: options.withSignatures ?? false });
    });
  };

  /** every problem, and per process the elements it has */
  async function examine(resources: DeployResource[]): Promise<{ problems: DeployProblem[]; elements: Map<string, string[]> }> {
    const problems: DeployProblem[] = [];
    const elements = new Map<string, string[]>();
    if (!Array.isArray(resources) || resources.length === 0) return { problems: [{ resourceName: '', rule: 'input', message: '请提供要部署的 BPMN 文件' }], elements };
    const owners = new Map<string, string>();
    const names = new Set<string>();
    for (const r of resources) {
      const name = typeof r?.name === 'string' ? r.name : '';
      if (!NAME.test(name)) {
        problems.push({ resourceName: name.slice(0, 100), rule: 'input', message: '文件名须以 .bpmn 结尾,只含字母、数字、汉字、点、横线或下划线' });
        continue;
      }
      if (names.has(name)) problems.push({ resourceName: name, rule: 'input', message: '同名文件重复' });
      names.add(name);
      const xml = typeof r.content === 'string' ? r.content : Buffer.isBuffer(r.content) ? r.content.toString('utf8') : undefined;
      if (xml === undefined || Buffer.byteLength(xml) > MAX_BYTES) {
        problems.push({ resourceName: name, rule: 'input', message: xml === undefined ? '文件内容须为文本' : '文件超过 2 MB' });
        continue;
      }
      const answer = await lint(xml);
      for (const p of answer.problems) problems.push({ resourceName: name, ...p });
      for (const pid of answer.processIds) {
        const other = owners.get(pid);
        if (other) problems.push({ resourceName: name, elementId: pid, rule: 'duplicate-process-id', message: `流程编号「${pid}」同时出现在 ${other} 和 ${name} 中` });
        else owners.set(pid, name);
        elements.set(pid, answer.elements[pid] ?? []);
      }
    }
    return { problems, elements };
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

    /** the problems, and what the deployment would change (elements added and removed, instances waiting at removed ones) */
    async preview(resources: DeployResource[]): Promise<{ problems: DeployProblem[]; changes: DeployChange[] }> {
      const { problems, elements } = await examine(resources);
      return { problems, changes: problems.length ? [] : await changes(elements) };
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
     * newer version an admin deployed from the modeler. A file with new content is deployed as usual.
     */
    async notYetDeployed(resources: DeployResource[]): Promise<{ toDeploy: DeployResource[]; known: { name: string; processId: string; version: number; latest: number }[] }> {
      const defs = await deps.engine.listProcessDefinitions();
      const latest = new Map<string, number>();
      for (const d of defs) latest.set(d.processId, Math.max(latest.get(d.processId) ?? 0, d.version));
      const toDeploy: DeployResource[] = [];
      const known: { name: string; processId: string; version: number; latest: number }[] = [];
      for (const r of resources) {
        // the engine keeps a resource's text trimmed
        const content = (typeof r.content === 'string' ? r.content : r.content.toString('utf8')).trim();
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

    async close() {
      await worker?.terminate();
      worker = undefined;
    },
  };
  return gate;
}

export type DeployGate = ReturnType<typeof createDeployGate>;
