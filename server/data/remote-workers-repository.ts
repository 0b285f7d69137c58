/**
 * Remote workers' credentials and the record of their calls (tables of migration 1901). Plain
 * objects out; the secret's hash never leaves this module except to the service's verify. The
 * calls table is append-only: there is no update or delete.
 */
import type { Transaction } from 'sequelize';
import { exec, insertReturningId, select, toDate, toDateOrNull, type Database } from './sql.js';

const CALL_COLUMNS = 'credential_id, worker_id, call_name, topic, task_id, status, detail, at';
/** rows per group INSERT (8 parameters each: SQLite allows 999 in one statement) */
const GROUP_MAX = 100;

export interface RemoteWorkerRecord {
  id: string;
  name: string;
  topics: string[];
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
}

export interface RemoteCallEntry {
  /** null: the caller named no known credential */
  credentialId: string | null;
  workerId?: string | null;
  /** fetchAndLock | complete | failure | bpmnError | extendLock | unlock | lock | auth | worker-service:<name> … */
  call: string;
  topic?: string | null;
  taskId?: string | null;
  /** the HTTP status answered */
  status: number;
  /** counts, error types: never variable values, never personal data */
  detail?: Record<string, unknown> | null;
}

export interface RemoteCallRecord extends Required<Omit<RemoteCallEntry, 'detail'>> {
  id: number;
  detail: Record<string, unknown> | null;
  at: Date;
}

interface WorkerRow {
  id: string;
  name: string;
  topics: string;
  secret_hash: string;
  created_by: string;
  created_at: number;
  revoked_at: number | null;
  revoked_by: string | null;
  last_used_at: number | null;
}

interface CallRow {
  id: number;
  credential_id: string | null;
  worker_id: string | null;
  call_name: string;
  topic: string | null;
  task_id: string | null;
  status: number;
  detail: string | null;
  at: number;
}

const parseJson = <T>(s: string | null, fallback: T): T => {
  if (!s) return fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
};

const toRecord = (r: WorkerRow): RemoteWorkerRecord => ({
  id: r.id,
  name: r.name,
  topics: parseJson<string[]>(r.topics, []),
  createdBy: r.created_by,
  createdAt: toDate(r.created_at),
  revokedAt: toDateOrNull(r.revoked_at),
  revokedBy: r.revoked_by,
  lastUsedAt: toDateOrNull(r.last_used_at),
});

const clip = (s: string | null | undefined, n: number): string | null => (s === undefined || s === null ? null : s.slice(0, n));

