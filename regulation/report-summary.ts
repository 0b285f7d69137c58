/**
 * 第二十五条: how a report's figures read — the formatting of rates and changes, the columns of
 * each table, the 专报's summary sentences and the units it names. The page, the Excel workbook and
 * the Word 专报 all take their words and numbers from here, so they say the same.
 */
import type { Comparison, Rates, ReportFigures, SliceRow, UnitRankRow } from './report-figures.js';
import { REPORT_KIND_LABELS } from './report-schedule.js';

/**
 * A unit is named in the 专报 when a rate falls below these (the office's line in its 通报 so far);
 * a unit with too few cases for a rate is not judged by it.
 */
export const UNIT_THRESHOLDS = { onTime: 0.9, satisfaction: 0.85 } as const;

/** a rate as people read it: 93.4%; none: — */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** a count's change against an earlier period: 增长 12.5% / 下降 3.0% / 持平; none: — */
export function formatChange(c: Comparison | null | undefined): string {
  if (!c || c.change === null || !Number.isFinite(c.change)) return '—';
  const pct = Math.round(Math.abs(c.change) * 1000) / 10;
  if (pct === 0) return '持平';
  return `${c.change > 0 ? '增长' : '下降'} ${pct.toFixed(1)}%`;
}

/** a rate's change in percentage points: 上升 2.1 个百分点 / 下降 … / 持平 */
export function formatRateChange(c: Comparison | null | undefined): string {
  if (!c) return '—';
  const pp = Math.round((c.current - c.previous) * 1000) / 10;
  if (pp === 0) return '持平';
  return `${pp > 0 ? '上升' : '下降'} ${Math.abs(pp).toFixed(1)} 个百分点`;
}

/** deductions in tenths of a point as points: 15 → 1.5 */
export const formatTenths = (tenths: number) => String(tenths / 10);

export type RateKey = keyof Rates;

/** the columns of every slice table (by channel, category, township, unit), in order */
export const SLICE_COLUMNS: { key: keyof SliceRow | `rates.${RateKey}`; label: string; rate?: boolean }[] = [
  { key: 'received', label: '受理量' },
  { key: 'accepted', label: '受理' },
  { key: 'rejected', label: '不予受理' },
  { key: 'closed', label: '办结' },
  { key: 'closedOnTime', label: '按期办结' },
  { key: 'rated', label: '已评价' },
  { key: 'satisfied', label: '满意' },
  { key: 'redone', label: '重办' },
  { key: 'rates.acceptance', label: '受理率', rate: true },
  { key: 'rates.completion', label: '办结率', rate: true },
  { key: 'rates.onTime', label: '按期办结率', rate: true },
  { key: 'rates.satisfaction', label: '满意率', rate: true },
  { key: 'rates.redo', label: '重办率', rate: true },
];

/** a slice row's value of a column: a count, or a rate (null when it has no denominator) */
export function sliceValue(row: SliceRow, key: (typeof SLICE_COLUMNS)[number]['key']): number | null {
  if (key.startsWith('rates.')) return row.rates[key.slice(6) as RateKey];
  return row[key as keyof SliceRow] as number;
}

/** a column's value as the page and the 专报 show it */
export function sliceText(row: SliceRow, column: (typeof SLICE_COLUMNS)[number]): string {
  const v = sliceValue(row, column.key);
  return column.rate ? formatRate(v) : String(v ?? 0);
}

export const SLICE_TABLES = [
  { key: 'byChannel', title: '按渠道', keyLabel: '渠道' },
  { key: 'byCategory', title: '按类别', keyLabel: '类别' },
  { key: 'byTownship', title: '按乡镇(属地)', keyLabel: '乡镇' },
  { key: 'byUnit', title: '按承办单位', keyLabel: '承办单位' },
] as const;

export interface UnitBelow {
  unit: UnitRankRow;
  /** what it is below: 按期办结率 86.0%(低于 90%) */
  reasons: string[];
}

