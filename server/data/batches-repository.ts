/**
 * Batch operations (issue 18; tables of migration 1811): a batch and its items. Items are written
 * with the batch, in the filter's order; an item leaves `pending` once (`finishItem` changes only a
 * pending row and says whether it did), so a runner whose engine call commits in the same
 * transaction rolls that call back when another runner got there first.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'sequelize';
import { exec, select, toDate, toDateOrNull, withTx, type Database } from './sql.js';

export type BatchState = 'running' | 'paused' | 'done' | 'canceled';
export type ItemState = 'pending' | 'done' | 'failed' | 'skipped';

export interface BatchCounts {
  pending: number;
  done: number;
  failed: number;
  skipped: number;
}

export interface BatchRecord {
  id: string;
  kind: string;
  params: Record<string, unknown>;
  filter: Record<string, string>;
  reason: string;
  createdBy: string;
  createdAt: Date;
  state: BatchState;
  total: number;
  updatedAt: Date;
  endedAt: Date | null;
  counts: BatchCounts;
}

export interface BatchItem {
  processInstanceKey: string;
  state: ItemState;
  result: Record<string, unknown> | null;
  error: string | null;
  doneAt: Date | null;
}

interface BatchRow {
  id: string;
  kind: string;
  params: string;
  filter: string;
  reason: string;
  created_by: string;
  created_at: number;
  state: BatchState;
  total: number;
  updated_at: number;
  ended_at: number | null;
}

interface ItemRow {
  process_instance_key: string;
  state: ItemState;
  result: string | null;
  error: string | null;
  done_at: number | null;
}

const parse = <T>(s: string | null, fallback: T): T => {
  if (!s) return fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
};

/** rows per INSERT when the items are listed (well under either dialect's placeholder limit) */
const INSERT_CHUNK = 200;

