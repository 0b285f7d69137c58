/**
 * The 第二十六条 assessment records: warning deductions (`score_ledger`, once per level per
 * deadline), transfers to 市政府督查室 (`inspection_transfers`, once per deadline) and the 通报批评
 * that comes with each transfer (`criticisms`). Points are whole tenths (5, 10, 30). Every write is
 * idempotent by its unique key: a retried job never doubles a row.
 */
import type { Transaction } from 'sequelize';
import { isWarningLevel, type WarningLevel } from '../../regulation/warnings.js';
import { insertIfAbsent, select, toDate, withTx, type Database } from './sql.js';

export interface WarningEntry {
  unitId: string;
  petitionId: string;
  deadlineSeq: number;
  level: WarningLevel;
  /** deduction in tenths of a point */
  points: number;
  reason: string;
  at: Date;
}

export interface LedgerRecord extends WarningEntry {
  id: number;
}

export interface TransferEntry {
  petitionId: string;
  deadlineSeq: number;
  unitId: string;
  /** the 通报批评's reason */
  reason: string;
  at: Date;
}

export interface TransferRecord {
  id: number;
  petitionId: string;
  deadlineSeq: number;
  unitId: string;
  at: Date;
}

export interface CriticismRecord {
  id: number;
  unitId: string;
  petitionId: string | null;
  deadlineSeq: number | null;
  reason: string;
  at: Date;
}

export interface ScoreLedgerRepository {
  /** record a warning's deduction unless this level was already recorded for this deadline */
  recordWarning(entry: WarningEntry, tx?: Transaction): Promise<{ created: boolean }>;
  /** record a transfer and its one 通报批评, together, unless the deadline was already transferred */
  recordTransfer(entry: TransferEntry, tx?: Transaction): Promise<{ created: boolean }>;
  listForPetition(petitionId: string): Promise<LedgerRecord[]>;
  /** a unit's deductions in tenths, optionally within [from, to) */
  totalTenthsForUnit(unitId: string, range?: { from?: Date; to?: Date }): Promise<number>;
  listTransfers(petitionId: string): Promise<TransferRecord[]>;
  listCriticisms(filter: { unitId?: string; petitionId?: string }): Promise<CriticismRecord[]>;
}

function checkCommon(e: { petitionId: string; unitId: string; deadlineSeq: number; reason: string; at: Date }): void {
  for (const [k, v] of [['petitionId', e.petitionId], ['unitId', e.unitId], ['reason', e.reason]] as const) {
    if (typeof v !== 'string' || v.trim() === '') throw new Error(`score ledger: ${k} must be a non-empty string`);
  }
  if (!Number.isInteger(e.deadlineSeq) || e.deadlineSeq < 0) throw new Error(`score ledger: deadlineSeq must be a whole number ≥ 0 (got ${e.deadlineSeq})`);
  if (!(e.at instanceof Date) || Number.isNaN(e.at.getTime())) throw new Error('score ledger: at must be a valid Date');
}

const clip = (s: string, n: number) => ([...s].length > n ? [...s].slice(0, n).join('') : s);

export function createScoreLedgerRepository(db: Database): ScoreLedgerRepository {
  return {
    async recordWarning(e, outer) {
      checkCommon(e);
      if (!isWarningLevel(e.level)) throw new Error(`score ledger: unknown level ${JSON.stringify(e.level)}`);
      if (!Number.isInteger(e.points) || e.points < 0) throw new Error(`score ledger: points must be whole tenths ≥ 0 (got ${e.points})`);
      const created = await withTx(db, outer, (tx) =>
        insertIfAbsent(
          db,
          'score_ledger',
          {
            unit_id: e.unitId,
            petition_id: e.petitionId,
            deadline_seq: e.deadlineSeq,
            level: e.level,
            points: e.points,
            reason: clip(e.reason, 500),
            created_at: e.at.getTime(),
          },
          tx,
        ),
      );
      return { created };
    },

    async recordTransfer(e, outer) {
      checkCommon(e);
      const created = await withTx(db, outer, async (tx) => {
        const inserted = await insertIfAbsent(
          db,
          'inspection_transfers',
          { petition_id: e.petitionId, deadline_seq: e.deadlineSeq, unit_id: e.unitId, created_at: e.at.getTime() },
          tx,
        );
        if (inserted) {
          await insertIfAbsent(
            db,
            'criticisms',
            { unit_id: e.unitId, petition_id: e.petitionId, deadline_seq: e.deadlineSeq, reason: clip(e.reason, 500), created_at: e.at.getTime() },
            tx,
          );
        }
        return inserted;
      });
      return { created };
    },

    async listForPetition(petitionId) {
      const rows = await select<any>(
        db,
        'SELECT id, unit_id, petition_id, deadline_seq, level, points, reason, created_at FROM score_ledger WHERE petition_id = ? ORDER BY deadline_seq, points, id',
        [petitionId],
      );
      return rows.map((r) => ({
        id: Number(r.id),
        unitId: r.unit_id,
        petitionId: r.petition_id,
        deadlineSeq: Number(r.deadline_seq),
        level: r.level,
        points: Number(r.points),
        reason: r.reason,
        at: toDate(r.created_at),
      }));
    },

    async totalTenthsForUnit(unitId, range = {}) {
      const [row] = await select<{ total: number | string | null }>(
        db,
        'SELECT SUM(points) AS total FROM score_ledger WHERE unit_id = ? AND created_at >= ? AND created_at < ?',
        [unitId, range.from?.getTime() ?? 0, range.to?.getTime() ?? Number.MAX_SAFE_INTEGER],
      );
      return Number(row?.total ?? 0);
    },

    async listTransfers(petitionId) {
      const rows = await select<any>(
        db,
        'SELECT id, petition_id, deadline_seq, unit_id, created_at FROM inspection_transfers WHERE petition_id = ? ORDER BY deadline_seq',
        [petitionId],
      );
      return rows.map((r) => ({ id: Number(r.id), petitionId: r.petition_id, deadlineSeq: Number(r.deadline_seq), unitId: r.unit_id, at: toDate(r.created_at) }));
    },

    async listCriticisms(filter) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.unitId !== undefined) {
        where.push('unit_id = ?');
        params.push(filter.unitId);
      }
      if (filter.petitionId !== undefined) {
        where.push('petition_id = ?');
        params.push(filter.petitionId);
      }
      const rows = await select<any>(
        db,
        `SELECT id, unit_id, petition_id, deadline_seq, reason, created_at FROM criticisms${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`,
        params,
      );
      return rows.map((r) => ({
        id: Number(r.id),
        unitId: r.unit_id,
        petitionId: r.petition_id ?? null,
        deadlineSeq: r.deadline_seq === null ? null : Number(r.deadline_seq),
        reason: r.reason,
        at: toDate(r.created_at),
      }));
    },
  };
}
