/**
 * Staff user tasks: the list an account may act on (by role and unit: server/domain/roles.ts), one
 * task with its case and form, and completing it — the submission is validated on the server
 * against the task's own form (server/domain/form-validation.ts) before the engine sees it, so
 * only the form's fields reach the process and a forged request cannot skip a required one.
 */
import type { AppTransaction, EnginePort, UserTask } from '../../engine/port.js';
import type { AttachmentsRepository } from '../data/attachments-repository.js';
import type { AuditRepository } from '../data/audit-repository.js';
import type { Petition, PetitionsRepository } from '../data/petitions-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import type { UnitsRepository } from '../data/units-repository.js';
import { CATEGORY_LABELS } from '../../regulation/categories.js';
import { validateFormSubmission, type FormSchema } from '../domain/form-validation.js';
import { publishOverrideProblem } from '../../regulation/publication.js';
import { statusLabel } from '../../regulation/petition-status.js';
import { mayActOn, unitGroup } from '../domain/roles.js';
import { taskDeadline, WARNING_LABELS, type TaskDeadline } from '../../regulation/task-deadline.js';
import { HttpError } from '../http-error.js';
import type { Logger } from '../logger.js';
import { unitBound } from './case-service.js';

export interface TaskView {
  key: string;
  name: string;
  elementId: string;
  processId: string;
  formId?: string;
  createdAt: Date;
  state: UserTask['state'];
  /** the article(s) the task implements, from the diagram's documentation */
  article?: string;
  documentation?: string;
  deadline: TaskDeadline;
  warningLabel?: string;
  petition?: Petition & { categoryLabel: string; statusLabel: string };
  mayAct: boolean;
}

export interface TaskDetail extends TaskView {
  form?: FormSchema;
  /** the form's input data */
  data: Record<string, unknown>;
}

export interface TaskServiceDeps {
  engine: EnginePort;
  petitions: PetitionsRepository;
  units: UnitsRepository;
  audit: AuditRepository;
  /** form id → the latest schema, as the database has it now (FormService.current) */
  forms: () => Promise<ReadonlyMap<string, FormSchema>>;
  /** `${processId}/${elementId}` → the element's documentation */
  /** `${processId}/${elementId}` → a user task's documentation, of each process's latest deployed version */
  docs: () => Promise<Map<string, string>>;
  clock: { now(): Date };
  log: Logger;
  /** the case documents: an `attachment:<id>` in a submission must be one of the case's */
  attachments: Pick<AttachmentsRepository, 'get'>;
  /** keep the petition in step with a task seen here (services/task-events.ts), in case its listener has not run yet */
  inStep?: (task: UserTask) => Promise<void>;
  /** the work queue: a task held by someone else is theirs to complete; a completion records who did it */
  queue?: { checkHolder(staff: StaffRecord, userTaskKey: string): Promise<void>; finishedBy(userTaskKey: string, staff: StaffRecord, tx: AppTransaction): Promise<void> };
  extensions?: readonly TaskExtension[];
}

/**
 * What another part of the app adds to the tasks it owns (the knowledge base's review:
 * knowledge-flow-service.ts): the form's data, a submission's own checks (an HttpError refuses it)
 * with variables the app records (who decided), and writes that commit with the completion.
 */
export interface TaskExtension {
  formData?(task: UserTask): Promise<Record<string, unknown> | undefined>;
  completing?(
    task: UserTask,
    values: Record<string, unknown>,
    staff: StaffRecord,
  ): Promise<{ variables?: Record<string, unknown>; write?: (tx: AppTransaction) => Promise<void>; after?: () => Promise<void> } | undefined>;
}

/** accounts that see every task without acting (auditors) */
const seesAll = (staff: StaffRecord) => staff.roles.includes('auditor');

const ARTICLE = /第[一二三四五六七八九十百]+条(?:\s*[(（][一二三四五六七八九十]+[)）])?/g;

/** the articles a task's documentation names (第十条, 第二十三条(一)…), once each */
export function articlesOf(documentation: string | undefined): string | undefined {
  const articles = documentation ? [...new Set(documentation.match(ARTICLE) ?? [])] : [];
  return articles.length ? articles.join('、') : undefined;
}

