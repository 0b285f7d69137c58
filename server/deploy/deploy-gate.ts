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
  /** form ids that exist (forms/) */
  formIds: () => Iterable<string>;
  /** the project folder (holds .bpmnlintrc and server/deploy/lint-worker.mjs) */
  root: string;
}

interface WorkerAnswer {
  id: number;
  processIds: string[];
  problems: { elementId?: string; rule: string; message: string }[];
}

const NAME = /^[\w\u4e00-\u9fa5.-]{1,100}\.bpmn$/;
const MAX_BYTES = 2 * 1024 * 1024;

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
      for (const resolve of waiting.values()) resolve({ id: -1, processIds: [], problems: [{ rule: 'internal', message: '检查程序意外退出' }] });
      waiting.clear();
      worker = undefined;
    });
    w.unref();
    worker = w;
    return w;
  }

  const lint = (xml: string) =>
    new Promise<WorkerAnswer>((resolve) => {
      const id = ++seq;
      waiting.set(id, resolve);
      const w = lintWorker();
      w.ref();
      w.postMessage({ id, xml, jobTypes: [...deps.jobTypes()], formIds: [...deps.formIds()] });
    });

  const gate = {
    /** every problem of the resources together; empty when they may be deployed */
    async check(resources: DeployResource[]): Promise<DeployProblem[]> {
      const problems: DeployProblem[] = [];
      if (!Array.isArray(resources) || resources.length === 0) return [{ resourceName: '', rule: 'input', message: '请提供要部署的 BPMN 文件' }];
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
        }
      }
      return problems;
    },

    /** check, then deploy all or nothing; DeployRejected (400) with every problem otherwise */
    async deploy(resources: DeployResource[], meta: { deployedBy: string }): Promise<DeploymentResult> {
      const problems = await gate.check(resources);
      if (problems.length) throw new DeployRejected(problems);
      return deps.engine.deploy(resources, meta);
    },

    async close() {
      await worker?.terminate();
      worker = undefined;
    },
  };
  return gate;
}

export type DeployGate = ReturnType<typeof createDeployGate>;
