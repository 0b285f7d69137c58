/**
 * Data access for the engine's tables: plain SQL through Sequelize (the same statements on SQLite
 * and MySQL/MariaDB), plain objects out. Every call takes the transaction it runs in, if any.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import type { DecisionDefinition, HistoryEvent, InstanceFilter, ProcessDefinition, UserTask, UserTaskFilter, Variables } from '../../port.js';
import type { Database } from './database.js';

export interface InstanceRow {
  id: string;
  process_id: string;
  version: number;
  definition_id: string;
  parent_id: string | null;
  parent_execution_id: string | null;
  state: 'active' | 'completed' | 'canceled' | 'incident';
  engine_state: string | null;
  variables: string | null;
  waits: string | null;
  lock_version: number;
  started_at: number;
  ended_at: number | null;
}

export interface DefinitionRow {
  id: string;
  process_id: string;
  version: number;
  resource_name: string;
  checksum: string;
  xml: string;
  deployment_id: string;
  deployed_at: number;
}

export interface DecisionRow {
  id: string;
  decision_id: string;
  name: string | null;
  version: number;
  requirements_key: string;
  requirements_id: string;
  resource_name: string;
  checksum: string;
  deployment_id: string;
  deployed_at: number;
}

export interface JobRow {
  id: string;
  instance_id: string;
  process_id: string;
  element_id: string;
  type: string;
  retries: number;
  state: 'activatable' | 'activated' | 'incident';
  not_before: number;
  locked_until: number | null;
  variables: string | null;
  headers: string | null;
  error_message: string | null;
  created_at: number;
  /** a remote worker's lock (`<credential>/<workerId>`); null for the engine's own workers */
  worker_id?: string | null;
}

export interface UserTaskRow {
  id: string;
  instance_id: string;
  process_id: string;
  element_id: string;
  name: string | null;
  assignee: string | null;
  candidate_groups: string | null;
  candidate_users: string | null;
  form_id: string | null;
  due_date: string | null;
  follow_up_date: string | null;
  priority: number | null;
  state: 'created' | 'completed' | 'canceled';
  variables: string | null;
  created_at: number;
  ended_at: number | null;
}

export interface TimerRow {
  id: string;
  instance_id: string | null;
  definition_id: string | null;
  element_id: string;
  due_at: number;
  repetitions: number | null;
  cycle_interval: string | null;
}

export interface SubscriptionRow {
  id: string;
  instance_id: string;
  process_id: string;
  element_id: string;
  message_name: string;
  correlation_key: string;
  created_at: number;
}

export interface MessageRow {
  id: string;
  name: string;
  correlation_key: string;
  message_id: string | null;
  variables: string | null;
  published_at: number;
  expires_at: number;
  correlated_process_ids: string | null;
}

export interface IncidentRow {
  id: string;
  instance_id: string;
  process_id: string;
  element_id: string;
  job_id: string | null;
  error_type: string;
  error_message: string;
  state: 'active' | 'resolved';
  pending_event: string | null;
  created_at: number;
  resolved_at: number | null;
}

export interface HistoryRow {
  id: number;
  instance_id: string;
  element_id: string;
  element_type: string;
  event: string;
  at: number;
  detail: string | null;
}

const NUMERIC = new Set([
  'version',
  'versions',
  'lock_version',
  'started_at',
  'ended_at',
  'retries',
  'not_before',
  'locked_until',
  'created_at',
  'due_at',
  'repetitions',
  'published_at',
  'expires_at',
  'resolved_at',
  'deployed_at',
  'priority',
  'at',
]);

/** MySQL returns BIGINT as strings when large: normalise the numeric columns */
function normalise<T>(row: any): T {
  for (const k of Object.keys(row)) {
    if (NUMERIC.has(k) && row[k] !== null && typeof row[k] !== 'number') row[k] = Number(row[k]);
  }
  return row as T;
}

export type Tx = Transaction | undefined;

const parse = <T>(text: string | null | undefined, fallback: T): T => (text ? (JSON.parse(text) as T) : fallback);

/** a WHERE clause of the conditions whose value is given (both adapters' queries) */
export function whereOf(conditions: [string, unknown][]): { where: string; args: unknown[] } {
  const given = conditions.filter(([, v]) => v !== undefined && v !== null && v !== '');
  return { where: given.length ? `WHERE ${given.map(([c]) => c).join(' AND ')}` : '', args: given.map(([, v]) => v) };
}

/**
 * The port's user-task filter as WHERE over a task table (both adapters' tables keep the candidate
 * groups as a JSON array of strings): a group matches as a whole quoted element of that text.
 */
