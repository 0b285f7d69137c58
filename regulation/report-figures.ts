/**
 * 第二十五条: the figures of a 月报 or 季报 — what the report page, its charts, the Excel workbook and
 * the Word 专报 all show, so they cannot disagree. Plain data (JSON-safe: an issued edition is
 * archived as this object, unchanged). Counting rules (docs/regulation.md, 第二十五条):
 * - the period's cases are those received in it (China time, [from, to)); their outcome is taken as
 *   of the period's end, so a report made later says the same;
 * - a case marked 恶意/虚假 (第二十七条 附则) is counted in `excluded` and nowhere else;
 * - a 归并 case is counted once, in the case that answered it.
 */

export type ReportKind = 'month' | 'quarter';

export interface ReportPeriod {
  kind: ReportKind;
  year: number;
  /** month 1–12, or quarter 1–4 */
  index: number;
  /** first day, `YYYY-MM-DD` (China time, inclusive) */
  from: string;
  /** the day after the last, `YYYY-MM-DD` (exclusive) */
  to: string;
  /** `2026年11月` / `2026年第四季度` */
  label: string;
}

/** counts of one slice of the period's cases (the whole city, a channel, a category, a township, a unit) */
export interface VolumeCounts {
  /** received in the period */
  received: number;
  /** screened and accepted (受理) */
  accepted: number;
  /** screened and not accepted (不予受理) */
  rejected: number;
  /** 办结: the reply passed the 办结审核 (第十六条) and went to the petitioner, by the period's end (a 重办's answer is not a second 办结) */
  closed: number;
  /** closed at or before the handling deadline in force then (按期办结: 第十三条's limit, moved by 第十四条 extensions; regulation/report-period.ts closedOnTime) */
  closedOnTime: number;
  /** rated by the petitioner by the period's end (through the link or 电话回访) */
  rated: number;
  /** the latest rating by the period's end is 非常满意, 满意 or 基本满意 */
  satisfied: number;
  /** sent back for 重办 (第十八条) at least once */
  redone: number;
}

/** rates in [0, 1], or null when the denominator is 0 (shown as “—”) */
export interface Rates {
  /** 受理率 = accepted / (accepted + rejected) */
  acceptance: number | null;
  /** 办结率 = closed / accepted */
  completion: number | null;
  /** 按期办结率 = closedOnTime / closed */
  onTime: number | null;
  /** 满意率 = satisfied / rated */
  satisfaction: number | null;
  /** 重办率 = redone / closed */
  redo: number | null;
}

export interface SliceRow extends VolumeCounts {
  /** the channel, category, township or unit id */
  key: string;
  /** its Chinese name */
  label: string;
  rates: Rates;
}

/** a figure against an earlier period: null when that period had none */
export interface Comparison {
  current: number;
  previous: number;
  /** (current − previous) / previous, or null when previous is 0 */
  change: number | null;
}

export interface WarningFigures {
  blue: number;
  yellow: number;
  red: number;
  /** deductions recorded in the period, in tenths of a point (0.5 → 5) */
  deductionTenths: number;
  /** transfers to 市政府督查室 */
  transfers: number;
  /** 通报批评 */
  criticisms: number;
}

export interface HotspotFigure {
  township: string | null;
  /** the segmented words that name it, most telling first */
  keywords: string[];
  count: number;
  /** count in the window before, for the trend */
  previousCount: number;
  examples: { trackingCode: string; title: string }[];
}

export interface UnitRankRow extends SliceRow {
  warnings: WarningFigures;
  /** the assessment's score when one was made for the period (第二十七条), else null */
  score: number | null;
  rank: number;
}

export interface ReportFigures {
  period: ReportPeriod;
  /** when the figures were computed (ISO instant) */
  computedAt: string;
  /** `excluded`: received in the period and marked 恶意/虚假 (counted nowhere else); `merged`: received in the period and merged (归并) into another case by its end */
  totals: VolumeCounts & { rates: Rates; excluded: number; merged: number };
  /** 环比 (the period before) and 同比 (the same period a year before), for received and each rate */
  previous: { received: Comparison; completion: Comparison | null; onTime: Comparison | null; satisfaction: Comparison | null };
  lastYear: { received: Comparison; completion: Comparison | null; onTime: Comparison | null; satisfaction: Comparison | null };
  byChannel: SliceRow[];
  byCategory: SliceRow[];
  byTownship: SliceRow[];
  byUnit: SliceRow[];
  /** the five levels of 第十七条, in order 非常满意 … 非常不满意 */
  satisfaction: { rating: string; label: string; count: number }[];
  warnings: WarningFigures;
  /** 督办 started in the period, by 第二十三条 item (一 … 五) */
  supervision: { item: string; label: string; count: number }[];
  hotspots: HotspotFigure[];
  unitsRanked: UnitRankRow[];
}
