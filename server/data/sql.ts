/**
 * Plain SQL through Sequelize for the repositories here (the same statements on SQLite and
 * MySQL/MariaDB), as the engine's store does: replacements, plain rows out. Writes run inside
 * `db.transaction()` (on SQLite: the one writer behind an in-process queue).
 */
import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import type { Database } from '../../engine/embedded/store/database.js';

export type { Database };

export function select<T>(db: Database, sql: string, replacements: unknown[] = [], transaction?: Transaction): Promise<T[]> {
  // SQLite: the driver directly (engine/embedded/store/database.ts: RawSql)
  if (db.raw) return db.raw.all<T>(sql, replacements, transaction);
  return db.sequelize.query(sql, { type: QueryTypes.SELECT, replacements, transaction }) as Promise<T[]>;
}

/** an UPDATE or DELETE; answers the number of rows it changed */
export async function exec(db: Database, sql: string, replacements: unknown[], transaction?: Transaction): Promise<number> {
  if (db.raw) return (await db.raw.run(sql, replacements, transaction)).changes;
  const [, affected]: any = await db.sequelize.query(sql, { replacements, transaction, type: QueryTypes.UPDATE });
  return Number(affected ?? 0);
}

/**
 * INSERT a row unless one with the same unique key exists: true when it was inserted. Portable
 * across dialects (MySQL's `ON DUPLICATE KEY` cannot tell an insert from a duplicate under
 * mysql2's FOUND_ROWS flag): a duplicate fails only this statement, on both dialects, and the
 * transaction goes on.
 */
export async function insertIfAbsent(db: Database, table: string, row: Record<string, unknown>, transaction: Transaction): Promise<boolean> {
  const cols = Object.keys(row);
  const sql = `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;
  const values = cols.map((c) => row[c] ?? null);
  try {
    if (db.raw) await db.raw.run(sql, values, transaction);
    else await db.sequelize.query(sql, { replacements: values, transaction, type: QueryTypes.INSERT });
    return true;
  } catch (err) {
    if (err instanceof UniqueConstraintError) return false;
    throw err;
  }
}

/** run `fn` in the caller's transaction when there is one (its writes then commit with the caller's), else in a write transaction of its own */
export function withTx<T>(db: Database, tx: Transaction | undefined, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return tx ? fn(tx) : db.transaction(fn);
}

export const toDate = (ms: unknown): Date => new Date(Number(ms));
export const toDateOrNull = (ms: unknown): Date | null => (ms === null || ms === undefined ? null : new Date(Number(ms)));

/** INSERT one row into a table with an autoincrement id; answers the new id (both dialects report it for QueryTypes.INSERT) */
export async function insertReturningId(db: Database, sql: string, replacements: unknown[], transaction?: Transaction): Promise<number> {
  const insertId = db.raw
    ? (await db.raw.run(sql, replacements, transaction)).lastID
    : ((await db.sequelize.query(sql, { replacements, transaction, type: QueryTypes.INSERT })) as unknown as [number | string, number])[0];
  const id = Number(insertId);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error('the database did not report the id of the inserted row');
  return id;
}
