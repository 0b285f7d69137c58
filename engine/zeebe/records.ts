/**
 * The Zeebe adapter's records (tables in records-migrations.ts): definitions and forms it
 * deployed, instances (from its own start/cancel and the process execution-listener jobs), the
 * user-task mirror (from the task-listener jobs), incidents of jobs it failed to 0 retries, and
 * the history its workers and listeners saw. Plain SQL through the embedded store's helpers, the
 * same on SQLite and MySQL; plain objects out. Writes are idempotent: Zeebe may hand a listener
 * job over twice (a timeout, a lost acknowledgement), and the second time must change nothing.
 */
import type { Database } from '../embedded/store/database.js';
import { Store, decisionFromRow, definitionFromRow, historyFromRow, instanceQuery, userTaskFromRow, userTaskRow, userTaskWhere, whereOf, type Tx, type UserTaskRow } from '../embedded/store/store.js';
import type { DecisionDefinition, DeployedDecision, HistoryEvent, HistoryEventType, Incident, InstanceFilter, InstanceState, ProcessDefinition, ProcessInstance, UserTask, UserTaskFilter, UserTaskState, Variables, WaitingCount } from '../port.js';

const parse = <T>(s: string | null | undefined, fallback: T): T => {
  if (s === null || s === undefined || s === '') return fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
};

export interface DefinitionRecord {
  processDefinitionKey: string;
  processId: string;
  version: number;
  resourceName: string;
  checksum: string;
  xml: string;
}

export interface InstanceSeen {
  processInstanceKey: string;
  processId: string;
  version: number;
  processDefinitionKey: string;
}