export function createTaskService(deps: TaskServiceDeps) {
  const { engine, petitions, audit } = deps;

  /** `docs`: the user tasks' documentation (read once per request: deps.docs()) */
  async function view(task: UserTask, staff: StaffRecord, docs: Map<string, string>, cache = new Map<string, Petition | undefined>()): Promise<TaskView> {
    const petitionId = typeof task.variables.petitionId === 'string' ? task.variables.petitionId : undefined;
    let petition: Petition | undefined;
    if (petitionId) {
      if (!cache.has(petitionId)) cache.set(petitionId, await petitions.get(petitionId));
      petition = cache.get(petitionId);
    }
    const documentation = docs.get(`${task.processId}/${task.elementId}`);
    const articles = articlesOf(documentation);
    const deadline = taskDeadline(task.elementId, task.variables, deps.clock.now(), task.dueDate);
    return {
      key: task.userTaskKey,
      name: task.name ?? task.elementId,
      elementId: task.elementId,
      processId: task.processId,
      ...(task.formId && { formId: task.formId }),
      createdAt: task.createdAt,
      state: task.state,
      ...(articles && { article: articles }),
      ...(documentation && { documentation }),
      deadline,
      ...(deadline.warning && { warningLabel: WARNING_LABELS[deadline.warning] }),
      ...(petition && { petition: { ...petition, categoryLabel: CATEGORY_LABELS[petition.category], statusLabel: statusLabel(petition.status) } }),
      mayAct: task.state === 'created' && mayActOn(staff, task.candidateGroups),
    };
  }

  /** the task when the account may see it: 404 otherwise (a unit learns nothing of another's tasks) */
  async function visibleTask(staff: StaffRecord, key: string): Promise<UserTask> {
    if (typeof key !== 'string' || !/^[\w.:/-]{1,255}$/.test(key)) throw new HttpError(404, 'NOT_FOUND', '未找到该待办事项');
    const task = await engine.getUserTask(key);
    // a unit's leader reads the tasks of the unit's handlers (to hand them on: the work queue's 指派)
    const leads = staff.roles.includes('unit-leader') && staff.unitId !== null && task?.candidateGroups.includes(unitGroup(staff.unitId));
    if (!task || !(seesAll(staff) || leads || mayActOn(staff, task.candidateGroups))) throw new HttpError(404, 'NOT_FOUND', '未找到该待办事项');
    if (task.state === 'created') await deps.inStep?.(task);
    // a unit's task of a case no longer assigned to the unit (returned, dispatched elsewhere) is gone with the case
    const petitionId = task.variables.petitionId;
    if (unitBound(staff) && typeof petitionId === 'string' && (await petitions.get(petitionId))?.unitId !== staff.unitId) throw new HttpError(404, 'NOT_FOUND', '未找到该待办事项');
    return task;
  }

  /** the form's input data: the task's variables plus what docs/process-contract.md says the app passes */
  async function formData(task: UserTask): Promise<Record<string, unknown>> {
    const data: Record<string, unknown> = { ...task.variables };
    if (task.formId === 'dispatch-petition') {
      data.unitOptions = (await deps.units.list()).map((u) => ({ label: u.name, value: u.id }));
      if (data.unitId === undefined && typeof data.suggestedUnitId === 'string') data.unitId = data.suggestedUnitId;
    }
    if (task.formId === 'review-reply' && data.publishable === undefined) {
      const reply = data.reply as Record<string, unknown> | undefined;
      data.publishable = reply?.publishable === true;
    }
    for (const x of deps.extensions ?? []) Object.assign(data, await x.formData?.(task));
    return data;
  }

  /** every `attachment:<id>` in the values names a stored document of this case */
  async function checkAttachments(values: unknown, petitionId: string | undefined, path = ''): Promise<void> {
    if (typeof values === 'string' && values.startsWith('attachment:')) {
      const record = await deps.attachments.get(values.slice('attachment:'.length));
      if (!record || record.petitionId !== petitionId) throw new HttpError(400, 'INVALID_INPUT', '表单填写有误,请按提示修改', [{ field: path, message: '上传的文件不存在或不属于本件诉求,请重新上传' }]);
    } else if (Array.isArray(values)) {
      for (const v of values) await checkAttachments(v, petitionId, path);
    } else if (typeof values === 'object' && values !== null) {
      for (const [k, v] of Object.entries(values)) await checkAttachments(v, petitionId, path ? `${path}.${k}` : k);
    }
  }

  const service = {
    async get(staff: StaffRecord, key: string): Promise<TaskDetail> {
      const task = await visibleTask(staff, key);
      const v = await view(task, staff, await deps.docs());
      const form = task.formId ? (await deps.forms()).get(task.formId) : undefined;
      return { ...v, ...(form && { form }), data: await formData(task) };
    },

    /** complete the task with the form's values; every field problem comes back at once (400), a done task is 409 */
    async complete(staff: StaffRecord, key: string, submitted: unknown): Promise<{ task: TaskView }> {
      const task = await visibleTask(staff, key);
      if (!mayActOn(staff, task.candidateGroups)) throw new HttpError(403, 'FORBIDDEN', '您的账号无权办理该事项');
      if (task.state !== 'created') throw new HttpError(409, 'TASK_DONE', '该事项已经办理,不能重复提交');
      await deps.queue?.checkHolder(staff, task.userTaskKey);
      const form = task.formId ? (await deps.forms()).get(task.formId) : undefined;
      if (task.formId && !form) throw new HttpError(500, 'FORM_MISSING', `表单 ${task.formId} 不存在`);
      let values: Record<string, unknown> = {};
      if (form) {
        const result = validateFormSubmission(form, submitted, await formData(task));
        if (!result.ok) throw new HttpError(400, 'INVALID_INPUT', '表单填写有误,请按提示修改', result.errors);
        // 第二十条: the unit's 不宜公开 is not the platform's to override (the form shows the box read-only)
        const publishProblem = task.formId === 'review-reply' ? publishOverrideProblem(task.variables.reply, submitted) : undefined;
        if (publishProblem) throw new HttpError(400, 'INVALID_INPUT', '表单填写有误,请按提示修改', [{ field: 'publishable', message: publishProblem }]);
        values = result.values;
        await checkAttachments(values, typeof task.variables.petitionId === 'string' ? task.variables.petitionId : undefined);
      }
      // what the app adds (who decided) and writes with the completion, after the form's own checks
      const writes: ((tx: AppTransaction) => Promise<void>)[] = [];
      const afters: (() => Promise<void>)[] = [];
      const formValues = values;
      for (const x of deps.extensions ?? []) {
        const added = await x.completing?.(task, formValues, staff);
        if (added?.variables) values = { ...values, ...added.variables };
        if (added?.write) writes.push(added.write);
        if (added?.after) afters.push(added.after);
      }
      const petitionId = typeof task.variables.petitionId === 'string' ? task.variables.petitionId : null;
      const entry = { actor: staff.id, action: 'task.completed', petitionId, detail: { elementId: task.elementId, task: task.name ?? task.elementId, formId: task.formId ?? null, userTaskKey: task.userTaskKey, outcome: outcomeOf(formValues) } };
      try {
        // the audit row commits with the completion: no completed task without its record
        await engine.completeUserTask(task.userTaskKey, values, {
          transactional: async (tx) => {
            await audit.append(entry, tx);
            await deps.queue?.finishedBy(task.userTaskKey, staff, tx);
            for (const write of writes) await write(tx);
          },
        });
      } catch (err) {
        if ((err as { status?: number }).status === 409) throw new HttpError(409, 'TASK_DONE', '该事项已经办理,不能重复提交');
        throw err;
      }
      deps.log.info({ userTaskKey: task.userTaskKey, elementId: task.elementId, staffId: staff.id }, 'task completed');
      for (const after of afters) await after();
      return { task: await view({ ...task, state: 'completed' }, staff, await deps.docs()) };
    },
  };
  return service;
}

