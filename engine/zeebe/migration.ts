/**
 * Process-instance migration on Zeebe (issue 18): the broker checks a plan against the instance's
 * real state when it migrates (MigrateProcessInstance). Engine-only Camunda answers no element
 * search, so this check says what the adapter's records and the two diagrams already show — the
 * instance ended, the target unknown or of another process, a mapping naming no element, a mapped
 * element of another type or event kind, an open user task without a target — and leaves the rest
 * (call activities, element instances it cannot see) to the broker: `checkedBy: 'broker'`.
 */
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { parseResource, type ProcessModel } from '../embedded/model.js';
import type { MigrateOptions, MigrationCheck, MigrationMappingInstruction, MigrationPlan, MigrationProblem } from '../port.js';
import type { ZeebeRecords } from './records.js';

export interface MigrationDeps {
  records: ZeebeRecords;
  migrate(processInstanceKey: string, plan: MigrationPlan): Promise<void>;
  transaction<T>(fn: (tx: Parameters<NonNullable<MigrateOptions['transactional']>>[0]) => Promise<T>): Promise<T>;
  now(): number;
}

async function modelOf(records: ZeebeRecords, key: string, processId: string): Promise<ProcessModel | undefined> {
  const xml = await records.definitionXml(key);
  if (!xml) return undefined;
  try {
    return (await parseResource(`${key}.bpmn`, xml)).processes.get(processId);
  } catch {
    // a diagram the embedded parser does not read: the broker alone judges
    return undefined;
  }
}

export async function checkZeebeMigration(deps: MigrationDeps, processInstanceKey: string, plan: MigrationPlan): Promise<MigrationCheck & { targetVersion?: number }> {
  const { records } = deps;
  const problems: MigrationProblem[] = [];
  const elements: MigrationMappingInstruction[] = [];
  const check: MigrationCheck & { targetVersion?: number } = { processInstanceKey, targetProcessDefinitionKey: plan.targetProcessDefinitionKey, migratable: false, problems, elements, checkedBy: 'broker' };
  const instance = await records.getInstance(processInstanceKey);
  if (!instance) throw new NotFoundError(`process instance ${processInstanceKey} not found`);
  check.sourceProcessDefinitionKey = instance.processDefinitionKey;
  if (instance.state === 'completed' || instance.state === 'canceled') problems.push({ code: 'NOT_ACTIVE', message: `the instance is ${instance.state}` });
  const target = (await records.listDefinitions()).find((d) => d.processDefinitionKey === plan.targetProcessDefinitionKey);
  if (!target) problems.push({ code: 'TARGET_NOT_FOUND', message: `no process definition ${plan.targetProcessDefinitionKey} was deployed here` });
  else if (target.processId !== instance.processId) problems.push({ code: 'DIFFERENT_PROCESS', message: `the target definition is of process '${target.processId}', the instance runs '${instance.processId}'` });
  if (problems.length || !target) return check;
  check.targetVersion = target.version;

  const source = await modelOf(records, instance.processDefinitionKey, instance.processId);
  const model = await modelOf(records, target.processDefinitionKey, target.processId);
  if (source && model) {
    for (const m of plan.mappingInstructions) {
      const from = source.elements.get(m.sourceElementId);
      const to = model.elements.get(m.targetElementId);
      if (!from) problems.push({ code: 'INVALID_MAPPING', elementId: m.sourceElementId, message: `${m.sourceElementId} is not an element of version ${instance.version}` });
      else if (!to) problems.push({ code: 'INVALID_MAPPING', elementId: m.sourceElementId, message: `${m.targetElementId} is not an element of version ${target.version}` });
      else if (from.type !== to.type) problems.push({ code: 'ELEMENT_TYPE_CHANGED', elementId: m.sourceElementId, message: `${m.sourceElementId} maps to ${m.targetElementId}, an element of another type` });
      else if (from.eventKind !== to.eventKind) problems.push({ code: 'EVENT_TYPE_CHANGED', elementId: m.sourceElementId, message: `${m.sourceElementId} is a ${from.eventKind} event, ${m.targetElementId} a ${to.eventKind} one` });
    }
    // the open user tasks are the active elements the records know
    const explicit = new Map(plan.mappingInstructions.map((m) => [m.sourceElementId, m.targetElementId]));
    const tasks = await records.listTasks({ processInstanceKey, state: 'created' });
    for (const el of new Set(tasks.map((t) => t.elementId))) {
      const to = explicit.get(el) ?? (model.elements.has(el) ? el : undefined);
      if (!to) problems.push({ code: 'UNMAPPED_ELEMENT', elementId: el, message: `the active element ${el} has no element in version ${target.version}: map it` });
      else elements.push({ sourceElementId: el, targetElementId: to });
    }
  }
  check.migratable = problems.length === 0;
  return check;
}

export async function migrateOnZeebe(deps: MigrationDeps, processInstanceKey: string, plan: MigrationPlan, options: MigrateOptions = {}): Promise<void> {
  const check = await checkZeebeMigration(deps, processInstanceKey, plan);
  if (!check.migratable) {
    throw new InvalidArgumentError(`process instance ${processInstanceKey} cannot be migrated: ${check.problems.map((p) => p.message).join('; ')}`);
  }
  const { transactional } = options;
  // no transaction spans Zeebe: the app's rows commit only once the broker migrated the instance
  if (transactional) {
    await deps.transaction(async (tx) => {
      await deps.migrate(processInstanceKey, plan);
      await transactional(tx);
    });
  } else await deps.migrate(processInstanceKey, plan);
  const mapped = new Map(plan.mappingInstructions.map((m) => [m.sourceElementId, m.targetElementId]));
  const instance = await deps.records.getInstance(processInstanceKey);
  await deps.records.migrateInstance(processInstanceKey, { processDefinitionKey: plan.targetProcessDefinitionKey, version: check.targetVersion! }, mapped, deps.now(), {
    fromVersion: instance?.version,
    toVersion: check.targetVersion,
    fromProcessDefinitionKey: check.sourceProcessDefinitionKey,
    toProcessDefinitionKey: plan.targetProcessDefinitionKey,
    elements: plan.mappingInstructions,
  });
}
