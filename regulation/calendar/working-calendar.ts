/**
 * The working-day calendar (docs/requirements.md "Working days"): a working day is Mon–Fri, minus statutory
 * holidays, plus make-up working days (调休上班), from the official schedule packaged by
 * `chinese-days`, with the admins' overrides winning over it. Deadlines follow 民法典 第二百零一条:
 * the start day is not counted, and "within n working days" from instant T ends at 24:00
 * Asia/Shanghai of the n-th working day after T's Shanghai calendar day.
 *
 * A plain domain module: no database, no HTTP. The process's time zone plays no part.
 */
import { CalendarInputError } from './errors.js';
import {
  checkInstant,
  endOfDayMs,
  formatDay,
  parseDay,
  shanghaiDayNumber,
  startOfDayMs,
  tryParseDay,
  weekdayOf,
  yearOf,
} from './days.js';
import { hasOfficialSchedule, officialEntry } from './official.js';

export { CalendarInputError } from './errors.js';

export interface DayOverride {
  /** YYYY-MM-DD, a calendar day in Asia/Shanghai */
  date: string;
  workday: boolean;
  label?: string;
  /** the document the override comes from (e.g. 国办发明电〔2026〕…) */
  source?: string;
}

/** `official`: the package has the State Council's schedule; `admin`: admins marked the year complete */
export type Coverage = 'official' | 'admin' | 'not-covered';

export interface Deadline {
  dueAt: Date;
  /** the counting touched a day of a year whose schedule is not covered (counted Mon–Fri plus overrides) */
  provisional: boolean;
}

export interface WorkingCalendar {
  /** whether a calendar day (YYYY-MM-DD, Asia/Shanghai) is a working day */
  isWorkday(date: string): boolean;
  /** the Asia/Shanghai calendar day (YYYY-MM-DD) of an instant */
  dayOf(instant: Date): string;
  /** "within n working days" from instant `from`: 24:00 Shanghai of the n-th working day after from's day */
  dueAfter(from: Date, n: number): Deadline;
  /** complete working days that lie entirely after `deadline` and end at or before `at` */
  overdueDays(deadline: Date, at: Date): number;
  /** the instant at which overdueDays(deadline, ·) reaches `days` (24:00 Shanghai of that working day) */
  overdueAt(deadline: Date, days: number): Date;
  coverage(year: number): Coverage;
  /** from 1 November (Shanghai) of year Y: `{ year: Y + 1 }` when Y + 1 is not covered */
  nextYearBanner(now: Date): { year: number } | undefined;
}

export interface WorkingCalendarOptions {
  overrides?: DayOverride[];
  /** years the admins marked complete (every holiday and make-up day entered as overrides) */
  completeYears?: number[];
}

/** the most working days one count may span (the regulation's limits are a few days; this only stops runaway input) */
export const MAX_WORKING_DAYS = 1000;

export function checkYear(year: unknown, what = 'year'): number {
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new CalendarInputError(`${what} must be a whole number from 1000 to 9999 (got ${JSON.stringify(year)})`);
  }
  return year;
}

function checkCount(n: unknown, what: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_WORKING_DAYS) {
    const hint = n === 0 ? ' — the start day is never counted, so a limit of 0 working days has no meaning' : '';
    throw new CalendarInputError(`${what} must be a whole number of working days from 1 to ${MAX_WORKING_DAYS} (got ${JSON.stringify(n)})${hint}`);
  }
  return n;
}

/** a validated copy of one override; throws CalendarInputError naming the problem */
export function checkOverride(o: unknown): DayOverride {
  if (typeof o !== 'object' || o === null) throw new CalendarInputError(`an override must be an object (got ${JSON.stringify(o)})`);
  const { date, workday, label, source } = o as Record<string, unknown>;
  parseDay(date, 'override date');
  if (typeof workday !== 'boolean') {
    throw new CalendarInputError(`override ${String(date)}: workday must be true or false (got ${JSON.stringify(workday)})`);
  }
  for (const [name, value] of [['label', label], ['source', source]] as const) {
    if (value !== undefined && typeof value !== 'string') {
      throw new CalendarInputError(`override ${String(date)}: ${name} must be text (got ${JSON.stringify(value)})`);
    }
  }
  const out: DayOverride = { date: date as string, workday };
  if (label !== undefined && label !== '') out.label = label as string;
  if (source !== undefined && source !== '') out.source = source as string;
  return out;
}

