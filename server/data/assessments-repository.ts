/**
 * The unit assessments (第二十七条; tables of migration 1601): an assessment per period and edition,
 * each unit's figures as taken, its score, rank and 通报 standing; and the office's 通报 templates.
 * A done assessment is never written again: every write checks `state = 'running'` in its statement.
 * Plain objects out.
 */
import type { Transaction } from 'sequelize';
import type { AssessmentFigures, NoticeKind, Standing } from '../../regulation/assessment.js';
import type { ReportKind } from '../../regulation/report-figures.js';
import type { NoticeTemplate } from '../../regulation/notice-template.js';
import { exec, select, toDateOrNull, toDate, withTx, type Database } from './sql.js';

export type AssessmentState = 'running' | 'done';

export interface AssessmentPeriodKey {
  kind: ReportKind;
  year: number;
  index: number;
}

export interface AssessmentRecord {
  id: string;
  period: AssessmentPeriodKey;
  edition: number;
  state: AssessmentState;
  processInstanceKey: string | null;
  decisionVersion: number | null;
  requestedBy: string;
  requestedAt: Date;
  doneAt: Date | null;
}

export interface AssessmentUnitRecord {
  unitId: string;
  unitName: string;
  figures: AssessmentFigures;
  score: number | null;
  rank: number | null;
  standing: Standing;
}

export interface NoticeTemplateRecord {
  kind: NoticeKind;
  template: NoticeTemplate;
  updatedBy: string;
  updatedAt: Date;
}

export interface AssessmentsRepository {
  /** a new running assessment of the period, as its next edition */
  create(a: { id: string; period: AssessmentPeriodKey; requestedBy: string; at: Date; processInstanceKey?: string | null }, tx: Transaction): Promise<AssessmentRecord>;
  get(id: string, tx?: Transaction): Promise<AssessmentRecord | undefined>;
  /** newest first */
  list(options?: { limit?: number }): Promise<AssessmentRecord[]>;
  /** the running assessment of a period, if any */
  runningOf(period: AssessmentPeriodKey, tx?: Transaction): Promise<AssessmentRecord | undefined>;
  /** the units, ranked ones first by rank, then the others by name */
  units(id: string, tx?: Transaction): Promise<AssessmentUnitRecord[]>;
  /** replace the figures of a running assessment (a retried job's); a done one is not touched */
  saveFigures(id: string, rows: { unitId: string; unitName: string; figures: AssessmentFigures }[], tx?: Transaction): Promise<void>;
  /** record the results and mark done, once: false when it was done already */
  complete(id: string, results: { unitId: string; score: number | null; rank: number | null; standing: Standing }[], meta: { decisionVersion: number | null; at: Date }, tx?: Transaction): Promise<{ completed: boolean }>;
  getTemplate(kind: NoticeKind): Promise<NoticeTemplateRecord | undefined>;
  saveTemplate(kind: NoticeKind, template: NoticeTemplate, by: string): Promise<NoticeTemplateRecord>;
}

interface Row {
  id: string;
  period_kind: string;
  period_year: unknown;
  period_index: unknown;
  edition: unknown;
  state: string;
  process_instance_key: string | null;
  decision_version: unknown;
  requested_by: string;
  requested_at: unknown;
  done_at: unknown;
}

