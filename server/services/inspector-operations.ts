/**
 * The inspector's operator actions that the engine port already offers (issue 18): a process admin
 * edits a running instance's variables or cancels it, each with a required reason and an audit entry
 * (who, when, what, before → after). Auditors reach none of this (readOnlyGuard, requireRole).
 *
 * Personal data: the audit log refuses it, and the inspector shows variables masked. So an entry keeps
 * each changed variable's name with its before and after *as the inspector shows them* — a key that
 * names a person (petitionerName, phone…) becomes `***`, a string goes through maskPersonalData, a
 * value still looking personal or longer than 500 characters is left out. Nothing here writes a log
 * line with a value.
 */
import { ConflictError } from '../../engine/errors.js';
import type { AppTransaction, EnginePort, MigrationCheck, MigrationPlan, MigrationProblem, MigrationProblemCode, ModifyInstructions, ProcessInstance, Variables } from '../../engine/port.js';
import type { AuditRecord, AuditRepository } from '../data/audit-repository.js';
import { looksPersonal, maskPersonalData } from '../../regulation/masking.js';
import { HttpError } from '../http-error.js';

export const OPERATOR_ACTIONS = ['instance.variables-edited', 'instance.canceled', 'instance.modified', 'instance.migrated', 'incident.retried'] as const;
export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** what ties the instance to its case and to its place in the app: not an operator's to change */
const PROTECTED = new Set(['petitionId', 'trackingCode']);
const MAX_VARIABLES = 20;
const MAX_JSON = 10_000;
const REASON_MAX = 500;

type Problem = { field: string; message: string };

/** the reason, trimmed; 400 when missing or too long. Masked: it goes into the audit log. */
export function reasonOf(v: unknown): string {
  const s = typeof v === 'string' ? v.trim() : '';
  if (s.length < 2) throw new HttpError(400, 'INVALID_INPUT', '请填写操作理由(至少 2 个字)', [{ field: 'reason', message: '请填写操作理由(至少 2 个字)' }]);
  if (s.length > REASON_MAX) throw new HttpError(400, 'INVALID_INPUT', `操作理由最多 ${REASON_MAX} 字`, [{ field: 'reason', message: `最多 ${REASON_MAX} 字` }]);
  return maskPersonalData(s);
}

/** the variables to set: a JSON object of 1–20 named values; every problem at once */
export function variablesOf(v: unknown): Variables {
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      throw new HttpError(400, 'INVALID_INPUT', '变量须为 JSON 对象,如 {"isMajor": true}', [{ field: 'variables', message: '不是合法的 JSON' }]);
    }
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new HttpError(400, 'INVALID_INPUT', '变量须为 JSON 对象,如 {"isMajor": true}', [{ field: 'variables', message: '须为 JSON 对象' }]);
  const entries = Object.entries(v as Record<string, unknown>);
  const problems: Problem[] = [];
  if (entries.length === 0) problems.push({ field: 'variables', message: '至少修改一个变量' });
  if (entries.length > MAX_VARIABLES) problems.push({ field: 'variables', message: `一次最多修改 ${MAX_VARIABLES} 个变量` });
  for (const [k, value] of entries) {
    if (!NAME.test(k)) problems.push({ field: `variables.${k.slice(0, 64)}`, message: '变量名须以字母或下划线开头,只含字母、数字、下划线' });
    else if (PROTECTED.has(k)) problems.push({ field: `variables.${k}`, message: '该变量关联诉求,不能修改' });
    else if (value === undefined) problems.push({ field: `variables.${k}`, message: '须有值(可为 null)' });
  }
  if (JSON.stringify(v).length > MAX_JSON) problems.push({ field: 'variables', message: `变量内容过长(最多 ${MAX_JSON} 字符)` });
  if (problems.length) throw new HttpError(400, 'INVALID_INPUT', '变量有误', problems);
  return v as Variables;
}

/** a variable's value as the audit may keep it: masked like the inspector shows it, or left out */
export function auditValue(name: string, value: unknown): unknown {
  if (value === undefined) return null;
  if (/^(petitioner(Name|Phone)|name|phone|mobile|tel|telephone|idNumber|idCard|address|email)$/i.test(name)) return '***';
  const mask = (x: unknown): unknown => {
    if (typeof x === 'string') return maskPersonalData(x);
    if (Array.isArray(x)) return x.map(mask);
    if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, /^(petitioner(Name|Phone)|name|phone|mobile|tel|telephone|idNumber|idCard|address|email)$/i.test(k) ? '***' : mask(y)]));
    return x;
  };
  const masked = mask(value);
  const json = JSON.stringify(masked) ?? 'null';
  if (json.length > 500 || looksPersonal(json)) return { omitted: true, length: json.length };
  return masked;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const ELEMENT = /^[A-Za-z_][\w.-]{0,127}$/;

