/**
 * Calendar days in Asia/Shanghai as `YYYY-MM-DD` strings and as day numbers (days since
 * 1970-01-01). All arithmetic is done in UTC with a fixed +08:00 offset (China has no daylight
 * saving time), so nothing here depends on the process's time zone.
 */
import { CalendarInputError } from './errors.js';

export const DAY_MS = 86_400_000;
/** Asia/Shanghai is UTC+08:00 all year */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** the day number of a `YYYY-MM-DD` string, or undefined when it is not a real calendar day */
export function tryParseDay(day: unknown): number | undefined {
  if (typeof day !== 'string') return undefined;
  const m = DAY_PATTERN.exec(day);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return undefined;
  const ms = Date.UTC(y, mo - 1, d);
  // Date.UTC rolls 02-30 over to March: a round trip catches it
  if (formatDay(ms / DAY_MS) !== day) return undefined;
  return ms / DAY_MS;
}

/** the day number of a `YYYY-MM-DD` string; `what` names the value in the error message */
export function parseDay(day: unknown, what = 'date'): number {
  const n = tryParseDay(day);
  if (n === undefined) {
    throw new CalendarInputError(`${what} must be a calendar day written YYYY-MM-DD (got ${JSON.stringify(day)})`);
  }
  return n;
}

export function formatDay(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** the Asia/Shanghai day number of an instant */
export function shanghaiDayNumber(instant: Date): number {
  return Math.floor((instant.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** 00:00 Asia/Shanghai of a day, as epoch milliseconds */
export function startOfDayMs(dayNumber: number): number {
  return dayNumber * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** 24:00 Asia/Shanghai of a day (= 16:00Z of that date), as epoch milliseconds */
export function endOfDayMs(dayNumber: number): number {
  return startOfDayMs(dayNumber + 1);
}

/** 0 = Sunday … 6 = Saturday */
export function weekdayOf(dayNumber: number): number {
  return new Date(dayNumber * DAY_MS).getUTCDay();
}

export function yearOf(dayNumber: number): number {
  return new Date(dayNumber * DAY_MS).getUTCFullYear();
}

/** a valid Date, or a CalendarInputError naming `what` */
export function checkInstant(instant: unknown, what: string): Date {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new CalendarInputError(`${what} must be a valid Date (got ${instant instanceof Date ? 'an invalid Date' : JSON.stringify(instant)})`);
  }
  return instant;
}