export function createBatchesRepository(db: Database, opts: { now?: () => number } = {}) {
  const now = opts.now ?? Date.now;

  async function countsOf(ids: string[], tx?: Transaction): Promise<Map<string, BatchCounts>> {
    const out = new Map<string, BatchCounts>();
    for (const id of ids) out.set(id, { pending: 0, done: 0, failed: 0, skipped: 0 });
    if (!ids.length) return out;
    const rows = await select<{ batch_id: string; state: ItemState; n: number }>(db, `SELECT batch_id, state, COUNT(*) AS n FROM operation_batch_items WHERE batch_id IN (${ids.map(() => '?').join(', ')}) GROUP BY batch_id, state`, ids, tx);
    for (const r of rows) {
      const c = out.get(r.batch_id);
      if (c && r.state in c) c[r.state] = Number(r.n);
    }
    return out;
  }

  const toRecord = (r: BatchRow, counts: BatchCounts): BatchRecord => ({
    id: r.id,
    kind: r.kind,
    params: parse(r.params, {}),
    filter: parse(r.filter, {}),
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: toDate(r.created_at),
    state: r.state,
    total: Number(r.total),
    updatedAt: toDate(r.updated_at),
    endedAt: toDateOrNull(r.ended_at),
    counts,
  });

  return {
    /** the batch and every item, pending, in one transaction (the caller's when given) */
    async create(b: { kind: string; params: Record<string, unknown>; filter: Record<string, string>; reason: string; createdBy: string; keys: string[] }, tx?: Transaction): Promise<string> {
      const id = randomUUID();
      const at = now();
      await withTx(db, tx, async (t) => {
        await exec(db, 'INSERT INTO operation_batches (id, kind, params, filter, reason, created_by, created_at, state, total, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [id, b.kind, JSON.stringify(b.params), JSON.stringify(b.filter), b.reason, b.createdBy, at, 'running', b.keys.length, at], t);
        for (let i = 0; i < b.keys.length; i += INSERT_CHUNK) {
          const chunk = b.keys.slice(i, i + INSERT_CHUNK);
          await exec(db, `INSERT INTO operation_batch_items (batch_id, process_instance_key, seq, state) VALUES ${chunk.map(() => "(?, ?, ?, 'pending')").join(', ')}`, chunk.flatMap((k, j) => [id, k, i + j]), t);
        }
      });
      return id;
    },

    async get(id: string, tx?: Transaction): Promise<BatchRecord | undefined> {
      const [row] = await select<BatchRow>(db, 'SELECT * FROM operation_batches WHERE id = ?', [id], tx);
      if (!row) return undefined;
      return toRecord(row, (await countsOf([id], tx)).get(id)!);
    },

    /** newest first */
    async list(limit = 100): Promise<BatchRecord[]> {
      const rows = await select<BatchRow>(db, `SELECT * FROM operation_batches ORDER BY created_at DESC, id DESC LIMIT ${Math.max(1, Math.min(500, Math.floor(limit)))}`);
      const counts = await countsOf(rows.map((r) => r.id));
      return rows.map((r) => toRecord(r, counts.get(r.id)!));
    },

    async idsInState(state: BatchState): Promise<string[]> {
      return (await select<{ id: string }>(db, 'SELECT id FROM operation_batches WHERE state = ? ORDER BY created_at', [state])).map((r) => r.id);
    },

    /** a state change, only from one of `from`: true when it happened */
    async setState(id: string, to: BatchState, from: BatchState[], tx?: Transaction): Promise<boolean> {
      const at = now();
      const ended = to === 'done' || to === 'canceled' ? at : null;
      const n = await exec(db, `UPDATE operation_batches SET state = ?, updated_at = ?, ended_at = ? WHERE id = ? AND state IN (${from.map(() => '?').join(', ')})`, [to, at, ended, id, ...from], tx);
      return n === 1;
    },

    async items(id: string, page: { limit?: number; offset?: number; state?: ItemState } = {}): Promise<BatchItem[]> {
      const limit = Math.max(1, Math.min(1000, Math.floor(page.limit ?? 100)));
      const offset = Math.max(0, Math.floor(page.offset ?? 0));
      const rows = page.state
        ? await select<ItemRow>(db, `SELECT * FROM operation_batch_items WHERE batch_id = ? AND state = ? ORDER BY seq LIMIT ${limit} OFFSET ${offset}`, [id, page.state])
        : await select<ItemRow>(db, `SELECT * FROM operation_batch_items WHERE batch_id = ? ORDER BY seq LIMIT ${limit} OFFSET ${offset}`, [id]);
      return rows.map((r) => ({ processInstanceKey: r.process_instance_key, state: r.state, result: parse(r.result, null), error: r.error, doneAt: toDateOrNull(r.done_at) }));
    },

    /** the next pending keys, in the filter's order */
    async nextPending(id: string, limit: number): Promise<string[]> {
      return (await select<{ process_instance_key: string }>(db, `SELECT process_instance_key FROM operation_batch_items WHERE batch_id = ? AND state = 'pending' ORDER BY seq LIMIT ${Math.max(1, Math.floor(limit))}`, [id])).map((r) => r.process_instance_key);
    },

    /** a pending item's outcome: false when it was no longer pending (nothing written) */
    async finishItem(id: string, key: string, outcome: { state: Exclude<ItemState, 'pending'>; result?: Record<string, unknown>; error?: string }, tx?: Transaction): Promise<boolean> {
      const n = await exec(
        db,
        "UPDATE operation_batch_items SET state = ?, result = ?, error = ?, done_at = ? WHERE batch_id = ? AND process_instance_key = ? AND state = 'pending'",
        [outcome.state, outcome.result ? JSON.stringify(outcome.result) : null, outcome.error ? outcome.error.slice(0, 1000) : null, now(), id, key],
        tx,
      );
      return n === 1;
    },

    /**
     * a done item's outcome replaced (Zeebe: the item committed before the broker refused the change);
     * false when it was not done
     */
    async redoItem(id: string, key: string, outcome: { state: 'failed'; error: string }): Promise<boolean> {
      const n = await exec(db, "UPDATE operation_batch_items SET state = ?, error = ?, done_at = ? WHERE batch_id = ? AND process_instance_key = ? AND state = 'done'", [outcome.state, outcome.error.slice(0, 1000), now(), id, key]);
      return n === 1;
    },

    /** the items finished last as done, newest first: what a crash may have cut after their commit */
    async lastDone(id: string, limit: number): Promise<{ processInstanceKey: string; result: Record<string, unknown> | null }[]> {
      const rows = await select<{ process_instance_key: string; result: string | null }>(db, `SELECT process_instance_key, result FROM operation_batch_items WHERE batch_id = ? AND state = 'done' ORDER BY done_at DESC, seq DESC LIMIT ${Math.max(1, Math.floor(limit))}`, [id]);
      return rows.map((r) => ({ processInstanceKey: r.process_instance_key, result: parse(r.result, null) }));
    },

    /** a canceled batch's pending items: skipped, so its counts add up */
    async skipPending(id: string, tx?: Transaction): Promise<number> {
      return exec(db, "UPDATE operation_batch_items SET state = 'skipped', error = ?, done_at = ? WHERE batch_id = ? AND state = 'pending'", ['批量操作已取消', now(), id], tx);
    },
  };
}

export type BatchesRepository = ReturnType<typeof createBatchesRepository>;
