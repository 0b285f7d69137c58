/**
 * 第二十五条: when the 月报 and 季报 are due. The 月报 of a month is issued on the first working day of
 * the next month (so September 2026's comes on 8 October, after the National Day holidays), the 季报
 * of a quarter on the first working day after it (the same day as its last month's 月报). The
 * `office-reports` diagram asks this once a day (`check-report-due`); the archive is idempotent by
 * period, so a day asked twice issues nothing twice.
 */
import type { ReportKind, ReportPeriod } from './report-figures.js';
import { reportPeriod } from './report-period.js';

export const REPORT_KINDS: readonly ReportKind[] = ['month', 'quarter'];

export const REPORT_KIND_LABELS: Record<ReportKind, string> = { month: '月报', quarter: '季报' };

/** which period of a kind: a month 1–12 or a quarter 1–4 of a year */
export interface PeriodRef {
  kind: ReportKind;
  year: number;
  index: number;
}

export class PeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodError';
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** checked: a known kind, a year 2000–2100, a month 1–12 or a quarter 1–4 */
export function checkPeriodRef(kind: unknown, year: unknown, index: unknown): PeriodRef {
  if (kind !== 'month' && kind !== 'quarter') throw new PeriodError('报告类型应为 month(月报)或 quarter(季报)');
  const y = Number(year);
  const i = Number(index);
  if (!Number.isInteger(y) || y < 2000 || y > 2100) throw new PeriodError('年份应为 2000 至 2100 之间的整数');
  const max = kind === 'month' ? 12 : 4;
  if (!Number.isInteger(i) || i < 1 || i > max) throw new PeriodError(kind === 'month' ? '月份应为 1 至 12' : '季度应为 1 至 4');
  return { kind, year: y, index: i };
}

/** the period's days ([from, to), China time) and its Chinese label (regulation/report-period.ts) */
export function periodOf(ref: PeriodRef): ReportPeriod {
  const { kind, year, index } = checkPeriodRef(ref.kind, ref.year, ref.index);
  return reportPeriod(kind, year, index);
}

/** the period before (环比) */
export function previousPeriod(ref: PeriodRef): PeriodRef {
  const max = ref.kind === 'month' ? 12 : 4;
  return ref.index > 1 ? { ...ref, index: ref.index - 1 } : { ...ref, year: ref.year - 1, index: max };
}

/** the day `YYYY-MM-DD`'s year and month */
function monthOfDay(day: string): { year: number; month: number } {
  const m = /^(\d{4})-(\d{2})-\d{2}$/.exec(day);
  if (!m) throw new PeriodError(`not a calendar day: ${JSON.stringify(day)}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

/** the first working day of a month (undefined only for a calendar that has none in it) */
export function firstWorkdayOf(calendar: { isWorkday(date: string): boolean }, year: number, month: number): string | undefined {
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  for (let d = 1; d <= days; d++) {
    const day = `${year}-${pad(month)}-${pad(d)}`;
    if (calendar.isWorkday(day)) return day;
  }
  return undefined;
}

export interface ReportsDue {
  /** today is the first working day of its month: the month before is due */
  monthDue: boolean;
  /** …and that month begins a quarter: the quarter before is due */
  quarterDue: boolean;
  /** the month the 月报 covers (also when not due: the last finished month) */
  month: PeriodRef;
  /** the quarter the 季报 covers (the last finished quarter) */
  quarter: PeriodRef;
}

/** what is due on a calendar day (`YYYY-MM-DD`, Asia/Shanghai) */
export function reportsDue(calendar: { isWorkday(date: string): boolean }, today: string): ReportsDue {
  const { year, month } = monthOfDay(today);
  const monthDue = firstWorkdayOf(calendar, year, month) === today;
  const last = previousPeriod({ kind: 'month', year, index: month });
  const quarterOfToday = Math.floor((month - 1) / 3) + 1;
  const lastQuarter = previousPeriod({ kind: 'quarter', year, index: quarterOfToday });
  return { monthDue, quarterDue: monthDue && (month - 1) % 3 === 0, month: last, quarter: lastQuarter };
}
