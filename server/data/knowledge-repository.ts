/**
 * The knowledge base's rows (migration 1701): entries, their history, the change sequence the search
 * indexes catch up from, and the office's synonyms. Every write of an entry appends its history row
 * and a change row in the same transaction.
 */
import type { Transaction } from 'sequelize';
import type { Category } from '../../regulation/categories.js';
import type { KnowledgeAction, KnowledgeEntryCore, KnowledgeStatus } from '../../regulation/knowledge.js';
import { exec, insertReturningId, select, toDate, toDateOrNull, withTx, type Database } from './sql.js';

export interface KnowledgeEntry extends KnowledgeEntryCore {
  categories: Category[];
  townships: string[];
  sourcePetitionId: string | null;
  processInstanceKey: string | null;
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
  publishedAt: Date | null;
  reviewedAt: Date | null;
}

export interface KnowledgeHistoryRow {
  id: number;
  version: number;
  action: KnowledgeAction;
  status: KnowledgeStatus;
  question: string;
  answer: string;
  basis: string;
  validUntil: string | null;
  actor: string;
  at: Date;
  note: string | null;
}

/** a published entry as the search index takes it */
export interface IndexRow {
  id: string;
  questionTerms: string;
  answerTerms: string;
  categories: string[];
  townships: string[];
}

/** a new entry's row (the bench writes many at once) */
export interface NewEntryRow extends Omit<KnowledgeEntry, 'updatedBy' | 'updatedAt' | 'reviewedAt' | 'publishedAt' | 'processInstanceKey'> {
  questionTerms: string;
  answerTerms: string;
  publishedAt?: Date | null;
  processInstanceKey?: string | null;
}

export interface KnowledgeListFilter {
  status?: KnowledgeStatus;
  unitId?: string;
  /** a word in the question (LIKE) */
  q?: string;
  limit: number;
  offset?: number;
}

type Raw = Record<string, unknown>;
const words = (v: unknown) => (typeof v === 'string' && v ? v.split(' ') : []);
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

const COLUMNS = 'id, status, version, question, answer, basis, owner_unit_id, categories, townships, valid_until, source_petition_id, process_instance_key, created_by, created_at, updated_by, updated_at, published_at, reviewed_at';

function toEntry(r: Raw): KnowledgeEntry {
  return {
    id: String(r.id),
    status: r.status as KnowledgeStatus,
    version: Number(r.version),
    question: String(r.question),
    answer: String(r.answer),
    basis: String(r.basis ?? ''),
    ownerUnitId: String(r.owner_unit_id),
    categories: words(r.categories) as Category[],
    townships: words(r.townships),
    validUntil: str(r.valid_until),
    sourcePetitionId: str(r.source_petition_id),
    processInstanceKey: str(r.process_instance_key),
    createdBy: String(r.created_by),
    createdAt: toDate(r.created_at),
    updatedBy: String(r.updated_by),
    updatedAt: toDate(r.updated_at),
    publishedAt: toDateOrNull(r.published_at),
    reviewedAt: toDateOrNull(r.reviewed_at),
  };
}

const containing = (word: string) => `%${word.replace(/[!%_]/g, (c) => `!${c}`)}%`;
const CHUNK = 200;

/** the change row that says the synonyms changed (no entry has this id) */
export const SYNONYMS_CHANGE = 'synonyms';

