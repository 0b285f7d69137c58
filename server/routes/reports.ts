/**
 * 第二十五条: the 月报 and 季报 — pages (the list with 「出具」, a report with its server-drawn
 * charts and tables, a unit's own row) and the API (list, read, issue, the Excel and Word
 * downloads). Who may read and issue is the report service's (server/services/report-service.ts).
 */
import { Router, type RequestHandler, type Response } from 'express';
import type { AppContext } from '../app-context.js';
import type { ReportRecord } from '../data/reports-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { HttpError } from '../http-error.js';
import { field, handle, requireRole, staffOf } from '../http/web.js';
import type { Comparison, ReportFigures, ReportKind } from '../../regulation/report-figures.js';
import { REPORT_KIND_LABELS } from '../../regulation/report-schedule.js';
import {
  formatChange,
  formatRate,
  formatRateChange,
  formatTenths,
  reportTitle,
  SLICE_COLUMNS,
  SLICE_TABLES,
  sliceText,
  summaryParagraphs,
  unitsBelowThreshold,
} from '../../regulation/report-summary.js';
import { reportCharts } from '../services/report-charts.js';
import { reportBrief, reportWorkbook, type ReportEdition } from '../services/report-files.js';
import { mayIssueReports, parseReportId, reportAccess } from '../services/report-service.js';

const MONTHS = Array.from({ length: 12 }, (_, i) => ({ value: `month:${i + 1}`, label: `${i + 1}月(月报)` }));
const QUARTERS = ['一', '二', '三', '四'].map((q, i) => ({ value: `quarter:${i + 1}`, label: `第${q}季度(季报)` }));

const parseKind = (raw: unknown): ReportKind | undefined => {
  if (raw === undefined || raw === '') return undefined;
  if (raw !== 'month' && raw !== 'quarter') throw new HttpError(400, 'INVALID_KIND', '报告类型应为 month(月报)或 quarter(季报)');
  return raw;
};

const UNIT_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const parseUnitId = (raw: unknown) => {
  if (typeof raw !== 'string' || !UNIT_ID.test(raw)) throw new HttpError(400, 'INVALID_UNIT', '单位编号格式不正确');
  return raw;
};

/** a report's metadata as the API answers it */
const meta = (r: ReportRecord) => ({
  id: r.id,
  kind: r.kind,
  year: r.year,
  index: r.index,
  edition: r.edition,
  label: r.label,
  from: r.from,
  to: r.to,
  issuedAt: r.issuedAt.toISOString(),
  issuedBy: r.issuedBy,
  origin: r.origin,
  processInstanceKey: r.processInstanceKey,
});

const comparisonView = (c: Comparison | null, rate: boolean) =>
  c ? { previous: rate ? formatRate(c.previous) : String(c.previous), change: rate ? formatRateChange(c) : formatChange(c) } : { previous: '—', change: '—' };

