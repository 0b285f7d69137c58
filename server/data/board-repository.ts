/**
 * The 红黄蓝 board's reads (第二十六条; issue 16), over the work queue's table (`work_items`: each
 * open task with its deadline, the case's warning instants and unit) rather than the engine, and the
 * 第二十六条 records (score_ledger, inspection_transfers, criticisms, delay_explanations). A late task
 * is an open one (each task once: `is_first`) of a case a unit handles, whose deadline has passed.
 * Counts by unit and colour are one pass over an index range; a page is a keyset range in deadline
 * order (the longest overdue first). Returns plain objects.
 */
import type { Transaction } from 'sequelize';
import type { BoardColour } from '../../regulation/board.js';
import type { WarningLevel } from '../../regulation/warnings.js';
import { exec, insertIfAbsent, select, toDate, withTx, type Database } from './sql.js';

export interface BoardScope {
  /** a unit's own board; the whole city when absent */
  unitId?: string;
}

export interface LateTask {
  userTaskKey: string;
  processId: string;
  elementId: string;
  name: string;
  petitionId: string;
  trackingCode?: string;
  unitId: string;
  dueAt: Date;
  dueLabel?: string;
  blueAt?: Date;
  yellowAt?: Date;
  redAt?: Date;
}

export interface UnitCounts {
  unitId: string;
  blue: number;
  yellow: number;
  red: number;
  transfer: number;
  overdue: number;
}

/** a keyset position in the board's order: (due_ms, user_task_key) */
export type BoardCursor = [number, string];

export interface Deduction {
  petitionId: string;
  deadlineSeq: number;
  level: WarningLevel;
  points: number;
  at: Date;
}

export interface Explanation {
  petitionId: string;
  unitId: string;
  explanation: string;
  staffId: string;
  at: Date;
}

export interface TransferListed {
  id: number;
  petitionId: string;
  unitId: string;
  deadlineSeq: number;
  at: Date;
  trackingCode?: string;
  title?: string;
}

export interface CriticismListed {
  id: number;
  unitId: string;
  petitionId: string | null;
  reason: string;
  at: Date;
  trackingCode?: string;
  title?: string;
}

const n = (v: unknown) => Number(v ?? 0);
const ms = (v: unknown) => (v === null || v === undefined ? undefined : new Date(Number(v)));
const marks = (k: number) => Array(k).fill('?').join(', ');

