/**
 * Where the reports' figures come from: the figures service over the petitions' projection (the
 * counting rules of regulation/report-figures.ts). The one place the archive, the worker and the
 * pages are wired to it.
 */
import type { Database } from '../data/sql.js';
import { HttpError } from '../http-error.js';
import type { ReportFigures, ReportPeriod } from '../../regulation/report-figures.js';

/** the figures of a period as of now (regulation/report-figures.ts) */
export interface ReportFiguresSource {
  figures(period: ReportPeriod): Promise<ReportFigures>;
}

export function createReportFiguresSource(_db: Database, _deps: { clock: { now(): Date } }): ReportFiguresSource {
  return {
    async figures() {
      throw new HttpError(503, 'FIGURES_UNAVAILABLE', '报告统计服务尚未启用');
    },
  };
}