export function userTaskWhere(f: UserTaskFilter, alias = ''): { where: string; args: unknown[] } {
  const { where, args } = whereOf([
    [`${alias}instance_id = ?`, f.processInstanceKey],
    [`${alias}state = ?`, f.state],
  ]);
  if (!f.candidateGroups) return { where, args };
  // `!` escapes LIKE's wildcards (a backslash would also escape the quote on MySQL)
  const groups = f.candidateGroups.map((g) => `%${JSON.stringify(g).replace(/[!%_]/g, (c) => `!${c}`)}%`);
  const anyGroup = groups.length ? `(${groups.map(() => `${alias}candidate_groups LIKE ? ESCAPE '!'`).join(' OR ')})` : '1 = 0';
  return { where: where ? `${where} AND ${anyGroup}` : `WHERE ${anyGroup}`, args: [...args, ...groups] };
}

/** the port's instance filter as WHERE, LIMIT (1–500, default 50) and OFFSET over an instance table (same columns on both adapters) */
export function instanceQuery(f: InstanceFilter): { where: string; args: unknown[]; limit: number; offset: number } {
  const { where, args } = whereOf([
    ['process_id = ?', f.processId],
    ['version = ?', f.version],
    ['state = ?', f.state],
    ['started_at >= ?', f.startedFrom?.getTime()],
    ['started_at < ?', f.startedTo?.getTime()],
  ]);
  const limit = Number.isInteger(f.limit) ? Math.max(1, Math.min(f.limit as number, 500)) : 50;
  const offset = Number.isInteger(f.offset) ? Math.max(0, f.offset as number) : 0;
  return { where, args, limit, offset };
}

/** a history row as the port's event (same columns on both adapters) */
export function historyFromRow(r: { id: number | string; instance_id: string; element_id: string; element_type: string; event: string; at: number | string; detail: string | null }): HistoryEvent {
  return {
    id: Number(r.id),
    processInstanceKey: r.instance_id,
    elementId: r.element_id,
    elementType: r.element_type,
    event: r.event as HistoryEvent['event'],
    at: new Date(Number(r.at)),
    ...(r.detail && { detail: JSON.parse(r.detail) }),
  };
}

/** a user-task row (the embedded adapter's task table and the Zeebe adapter's mirror have the same columns) as the port's task */
export function userTaskFromRow(r: UserTaskRow, variables?: Variables): UserTask {
  return {
    userTaskKey: r.id,
    processInstanceKey: r.instance_id,
    processId: r.process_id,
    elementId: r.element_id,
    ...(r.name && { name: r.name }),
    ...(r.assignee && { assignee: r.assignee }),
    candidateGroups: parse(r.candidate_groups, []),
    candidateUsers: parse(r.candidate_users, []),
    ...(r.form_id && { formId: r.form_id }),
    ...(r.due_date && { dueDate: r.due_date }),
    ...(r.follow_up_date && { followUpDate: r.follow_up_date }),
    ...(r.priority !== null && r.priority !== undefined && { priority: r.priority }),
    state: r.state,
    variables: variables ?? parse(r.variables, {}),
    createdAt: new Date(r.created_at),
    ...(r.ended_at !== null && r.ended_at !== undefined && { endedAt: new Date(r.ended_at) }),
  };
}

/** a definition row (with its deployment's `deployed_by`) as the port's definition, on both adapters */
export function definitionFromRow(r: { id: string; process_id: string; version: number | string; resource_name: string; deployed_at: number | string; deployed_by: string | null }): ProcessDefinition {
  return {
    processDefinitionKey: r.id,
    processId: r.process_id,
    version: Number(r.version),
    resourceName: r.resource_name,
    deployedAt: new Date(Number(r.deployed_at)),
    ...(r.deployed_by && { deployedBy: r.deployed_by }),
  };
}

/** a decision row (with its deployment's `deployed_by` and its decision's version count) as the port's decision, on both adapters */
export function decisionFromRow(r: { id: string; decision_id: string; name: string | null; version: number | string; versions: number | string; requirements_id: string; resource_name: string; deployed_at: number | string; deployed_by: string | null }): DecisionDefinition {
  return {
    decisionKey: r.id,
    decisionId: r.decision_id,
    name: r.name ?? r.decision_id,
    version: Number(r.version),
    versions: Number(r.versions),
    decisionRequirementsId: r.requirements_id,
    resourceName: r.resource_name,
    deployedAt: new Date(Number(r.deployed_at)),
    ...(r.deployed_by && { deployedBy: r.deployed_by }),
  };
}