export function createBoardRepository(db: Database) {
  // The planners' own choices read the rows (MariaDB ranges over work_items_due and looks each row up
  // for its colour; both group the city's late tasks in a temporary table): the board's indexes are
  // named. The counts go unit by unit (the units table first, each unit one range of
  // work_items_board_unit, already in unit order): half the time of one range grouped afterwards.
  const sqlite = Boolean(db.raw);
  const indexed = (table: string, index: string) => (sqlite ? `${table} INDEXED BY ${index}` : `${table} FORCE INDEX (${index})`);
  const unitsThenItems = sqlite ? `units u CROSS JOIN ${indexed('work_items w', 'work_items_board_unit')}` : `units u STRAIGHT_JOIN ${indexed('work_items w', 'work_items_board_unit')}`;

  /** the late tasks of a scope at `now`, as SQL */
  function lateWhere(scope: BoardScope, now: number, alias = '') {
    const a = alias ? `${alias}.` : '';
    const where = [`${a}state = 'open'`, `${a}is_first = 1`, `${a}due_ms <= ?`, `${a}unit_id IS NOT NULL`];
    const args: unknown[] = [now];
    if (scope.unitId !== undefined) {
      where.unshift(`${a}unit_id = ?`);
      args.unshift(scope.unitId);
      // (unit_id = ? first, so that the order of the arguments follows the SQL)
    }
    return { where, args };
  }

  /** a colour's condition at `now` (the levels exclusive: a red case is not also counted yellow) */
  function colourWhere(colour: WarningLevel, now: number, alias = '') {
    const a = alias ? `${alias}.` : '';
    if (colour === 'red') return { sql: `${a}red_ms <= ?`, args: [now] };
    if (colour === 'yellow') return { sql: `${a}yellow_ms <= ? AND (${a}red_ms IS NULL OR ${a}red_ms > ?)`, args: [now, now] };
    return { sql: `${a}blue_ms <= ? AND (${a}yellow_ms IS NULL OR ${a}yellow_ms > ?)`, args: [now, now] };
  }

  function countsSql(scope: BoardScope, now: number) {
    const unit = scope.unitId !== undefined ? ' WHERE u.id = ?' : '';
    return {
      sql: `SELECT u.id AS unit_id,
           SUM(CASE WHEN w.red_ms <= ? THEN 1 ELSE 0 END) AS red,
           SUM(CASE WHEN w.yellow_ms <= ? AND (w.red_ms IS NULL OR w.red_ms > ?) THEN 1 ELSE 0 END) AS yellow,
           SUM(CASE WHEN w.blue_ms <= ? AND (w.yellow_ms IS NULL OR w.yellow_ms > ?) THEN 1 ELSE 0 END) AS blue,
           COUNT(*) AS overdue
         FROM ${unitsThenItems} ON w.unit_id = u.id AND w.state = 'open' AND w.is_first = 1 AND w.due_ms <= ?${unit} GROUP BY u.id`,
      args: [now, now, now, now, now, now, ...(scope.unitId !== undefined ? [scope.unitId] : [])],
    };
  }

  /** the transferred: read from the (few) transfers towards their open tasks */
  function transferCountsSql(scope: BoardScope, now: number) {
    const t = lateWhere(scope, now, 'w');
    return {
      sql: `SELECT w.unit_id, COUNT(DISTINCT w.user_task_key) AS n FROM inspection_transfers t JOIN work_items w ON w.petition_id = t.petition_id
         WHERE ${t.where.join(' AND ')}${scope.unitId !== undefined ? ' AND t.unit_id = ?' : ''} GROUP BY w.unit_id`,
      args: [...t.args, ...(scope.unitId !== undefined ? [scope.unitId] : [])],
    };
  }

  function pageSql(scope: BoardScope, colour: BoardColour | undefined, now: number, after: BoardCursor | undefined, limit: number) {
    const { where, args } = lateWhere(scope, now, 'w');
    if (colour === 'transfer') {
      where.push(`w.petition_id IN (SELECT petition_id FROM inspection_transfers${scope.unitId !== undefined ? ' WHERE unit_id = ?' : ''})`);
      if (scope.unitId !== undefined) args.push(scope.unitId);
    } else if (colour) {
      const c = colourWhere(colour, now, 'w');
      where.push(c.sql);
      args.push(...c.args);
    }
    if (after) {
      where.push('w.due_ms >= ? AND (w.due_ms > ? OR (w.due_ms = ? AND w.user_task_key > ?))');
      args.push(after[0], after[0], after[0], after[1]);
    }
    return {
      sql: `SELECT w.user_task_key, w.process_id, w.element_id, w.name, w.petition_id, w.tracking_code, w.unit_id, w.due_ms, w.due_label, w.blue_ms, w.yellow_ms, w.red_ms
         FROM ${colour === 'transfer' ? 'work_items w' : indexed('work_items w', scope.unitId !== undefined ? 'work_items_board_unit' : 'work_items_board')} WHERE ${where.join(' AND ')} ORDER BY w.due_ms, w.user_task_key LIMIT ${limit}`,
      args,
    };
  }

  return {
    /** the statements the board reads at city size, for a look at their plans (the bench) */
    sqlOf(scope: BoardScope, now: number): Record<string, { sql: string; args: unknown[] }> {
      return {
        counts: countsSql(scope, now),
        'transfer counts': transferCountsSql(scope, now),
        'page blue': pageSql(scope, 'blue', now, undefined, 51),
        'page transfer': pageSql(scope, 'transfer', now, undefined, 51),
      };
    },

    /** each unit's late tasks by colour, and those of cases transferred to 督查室 */
    async counts(scope: BoardScope, now: number): Promise<UnitCounts[]> {
      const c = countsSql(scope, now);
      const t = transferCountsSql(scope, now);
      const rows = await select<Record<string, unknown>>(db, c.sql, c.args);
      const transferred = await select<Record<string, unknown>>(db, t.sql, t.args);
      const byUnit = new Map<string, UnitCounts>();
      for (const r of rows) byUnit.set(String(r.unit_id), { unitId: String(r.unit_id), blue: n(r.blue), yellow: n(r.yellow), red: n(r.red), transfer: 0, overdue: n(r.overdue) });
      for (const r of transferred) {
        const c = byUnit.get(String(r.unit_id));
        if (c) c.transfer = n(r.n);
      }
      return [...byUnit.values()];
    },

    /** a page of late tasks, the longest overdue first, after `after` */
    async page(scope: BoardScope, colour: BoardColour | undefined, now: number, paging: { after?: BoardCursor; limit: number }): Promise<{ items: LateTask[]; next?: BoardCursor }> {
      const limit = Math.max(1, Math.min(Math.floor(paging.limit), 200));
      const q = pageSql(scope, colour, now, paging.after, limit + 1);
      const rows = await select<Record<string, unknown>>(db, q.sql, q.args);
      const items = rows.slice(0, limit).map(
        (r): LateTask => ({
          userTaskKey: String(r.user_task_key),
          processId: String(r.process_id),
          elementId: String(r.element_id),
          name: String(r.name),
          petitionId: String(r.petition_id),
          ...(r.tracking_code ? { trackingCode: String(r.tracking_code) } : {}),
          unitId: String(r.unit_id),
          dueAt: new Date(Number(r.due_ms)),
          ...(r.due_label ? { dueLabel: String(r.due_label) } : {}),
          ...(r.blue_ms !== null && { blueAt: ms(r.blue_ms) }),
          ...(r.yellow_ms !== null && { yellowAt: ms(r.yellow_ms) }),
          ...(r.red_ms !== null && { redAt: ms(r.red_ms) }),
        }),
      );
      const last = items[items.length - 1];
      return { items, ...(rows.length > limit && last && { next: [last.dueAt.getTime(), last.userTaskKey] as BoardCursor }) };
    },

    /** the cases' titles (plain columns; nothing of the petitioner) */
    async titles(petitionIds: string[]): Promise<Map<string, { title: string; trackingCode: string }>> {
      const out = new Map<string, { title: string; trackingCode: string }>();
      if (!petitionIds.length) return out;
      for (const r of await select<Record<string, unknown>>(db, `SELECT id, title, tracking_code FROM petitions WHERE id IN (${marks(petitionIds.length)})`, petitionIds)) {
        out.set(String(r.id), { title: String(r.title), trackingCode: String(r.tracking_code) });
      }
      return out;
    },

    /** the deductions recorded for the cases (score_ledger), oldest first */
    async deductions(petitionIds: string[]): Promise<Deduction[]> {
      if (!petitionIds.length) return [];
      const rows = await select<Record<string, unknown>>(
        db,
        `SELECT petition_id, deadline_seq, level, points, created_at FROM score_ledger WHERE petition_id IN (${marks(petitionIds.length)}) ORDER BY petition_id, deadline_seq, points, id`,
        petitionIds,
      );
      return rows.map((r) => ({ petitionId: String(r.petition_id), deadlineSeq: n(r.deadline_seq), level: r.level as WarningLevel, points: n(r.points), at: toDate(r.created_at) }));
    },

    /** the first transfer to 督查室 recorded for each of the cases */
    async transfersOf(petitionIds: string[]): Promise<Map<string, Date>> {
      const out = new Map<string, Date>();
      if (!petitionIds.length) return out;
      for (const r of await select<Record<string, unknown>>(db, `SELECT petition_id, MIN(created_at) AS at FROM inspection_transfers WHERE petition_id IN (${marks(petitionIds.length)}) GROUP BY petition_id`, petitionIds)) {
        out.set(String(r.petition_id), toDate(r.at));
      }
      return out;
    },

    async explanations(petitionIds: string[]): Promise<Map<string, Explanation>> {
      const out = new Map<string, Explanation>();
      if (!petitionIds.length) return out;
      for (const r of await select<Record<string, unknown>>(db, `SELECT petition_id, unit_id, explanation, staff_id, created_at FROM delay_explanations WHERE petition_id IN (${marks(petitionIds.length)})`, petitionIds)) {
        out.set(String(r.petition_id), { petitionId: String(r.petition_id), unitId: String(r.unit_id), explanation: String(r.explanation), staffId: String(r.staff_id), at: toDate(r.created_at) });
      }
      return out;
    },

    /** the unit's explanation of the case's delay: the latest replaces an earlier one */
    async saveExplanation(e: Explanation, tx?: Transaction): Promise<void> {
      await withTx(db, tx, async (t) => {
        await exec(db, 'DELETE FROM delay_explanations WHERE petition_id = ?', [e.petitionId], t);
        await insertIfAbsent(db, 'delay_explanations', { petition_id: e.petitionId, unit_id: e.unitId, explanation: e.explanation, staff_id: e.staffId, created_at: e.at.getTime() }, t);
      });
    },

    /** transfers to 市政府督查室, newest first, before the id `before` */
    async transfers(scope: BoardScope, paging: { before?: number; limit: number }): Promise<TransferListed[]> {
      const where: string[] = [];
      const args: unknown[] = [];
      if (scope.unitId !== undefined) {
        where.push('t.unit_id = ?');
        args.push(scope.unitId);
      }
      if (paging.before !== undefined) {
        where.push('t.id < ?');
        args.push(paging.before);
      }
      const rows = await select<Record<string, unknown>>(
        db,
        `SELECT t.id, t.petition_id, t.unit_id, t.deadline_seq, t.created_at, p.tracking_code, p.title FROM inspection_transfers t LEFT JOIN petitions p ON p.id = t.petition_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t.id DESC LIMIT ${Math.max(1, Math.min(paging.limit, 200))}`,
        args,
      );
      return rows.map((r) => ({
        id: n(r.id),
        petitionId: String(r.petition_id),
        unitId: String(r.unit_id),
        deadlineSeq: n(r.deadline_seq),
        at: toDate(r.created_at),
        ...(r.tracking_code ? { trackingCode: String(r.tracking_code) } : {}),
        ...(r.title ? { title: String(r.title) } : {}),
      }));
    },

    /** 通报批评, newest first, before the id `before` */
    async criticisms(scope: BoardScope, paging: { before?: number; limit: number }): Promise<CriticismListed[]> {
      const where: string[] = [];
      const args: unknown[] = [];
      if (scope.unitId !== undefined) {
        where.push('c.unit_id = ?');
        args.push(scope.unitId);
      }
      if (paging.before !== undefined) {
        where.push('c.id < ?');
        args.push(paging.before);
      }
      const rows = await select<Record<string, unknown>>(
        db,
        `SELECT c.id, c.unit_id, c.petition_id, c.reason, c.created_at, p.tracking_code, p.title FROM criticisms c LEFT JOIN petitions p ON p.id = c.petition_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.id DESC LIMIT ${Math.max(1, Math.min(paging.limit, 200))}`,
        args,
      );
      return rows.map((r) => ({
        id: n(r.id),
        unitId: String(r.unit_id),
        petitionId: r.petition_id === null ? null : String(r.petition_id),
        reason: String(r.reason),
        at: toDate(r.created_at),
        ...(r.tracking_code ? { trackingCode: String(r.tracking_code) } : {}),
        ...(r.title ? { title: String(r.title) } : {}),
      }));
    },
  };
}

export type BoardRepository = ReturnType<typeof createBoardRepository>;
