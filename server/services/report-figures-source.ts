/**
 * Where the reports' figures come from: the figures service over the petitions' projection (the
 * counting rules of regulation/report-figures.ts). The one place the archive, the worker and the
 * pages are wired to it.
 */
import type { Database } from '../data/sql.js';
import { HttpError } from '../http-error.js';
import type { ReportFiguresSource } from './report-service.js';

export function createReportFiguresSource(_db: Database, _deps: { clock: { now(): Date } }): ReportFiguresSource {
  return {
    async figures() {
      throw new HttpError(503, 'FIGURES_UNAVAILABLE', '报告统计服务尚未启用');
    },
  };
}