export type TaskService = ReturnType<typeof createTaskService>;

/**
 * What a completion decided, for the record: the yes/no answers, option codes and numbers among the
 * values (never free text, which may name people)
 */
export function outcomeOf(values: Record<string, unknown>, prefix = ''): Record<string, boolean | number | string> {
  const out: Record<string, boolean | number | string> = {};
  for (const [k, v] of Object.entries(values)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[path] = v;
    // option codes have a letter: a run of digits may be a phone number
    else if (typeof v === 'string' && /^(?=[a-z0-9-]*[a-z])[a-z0-9-]{1,32}$/.test(v)) out[path] = v;
    else if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, outcomeOf(v as Record<string, unknown>, path));
  }
  return out;
}

/**
 * The user tasks' documentation of each process's latest deployed version, read again when a process
 * gets a new version (from the modeler, an upload or start-up): one query to see, the XML only then.
 */
export function createTaskDocs(engine: Pick<EnginePort, 'listProcessDefinitions' | 'getProcessDefinitionXml'>): () => Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  let docs = new Map<string, string>();
  let pending: Promise<Map<string, string>> | undefined;
  const refresh = async () => {
    const latest = new Map<string, { key: string; version: number }>();
    for (const d of await engine.listProcessDefinitions()) {
      const had = latest.get(d.processId);
      if (!had || d.version > had.version) latest.set(d.processId, { key: d.processDefinitionKey, version: d.version });
    }
    const changed = [...latest].filter(([processId, l]) => seen.get(processId) !== l.key);
    if (!changed.length) return docs;
    const next = new Map(docs);
    for (const [processId, l] of changed) {
      for (const k of [...next.keys()]) if (k.startsWith(`${processId}/`)) next.delete(k);
      const xml = await engine.getProcessDefinitionXml(l.key);
      for (const [k, v] of userTaskDocs(xml ? [{ content: xml }] : [])) if (k.startsWith(`${processId}/`)) next.set(k, v);
      seen.set(processId, l.key);
    }
    docs = next;
    return docs;
  };
  // concurrent requests share one refresh
  return () => (pending ??= refresh().finally(() => (pending = undefined)));
}

/** `${processId}/${elementId}` → documentation of every user task in the diagrams */
export function userTaskDocs(resources: { content: string }[]): Map<string, string> {
  const docs = new Map<string, string>();
  for (const { content } of resources) {
    const processRe = /<bpmn:process\b[^>]*\bid="([^"]+)"[\s\S]*?<\/bpmn:process>/g;
    for (const p of content.matchAll(processRe)) {
      const taskRe = /<bpmn:userTask\b[^>]*\bid="([^"]+)"[^>]*>\s*<bpmn:documentation>([\s\S]*?)<\/bpmn:documentation>/g;
      for (const t of p[0].matchAll(taskRe)) docs.set(`${p[1]}/${t[1]}`, decodeXml(t[2]).trim());
    }
  }
  return docs;
}

const decodeXml = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
