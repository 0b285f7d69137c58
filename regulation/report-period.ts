/**
 * 第二十五条: the periods of the 月报 and 季报 and the arithmetic on their figures. A period is a
 * calendar month or quarter of China time (Asia/Shanghai, UTC+08:00 all year): [from, to) as days,
 * and as instants from 00:00 of `from` to 00:00 of `to` in Shanghai. Rates are null when their
 * denominator is 0 (shown as “—”), never 0 or NaN.
 */
import type { Comparison, Rates, ReportKind, ReportPeriod, VolumeCounts } from './report-figures.js';

const OFFSET_MS = 8 * 3_600_000;
const QUARTER_NAMES = ['一', '二', '三', '四'];
const pad = (n: number) => String(n).padStart(2, '0');

export class PeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodError';
  }
}

function checkYear(year: number) {
  if (!Number.isInteger(year) || year < 2000 || year > 2999) throw new PeriodError(`year must be a whole number 2000–2999 (got ${year})`);
}

/** the month `month` (1–12) of `year` */
export function monthPeriod(year: number, month: number): ReportPeriod {
  checkYear(year);
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new PeriodError(`month must be 1–12 (got ${month})`);
  const [ny, nm] = month === 12 ? [year + 1, 1] : [year, month + 1];
  return { kind: 'month', year, index: month, from: `${year}-${pad(month)}-01`, to: `${ny}-${pad(nm)}-01`, label: `${year}年${month}月` };
}

/** the quarter `quarter` (1–4) of `year` */
export function quarterPeriod(year: number, quarter: number): ReportPeriod {
  checkYear(year);
  if (!Number.isInteger(quarter) || quarter < 1 || quarter > 4) throw new PeriodError(`quarter must be 1–4 (got ${quarter})`);
  const first = (quarter - 1) * 3 + 1;
  const [ny, nm] = quarter === 4 ? [year + 1, 1] : [year, first + 3];
  return { kind: 'quarter', year, index: quarter, from: `${year}-${pad(first)}-01`, to: `${ny}-${pad(nm)}-01`, label: `${year}年第${QUARTER_NAMES[quarter - 1]}季度` };
}

export function reportPeriod(kind: ReportKind, year: number, index: number): ReportPeriod {
  if (kind === 'month') return monthPeriod(year, index);
  if (kind === 'quarter') return quarterPeriod(year, index);
  throw new PeriodError(`kind must be month or quarter (got ${JSON.stringify(kind)})`);
}

/** `2026-11` (a month) or `2026-Q4` (a quarter), as a URL names a period; undefined when it is neither */
export function parsePeriod(text: unknown): ReportPeriod | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})$/.exec(text.trim());
  const q = /^(\d{4})-[Qq]([1-4])$/.exec(text.trim());
  try {
    if (m) return monthPeriod(Number(m[1]), Number(m[2]));
    if (q) return quarterPeriod(Number(q[1]), Number(q[2]));
  } catch (err) {
    if (err instanceof PeriodError) return undefined;
    throw err;
  }
  return undefined;
}

/** the URL form of a period: `2026-11` / `2026-Q4` */
export function periodKey(p: Pick<ReportPeriod, 'kind' | 'year' | 'index'>): string {
  return p.kind === 'month' ? `${p.year}-${pad(p.index)}` : `${p.year}-Q${p.index}`;
}

/** 00:00 of a `YYYY-MM-DD` day in Shanghai, as an instant */
export function shanghaiMidnight(day: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new PeriodError(`a day must be YYYY-MM-DD (got ${JSON.stringify(day)})`);
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - OFFSET_MS);
}

/** the period's instants: [from, to) */
export function periodRange(p: Pick<ReportPeriod, 'from' | 'to'>): { from: Date; to: Date } {
  return { from: shanghaiMidnight(p.from), to: shanghaiMidnight(p.to) };
}