export function createZeebeRecords(db: Database) {
  const store = new Store(db);
  const forUpdate = db.dialect === 'sqlite' ? '' : ' FOR UPDATE';
  const formIds = new Map<string, string>();
  /** a (process, version)'s definition key never changes: asked once per pair */
  const definitionKeys = new Map<string, Promise<string | undefined>>();

  /** insert, or on the same key update the given columns (atomic on both dialects) */
  const upsert = (table: string, keyCol: string, row: Record<string, unknown>, update: string[], tx?: Tx) => {
    const cols = Object.keys(row);
    const values = cols.map((c) => row[c] ?? null);
    const set =
      db.dialect === 'sqlite'
        ? `ON CONFLICT(${keyCol}) DO ${update.length ? `UPDATE SET ${update.map((c) => `${c} = excluded.${c}`).join(', ')}` : 'NOTHING'}`
        : `ON DUPLICATE KEY UPDATE ${(update.length ? update : [keyCol]).map((c) => `${c} = VALUES(${c})`).join(', ')}`;
    return store.exec(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ${set}`, values, tx);
  };

  const toInstance = (r: any): ProcessInstance => ({
    processInstanceKey: r.id,
    processId: r.process_id,
    version: Number(r.version),
    processDefinitionKey: r.definition_key,
    state: r.state,
    variables: parse(r.variables, {}),
    startedAt: new Date(Number(r.started_at)),
    ...(r.ended_at !== null && r.ended_at !== undefined && { endedAt: new Date(Number(r.ended_at)) }),
  });

  const toTask = (r: UserTaskRow): UserTask => userTaskFromRow(r);

  const toIncident = (r: any): Incident => ({
    incidentKey: r.id,
    processInstanceKey: r.instance_id,
    processId: r.process_id,
    elementId: r.element_id,
    ...(r.job_key && { jobKey: r.job_key }),
    errorType: r.error_type,
    errorMessage: r.error_message,
    state: r.state,
    createdAt: new Date(Number(r.created_at)),
  });

  const appendHistory = async (instanceKey: string, events: { elementId: string; elementType: string; event: HistoryEventType; at: number; detail?: unknown }[], tx?: Tx) => {
    for (const e of events) {
      await store.insert('zeebe_history', { instance_id: instanceKey, element_id: e.elementId, element_type: e.elementType, event: e.event, at: e.at, detail: e.detail === undefined ? null : JSON.stringify(e.detail) }, tx);
    }
  };

  return {
    // ------------------------------------------------------------ definitions and forms

    async recordDeployment(d: { deploymentKey: string; at: number; deployedBy?: string; processes: DefinitionRecord[]; forms: { formKey: string; formId: string; version: number }[]; decisions?: (DeployedDecision & { xml: string })[] }) {
      await db.transaction(async (tx) => {
        for (const x of d.decisions ?? []) {
          await upsert(
            'zeebe_decisions',
            'id',
            { id: x.decisionKey, decision_id: x.decisionId, name: x.name, version: x.version, requirements_id: x.decisionRequirementsId, resource_name: x.resourceName, xml: x.xml, deployment_key: d.deploymentKey, deployed_at: d.at, deployed_by: d.deployedBy ?? null },
            [],
            tx,
          );
        }
        for (const p of d.processes) {
          // a duplicate deployment answers the existing key: the first record stays
          await upsert(
            'zeebe_definitions',
            'id',
            { id: p.processDefinitionKey, process_id: p.processId, version: p.version, resource_name: p.resourceName, checksum: p.checksum, xml: p.xml, deployment_key: d.deploymentKey, deployed_at: d.at, deployed_by: d.deployedBy ?? null },
            [],
            tx,
          );
        }
        for (const f of d.forms) await upsert('zeebe_forms', 'form_key', { form_key: f.formKey, form_id: f.formId, version: f.version, deployed_at: d.at }, [], tx);
      });
      for (const f of d.forms) formIds.set(f.formKey, f.formId);
    },

    async decisionKnown(decisionKey: string): Promise<boolean> {
      return Boolean(await store.one('SELECT id FROM zeebe_decisions WHERE id = ?', [decisionKey]));
    },

    /** the decisions deployed here: as the embedded adapter lists them (port.ts listDecisionDefinitions) */
    async listDecisions(filter: { decisionId?: string; latestOnly?: boolean } = {}): Promise<DecisionDefinition[]> {
      const { where, args } = whereOf([['d.decision_id = ?', filter.decisionId]]);
      const latest = filter.latestOnly ? `${where ? ' AND' : 'WHERE'} d.version = m.versions` : '';
      const rows = await store.select<any>(
        `SELECT d.id, d.decision_id, d.name, d.version, m.versions, d.requirements_id, d.resource_name, d.deployed_at, d.deployed_by FROM zeebe_decisions d
         JOIN (SELECT decision_id, MAX(version) AS versions FROM zeebe_decisions GROUP BY decision_id) m ON m.decision_id = d.decision_id
         ${where}${latest} ORDER BY d.decision_id, d.version DESC`,
        args,
      );
      return rows.map(decisionFromRow);
    },

    async decisionXml(decisionKey: string): Promise<string | undefined> {
      return (await store.one<{ xml: string }>('SELECT xml FROM zeebe_decisions WHERE id = ?', [decisionKey]))?.xml;
    },

    async decisionKeyOf(decisionId: string, version: number): Promise<string | undefined> {
      return (await store.one<{ id: string }>('SELECT id FROM zeebe_decisions WHERE decision_id = ? AND version = ?', [decisionId, version]))?.id;
    },

    async definitionKnown(processDefinitionKey: string): Promise<boolean> {
      return Boolean(await store.one('SELECT id FROM zeebe_definitions WHERE id = ?', [processDefinitionKey]));
    },

    async listDefinitions(filter: { processId?: string } = {}): Promise<ProcessDefinition[]> {
      const rows = await store.select<any>(
        `SELECT id, process_id, version, resource_name, deployed_at, deployed_by FROM zeebe_definitions ${filter.processId ? 'WHERE process_id = ?' : ''} ORDER BY process_id, version DESC`,
        filter.processId ? [filter.processId] : [],
      );
      return rows.map(definitionFromRow);
    },

    async definitionXml(processDefinitionKey: string): Promise<string | undefined> {
      return (await store.one<{ xml: string }>('SELECT xml FROM zeebe_definitions WHERE id = ?', [processDefinitionKey]))?.xml;
    },

    async latestDefinition(processId: string): Promise<{ processDefinitionKey: string; version: number; xml: string } | undefined> {
      const r = await store.one<any>('SELECT id, version, xml FROM zeebe_definitions WHERE process_id = ? ORDER BY version DESC LIMIT 1', [processId]);
      return r && { processDefinitionKey: r.id, version: Number(r.version), xml: r.xml };
    },

    /** the form id of a deployed form's key (cached: form keys never change meaning) */
    async loadForms() {
      for (const r of await store.select<{ form_key: string; form_id: string }>('SELECT form_key, form_id FROM zeebe_forms', [])) formIds.set(r.form_key, r.form_id);
    },
    formIdOf: (formKey: string) => formIds.get(formKey),

    /** the key of a deployed (process, version), as a job names only those two */
    definitionKeyOf(processId: string, version: number): Promise<string | undefined> {
      const k = `${processId}\u0000${version}`;
      let key = definitionKeys.get(k);
      if (!key) {
        key = store.one<{ id: string }>('SELECT id FROM zeebe_definitions WHERE process_id = ? AND version = ?', [processId, version]).then((r) => r?.id);
        // an unknown pair (deployed by nobody here yet) is asked again next time
        void key.then((found) => found === undefined && definitionKeys.delete(k), () => definitionKeys.delete(k));
        definitionKeys.set(k, key);
      }
      return key;
    },

    // ------------------------------------------------------------ instances

    /** an instance seen (started here, or a job of it arrived): recorded once, variables merged in */
    async sawInstance(i: InstanceSeen, at: number, variables?: Variables, event?: { elementId: string; elementType: string; event: HistoryEventType; detail?: unknown }) {
      await db.transaction(async (tx) => {
        const row = await store.one<{ variables: string | null; state: string }>(`SELECT variables, state FROM zeebe_instances WHERE id = ?${forUpdate}`, [i.processInstanceKey], tx);
        if (!row) {
          await upsert(
            'zeebe_instances',
            'id',
            { id: i.processInstanceKey, process_id: i.processId, version: i.version, definition_key: i.processDefinitionKey, state: 'active', variables: JSON.stringify(variables ?? {}), started_at: at, ended_at: null },
            [],
            tx,
          );
        } else if (variables) {
          await store.exec('UPDATE zeebe_instances SET variables = ? WHERE id = ?', [JSON.stringify({ ...parse(row.variables, {}), ...variables }), i.processInstanceKey], tx);
        }
        if (event) await appendHistory(i.processInstanceKey, [{ ...event, at }], tx);
      });
    },

    /** an instance ended (the process end listener, or a cancel here): once */
    async endInstance(processInstanceKey: string, state: Extract<InstanceState, 'completed' | 'canceled'>, at: number, variables?: Variables) {
      await db.transaction(async (tx) => {
        const row = await store.one<{ variables: string | null; state: string; process_id: string }>(`SELECT variables, state, process_id FROM zeebe_instances WHERE id = ?${forUpdate}`, [processInstanceKey], tx);
        if (!row || row.state === 'completed' || row.state === 'canceled') return;
        await store.exec('UPDATE zeebe_instances SET state = ?, ended_at = ?, variables = ? WHERE id = ?', [state, at, JSON.stringify({ ...parse(row.variables, {}), ...(variables ?? {}) }), processInstanceKey], tx);
        if (state === 'canceled') {
          // the canceling task listener says so as well; whichever comes first ends the task
          await store.exec("UPDATE zeebe_user_tasks SET state = 'canceled', ended_at = ? WHERE instance_id = ? AND state = 'created'", [at, processInstanceKey], tx);
        }
        await store.exec("UPDATE zeebe_incidents SET state = 'resolved', resolved_at = ? WHERE instance_id = ? AND state = 'active'", [at, processInstanceKey], tx);
        await appendHistory(processInstanceKey, [{ elementId: row.process_id, elementType: 'bpmn:Process', event: state, at }], tx);
      });
    },

    async getInstance(processInstanceKey: string): Promise<ProcessInstance | undefined> {
      const r = await store.one<any>('SELECT * FROM zeebe_instances WHERE id = ?', [processInstanceKey]);
      return r && toInstance(r);
    },

    async listInstances(f: InstanceFilter = {}): Promise<ProcessInstance[]> {
      const { where, args, limit, offset } = instanceQuery(f);
      const rows = await store.select<any>(`SELECT * FROM zeebe_instances ${where} ORDER BY started_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`, args);
      return rows.map(toInstance);
    },

    async mergeVariables(processInstanceKey: string, variables: Variables, at: number) {
      await db.transaction(async (tx) => {
        const row = await store.one<{ variables: string | null; process_id: string }>(`SELECT variables, process_id FROM zeebe_instances WHERE id = ?${forUpdate}`, [processInstanceKey], tx);
        if (!row) return;
        await store.exec('UPDATE zeebe_instances SET variables = ? WHERE id = ?', [JSON.stringify({ ...parse(row.variables, {}), ...variables }), processInstanceKey], tx);
        await appendHistory(processInstanceKey, [{ elementId: row.process_id, elementType: 'bpmn:Process', event: 'variables-updated', at, detail: { names: Object.keys(variables) } }], tx);
      });
    },

    // ------------------------------------------------------------ process-instance migration (issue 18)

    /** the broker moved an instance: the record follows (version, definition, open tasks' elements) with a history row */
    async migrateInstance(processInstanceKey: string, target: { processDefinitionKey: string; version: number }, elements: Map<string, string>, at: number, detail: Record<string, unknown>) {
      await db.transaction(async (tx) => {
        const row = await store.one<{ process_id: string }>(`SELECT process_id FROM zeebe_instances WHERE id = ?${forUpdate}`, [processInstanceKey], tx);
        if (!row) return;
        await store.exec('UPDATE zeebe_instances SET version = ?, definition_key = ? WHERE id = ?', [target.version, target.processDefinitionKey, processInstanceKey], tx);
        for (const [from, to] of elements) {
          if (from !== to) await store.exec("UPDATE zeebe_user_tasks SET element_id = ? WHERE instance_id = ? AND element_id = ? AND state = 'created'", [to, processInstanceKey, from], tx);
        }
        await appendHistory(processInstanceKey, [{ elementId: row.process_id, elementType: 'bpmn:Process', event: 'migrated', at, detail }], tx);
      });
    },

    // ------------------------------------------------------------ user tasks

    /**
     * The mirror of one task-listener event. `created` inserts the task (again: nothing changes);
     * `completed` / `canceled` end it once. Answers whether the mirror changed (a repeated
     * listener job changes nothing and emits no second event).
     */
    async mirrorTask(type: 'created' | 'completed' | 'canceled', t: UserTask, at: number): Promise<boolean> {
      return db.transaction(async (tx) => {
        const row = await store.one<{ state: UserTaskState }>(`SELECT state FROM zeebe_user_tasks WHERE id = ?${forUpdate}`, [t.userTaskKey], tx);
        if (type === 'created') {
          if (row) return false;
          await store.insert('zeebe_user_tasks', { ...userTaskRow({ ...t, id: t.userTaskKey, variables: t.variables ?? {}, createdAt: at }) }, tx);
          await appendHistory(t.processInstanceKey, [{ elementId: t.elementId, elementType: 'bpmn:UserTask', event: 'activated', at, detail: { userTaskKey: t.userTaskKey } }], tx);
          return true;
        }
        if (!row || row.state !== 'created') return false;
        await store.exec('UPDATE zeebe_user_tasks SET state = ?, ended_at = ? WHERE id = ?', [type, at, t.userTaskKey], tx);
        await appendHistory(t.processInstanceKey, [{ elementId: t.elementId, elementType: 'bpmn:UserTask', event: type === 'completed' ? 'completed' : 'terminated', at, detail: { userTaskKey: t.userTaskKey } }], tx);
        return true;
      });
    },

    async getTask(userTaskKey: string): Promise<UserTask | undefined> {
      const r = await store.one<any>('SELECT * FROM zeebe_user_tasks WHERE id = ?', [userTaskKey]);
      return r && toTask(r);
    },

    async listTasks(f: UserTaskFilter = {}): Promise<UserTask[]> {
      const { where, args } = userTaskWhere(f);
      const rows = await store.select<any>(`SELECT * FROM zeebe_user_tasks ${where} ORDER BY created_at, id`, args);
      return rows.map(toTask);
    },

    /** running instances waiting at a user task, by version and element (what the mirror knows) */
    async countWaiting(processId: string): Promise<WaitingCount[]> {
      const rows = await store.select<any>(
        `SELECT i.version AS version, t.element_id AS element_id, COUNT(DISTINCT t.instance_id) AS n
         FROM zeebe_user_tasks t JOIN zeebe_instances i ON i.id = t.instance_id
         WHERE t.process_id = ? AND t.state = 'created' AND i.state = 'active' GROUP BY i.version, t.element_id ORDER BY i.version, t.element_id`,
        [processId],
      );
      return rows.map((r) => ({ version: Number(r.version), elementId: r.element_id, instances: Number(r.n) }));
    },

    // ------------------------------------------------------------ incidents and history

    async addIncident(i: Omit<Incident, 'state' | 'createdAt'>, at: number) {
      await db.transaction(async (tx) => {
        const changed = await upsert(
          'zeebe_incidents',
          'id',
          { id: i.incidentKey, instance_id: i.processInstanceKey, process_id: i.processId, element_id: i.elementId, job_key: i.jobKey ?? null, error_type: i.errorType, error_message: i.errorMessage.slice(0, 4000), state: 'active', created_at: at, resolved_at: null },
          ['error_message', 'state', 'resolved_at'],
          tx,
        );
        if (changed) await appendHistory(i.processInstanceKey, [{ elementId: i.elementId, elementType: 'incident', event: 'incident', at, detail: { errorType: i.errorType, errorMessage: i.errorMessage.slice(0, 500) } }], tx);
      });
    },

    async getIncident(incidentKey: string): Promise<Incident | undefined> {
      const r = await store.one<any>('SELECT * FROM zeebe_incidents WHERE id = ?', [incidentKey]);
      return r && toIncident(r);
    },

    async listIncidents(f: { processInstanceKey?: string; state?: 'active' | 'resolved' } = {}): Promise<Incident[]> {
      const { where, args } = whereOf([
        ['instance_id = ?', f.processInstanceKey],
        ['state = ?', f.state],
      ]);
      const rows = await store.select<any>(`SELECT * FROM zeebe_incidents ${where} ORDER BY created_at, id`, args);
      return rows.map(toIncident);
    },

    async resolveIncident(incidentKey: string, at: number) {
      await db.transaction(async (tx) => {
        const r = await store.one<any>(`SELECT * FROM zeebe_incidents WHERE id = ?${forUpdate}`, [incidentKey], tx);
        if (!r || r.state !== 'active') return;
        await store.exec("UPDATE zeebe_incidents SET state = 'resolved', resolved_at = ? WHERE id = ?", [at, incidentKey], tx);
        await appendHistory(r.instance_id, [{ elementId: r.element_id, elementType: 'incident', event: 'incident-resolved', at }], tx);
      });
    },

    appendHistory: (instanceKey: string, events: { elementId: string; elementType: string; event: HistoryEventType; at: number; detail?: unknown }[]) =>
      db.transaction((tx) => appendHistory(instanceKey, events, tx)),

    async history(processInstanceKey: string): Promise<HistoryEvent[]> {
      const rows = await store.select<any>('SELECT * FROM zeebe_history WHERE instance_id = ? ORDER BY id', [processInstanceKey]);
      return rows.map(historyFromRow);
    },
  };
}

export type ZeebeRecords = ReturnType<typeof createZeebeRecords>;