/** everything the report page shows, as text (the numbers formatted as the Excel and Word files are) */
function reportView(f: ReportFigures) {
  const t = f.totals;
  const headline = [
    { key: 'received', label: '受理量', value: String(t.received), previous: comparisonView(f.previous.received, false), lastYear: comparisonView(f.lastYear.received, false) },
    { key: 'acceptance', label: '受理率', value: formatRate(t.rates.acceptance), previous: comparisonView(null, true), lastYear: comparisonView(null, true) },
    { key: 'completion', label: '办结率', value: formatRate(t.rates.completion), previous: comparisonView(f.previous.completion, true), lastYear: comparisonView(f.lastYear.completion, true) },
    { key: 'onTime', label: '按期办结率', value: formatRate(t.rates.onTime), previous: comparisonView(f.previous.onTime, true), lastYear: comparisonView(f.lastYear.onTime, true) },
    { key: 'satisfaction', label: '满意率', value: formatRate(t.rates.satisfaction), previous: comparisonView(f.previous.satisfaction, true), lastYear: comparisonView(f.lastYear.satisfaction, true) },
    { key: 'redo', label: '重办率', value: formatRate(t.rates.redo), previous: comparisonView(null, true), lastYear: comparisonView(null, true) },
  ];
  const rated = f.satisfaction.reduce((s, x) => s + x.count, 0);
  const below = new Set(unitsBelowThreshold(f).map((b) => b.unit.key));
  return {
    headline,
    counts: [
      ['受理', t.accepted],
      ['不予受理', t.rejected],
      ['办结', t.closed],
      ['按期办结', t.closedOnTime],
      ['已评价', t.rated],
      ['满意', t.satisfied],
      ['重办', t.redone],
      ['归并', t.merged],
      ['恶意、虚假(不计入)', t.excluded],
    ].map(([label, value]) => ({ label, value })),
    summary: summaryParagraphs(f),
    charts: reportCharts(f),
    columns: SLICE_COLUMNS.map((c) => c.label),
    tables: SLICE_TABLES.map((tbl) => ({
      key: tbl.key,
      title: tbl.title,
      keyLabel: tbl.keyLabel,
      rows: f[tbl.key].map((r) => ({ key: r.key, label: r.label, cells: SLICE_COLUMNS.map((c) => sliceText(r, c)) })),
    })),
    satisfaction: f.satisfaction.map((s) => ({ label: s.label, count: s.count, share: formatRate(rated ? s.count / rated : null) })),
    warnings: f.warnings,
    deduction: formatTenths(f.warnings.deductionTenths),
    supervision: f.supervision,
    hotspots: f.hotspots.map((h) => ({ ...h, where: h.township ?? '全市', words: h.keywords.join('、'), trend: h.count > h.previousCount ? '上升' : h.count < h.previousCount ? '下降' : '持平' })),
    units: f.unitsRanked.map((u) => ({
      key: u.key,
      rank: u.rank,
      label: u.label,
      received: u.received,
      completion: formatRate(u.rates.completion),
      onTime: formatRate(u.rates.onTime),
      satisfaction: formatRate(u.rates.satisfaction),
      redo: formatRate(u.rates.redo),
      warnings: `${u.warnings.blue} / ${u.warnings.yellow} / ${u.warnings.red}`,
      deduction: formatTenths(u.warnings.deductionTenths),
      score: u.score === null ? '—' : String(u.score),
      below: below.has(u.key),
    })),
    below: unitsBelowThreshold(f).map((b) => ({ label: b.unit.label, reasons: b.reasons.join(',') })),
  };
}