export function createWorkingCalendar(options: WorkingCalendarOptions = {}): WorkingCalendar {
  if (typeof options !== 'object' || options === null) throw new CalendarInputError('createWorkingCalendar needs an options object');
  const overrides = new Map<number, boolean>();
  for (const raw of options.overrides ?? []) {
    const o = checkOverride(raw);
    const day = parseDay(o.date);
    const before = overrides.get(day);
    if (before !== undefined && before !== o.workday) {
      throw new CalendarInputError(`override ${o.date} is given twice, once as a working day and once as a day off`);
    }
    overrides.set(day, o.workday);
  }
  const completeYears = new Set<number>();
  for (const y of options.completeYears ?? []) completeYears.add(checkYear(y, 'a complete year'));

  const coverageOf = (year: number): Coverage =>
    hasOfficialSchedule(year) ? 'official' : completeYears.has(year) ? 'admin' : 'not-covered';

  const workdayCache = new Map<number, boolean>();
  const isWorkdayNumber = (day: number): boolean => {
    const cached = workdayCache.get(day);
    if (cached !== undefined) return cached;
    let result = overrides.get(day);
    if (result === undefined && hasOfficialSchedule(yearOf(day))) result = officialEntry(formatDay(day));
    if (result === undefined) {
      const weekday = weekdayOf(day);
      result = weekday >= 1 && weekday <= 5;
    }
    workdayCache.set(day, result);
    return result;
  };

  /** the first day that starts at or after `instant` (Shanghai midnight) */
  const firstDayStartingAtOrAfter = (instant: Date): number => {
    const day = shanghaiDayNumber(instant);
    return startOfDayMs(day) === instant.getTime() ? day : day + 1;
  };

  return {
    isWorkday(date) {
      return isWorkdayNumber(parseDay(date));
    },

    dayOf(instant) {
      return formatDay(shanghaiDayNumber(checkInstant(instant, 'instant')));
    },

    dueAfter(from, n) {
      checkInstant(from, 'start instant');
      checkCount(n, 'n');
      const start = shanghaiDayNumber(from);
      let day = start;
      for (let counted = 0; counted < n; ) {
        day += 1;
        if (isWorkdayNumber(day)) counted += 1;
      }
      // the days looked at are start+1 … day; the start day's status plays no part
      let provisional = false;
      for (let y = yearOf(start + 1); y <= yearOf(day); y++) {
        if (coverageOf(y) === 'not-covered') provisional = true;
      }
      return { dueAt: new Date(endOfDayMs(day)), provisional };
    },

    overdueDays(deadline, at) {
      checkInstant(deadline, 'deadline');
      checkInstant(at, 'at');
      if (at.getTime() <= deadline.getTime()) return 0;
      const first = firstDayStartingAtOrAfter(deadline);
      // a day ends at or before `at` exactly when it comes before at's own Shanghai day
      const last = shanghaiDayNumber(at) - 1;
      let count = 0;
      for (let day = first; day <= last; day++) if (isWorkdayNumber(day)) count += 1;
      return count;
    },

    overdueAt(deadline, days) {
      checkInstant(deadline, 'deadline');
      checkCount(days, 'days');
      let day = firstDayStartingAtOrAfter(deadline) - 1;
      for (let counted = 0; counted < days; ) {
        day += 1;
        if (isWorkdayNumber(day)) counted += 1;
      }
      return new Date(endOfDayMs(day));
    },

    coverage(year) {
      return coverageOf(checkYear(year));
    },

    nextYearBanner(now) {
      const day = shanghaiDayNumber(checkInstant(now, 'now'));
      const [year, month] = formatDay(day).split('-').map(Number);
      if (month < 11) return undefined;
      const next = year + 1;
      return next <= 9999 && coverageOf(next) === 'not-covered' ? { year: next } : undefined;
    },
  };
}

/** whether a string is a calendar day written YYYY-MM-DD */
export function isCalendarDay(value: unknown): value is string {
  return tryParseDay(value) !== undefined;
}