/** the month or quarter (China time) an instant falls in */
export function periodOf(kind: ReportKind, instant: Date): ReportPeriod {
  const local = new Date(instant.getTime() + OFFSET_MS);
  if (Number.isNaN(local.getTime())) throw new PeriodError('periodOf: invalid Date');
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  return kind === 'month' ? monthPeriod(year, month) : quarterPeriod(year, Math.ceil(month / 3));
}

/** 环比: the period just before (December before January, the fourth quarter before the first) */
export function previousPeriod(p: ReportPeriod): ReportPeriod {
  if (p.kind === 'month') return p.index === 1 ? monthPeriod(p.year - 1, 12) : monthPeriod(p.year, p.index - 1);
  return p.index === 1 ? quarterPeriod(p.year - 1, 4) : quarterPeriod(p.year, p.index - 1);
}

/** 同比: the same month or quarter a year before */
export function sameLastYear(p: ReportPeriod): ReportPeriod {
  return reportPeriod(p.kind, p.year - 1, p.index);
}

/** the period the scheduled report is made for when it is `now`: the one that ended last */
export function lastCompletedPeriod(kind: ReportKind, now: Date): ReportPeriod {
  return previousPeriod(periodOf(kind, now));
}

/** n / d, or null when d is 0 */
export function rate(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

/** the rates of a slice (report-figures.ts says each one's numerator and denominator) */
export function ratesOf(c: VolumeCounts): Rates {
  return {
    acceptance: rate(c.accepted, c.accepted + c.rejected),
    completion: rate(c.closed, c.accepted),
    onTime: rate(c.closedOnTime, c.closed),
    satisfaction: rate(c.satisfied, c.rated),
    redo: rate(c.redone, c.closed),
  };
}

/** a figure against the same figure of an earlier period: change (current − previous) / previous, null when previous is 0 */
export function compare(current: number, previous: number): Comparison {
  return { current, previous, change: previous !== 0 ? (current - previous) / previous : null };
}

/** a rate against an earlier period's: null when either is not defined */
export function compareRates(current: number | null, previous: number | null): Comparison | null {
  return current === null || previous === null ? null : compare(current, previous);
}

export const ZERO_COUNTS: Readonly<VolumeCounts> = Object.freeze({ received: 0, accepted: 0, rejected: 0, closed: 0, closedOnTime: 0, rated: 0, satisfied: 0, redone: 0 });

/** counts added up (slices into a total) */
export function addCounts(a: VolumeCounts, b: VolumeCounts): VolumeCounts {
  return {
    received: a.received + b.received,
    accepted: a.accepted + b.accepted,
    rejected: a.rejected + b.rejected,
    closed: a.closed + b.closed,
    closedOnTime: a.closedOnTime + b.closedOnTime,
    rated: a.rated + b.rated,
    satisfied: a.satisfied + b.satisfied,
    redone: a.redone + b.redone,
  };
}

/**
 * 按期办结 (第十三条, 第十四条): a case is closed on time when its reply passed the 办结审核 and went to
 * the petitioner (the first time; a 重办's answer does not move it) at or before the handling deadline
 * in force then — the category's limit, moved by an approved extension, bounded by a leader's 批示.
 * A reply with no deadline on record (none was computed for it) passed no limit: on time.
 */
export function closedOnTime(closedAt: number, dueAt: number | null): boolean {
  return dueAt === null || closedAt <= dueAt;
}

/**
 * The units ranked for the report: 按期办结率 first, then 满意率, then the most received; a rate that
 * is not defined (no closed, no rated case) ranks below every defined one; ties share the name order.
 */
export function rankUnits<T extends { label: string; received: number; rates: Pick<Rates, 'onTime' | 'satisfaction'> }>(rows: readonly T[]): (T & { rank: number })[] {
  const byRate = (a: number | null, b: number | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : b - a);
  const sorted = [...rows].sort(
    (a, b) => byRate(a.rates.onTime, b.rates.onTime) || byRate(a.rates.satisfaction, b.rates.satisfaction) || b.received - a.received || a.label.localeCompare(b.label, 'zh-CN'),
  );
  return sorted.map((r, i) => ({ ...r, rank: i + 1 }));
}