/** why an instance cannot move, as the office reads it (the engine's messages are for developers) */
const MIGRATION_PROBLEM_LABELS: Record<MigrationProblemCode, string> = {
  NOT_ACTIVE: '实例已结束',
  HAS_INCIDENT: '实例有未解决的事故,请先处理事故',
  TARGET_NOT_FOUND: '目标版本不存在',
  DIFFERENT_PROCESS: '目标版本属于另一个流程',
  INVALID_MAPPING: '映射中的元素不存在',
  UNMAPPED_ELEMENT: '活动元素在新版本中没有对应的元素,请在映射中指定',
  ELEMENT_TYPE_CHANGED: '对应元素的类型不同',
  EVENT_TYPE_CHANGED: '对应事件的类型不同(如定时器改为消息)',
  SCOPE_CHANGED: '对应元素所在的子流程不同',
  CALL_ACTIVITY: '实例停在调用活动上,子流程不随之迁移',
  UNSUPPORTED: '该状态的实例暂不支持迁移(如停在并行汇聚处)',
};

/** a migration problem in the office's words, with the element it names */
export function migrationProblemText(p: MigrationProblem): string {
  const label = MIGRATION_PROBLEM_LABELS[p.code] ?? p.message;
  return p.elementId ? `${label}(${p.elementId})` : label;
}
const MAX_INSTRUCTIONS = 20;

/** an element id list from outside input (a JSON array, or one id / ids separated by commas from a form) */
function idsOf(v: unknown, field: string, problems: Problem[]): string[] {
  const list = v === undefined || v === null || v === '' ? [] : typeof v === 'string' ? v.split(/[\s,，]+/).filter(Boolean) : Array.isArray(v) ? v : undefined;
  if (!list) {
    problems.push({ field, message: '须为元素编号的列表' });
    return [];
  }
  const ids: string[] = [];
  for (const x of list) {
    const id = typeof x === 'object' && x !== null ? (x as Record<string, unknown>).elementId ?? (x as Record<string, unknown>).elementInstanceKey : x;
    if (typeof id !== 'string' || !(ELEMENT.test(id) || /^[\w.:/-]{1,255}$/.test(id))) problems.push({ field, message: `「${String(id).slice(0, 40)}」不是元素编号` });
    else ids.push(id);
  }
  if (ids.length > MAX_INSTRUCTIONS) problems.push({ field, message: `一次最多 ${MAX_INSTRUCTIONS} 项` });
  return ids;
}

/** Operate's modification from outside input: elements to activate (a token added before each) and element instances or elements to terminate */
export function modificationOf(input: { activate?: unknown; terminate?: unknown }): ModifyInstructions {
  const problems: Problem[] = [];
  const activate = idsOf(input.activate, 'activate', problems).map((elementId) => ({ elementId }));
  const terminate = idsOf(input.terminate, 'terminate', problems).map((id) => (ELEMENT.test(id) && !/^\d+$/.test(id) ? { elementId: id } : { elementInstanceKey: id }));
  if (!problems.length && !activate.length && !terminate.length) problems.push({ field: 'activate', message: '请指明要激活或终止的元素' });
  if (problems.length) throw new HttpError(400, 'INVALID_INPUT', '修改指令有误', problems);
  return { activate, terminate };
}

/** a migration plan from outside input: the target version (number or definition key) and the mapping of elements whose ids differ */
function planInput(input: { targetVersion?: unknown; targetProcessDefinitionKey?: unknown; mapping?: unknown }): { targetVersion?: number; targetKey?: string; mapping: { sourceElementId: string; targetElementId: string }[] } {
  const problems: Problem[] = [];
  const v = input.targetVersion;
  const targetVersion = v === undefined || v === '' ? undefined : Number(v);
  if (targetVersion !== undefined && (!Number.isInteger(targetVersion) || targetVersion < 1)) problems.push({ field: 'targetVersion', message: '目标版本须为正整数' });
  const k = input.targetProcessDefinitionKey;
  const targetKey = typeof k === 'string' && k ? k : undefined;
  if (targetVersion === undefined && !targetKey) problems.push({ field: 'targetVersion', message: '请选择目标版本' });
  let raw = input.mapping;
  if (typeof raw === 'string') raw = raw.trim() ? raw.split(/\r?\n/).filter((l) => l.trim()).map((l) => l.split(/\s*(?:->|→|=>|,)\s*/)) : [];
  const mapping: { sourceElementId: string; targetElementId: string }[] = [];
  if (raw !== undefined && !Array.isArray(raw)) problems.push({ field: 'mapping', message: '映射须为列表,每项 源元素 → 目标元素' });
  for (const m of (Array.isArray(raw) ? raw : []) as unknown[]) {
    const pair = Array.isArray(m) ? { sourceElementId: m[0], targetElementId: m[1] } : (m as Record<string, unknown>);
    if (typeof pair?.sourceElementId !== 'string' || typeof pair.targetElementId !== 'string' || !ELEMENT.test(pair.sourceElementId) || !ELEMENT.test(pair.targetElementId)) problems.push({ field: 'mapping', message: '每项须为 源元素编号 → 目标元素编号' });
    else mapping.push({ sourceElementId: pair.sourceElementId, targetElementId: pair.targetElementId });
  }
  if (mapping.length > 200) problems.push({ field: 'mapping', message: '映射最多 200 项' });
  if (problems.length) throw new HttpError(400, 'INVALID_INPUT', '迁移计划有误', problems);
  return { targetVersion, targetKey, mapping };
}

