/**
 * Data access for the engine's tables: plain SQL through Sequelize (the same statements on SQLite
 * and MySQL/MariaDB), plain objects out. Every call takes the transaction it runs in, if any.
 */
import { QueryTypes, type Transaction } from 'sequelize';
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

export class Store {
  constructor(readonly db: Database) {}

  /**
   * Inside a transaction on SQLite, statements go straight to the transaction's connection with
   * bound parameters: the engine's hot path is a handful of small statements per event, and
   * Sequelize's per-query formatting cost as much as SQLite itself. Everything else goes through
   * Sequelize with replacements.
   */
  private native(tx?: Tx): any {
    return tx && this.db.dialect === 'sqlite' ? (tx as any).connection : undefined;
  }

  async select<T>(sql: string, replacements: unknown[], tx?: Tx): Promise<T[]> {
    const conn = this.native(tx);
    const rows: any[] = conn
      ? await new Promise((resolve, reject) => conn.all(sql, replacements, (err: Error | null, r: any[]) => (err ? reject(err) : resolve(r))))
      : await this.db.sequelize.query(sql, { type: QueryTypes.SELECT, replacements, transaction: tx });
    return rows.map((r) => normalise<T>(r));
  }

  async one<T>(sql: string, replacements: unknown[], tx?: Tx): Promise<T | undefined> {
    return (await this.select<T>(sql, replacements, tx))[0];
  }

  /** run a write; returns affected rows */
  async exec(sql: string, replacements: unknown[], tx?: Tx): Promise<number> {
    const conn = this.native(tx);
    if (conn) {
      return new Promise((resolve, reject) =>
        conn.run(sql, replacements, function (this: { changes: number }, err: Error | null) {
          if (err) reject(err);
          else resolve(this.changes);
        }),
      );
    }
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