export function reportRoutes(ctx: AppContext): Router {
  const r = Router();
  const { reports, page } = ctx;
  const me = (res: Response) => staffOf(res) as StaffRecord;
  // signed in, and a reader of reports (or of the unit's own row) before anything is parsed
  const readers: RequestHandler[] = [
    requireRole(),
    (_req, res, next) => next(reportAccess(me(res)) === 'none' ? new HttpError(403, 'FORBIDDEN', '您的账号无权查看报告') : undefined),
  ];

  const issuerName = async (id: string) => (id === 'schedule' ? '定时出具' : ((await ctx.staff.get(id))?.displayName ?? id));

  async function edition(s: StaffRecord, id: number): Promise<ReportEdition & { record: ReportRecord; editions: ReportRecord[] }> {
    const { report, editions } = await reports.get(s, id);
    const { figures, ...record } = report;
    return { record, editions, edition: report.edition, issuedAt: report.issuedAt, issuedByLabel: await issuerName(report.issuedBy), figures };
  }

  const fileName = (e: ReportEdition, ext: string) => `${reportTitle(e.figures)}-第${e.edition}版.${ext}`;

  // ---- pages
  const listPage = async (res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const s = me(res);
    const list = await reports.list(s);
    const rows = await Promise.all(list.map(async (x) => ({ ...x, kindLabel: REPORT_KIND_LABELS[x.kind], by: await issuerName(x.issuedBy) })));
    const year = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
    page(
      res,
      'reports',
      {
        title: '月报、季报',
        rows,
        unitOnly: reportAccess(s) === 'unit',
        unitId: s.unitId,
        mayIssue: mayIssueReports(s),
        periods: [...MONTHS, ...QUARTERS],
        values: { year },
        ...extra,
      },
      status,
    );
  };

  r.get(
    '/staff/reports',
    readers,
    handle(async (_req, res) => listPage(res)),
  );

  r.post(
    '/staff/reports',
    readers,
    handle(async (req, res) => {
      const [kind, index] = (field(req.body, 'period') ?? '').split(':');
      try {
        const report = await reports.issue(me(res), { kind, year: field(req.body, 'year'), index });
        res.redirect(303, `/staff/reports/${report.id}`);
      } catch (err) {
        if (!(err instanceof HttpError) || err.status !== 400) throw err;
        await listPage(res, { errors: err.details ?? [], errorMessage: err.message, values: { year: field(req.body, 'year'), period: field(req.body, 'period') } }, 400);
      }
    }),
  );

  r.get(
    '/staff/reports/:id',
    readers,
    handle(async (req, res) => {
      const s = me(res);
      const id = parseReportId(req.params.id);
      if (reportAccess(s) === 'unit') return res.redirect(303, `/staff/reports/${id}/units/${encodeURIComponent(s.unitId ?? '')}`);
      const e = await edition(s, id);
      page(res, 'report', {
        title: reportTitle(e.figures),
        wide: true,
        report: { ...e.record, kindLabel: REPORT_KIND_LABELS[e.record.kind], by: e.issuedByLabel, computedAt: e.figures.computedAt },
        editions: e.editions.map((x) => ({ id: x.id, edition: x.edition, issuedAt: x.issuedAt, current: x.id === e.record.id })),
        latest: e.editions[e.editions.length - 1]?.id === e.record.id,
        mayIssue: mayIssueReports(s),
        reissue: `${e.record.kind}:${e.record.index}`,
        v: reportView(e.figures),
      });
    }),
  );

  r.get(
    '/staff/reports/:id/units/:unitId',
    readers,
    handle(async (req, res) => {
      const s = me(res);
      const u = await reports.unitRow(s, parseReportId(req.params.id), parseUnitId(req.params.unitId));
      page(res, 'report-unit', {
        title: `${u.report.label}${REPORT_KIND_LABELS[u.report.kind]}:本单位情况`,
        report: { ...u.report, kindLabel: REPORT_KIND_LABELS[u.report.kind] },
        name: u.ranked?.label ?? u.row?.label ?? u.unitId,
        columns: SLICE_COLUMNS.map((c) => c.label),
        cells: u.row ? SLICE_COLUMNS.map((c) => sliceText(u.row!, c)) : undefined,
        ranked: u.ranked && { rank: u.ranked.rank, of: u.rankedOf, warnings: u.ranked.warnings, deduction: formatTenths(u.ranked.warnings.deductionTenths), score: u.ranked.score ?? '—' },
        full: reportAccess(s) === 'all',
      });
    }),
  );

  // ---- API
  r.get(
    '/api/reports',
    readers,
    handle(async (req, res) => {
      const kind = parseKind(req.query.kind);
      res.json((await reports.list(me(res), kind)).map((x) => ({ ...meta(x), editions: x.editions })));
    }),
  );

  r.post(
    '/api/reports',
    readers,
    handle(async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const report = await reports.issue(me(res), { kind: body.kind, year: body.year, index: body.index });
      res.status(201).json(meta(report));
    }),
  );

  r.get(
    '/api/reports/:id',
    readers,
    handle(async (req, res) => {
      const { report, editions } = await reports.get(me(res), parseReportId(req.params.id));
      const { figures, ...record } = report;
      res.json({ ...meta(record), editions: editions.map(meta), figures });
    }),
  );

  r.get(
    '/api/reports/:id/units/:unitId',
    readers,
    handle(async (req, res) => {
      const u = await reports.unitRow(me(res), parseReportId(req.params.id), parseUnitId(req.params.unitId));
      res.json({ report: meta(u.report), unitId: u.unitId, row: u.row ?? null, ranked: u.ranked ?? null, rankedOf: u.rankedOf });
    }),
  );

  r.get(
    '/api/reports/:id/workbook',
    readers,
    handle(async (req, res) => {
      const e = await edition(me(res), parseReportId(req.params.id));
      const body = await reportWorkbook(e);
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment(fileName(e, 'xlsx')).send(body);
    }),
  );

  r.get(
    '/api/reports/:id/brief',
    readers,
    handle(async (req, res) => {
      const e = await edition(me(res), parseReportId(req.params.id));
      const body = await reportBrief(e);
      res.type('application/vnd.openxmlformats-officedocument.wordprocessingml.document').attachment(fileName(e, 'docx')).send(body);
    }),
  );

  return r;
}
