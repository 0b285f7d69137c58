/**
 * The archive of issued 月报 and 季报 (table `reports`, migration 1301; 第二十五条). An edition is
 * written once and never updated: a re-issue adds edition n + 1 of the same period. The schedule's
 * edition of a period is written at most once (`schedule_key`), so a retried `issue-report` job
 * finds the one it made.
 */
import type { Transaction } from 'sequelize';
import type { ReportFigures, ReportKind } from '../../regulation/report-figures.js';
import { insertIfAbsent, select, toDate, withTx, type Database } from './sql.js';

export type ReportOrigin = 'schedule' | 'demand';

export interface ReportRecord {
  id: number;
  kind: ReportKind;
  year: number;
  index: number;
  edition: number;
  label: string;
  from: string;
  to: string;
  issuedAt: Date;
  /** a staff id, or `schedule` */
  issuedBy: string;
  origin: ReportOrigin;
  processInstanceKey: string | null;
}

export interface ReportWithFigures extends ReportRecord {
  figures: ReportFigures;
}

export interface NewReport {
  figures: ReportFigures;
  issuedAt: Date;
  issuedBy: string;
  origin: ReportOrigin;
  processInstanceKey?: string | null;
}

export interface ReportsRepository {
  /** a new edition of the figures' period; the schedule's second attempt answers the first (created false) */
  add(entry: NewReport, tx?: Transaction): Promise<{ report: ReportRecord; created: boolean }>;
  /** the schedule's edition of a period, if it made one */
  scheduled(kind: ReportKind, year: number, index: number, tx?: Transaction): Promise<ReportRecord | undefined>;
  /** the latest edition of every period (newest period first), with how many editions it has */
  latest(options?: { kind?: ReportKind; limit?: number }): Promise<(ReportRecord & { editions: number })[]>;
  get(id: number): Promise<ReportWithFigures | undefined>;
  /** every edition of a period, first first */
  editions(kind: ReportKind, year: number, index: number): Promise<ReportRecord[]>;
}

const COLUMNS = 'id, kind, year, period_index, edition, label, period_from, period_to, issued_at, issued_by, origin, process_instance_key';

const toRecord = (r: any): ReportRecord => ({
  id: Number(r.id),
  kind: r.kind,
  year: Number(r.year),
  index: Number(r.period_index),
  edition: Number(r.edition),
  label: r.label,
  from: r.period_from,
  to: r.period_to,
  issuedAt: toDate(r.issued_at),
  issuedBy: r.issued_by,
  origin: r.origin,
  processInstanceKey: r.process_instance_key ?? null,
});

export const scheduleKey = (kind: ReportKind, year: number, index: number) => `${kind}:${year}:${index}`;

export function createReportsRepository(db: Database): ReportsRepository {
  const scheduled = async (kind: ReportKind, year: number, index: number, tx?: Transaction) => {
    const [r] = await select<any>(db, `SELECT ${COLUMNS} FROM reports WHERE schedule_key = ?`, [scheduleKey(kind, year, index)], tx);
    return r && toRecord(r);
  };
  return {
    scheduled,
    add(e, outer) {
      const { kind, year, index } = e.figures.period;
      return withTx(db, outer, async (tx) => {
        if (e.origin === 'schedule') {
          const had = await scheduled(kind, year, index, tx);
          if (had) return { report: had, created: false };
        }
        // two issues of one period at once (MariaDB): the second's edition collides and it tries the next
        for (let attempt = 0; attempt < 5; attempt++) {
          const [{ last }] = await select<{ last: number | null }>(db, 'SELECT MAX(edition) AS last FROM reports WHERE kind = ? AND year = ? AND period_index = ?', [kind, year, index], tx);
          const edition = Number(last ?? 0) + 1;
          const row = {
            kind,
            year,
            period_index: index,
            edition,
            label: e.figures.period.label,
            period_from: e.figures.period.from,
            period_to: e.figures.period.to,
            figures: JSON.stringify(e.figures),
            issued_at: e.issuedAt.getTime(),
            issued_by: e.issuedBy,
            origin: e.origin,
            process_instance_key: e.processInstanceKey ?? null,
            schedule_key: e.origin === 'schedule' ? scheduleKey(kind, year, index) : null,
          };
          if (await insertIfAbsent(db, 'reports', row, tx)) {
            const [r] = await select<any>(db, `SELECT ${COLUMNS} FROM reports WHERE kind = ? AND year = ? AND period_index = ? AND edition = ?`, [kind, year, index, edition], tx);
            return { report: toRecord(r), created: true };
          }
          if (e.origin === 'schedule') {
            const had = await scheduled(kind, year, index, tx);
            if (had) return { report: had, created: false };
          }
        }
        throw new Error(`reports: no edition of ${kind} ${year}/${index} could be written`);
      });
    },
    async latest(options = {}) {
      const limit = Math.max(1, Math.min(Math.floor(options.limit ?? 200), 500));
      const where = options.kind ? 'WHERE r.kind = ?' : '';
      const rows = await select<any>(
        db,
        `SELECT ${COLUMNS.split(', ').map((c) => `r.${c}`).join(', ')}, m.editions FROM reports r
         JOIN (SELECT kind, year, period_index, MAX(edition) AS last, COUNT(*) AS editions FROM reports GROUP BY kind, year, period_index) m
           ON m.kind = r.kind AND m.year = r.year AND m.period_index = r.period_index AND m.last = r.edition
         ${where} ORDER BY r.period_from DESC, r.kind LIMIT ${limit}`,
        options.kind ? [options.kind] : [],
      );
      return rows.map((r) => ({ ...toRecord(r), editions: Number(r.editions) }));
    },
    async get(id) {
      const [r] = await select<any>(db, `SELECT ${COLUMNS}, figures FROM reports WHERE id = ?`, [id]);
      return r && { ...toRecord(r), figures: JSON.parse(String(r.figures)) as ReportFigures };
    },
    async editions(kind, year, index) {
      const rows = await select<any>(db, `SELECT ${COLUMNS} FROM reports WHERE kind = ? AND year = ? AND period_index = ? ORDER BY edition`, [kind, year, index]);
      return rows.map(toRecord);
    },
  };
}
