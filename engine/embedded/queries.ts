/**
 * Read queries of the port (the inspector's): instances, timers, definitions, waiting counts, history.
 */
import type { HistoryEvent, InstanceFilter, PendingTimer, ProcessDefinition, ProcessInstance, WaitingCount } from '../port.js';
import { assertName, parseJson } from './checks.js';
import type { Core } from './core.js';
import { definitionFromRow, historyFromRow, instanceQuery, type InstanceRow, whereOf } from './store/store.js';

export async function getProcessInstance(core: Core, processInstanceKey: string): Promise<ProcessInstance | undefined> {
  const row = await core.store.getInstance(processInstanceKey);
  if (!row) return undefined;
  return {
    processInstanceKey: row.id,
    processId: row.process_id,
    version: row.version,
    processDefinitionKey: row.definition_id,
    state: row.state,
    ...(row.parent_id && { parentProcessInstanceKey: row.parent_id }),
    variables: parseJson(row.variables, {}),
    startedAt: new Date(row.started_at),
    ...(row.ended_at !== null && { endedAt: new Date(row.ended_at) }),
  };
}

export async function listProcessInstances(core: Core, filter: InstanceFilter = {}): Promise<ProcessInstance[]> {
  const { where, args, limit, offset } = instanceQuery(filter);
  const rows = await core.store.select<InstanceRow>(`SELECT * FROM engine_instances ${where} ORDER BY started_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`, args);
  return rows.map((row) => ({
    processInstanceKey: row.id,
    processId: row.process_id,
    version: Number(row.version),
    processDefinitionKey: row.definition_id,
    state: row.state,
    ...(row.parent_id && { parentProcessInstanceKey: row.parent_id }),
    variables: parseJson(row.variables, {}),
    startedAt: new Date(Number(row.started_at)),
    ...(row.ended_at !== null && { endedAt: new Date(Number(row.ended_at)) }),
  }));
}

export async function listTimers(core: Core, processInstanceKey: string): Promise<PendingTimer[]> {
  const rows = await core.store.select<{ element_id: string; due_at: number | string }>('SELECT element_id, due_at FROM engine_timers WHERE instance_id = ? ORDER BY due_at, id', [processInstanceKey]);
  return rows.map((r) => ({ elementId: r.element_id, dueAt: new Date(Number(r.due_at)) }));
}

export async function listProcessDefinitions(core: Core, filter: { processId?: string } = {}): Promise<ProcessDefinition[]> {
  const { where, args } = whereOf([['d.process_id = ?', filter.processId]]);
  const rows = await core.store.select<{ id: string; process_id: string; version: number | string; resource_name: string; deployed_at: number | string; deployed_by: string | null }>(
    `SELECT d.id, d.process_id, d.version, d.resource_name, d.deployed_at, p.deployed_by FROM engine_process_definitions d LEFT JOIN engine_deployments p ON p.id = d.deployment_id ${where} ORDER BY d.process_id, d.version DESC`,
    args,
  );
  return rows.map(definitionFromRow);
}

export async function getProcessDefinitionXml(core: Core, processDefinitionKey: string): Promise<string | undefined> {
  if (typeof processDefinitionKey !== 'string') return undefined;
  return (await core.store.one<{ xml: string }>('SELECT xml FROM engine_process_definitions WHERE id = ?', [processDefinitionKey]))?.xml;
}

export async function countWaiting(core: Core, processId: string): Promise<WaitingCount[]> {
  assertName(processId, 'processId');
  // every wait of a running instance, by the tables that index them; an instance counts once per element
  const rows = await core.store.select<{ version: number | string; element_id: string; n: number | string }>(
    `SELECT i.version, w.element_id, COUNT(DISTINCT i.id) AS n FROM (
       SELECT instance_id, element_id FROM engine_user_tasks WHERE state = 'created'
       UNION ALL SELECT instance_id, element_id FROM engine_jobs
       UNION ALL SELECT instance_id, element_id FROM engine_timers WHERE instance_id IS NOT NULL
       UNION ALL SELECT instance_id, element_id FROM engine_subscriptions
     ) w JOIN engine_instances i ON i.id = w.instance_id
     WHERE i.process_id = ? AND i.state IN ('active', 'incident')
     GROUP BY i.version, w.element_id ORDER BY i.version, w.element_id`,
    [processId],
  );
  return rows.map((r) => ({ version: Number(r.version), elementId: r.element_id, instances: Number(r.n) }));
}

export async function getHistory(core: Core, processInstanceKey: string): Promise<HistoryEvent[]> {
  const rows = await core.store.select<any>('SELECT * FROM engine_history WHERE instance_id = ? ORDER BY id', [processInstanceKey]);
  return rows.map(historyFromRow);
}
