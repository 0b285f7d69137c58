/**
 * 第二十五条: the 月报 and 季报 as documents. A report is issued by the schedule (`office-reports`,
 * through the `issue-report` worker and `reportIssuer` below) or on demand by the platform's
 * reviewers; either way its figures are computed once and archived unchanged as an edition. Who
 * reads what: the platform office, the city's leaders and auditors read every report; a member
 * unit's staff read their own unit's row of it (the unit page), nothing else.
 */
import type { StaffRecord } from '../data/staff-repository.js';
import { createReportsRepository, type ReportRecord, type ReportsRepository, type ReportWithFigures } from '../data/reports-repository.js';
import type { Database } from '../data/sql.js';
import { createReportFiguresSource, type ReportFiguresSource } from './report-figures-source.js';
import type { ReportKind, SliceRow, UnitRankRow } from '../../regulation/report-figures.js';
import { checkPeriodRef, periodOf, PeriodError, type PeriodRef } from '../../regulation/report-schedule.js';
import type { ReportIssuer } from '../../workers/deps.js';
import { HttpError } from '../http-error.js';
import type { Logger } from '../logger.js';

export type { ReportFiguresSource };

export type ReportAccess = 'all' | 'unit' | 'none';

/** the platform office, the city's leaders and auditors read every report; unit staff their unit's row */
export function reportAccess(s: Pick<StaffRecord, 'roles' | 'unitId'>): ReportAccess {
  if (s.roles.some((r) => r === 'intake-operator' || r === 'platform-reviewer' || r === 'city-leader' || r === 'auditor')) return 'all';
  if (s.unitId && s.roles.some((r) => r === 'unit-handler' || r === 'unit-leader')) return 'unit';
  return 'none';
}

/** only the platform's reviewers issue a report on demand */
export const mayIssueReports = (s: Pick<StaffRecord, 'roles'>) => s.roles.includes('platform-reviewer');

export interface UnitReportRow {
  report: ReportRecord;
  unitId: string;
  /** the unit's row of the unit table (undefined: no case of the unit in the period) */
  row?: SliceRow;
  /** its place in the ranking */
  ranked?: UnitRankRow;
  rankedOf: number;
}

export interface ReportService {
  list(s: StaffRecord, kind?: ReportKind): Promise<(ReportRecord & { editions: number })[]>;
  /** an edition with its figures, and every edition of its period (read access: all) */
  get(s: StaffRecord, id: number): Promise<{ report: ReportWithFigures; editions: ReportRecord[] }>;
  /** a unit's row of an edition (unit staff: only their own unit) */
  unitRow(s: StaffRecord, id: number, unitId: string): Promise<UnitReportRow>;
  /** a new edition of a period, now (platform reviewers) */
  issue(s: StaffRecord, input: { kind: unknown; year: unknown; index: unknown }): Promise<ReportRecord>;
  /** what the `issue-report` worker needs (workers/deps.ts) */
  issuer: ReportIssuer;
}

export function parseReportId(raw: unknown): number {
  const id = Number(raw);
  if (typeof raw !== 'string' || !/^\d{1,12}$/.test(raw) || !Number.isSafeInteger(id) || id < 1) throw new HttpError(400, 'INVALID_ID', '报告编号格式不正确');
  return id;
}

export function createReportService(deps: { repo: ReportsRepository; figures: ReportFiguresSource; clock: { now(): Date }; log: Pick<Logger, 'info'> }): ReportService {
  const { repo, figures, clock, log } = deps;

  const readable = (s: StaffRecord) => {
    const access = reportAccess(s);
    if (access === 'none') throw new HttpError(403, 'FORBIDDEN', '您的账号无权查看报告');
    return access;
  };

  const found = async (id: number) => {
    const report = await repo.get(id);
    if (!report) throw new HttpError(404, 'NOT_FOUND', '未找到该报告');
    return report;
  };

  /** the period now, checked: a period that has not begun has nothing to report */
  const periodNow = (ref: PeriodRef) => {
    const period = periodOf(ref);
    const today = new Date(clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    if (period.from > today) throw new HttpError(400, 'PERIOD_NOT_STARTED', `${period.label}尚未开始,不能出具报告`, [{ field: 'index', message: '所选期间尚未开始' }]);
    return period;
  };

  return {
    async list(s, kind) {
      readable(s);
      return repo.latest(kind ? { kind } : {});
    },

    async get(s, id) {
      if (readable(s) !== 'all') throw new HttpError(403, 'FORBIDDEN', '承办单位只能查看本单位的报告数据');
      const report = await found(id);
      return { report, editions: await repo.editions(report.kind, report.year, report.index) };
    },

    async unitRow(s, id, unitId) {
      const access = readable(s);
      if (access === 'unit' && s.unitId !== unitId) throw new HttpError(403, 'FORBIDDEN', '只能查看本单位的报告数据');
      const report = await found(id);
      const { figures: f, ...meta } = report;
      return {
        report: meta,
        unitId,
        row: f.byUnit.find((r) => r.key === unitId),
        ranked: f.unitsRanked.find((r) => r.key === unitId),
        rankedOf: f.unitsRanked.length,
      };
    },

    async issue(s, input) {
      if (!mayIssueReports(s)) throw new HttpError(403, 'FORBIDDEN', '只有平台审核员可以出具报告');
      let ref: PeriodRef;
      try {
        ref = checkPeriodRef(input.kind, input.year, input.index);
      } catch (err) {
        if (err instanceof PeriodError) throw new HttpError(400, 'INVALID_PERIOD', err.message, [{ field: 'period', message: err.message }]);
        throw err;
      }
      const computed = await figures.figures(periodNow(ref));
      const { report } = await repo.add({ figures: computed, issuedAt: clock.now(), issuedBy: s.id, origin: 'demand' });
      log.info({ reportId: report.id, kind: report.kind, year: report.year, index: report.index, edition: report.edition, staffId: s.id }, 'report issued on demand');
      return report;
    },

    issuer: {
      async scheduled(ref) {
        const r = await repo.scheduled(ref.kind, ref.year, ref.index);
        return r && { reportId: r.id, edition: r.edition };
      },
      figures: (ref) => figures.figures(periodOf(ref)),
      async archiveScheduled(computed, processInstanceKey, tx) {
        const { report, created } = await repo.add({ figures: computed, issuedAt: clock.now(), issuedBy: 'schedule', origin: 'schedule', processInstanceKey }, tx);
        return { reportId: report.id, edition: report.edition, created };
      },
    },
  };
}

/** the service on a database, with the figures service of report-figures-source.ts unless a test passes its own */
export function reportServiceOn(db: Database, deps: { clock: { now(): Date }; log: Pick<Logger, 'info'>; figures?: ReportFiguresSource }): ReportService {
  return createReportService({ repo: createReportsRepository(db), figures: deps.figures ?? createReportFiguresSource(db, deps), clock: deps.clock, log: deps.log });
}