export function createKnowledgeRepository(db: Database) {
  async function change(entryId: string, at: Date, tx: Transaction) {
    await insertReturningId(db, 'INSERT INTO knowledge_changes (entry_id, at) VALUES (?, ?)', [entryId, at.getTime()], tx);
  }

  async function historyRow(e: Pick<KnowledgeEntry, 'id' | 'version' | 'status' | 'question' | 'answer' | 'basis' | 'validUntil'>, h: { action: KnowledgeAction; actor: string; at: Date; note?: string | null }, tx: Transaction) {
    await insertReturningId(
      db,
      'INSERT INTO knowledge_history (entry_id, version, action, status, question, answer, basis, valid_until, actor, at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [e.id, e.version, h.action, e.status, e.question, e.answer, e.basis, e.validUntil, h.actor, h.at.getTime(), h.note ?? null],
      tx,
    );
  }

  async function get(id: string, tx?: Transaction): Promise<KnowledgeEntry | undefined> {
    const [r] = await select<Raw>(db, `SELECT ${COLUMNS} FROM knowledge_entries WHERE id = ?`, [id], tx);
    return r ? toEntry(r) : undefined;
  }

  async function insertEntry(row: NewEntryRow, tx: Transaction) {
    await exec(
      db,
      `INSERT INTO knowledge_entries (${COLUMNS}, question_terms, answer_terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.id, row.status, row.version, row.question, row.answer, row.basis, row.ownerUnitId, row.categories.join(' '), row.townships.join(' '), row.validUntil,
        row.sourcePetitionId, row.processInstanceKey ?? null, row.createdBy, row.createdAt.getTime(), row.createdBy, row.createdAt.getTime(),
        row.publishedAt ? row.publishedAt.getTime() : null, null, row.questionTerms, row.answerTerms,
      ],
      tx,
    );
  }

  return {
    get,

    /** the entry proposed from a case's reply (one per case: a unique index) */
    async bySourcePetition(petitionId: string, tx?: Transaction): Promise<KnowledgeEntry | undefined> {
      const [r] = await select<Raw>(db, `SELECT ${COLUMNS} FROM knowledge_entries WHERE source_petition_id = ?`, [petitionId], tx);
      return r ? toEntry(r) : undefined;
    },

    /** a new entry with its first history row */
    async create(row: NewEntryRow, h: { action: KnowledgeAction; note?: string | null }, tx?: Transaction): Promise<KnowledgeEntry> {
      return withTx(db, tx, async (t) => {
        await insertEntry(row, t);
        await historyRow(row, { ...h, actor: row.createdBy, at: row.createdAt }, t);
        await change(row.id, row.createdAt, t);
        return (await get(row.id, t)) as KnowledgeEntry;
      });
    },

    /** many entries at once (the bench's city-sized base), each with its history and change rows */
    async insertMany(rows: NewEntryRow[]): Promise<void> {
      for (let i = 0; i < rows.length; i += CHUNK) {
        await db.transaction(async (t) => {
          for (const row of rows.slice(i, i + CHUNK)) {
            await insertEntry(row, t);
            await historyRow(row, { action: 'created', actor: row.createdBy, at: row.createdAt }, t);
            await change(row.id, row.createdAt, t);
          }
        });
      }
    },

    /**
     * A new content version (and status); `expectVersion` guards against two edits at once: false
     * when the entry changed meanwhile.
     */
    async update(
      id: string,
      expectVersion: number,
      next: Pick<KnowledgeEntry, 'question' | 'answer' | 'basis' | 'categories' | 'townships' | 'validUntil' | 'status'> & { questionTerms: string; answerTerms: string },
      h: { action: KnowledgeAction; actor: string; at: Date; note?: string | null },
      tx?: Transaction,
    ): Promise<KnowledgeEntry | undefined> {
      return withTx(db, tx, async (t) => {
        const n = await exec(
          db,
          'UPDATE knowledge_entries SET version = version + 1, status = ?, question = ?, answer = ?, basis = ?, categories = ?, townships = ?, valid_until = ?, question_terms = ?, answer_terms = ?, updated_by = ?, updated_at = ? WHERE id = ? AND version = ?',
          [next.status, next.question, next.answer, next.basis, next.categories.join(' '), next.townships.join(' '), next.validUntil, next.questionTerms, next.answerTerms, h.actor, h.at.getTime(), id, expectVersion],
          t,
        );
        if (n === 0) return undefined;
        const e = (await get(id, t)) as KnowledgeEntry;
        await historyRow(e, h, t);
        await change(id, h.at, t);
        return e;
      });
    },

    /** a step of review: the status (and the instance, the publication and review instants) */
    async setStatus(
      id: string,
      status: KnowledgeStatus,
      h: { action: KnowledgeAction; actor: string; at: Date; note?: string | null },
      extra: { processInstanceKey?: string | null; published?: boolean; reviewed?: boolean; validUntil?: string | null } = {},
      tx?: Transaction,
    ): Promise<KnowledgeEntry | undefined> {
      return withTx(db, tx, async (t) => {
        const sets = ['status = ?', 'updated_by = ?', 'updated_at = ?'];
        const params: unknown[] = [status, h.actor, h.at.getTime()];
        if (extra.processInstanceKey !== undefined) {
        sets.push('process_instance_key = ?');
        params.push(extra.processInstanceKey);
      }
        if (extra.published) {
        sets.push('published_at = ?');
        params.push(h.at.getTime());
      }
        if (extra.reviewed) {
        sets.push('reviewed_at = ?');
        params.push(h.at.getTime());
      }
        if (extra.validUntil !== undefined) {
        sets.push('valid_until = ?');
        params.push(extra.validUntil);
      }
        const n = await exec(db, `UPDATE knowledge_entries SET ${sets.join(', ')} WHERE id = ?`, [...params, id], t);
        if (n === 0) return undefined;
        const e = (await get(id, t)) as KnowledgeEntry;
        await historyRow(e, h, t);
        await change(id, h.at, t);
        return e;
      });
    },

    async history(id: string): Promise<KnowledgeHistoryRow[]> {
      const rows = await select<Raw>(db, 'SELECT id, version, action, status, question, answer, basis, valid_until, actor, at, note FROM knowledge_history WHERE entry_id = ? ORDER BY id', [id]);
      return rows.map((r) => ({
        id: Number(r.id),
        version: Number(r.version),
        action: r.action as KnowledgeAction,
        status: r.status as KnowledgeStatus,
        question: String(r.question),
        answer: String(r.answer),
        basis: String(r.basis ?? ''),
        validUntil: str(r.valid_until),
        actor: String(r.actor),
        at: toDate(r.at),
        note: str(r.note),
      }));
    },

    /** the staff list, most recently changed first */
    async list(f: KnowledgeListFilter): Promise<{ entries: KnowledgeEntry[]; total: number }> {
      const where: string[] = [];
      const params: unknown[] = [];
      if (f.status) {
        where.push('status = ?');
        params.push(f.status);
      }
      if (f.unitId) {
        where.push('owner_unit_id = ?');
        params.push(f.unitId);
      }
      if (f.q) {
        where.push("question LIKE ? ESCAPE '!'");
        params.push(containing(f.q));
      }
      const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const rows = await select<Raw>(db, `SELECT ${COLUMNS} FROM knowledge_entries ${w} ORDER BY updated_at DESC, id LIMIT ? OFFSET ?`, [...params, f.limit, f.offset ?? 0]);
      const [{ n }] = await select<{ n: number | string }>(db, `SELECT COUNT(*) AS n FROM knowledge_entries ${w}`, params);
      return { entries: rows.map(toEntry), total: Number(n) };
    },

    /** entries by id, in the order asked (absent ones left out) */
    async getMany(ids: readonly string[]): Promise<KnowledgeEntry[]> {
      if (!ids.length) return [];
      const rows = await select<Raw>(db, `SELECT ${COLUMNS} FROM knowledge_entries WHERE id IN (${ids.map(() => '?').join(', ')})`, [...ids]);
      const byId = new Map(rows.map((r) => [String(r.id), toEntry(r)]));
      return ids.map((id) => byId.get(id)).filter((e): e is KnowledgeEntry => e !== undefined);
    },

    /** published entries for the search index, a page after `afterId` (by id) */
    async publishedForIndex(afterId: string, limit: number): Promise<IndexRow[]> {
      const rows = await select<Raw>(db, "SELECT id, question_terms, answer_terms, categories, townships FROM knowledge_entries WHERE status = 'published' AND id > ? ORDER BY id LIMIT ?", [afterId, limit]);
      return rows.map((r) => ({ id: String(r.id), questionTerms: String(r.question_terms), answerTerms: String(r.answer_terms), categories: words(r.categories), townships: words(r.townships) }));
    },

    /** the index row of one entry and whether it is published (a change caught up) */
    async indexRow(id: string): Promise<(IndexRow & { published: boolean }) | undefined> {
      const [r] = await select<Raw>(db, 'SELECT id, status, question_terms, answer_terms, categories, townships FROM knowledge_entries WHERE id = ?', [id]);
      if (!r) return undefined;
      return { id: String(r.id), published: r.status === 'published', questionTerms: String(r.question_terms), answerTerms: String(r.answer_terms), categories: words(r.categories), townships: words(r.townships) };
    },

    /** the last change's sequence (0: none) */
    async lastChange(): Promise<number> {
      const [r] = await select<{ s: number | string | null }>(db, 'SELECT MAX(seq) AS s FROM knowledge_changes');
      return Number(r?.s ?? 0);
    },

    /** the entries changed after `seq`, with the sequence of each */
    async changesAfter(seq: number, limit = 5000): Promise<{ seq: number; entryId: string }[]> {
      const rows = await select<Raw>(db, 'SELECT seq, entry_id FROM knowledge_changes WHERE seq > ? ORDER BY seq LIMIT ?', [seq, limit]);
      return rows.map((r) => ({ seq: Number(r.seq), entryId: String(r.entry_id) }));
    },

    async synonyms(): Promise<{ groups: string[][]; updatedBy: string | null; updatedAt: Date | null }> {
      const rows = await select<Raw>(db, 'SELECT words, updated_by, updated_at FROM knowledge_synonyms ORDER BY id');
      return { groups: rows.map((r) => words(r.words)), updatedBy: rows.length ? String(rows[0].updated_by) : null, updatedAt: rows.length ? toDate(rows[0].updated_at) : null };
    },

    /** the office's synonym groups, all replaced at once */
    async replaceSynonyms(groups: readonly (readonly string[])[], actor: string, at: Date, tx?: Transaction): Promise<void> {
      await withTx(db, tx, async (t) => {
        await exec(db, 'DELETE FROM knowledge_synonyms', [], t);
        for (const g of groups) await insertReturningId(db, 'INSERT INTO knowledge_synonyms (words, updated_by, updated_at) VALUES (?, ?, ?)', [g.join(' '), actor, at.getTime()], t);
        // every process's index takes the new groups when it catches up
        await change(SYNONYMS_CHANGE, at, t);
      });
    },

    /** how many history rows of each action each unit's entries have in [from, to) (第二十七条: the upkeep) */
    async upkeep(from: Date, to: Date): Promise<{ unitId: string; action: KnowledgeAction; n: number }[]> {
      const rows = await select<Raw>(
        db,
        'SELECT e.owner_unit_id AS unit_id, h.action AS action, COUNT(*) AS n FROM knowledge_history h JOIN knowledge_entries e ON e.id = h.entry_id WHERE h.at >= ? AND h.at < ? GROUP BY e.owner_unit_id, h.action',
        [from.getTime(), to.getTime()],
      );
      return rows.map((r) => ({ unitId: String(r.unit_id), action: r.action as KnowledgeAction, n: Number(r.n) }));
    },
  };
}

export type KnowledgeRepository = ReturnType<typeof createKnowledgeRepository>;