/** the row of a task just created */
export function userTaskRow(t: Omit<UserTask, 'userTaskKey' | 'state' | 'createdAt' | 'endedAt' | 'variables'> & { id: string; variables: Variables; createdAt: number }): UserTaskRow {
  return {
    id: t.id,
    instance_id: t.processInstanceKey,
    process_id: t.processId,
    element_id: t.elementId,
    name: t.name ?? null,
    assignee: t.assignee ?? null,
    candidate_groups: JSON.stringify(t.candidateGroups),
    candidate_users: JSON.stringify(t.candidateUsers),
    form_id: t.formId ?? null,
    due_date: t.dueDate ?? null,
    follow_up_date: t.followUpDate ?? null,
    priority: t.priority ?? null,
    state: 'created',
    variables: JSON.stringify(t.variables),
    created_at: t.createdAt,
    ended_at: null,
  };
}

export class Store {
  constructor(readonly db: Database) {}

  /** SQLite: the driver directly (database.ts: RawSql); MySQL/MariaDB: Sequelize with replacements */
  async select<T>(sql: string, replacements: unknown[], tx?: Tx): Promise<T[]> {
    const rows: any[] = this.db.raw
      ? await this.db.raw.all(sql, replacements, tx)
      : await this.db.sequelize.query(sql, { type: QueryTypes.SELECT, replacements, transaction: tx });
    return rows.map((r) => normalise<T>(r));
  }

  async one<T>(sql: string, replacements: unknown[], tx?: Tx): Promise<T | undefined> {
    return (await this.select<T>(sql, replacements, tx))[0];
  }

  /** run a write; returns affected rows */
  async exec(sql: string, replacements: unknown[], tx?: Tx): Promise<number> {
    if (this.db.raw) return (await this.db.raw.run(sql, replacements, tx)).changes;
    // the UPDATE query type answers [_, affectedRows] on both dialects, for DELETE statements too
    const [, affected]: any = await this.db.sequelize.query(sql, { replacements, transaction: tx, type: QueryTypes.UPDATE });
    return Number(affected ?? 0);
  }

  async insert(table: string, row: Record<string, unknown>, tx?: Tx): Promise<void> {
    const cols = Object.keys(row);
    await this.exec(
      `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
      cols.map((c) => row[c] ?? null),
      tx,
    );
  }

  async insertMany(table: string, rows: Record<string, unknown>[], tx?: Tx): Promise<void> {
    if (!rows.length) return;
    const cols = Object.keys(rows[0]);
    const chunk = 200;
    for (let i = 0; i < rows.length; i += chunk) {
      const part = rows.slice(i, i + chunk);
      await this.exec(
        `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${part.map(() => `(${cols.map(() => '?').join(', ')})`).join(', ')}`,
        part.flatMap((r) => cols.map((c) => r[c] ?? null)),
        tx,
      );
    }
  }

  // instances
  getInstance(id: string, tx?: Tx) {
    return this.one<InstanceRow>('SELECT * FROM engine_instances WHERE id = ?', [id], tx);
  }

  /** save an advanced instance if nobody else did meanwhile; false on a lost race */
  async saveInstance(row: Pick<InstanceRow, 'id' | 'state' | 'engine_state' | 'variables' | 'waits' | 'ended_at'>, expectedVersion: number, tx: Tx) {
    const n = await this.exec(
      'UPDATE engine_instances SET state = ?, engine_state = ?, variables = ?, waits = ?, ended_at = ?, lock_version = lock_version + 1 WHERE id = ? AND lock_version = ?',
      [row.state, row.engine_state, row.variables, row.waits, row.ended_at, row.id, expectedVersion],
      tx,
    );
    return n === 1;
  }

  // definitions
  latestDefinition(processId: string, tx?: Tx) {
    return this.one<DefinitionRow>('SELECT * FROM engine_process_definitions WHERE process_id = ? ORDER BY version DESC LIMIT 1', [processId], tx);
  }
  definitionByVersion(processId: string, version: number, tx?: Tx) {
    return this.one<DefinitionRow>('SELECT * FROM engine_process_definitions WHERE process_id = ? AND version = ?', [processId, version], tx);
  }
  definition(id: string, tx?: Tx) {
    return this.one<DefinitionRow>('SELECT * FROM engine_process_definitions WHERE id = ?', [id], tx);
  }
  latestDefinitions(tx?: Tx) {
    return this.select<DefinitionRow>(
      `SELECT d.* FROM engine_process_definitions d
       JOIN (SELECT process_id, MAX(version) AS v FROM engine_process_definitions GROUP BY process_id) m
         ON m.process_id = d.process_id AND m.v = d.version`,
      [],
      tx,
    );
  }

  async appendHistory(instanceId: string, records: { elementId: string; elementType: string; event: string; at: number; detail?: unknown }[], tx: Tx) {
    await this.insertMany(
      'engine_history',
      records.map((r) => ({
        instance_id: instanceId,
        element_id: r.elementId,
        element_type: r.elementType,
        event: r.event,
        at: r.at,
        detail: r.detail === undefined ? null : JSON.stringify(r.detail),
      })),
      tx,
    );
  }
}