/** the units the 专报 names: a rate below UNIT_THRESHOLDS, worst rank last as ranked */
export function unitsBelowThreshold(figures: ReportFigures): UnitBelow[] {
  const out: UnitBelow[] = [];
  for (const unit of figures.unitsRanked) {
    const reasons: string[] = [];
    if (unit.rates.onTime !== null && unit.rates.onTime < UNIT_THRESHOLDS.onTime) reasons.push(`按期办结率 ${formatRate(unit.rates.onTime)}(低于 ${formatRate(UNIT_THRESHOLDS.onTime)})`);
    if (unit.rates.satisfaction !== null && unit.rates.satisfaction < UNIT_THRESHOLDS.satisfaction) reasons.push(`满意率 ${formatRate(unit.rates.satisfaction)}(低于 ${formatRate(UNIT_THRESHOLDS.satisfaction)})`);
    if (reasons.length) out.push({ unit, reasons });
  }
  return out;
}

/** 龙南市问政平台2026年11月运行情况专报 */
export function briefTitle(figures: ReportFigures): string {
  return `龙南市问政平台${figures.period.label}运行情况${figures.period.kind === 'quarter' ? '季度' : ''}专报`;
}

/** e.g. 2026年11月月报 */
export function reportTitle(figures: ReportFigures): string {
  return `${figures.period.label}${REPORT_KIND_LABELS[figures.period.kind]}`;
}

const top = (rows: SliceRow[], n: number) =>
  [...rows]
    .sort((a, b) => b.received - a.received)
    .slice(0, n)
    .map((r) => `${r.label} ${r.received} 件`)
    .join('、');

/** the 专报's summary paragraphs, every number from the figures */
export function summaryParagraphs(figures: ReportFigures): string[] {
  const t = figures.totals;
  const r = t.rates;
  const periodWord = figures.period.kind === 'quarter' ? '本季度' : '本月';
  const out: string[] = [];
  out.push(
    `${figures.period.label},平台共受理群众诉求 ${t.received} 件,环比${formatChange(figures.previous.received)},同比${formatChange(figures.lastYear.received)}。` +
      `其中受理 ${t.accepted} 件、不予受理 ${t.rejected} 件,受理率 ${formatRate(r.acceptance)};归并 ${t.merged} 件,认定为恶意、虚假诉求不计入统计 ${t.excluded} 件。`,
  );
  out.push(
    `办结 ${t.closed} 件,办结率 ${formatRate(r.completion)};按期办结 ${t.closedOnTime} 件,按期办结率 ${formatRate(r.onTime)}(环比${formatRateChange(figures.previous.onTime)})。` +
      `已评价 ${t.rated} 件,满意 ${t.satisfied} 件,满意率 ${formatRate(r.satisfaction)}(环比${formatRateChange(figures.previous.satisfaction)});发回重办 ${t.redone} 件,重办率 ${formatRate(r.redo)}。`,
  );
  if (figures.byChannel.length || figures.byCategory.length) {
    out.push(`从渠道看,${top(figures.byChannel, 3) || '无'};从类别看,${top(figures.byCategory, 3) || '无'};诉求较多的乡镇为 ${top(figures.byTownship, 3) || '无'}。`);
  }
  const w = figures.warnings;
  const supervised = figures.supervision.reduce((s, x) => s + x.count, 0);
  out.push(
    `${periodWord}发出蓝色预警 ${w.blue} 次、黄色预警 ${w.yellow} 次、红色预警 ${w.red} 次,共扣 ${formatTenths(w.deductionTenths)} 分;` +
      `转市政府督查室 ${w.transfers} 件,通报批评 ${w.criticisms} 次;启动督办 ${supervised} 件。`,
  );
  if (figures.hotspots.length) {
    const hs = figures.hotspots.slice(0, 3).map((h) => `${h.township ?? '全市'}“${h.keywords.slice(0, 3).join('、')}”${h.count} 件`);
    out.push(`集中反映的热点问题:${hs.join(';')}。`);
  }
  const below = unitsBelowThreshold(figures);
  out.push(
    below.length
      ? `以下单位低于考核要求,请督促整改:${below.map((b) => `${b.unit.label}(${b.reasons.join(',')})`).join(';')}。`
      : `各承办单位按期办结率、满意率均达到要求(按期办结率不低于 ${formatRate(UNIT_THRESHOLDS.onTime)},满意率不低于 ${formatRate(UNIT_THRESHOLDS.satisfaction)})。`,
  );
  return out;
}