export function createRemoteWorkersRepository(db: Database, opts: { now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
  const COLS = 'id, name, topics, secret_hash, created_by, created_at, revoked_at, revoked_by, last_used_at';
  // the calls' rows waiting for the next group INSERT (recordCall without a transaction)
  const group = { rows: [] as unknown[][], waiters: [] as { resolve: () => void; reject: (err: unknown) => void }[], writing: false };
  async function writeGroup() {
    const rows = group.rows.splice(0, GROUP_MAX);
    const waiters = group.waiters.splice(0, GROUP_MAX);
    try {
      // in a transaction of its own, as every write of the app's (SQLite: a bare write on the shared connection meets a busy database at once)
      await db.transaction((tx) => exec(db, `INSERT INTO remote_worker_calls (${CALL_COLUMNS}) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`, rows.flat(), tx));
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
    // the rows that came while this one was written: the next group, at once
    if (group.rows.length) setImmediate(writeGroup);
    else group.writing = false;
  }

  return {
    async insert(w: { id: string; name: string; topics: string[]; secretHash: string; createdBy: string }, tx?: Transaction): Promise<RemoteWorkerRecord> {
      const at = now();
      await exec(db, 'INSERT INTO remote_workers (id, name, topics, secret_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)', [w.id, w.name, JSON.stringify(w.topics), w.secretHash, w.createdBy, at], tx);
      return { id: w.id, name: w.name, topics: w.topics, createdBy: w.createdBy, createdAt: new Date(at), revokedAt: null, revokedBy: null, lastUsedAt: null };
    },
    async get(id: string, tx?: Transaction): Promise<RemoteWorkerRecord | undefined> {
      const [r] = await select<WorkerRow>(db, `SELECT ${COLS} FROM remote_workers WHERE id = ?`, [id], tx);
      return r && toRecord(r);
    },
    /** the record with its secret's hash (for verifying a call only) */
    async getWithHash(id: string): Promise<(RemoteWorkerRecord & { secretHash: string }) | undefined> {
      const [r] = await select<WorkerRow>(db, `SELECT ${COLS} FROM remote_workers WHERE id = ?`, [id]);
      return r && { ...toRecord(r), secretHash: r.secret_hash };
    },
    /** newest first */
    async list(): Promise<RemoteWorkerRecord[]> {
      return (await select<WorkerRow>(db, `SELECT ${COLS} FROM remote_workers ORDER BY created_at DESC, id DESC`)).map(toRecord);
    },
    /** true when it was active and is revoked now */
    async revoke(id: string, by: string, tx?: Transaction): Promise<boolean> {
      return (await exec(db, 'UPDATE remote_workers SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL', [now(), by, id], tx)) > 0;
    },
    async touch(id: string, at: number): Promise<void> {
      await db.transaction((tx) => exec(db, 'UPDATE remote_workers SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)', [at, id, at], tx));
    },
    /**
     * In the caller's transaction when given (the call's engine change and its row commit together).
     * Otherwise group-committed: the rows of the calls answered at about the same moment go in one
     * INSERT, and each caller goes on (answers its call) only once its row is written.
     */
    async recordCall(e: RemoteCallEntry, tx?: Transaction): Promise<void> {
      const row = [clip(e.credentialId, 64), clip(e.workerId, 255), e.call.slice(0, 64), clip(e.topic, 255), clip(e.taskId, 191), e.status, e.detail ? JSON.stringify(e.detail).slice(0, 4000) : null, now()];
      if (tx) {
        await insertReturningId(db, `INSERT INTO remote_worker_calls (${CALL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, row, tx);
        return;
      }
      await new Promise<void>((resolve, reject) => {
        group.rows.push(row);
        group.waiters.push({ resolve, reject });
        if (!group.writing) {
          group.writing = true;
          setImmediate(writeGroup);
        }
      });
    },
    /** a credential's calls, newest first; `beforeId` pages back */
    async listCalls(credentialId: string, page: { beforeId?: number; limit?: number } = {}): Promise<RemoteCallRecord[]> {
      const limit = Math.min(Math.max(page.limit ?? 50, 1), 200);
      const rows = await select<CallRow>(
        db,
        `SELECT id, credential_id, worker_id, call_name, topic, task_id, status, detail, at FROM remote_worker_calls WHERE credential_id = ?${page.beforeId ? ' AND id < ?' : ''} ORDER BY id DESC LIMIT ${limit}`,
        page.beforeId ? [credentialId, page.beforeId] : [credentialId],
      );
      return rows.map((r) => ({
        id: Number(r.id),
        credentialId: r.credential_id,
        workerId: r.worker_id,
        call: r.call_name,
        topic: r.topic,
        taskId: r.task_id,
        status: Number(r.status),
        detail: parseJson<Record<string, unknown> | null>(r.detail, null),
        at: toDate(r.at),
      }));
    },
    /** how many calls there are (without a credential: `credentialId: null`), of one kind when given */
    async countCalls(filter: { credentialId?: string | null; call?: string } = {}): Promise<number> {
      const where: string[] = [];
      const args: unknown[] = [];
      if (filter.credentialId === null) where.push('credential_id IS NULL');
      else if (filter.credentialId !== undefined) {
        where.push('credential_id = ?');
        args.push(filter.credentialId);
      }
      if (filter.call) {
        where.push('call_name = ?');
        args.push(filter.call);
      }
      const [r] = await select<{ n: number }>(db, `SELECT COUNT(*) AS n FROM remote_worker_calls${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, args);
      return Number(r?.n ?? 0);
    },
  };
}

export type RemoteWorkersRepository = ReturnType<typeof createRemoteWorkersRepository>;