export function createInspectorOperations(deps: { engine: EnginePort; audit: AuditRepository }) {
  const { engine } = deps;

  async function running(key: string): Promise<ProcessInstance> {
    const instance = typeof key === 'string' && /^[\w.:/-]{1,255}$/.test(key) ? await engine.getProcessInstance(key) : undefined;
    if (!instance) throw new HttpError(404, 'NOT_FOUND', '未找到该流程实例');
    if (instance.state !== 'active' && instance.state !== 'incident') throw new HttpError(409, 'INSTANCE_ENDED', '该流程实例已结束,不能再操作');
    return instance;
  }

  const petitionOf = (i: ProcessInstance) => (typeof i.variables.petitionId === 'string' && /^[\w.:-]{1,64}$/.test(i.variables.petitionId) ? i.variables.petitionId : null);

  /** the plan for a migration to another version of the instance's process */
  async function planFor(key: string, input: { targetVersion?: unknown; targetProcessDefinitionKey?: unknown; mapping?: unknown }): Promise<{ instance: ProcessInstance; plan: MigrationPlan; targetVersion: number }> {
    const p = planInput(input);
    const instance = await running(key);
    const versions = await engine.listProcessDefinitions({ processId: instance.processId });
    const target = versions.find((d) => (p.targetKey ? d.processDefinitionKey === p.targetKey : d.version === p.targetVersion));
    if (!target) throw new HttpError(400, 'INVALID_INPUT', '目标版本不存在', [{ field: 'targetVersion', message: `${instance.processId} 没有该版本` }]);
    if (target.version === instance.version) throw new HttpError(400, 'INVALID_INPUT', '实例已在该版本上', [{ field: 'targetVersion', message: '实例已在该版本上' }]);
    return { instance, plan: { targetProcessDefinitionKey: target.processDefinitionKey, mappingInstructions: p.mapping }, targetVersion: target.version };
  }

  return {
    /** set (merge) variables of a running instance; 400 for bad input or no change, nothing set then */
    async editVariables(actorId: string, key: string, input: { variables: unknown; reason: unknown }): Promise<AuditRecord> {
      // input first: a bad request changes nothing and says so whatever the instance
      const variables = variablesOf(input.variables);
      const reason = reasonOf(input.reason);
      const instance = await running(key);
      const changed = Object.entries(variables).filter(([k, v]) => !same(instance.variables[k], v));
      if (!changed.length) throw new HttpError(400, 'NO_CHANGE', '填写的变量与当前值相同,未作任何变更', [{ field: 'variables', message: '与当前值相同' }]);
      const changes = changed.map(([variable, after]) => ({ variable, before: auditValue(variable, instance.variables[variable]), after: auditValue(variable, after), created: !Object.hasOwn(instance.variables, variable) }));
      let entry: AuditRecord | undefined;
      // the audit entry commits with the change (embedded), or once the broker took it (Zeebe)
      await engine.setVariables(instance.processInstanceKey, Object.fromEntries(changed), {
        transactional: async (tx: AppTransaction) => {
          entry = await deps.audit.append(
            { actor: actorId, action: 'instance.variables-edited', petitionId: petitionOf(instance), detail: { processInstanceKey: instance.processInstanceKey, processId: instance.processId, version: instance.version, reason, changes } },
            tx,
          );
        },
      });
      return entry as AuditRecord;
    },

    /** cancel a running instance; the audit entry commits with the cancellation (embedded engine) */
    async cancel(actorId: string, key: string, input: { reason: unknown }): Promise<void> {
      const reason = reasonOf(input.reason);
      const instance = await running(key);
      try {
        await engine.cancel(instance.processInstanceKey, {
          transactional: async (tx: AppTransaction) => {
            await deps.audit.append(
              {
                actor: actorId,
                action: 'instance.canceled',
                petitionId: petitionOf(instance),
                detail: { processInstanceKey: instance.processInstanceKey, processId: instance.processId, version: instance.version, reason, before: { state: instance.state }, after: { state: 'canceled' } },
              },
              tx,
            );
          },
        });
      } catch (err) {
        // it ended meanwhile
        if (err instanceof ConflictError) throw new HttpError(409, 'INSTANCE_ENDED', '该流程实例已结束,不能再操作');
        throw err;
      }
    },

    /** Operate's modify: move a token (terminate + activate), add one before an element, or cancel one; audited in the same transaction */
    async modify(actorId: string, key: string, input: { activate?: unknown; terminate?: unknown; reason: unknown }): Promise<void> {
      const instructions = modificationOf(input);
      const reason = reasonOf(input.reason);
      const instance = await running(key);
      await engine.modifyProcessInstance(instance.processInstanceKey, instructions, {
        transactional: async (tx: AppTransaction) => {
          await deps.audit.append(
            { actor: actorId, action: 'instance.modified', petitionId: petitionOf(instance), detail: { processInstanceKey: instance.processInstanceKey, processId: instance.processId, version: instance.version, reason, activate: instructions.activate?.map((a) => a.elementId) ?? [], terminate: instructions.terminate ?? [] } },
            tx,
          );
        },
      });
    },

    /** whether the instance can move, and each reason it cannot (changes nothing) */
    async checkMigration(key: string, input: { targetVersion?: unknown; targetProcessDefinitionKey?: unknown; mapping?: unknown }): Promise<MigrationCheck & { targetVersion: number }> {
      const { instance, plan, targetVersion } = await planFor(key, input);
      const check = await engine.checkMigration(instance.processInstanceKey, plan);
      return { ...check, problems: check.problems.map((p) => ({ ...p, message: migrationProblemText(p) })), targetVersion };
    },

    /** migrate the instance to another version; refused (409, with the reasons) when the check says it cannot; audited in the same transaction */
    async migrate(actorId: string, key: string, input: { targetVersion?: unknown; targetProcessDefinitionKey?: unknown; mapping?: unknown; reason: unknown }): Promise<MigrationCheck & { targetVersion: number }> {
      const reason = reasonOf(input.reason);
      const { instance, plan, targetVersion } = await planFor(key, input);
      const check = await engine.checkMigration(instance.processInstanceKey, plan);
      if (!check.migratable) throw new HttpError(409, 'NOT_MIGRATABLE', `该实例不能迁移:${check.problems.map(migrationProblemText).join(';')}`, check.problems.map((p) => ({ ...p, message: migrationProblemText(p) })));
      await engine.migrateProcessInstance(instance.processInstanceKey, plan, {
        transactional: async (tx: AppTransaction) => {
          await deps.audit.append(
            { actor: actorId, action: 'instance.migrated', petitionId: petitionOf(instance), detail: { processInstanceKey: instance.processInstanceKey, processId: instance.processId, reason, before: { version: instance.version }, after: { version: targetVersion }, mapping: check.elements } },
            tx,
          );
        },
      });
      return { ...check, targetVersion };
    },

    /** the operator actions on one instance, oldest first */
    async actionsOn(instance: { processInstanceKey: string; petitionId?: string }): Promise<AuditRecord[]> {
      const found = new Map<number, AuditRecord>();
      const mine = (a: AuditRecord) => (OPERATOR_ACTIONS as readonly string[]).includes(a.action) && a.detail?.processInstanceKey === instance.processInstanceKey;
      if (instance.petitionId) for (const a of await deps.audit.listByPetition(instance.petitionId)) if (mine(a)) found.set(a.id, a);
      // entries without the case (an instance without a petition, a retried incident): the latest 1,000 of each action
      for (const action of OPERATOR_ACTIONS) for (const a of await deps.audit.list({ action, limit: 1000 })) if (mine(a)) found.set(a.id, a);
      return [...found.values()].sort((a, b) => a.id - b.id);
    },

    /** call-activity children of an instance: started after it, found among the next 2,000 instances */
    async childrenOf(instance: ProcessInstance): Promise<ProcessInstance[]> {
      const out: ProcessInstance[] = [];
      for (let offset = 0; offset < 2_000; offset += 500) {
        const batch = await engine.listProcessInstances({ startedFrom: instance.startedAt, limit: 500, offset });
        out.push(...batch.filter((i) => i.parentProcessInstanceKey === instance.processInstanceKey));
        if (batch.length < 500) break;
      }
      return out.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    },
  };
}

export type InspectorOperations = ReturnType<typeof createInspectorOperations>;
