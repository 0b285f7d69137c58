/**
 * Saved views of the case list (table `case_views`, migration 1003) and of the work queue (`queue_views`, 1004): a person's name for a list
 * URL's query string. Only their owner reads or deletes them; the query is stored as the service
 * wrote it (checked, without cursor or phone).
 */
import { UniqueConstraintError } from 'sequelize';
import { exec, insertReturningId, select, toDate, type Database } from './sql.js';

export interface CaseView {
  id: number;
  staffId: string;
  name: string;
  /** the list's query string, without `?` */
  query: string;
  createdAt: Date;
}

export class CaseViewExists extends Error {
  constructor() {
    super('a view of that name exists');
    this.name = 'CaseViewExists';
  }
}

export interface CaseViewsRepository {
  list(staffId: string): Promise<CaseView[]>;
  count(staffId: string): Promise<number>;
  /** CaseViewExists when the person has a view of that name */
  create(staffId: string, name: string, query: string): Promise<CaseView>;
  /** false when the person has no such view (another's is not theirs to delete) */
  remove(staffId: string, id: number): Promise<boolean>;
}

interface Row {
  id: number | string;
  staff_id: string;
  name: string;
  query: string;
  created_at: number | string;
}

const toView = (r: Row): CaseView => ({ id: Number(r.id), staffId: r.staff_id, name: r.name, query: r.query, createdAt: toDate(r.created_at) });

/** `table`: the case list's views (`case_views`, the default) or the work queue's (`queue_views`, migration 1004) */
export function createCaseViewsRepository(db: Database, options: { now?: () => number; table?: 'case_views' | 'queue_views' } = {}): CaseViewsRepository {
  const now = options.now ?? (() => Date.now());
  const table = options.table ?? 'case_views';
  return {
    async list(staffId) {
      return (await select<Row>(db, `SELECT id, staff_id, name, query, created_at FROM ${table} WHERE staff_id = ? ORDER BY name, id`, [staffId])).map(toView);
    },
    async count(staffId) {
      const [row] = await select<{ n: number | string }>(db, `SELECT COUNT(*) AS n FROM ${table} WHERE staff_id = ?`, [staffId]);
      return Number(row?.n ?? 0);
    },
    async create(staffId, name, query) {
      const at = now();
      try {
        const id = await db.transaction((tx) => insertReturningId(db, `INSERT INTO ${table} (staff_id, name, query, created_at) VALUES (?, ?, ?, ?)`, [staffId, name, query, at], tx));
        return { id, staffId, name, query, createdAt: new Date(at) };
      } catch (err) {
        if (err instanceof UniqueConstraintError) throw new CaseViewExists();
        throw err;
      }
    },
    async remove(staffId, id) {
      if (!Number.isSafeInteger(id)) return false;
      return (await db.transaction((tx) => exec(db, `DELETE FROM ${table} WHERE id = ? AND staff_id = ?`, [id, staffId], tx))) === 1;
    },
  };
}
