/**
 * Reply templates / 常用语 (table `reply_templates`, migrations 1751–1752): plain objects in and out,
 * the same SQL on SQLite and MySQL/MariaDB. Checks of the content are the service's
 * (server/services/reply-template-service.ts); writes join the caller's transaction, so that the
 * audit entry commits with the change.
 */
import type { Transaction } from 'sequelize';
import { exec, select, toDate, withTx, type Database } from './sql.js';

export interface ReplyTemplateRecord {
  id: string;
  category: string;
  title: string;
  body: string;
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
}

export interface ReplyTemplateInput {
  category: string;
  title: string;
  body: string;
  /** the staff account that makes the change */
  by: string;
}

export interface ReplyTemplatesRepository {
  /** by category, then title; one category's when given */
  list(filter?: { category?: string }): Promise<ReplyTemplateRecord[]>;
  get(id: string, tx?: Transaction): Promise<ReplyTemplateRecord | undefined>;
  insert(id: string, input: ReplyTemplateInput, tx?: Transaction): Promise<ReplyTemplateRecord>;
  /** undefined: no such template */
  update(id: string, input: ReplyTemplateInput, tx?: Transaction): Promise<ReplyTemplateRecord | undefined>;
  /** false: no such template */
  remove(id: string, tx?: Transaction): Promise<boolean>;
}

interface Row {
  id: string;
  category: string;
  title: string;
  body: string;
  created_by: string;
  created_at: number | string;
  updated_by: string;
  updated_at: number | string;
}

const COLUMNS = 'id, category, title, body, created_by, created_at, updated_by, updated_at';

const toRecord = (r: Row): ReplyTemplateRecord => ({
  id: String(r.id),
  category: String(r.category),
  title: String(r.title),
  body: String(r.body),
  createdBy: String(r.created_by),
  createdAt: toDate(r.created_at),
  updatedBy: String(r.updated_by),
  updatedAt: toDate(r.updated_at),
});

export function createReplyTemplatesRepository(db: Database, options: { now?: () => number } = {}): ReplyTemplatesRepository {
  const now = options.now ?? Date.now;
  const get = async (id: string, tx?: Transaction) => {
    const [row] = await select<Row>(db, `SELECT ${COLUMNS} FROM reply_templates WHERE id = ?`, [id], tx);
    return row ? toRecord(row) : undefined;
  };
  return {
    async list(filter = {}) {
      const rows = filter.category
        ? await select<Row>(db, `SELECT ${COLUMNS} FROM reply_templates WHERE category = ? ORDER BY title, id`, [filter.category])
        : await select<Row>(db, `SELECT ${COLUMNS} FROM reply_templates ORDER BY category, title, id`);
      return rows.map(toRecord);
    },
    get,
    insert(id, input, tx) {
      return withTx(db, tx, async (t) => {
        const at = now();
        await exec(db, `INSERT INTO reply_templates (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [id, input.category, input.title, input.body, input.by, at, input.by, at], t);
        return { id, category: input.category, title: input.title, body: input.body, createdBy: input.by, createdAt: new Date(at), updatedBy: input.by, updatedAt: new Date(at) };
      });
    },
    update(id, input, tx) {
      return withTx(db, tx, async (t) => {
        const changed = await exec(db, 'UPDATE reply_templates SET category = ?, title = ?, body = ?, updated_by = ?, updated_at = ? WHERE id = ?', [input.category, input.title, input.body, input.by, now(), id], t);
        return changed ? get(id, t) : undefined;
      });
    },
    remove(id, tx) {
      return withTx(db, tx, async (t) => (await exec(db, 'DELETE FROM reply_templates WHERE id = ?', [id], t)) > 0);
    },
  };
}