interface UnitRow {
  unit_id: string;
  unit_name: string;
  figures: string;
  score_hundredths: unknown;
  unit_rank: unknown;
  standing: string | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const toRecord = (r: Row): AssessmentRecord => ({
  id: r.id,
  period: { kind: r.period_kind as ReportKind, year: Number(r.period_year), index: Number(r.period_index) },
  edition: Number(r.edition),
  state: r.state as AssessmentState,
  processInstanceKey: r.process_instance_key,
  decisionVersion: num(r.decision_version),
  requestedBy: r.requested_by,
  requestedAt: toDate(r.requested_at),
  doneAt: toDateOrNull(r.done_at),
});

const toUnit = (r: UnitRow): AssessmentUnitRecord => {
  const h = num(r.score_hundredths);
  return {
    unitId: r.unit_id,
    unitName: r.unit_name,
    figures: JSON.parse(r.figures) as AssessmentFigures,
    score: h === null ? null : h / 100,
    rank: num(r.unit_rank),
    standing: (r.standing as Standing) ?? null,
  };
};

/** a score in whole hundredths (the decision's sum kept to two decimals) */
const hundredths = (score: number | null) => (score === null ? null : Math.round(score * 100));

export function createAssessmentsRepository(db: Database, options: { now?: () => number } = {}): AssessmentsRepository {
  const now = options.now ?? Date.now;
  const repo: AssessmentsRepository = {
    async create(a, tx) {
      const [{ last }] = await select<{ last: unknown }>(
        db,
        'SELECT MAX(edition) AS last FROM assessments WHERE period_kind = ? AND period_year = ? AND period_index = ?',
        [a.period.kind, a.period.year, a.period.index],
        tx,
      );
      const edition = (num(last) ?? 0) + 1;
      // a concurrent request of the same period takes the same edition: the unique index refuses one of them
      await exec(
        db,
        'INSERT INTO assessments (id, period_kind, period_year, period_index, edition, state, process_instance_key, decision_version, requested_by, requested_at, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL)',
        [a.id, a.period.kind, a.period.year, a.period.index, edition, 'running', a.processInstanceKey ?? null, a.requestedBy, a.at.getTime()],
        tx,
      );
      return { id: a.id, period: { ...a.period }, edition, state: 'running', processInstanceKey: a.processInstanceKey ?? null, decisionVersion: null, requestedBy: a.requestedBy, requestedAt: a.at, doneAt: null };
    },
    async get(id, tx) {
      const [row] = await select<Row>(db, 'SELECT * FROM assessments WHERE id = ?', [id], tx);
      return row && toRecord(row);
    },
    async list({ limit = 100 } = {}) {
      const n = Math.max(1, Math.min(500, Math.floor(limit)));
      return (await select<Row>(db, `SELECT * FROM assessments ORDER BY requested_at DESC, edition DESC, id DESC LIMIT ${n}`)).map(toRecord);
    },
    async runningOf(p, tx) {
      const [row] = await select<Row>(db, "SELECT * FROM assessments WHERE period_kind = ? AND period_year = ? AND period_index = ? AND state = 'running'", [p.kind, p.year, p.index], tx);
      return row && toRecord(row);
    },
    async units(id, tx) {
      const rows = (await select<UnitRow>(db, 'SELECT unit_id, unit_name, figures, score_hundredths, unit_rank, standing FROM assessment_units WHERE assessment_id = ?', [id], tx)).map(toUnit);
      const byName = (a: AssessmentUnitRecord, b: AssessmentUnitRecord) => a.unitName.localeCompare(b.unitName, 'zh-CN') || (a.unitId < b.unitId ? -1 : 1);
      return rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (b.score ?? 0) - (a.score ?? 0) || byName(a, b));
    },
    async saveFigures(id, rows, outer) {
      await withTx(db, outer, async (tx) => {
        const [row] = await select<{ state: string }>(db, 'SELECT state FROM assessments WHERE id = ?', [id], tx);
        if (!row) throw new Error(`assessments: no assessment ${id}`);
        if (row.state !== 'running') return;
        await exec(db, 'DELETE FROM assessment_units WHERE assessment_id = ?', [id], tx);
        // a few hundred units: batches of 100 rows per statement
        for (let i = 0; i < rows.length; i += 100) {
          const batch = rows.slice(i, i + 100);
          await exec(
            db,
            `INSERT INTO assessment_units (assessment_id, unit_id, unit_name, figures, score_hundredths, unit_rank, standing) VALUES ${batch.map(() => '(?, ?, ?, ?, NULL, NULL, NULL)').join(', ')}`,
            batch.flatMap((r) => [id, r.unitId, r.unitName, JSON.stringify(r.figures)]),
            tx,
          );
        }
      });
    },
    async complete(id, results, meta, outer) {
      return withTx(db, outer, async (tx) => {
        const changed = await exec(db, "UPDATE assessments SET state = 'done', done_at = ?, decision_version = ? WHERE id = ? AND state = 'running'", [meta.at.getTime(), meta.decisionVersion, id], tx);
        if (changed === 0) return { completed: false };
        for (const r of results) {
          await exec(db, 'UPDATE assessment_units SET score_hundredths = ?, unit_rank = ?, standing = ? WHERE assessment_id = ? AND unit_id = ?', [hundredths(r.score), r.rank, r.standing, id, r.unitId], tx);
        }
        return { completed: true };
      });
    },
    async getTemplate(kind) {
      const [row] = await select<{ kind: string; template: string; updated_by: string; updated_at: unknown }>(db, 'SELECT * FROM notice_templates WHERE kind = ?', [kind]);
      return row && { kind: row.kind as NoticeKind, template: JSON.parse(row.template) as NoticeTemplate, updatedBy: row.updated_by, updatedAt: toDate(row.updated_at) };
    },
    async saveTemplate(kind, template, by) {
      const at = now();
      // delete + insert in one transaction: the same on SQLite and MariaDB
      await db.transaction(async (tx) => {
        await exec(db, 'DELETE FROM notice_templates WHERE kind = ?', [kind], tx);
        await exec(db, 'INSERT INTO notice_templates (kind, template, updated_by, updated_at) VALUES (?, ?, ?, ?)', [kind, JSON.stringify(template), by, at], tx);
      });
      return { kind, template, updatedBy: by, updatedAt: new Date(at) };
    },
  };
  return repo;
}
