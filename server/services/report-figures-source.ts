/**
 * Where the reports' figures come from: the figures service over the case-facts projection
 * (server/services/report-figures-service.ts, the counting rules of regulation/report-figures.ts).
 * The one place the archive and the `issue-report` worker are wired to it; the app passes its own
 * instance (with the hotspots, when it has a source of them).
 */
import type { Database } from '../data/sql.js';
import type { ReportFigures, ReportPeriod } from '../../regulation/report-figures.js';
import { createReportFiguresService, type HotspotSource } from './report-figures-service.js';

/** the figures of a period as of now (regulation/report-figures.ts) */
export interface ReportFiguresSource {
  figures(period: ReportPeriod): Promise<ReportFigures>;
}

export function createReportFiguresSource(db: Database, deps: { clock: { now(): Date }; hotspots?: HotspotSource }): ReportFiguresSource {
  return createReportFiguresService({ db, clock: deps.clock, ...(deps.hotspots && { hotspots: deps.hotspots }) });
}
