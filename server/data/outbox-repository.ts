/**
 * The outbox (table `outbox`, migration 0201): notifications written by the workers, sent by the
 * OutboxDispatcher. `enqueue` is idempotent by `dedupe_key`: a retried job finds its row and adds
 * none. Payloads are checked to carry no personal data before anything is written.
 */
import type { Transaction } from 'sequelize';
import { assertNoPersonalData, CHANNEL_NAMES, type OutboxEntry } from '../../regulation/notifications.js';
import type { OutboxRecord, OutboxState, OutboxStore } from '../domain/notifications.js';
import { RECIPIENT_KINDS, type Payload } from '../../regulation/templates.js';
import { exec, insertIfAbsent, select, toDate, toDateOrNull, withTx, type Database } from './sql.js';

export interface OutboxRepository extends OutboxStore {
  /** add a message unless one with its dedupe key exists; answers the row's id and whether it was new */
  /** in the caller's transaction when given (a job's completion), else in one of its own */
  enqueue(entry: OutboxEntry, tx?: Transaction): Promise<{ id: number; created: boolean }>;
  get(id: number): Promise<OutboxRecord | undefined>;
  byDedupeKey(dedupeKey: string): Promise<OutboxRecord | undefined>;
  list(filter?: { state?: OutboxState; limit?: number }): Promise<OutboxRecord[]>;
  /** the notifications about a petition (its payload's petitionId), oldest first */
  listForPetition(petitionId: string): Promise<OutboxRecord[]>;
}

interface OutboxRow {
  id: number | string;
  channel: string;
  recipient_kind: string;
  recipient_ref: string;
  template: string;
  payload: string;
  dedupe_key: string;
  state: string;
  attempts: number | string;
  created_at: number | string;
  sent_at: number | string | null;
  last_error: string | null;
}

function toRecord(r: OutboxRow): OutboxRecord {
  return {
    id: Number(r.id),
    channel: r.channel as OutboxRecord['channel'],
    recipientKind: r.recipient_kind as OutboxRecord['recipientKind'],
    recipientRef: r.recipient_ref,
    template: r.template,
    payload: JSON.parse(r.payload) as Payload,
    dedupeKey: r.dedupe_key,
    state: r.state as OutboxState,
    attempts: Number(r.attempts),
    createdAt: toDate(r.created_at),
    sentAt: toDateOrNull(r.sent_at),
    lastError: r.last_error,
  };
}

const MAX_ERROR = 2000;

function checkEntry(e: OutboxEntry): void {
  if (!(CHANNEL_NAMES as readonly string[]).includes(e.channel)) throw new Error(`outbox: unknown channel ${JSON.stringify(e.channel)}`);
  if (!(RECIPIENT_KINDS as readonly string[]).includes(e.recipientKind)) throw new Error(`outbox: unknown recipient kind ${JSON.stringify(e.recipientKind)}`);
  for (const [k, v] of [['recipientRef', e.recipientRef], ['template', e.template], ['dedupeKey', e.dedupeKey]] as const) {
    if (typeof v !== 'string' || v.trim() === '') throw new Error(`outbox: ${k} must be a non-empty string`);
  }
  if (e.dedupeKey.length > 191) throw new Error('outbox: dedupeKey is longer than 191 characters');
  if (typeof e.payload !== 'object' || e.payload === null) throw new Error('outbox: payload must be an object');
  assertNoPersonalData(e.payload);
  assertNoPersonalData({ recipientRef: e.recipientRef });
}

export function createOutboxRepository(db: Database, options: { now?: () => number } = {}): OutboxRepository {
  const now = options.now ?? Date.now;
  const COLS = 'id, channel, recipient_kind, recipient_ref, template, payload, dedupe_key, state, attempts, created_at, sent_at, last_error';

  const repo: OutboxRepository = {
    async enqueue(entry, outer) {
      checkEntry(entry);
      return withTx(db, outer, async (tx) => {
        const created = await insertIfAbsent(
          db,
          'outbox',
          {
            channel: entry.channel,
            recipient_kind: entry.recipientKind,
            recipient_ref: entry.recipientRef,
            template: entry.template,
            payload: JSON.stringify(entry.payload),
            dedupe_key: entry.dedupeKey,
            // migration 0205: what the inspector finds a case's notifications by
            petition_id: typeof entry.payload.petitionId === 'string' && entry.payload.petitionId.length <= 64 ? entry.payload.petitionId : null,
            state: 'pending',
            attempts: 0,
            created_at: now(),
          },
          tx,
        );
        const [row] = await select<{ id: number | string }>(db, 'SELECT id FROM outbox WHERE dedupe_key = ?', [entry.dedupeKey], tx);
        return { id: Number(row.id), created };
      });
    },

    async get(id) {
      const [row] = await select<OutboxRow>(db, `SELECT ${COLS} FROM outbox WHERE id = ?`, [id]);
      return row && toRecord(row);
    },

    async byDedupeKey(dedupeKey) {
      const [row] = await select<OutboxRow>(db, `SELECT ${COLS} FROM outbox WHERE dedupe_key = ?`, [dedupeKey]);
      return row && toRecord(row);
    },

    async list(filter = {}) {
      const limit = Math.max(1, Math.min(filter.limit ?? 100, 1000));
      const rows = filter.state
        ? await select<OutboxRow>(db, `SELECT ${COLS} FROM outbox WHERE state = ? ORDER BY id LIMIT ${limit}`, [filter.state])
        : await select<OutboxRow>(db, `SELECT ${COLS} FROM outbox ORDER BY id LIMIT ${limit}`);
      return rows.map(toRecord);
    },

    async listForPetition(petitionId) {
      const rows = await select<OutboxRow>(db, `SELECT ${COLS} FROM outbox WHERE petition_id = ? ORDER BY id LIMIT 1000`, [petitionId]);
      return rows.map(toRecord);
    },

    async pending(limit) {
      const n = Math.max(1, Math.min(Math.floor(limit), 1000));
      const rows = await select<OutboxRow>(db, `SELECT ${COLS} FROM outbox WHERE state = 'pending' ORDER BY id LIMIT ${n}`);
      return rows.map(toRecord);
    },

    claim(rows) {
      return db.transaction(async (tx) => {
        const taken = new Set<number>();
        for (const { id, attempts } of rows) {
          if ((await exec(db, "UPDATE outbox SET attempts = attempts + 1 WHERE id = ? AND state = 'pending' AND attempts = ?", [id, attempts], tx)) === 1) taken.add(id);
        }
        return taken;
      });
    },

    async record(outcomes) {
      await db.transaction(async (tx) => {
        for (const o of outcomes) {
          if (o.state === 'sent') await exec(db, "UPDATE outbox SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ?", [o.at.getTime(), o.id], tx);
          else if (o.state === 'logged') await exec(db, "UPDATE outbox SET state = 'logged', sent_at = NULL, last_error = NULL WHERE id = ?", [o.id], tx);
          else {
            const message = o.error.length > MAX_ERROR ? `${o.error.slice(0, MAX_ERROR)}…` : o.error;
            await exec(db, 'UPDATE outbox SET state = ?, last_error = ? WHERE id = ?', [o.final ? 'failed' : 'pending', message, o.id], tx);
          }
        }
      });
    },
  };
  return repo;
}
