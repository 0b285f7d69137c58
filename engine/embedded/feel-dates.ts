/**
 * ISO-8601 durations and date-times, read as Zeebe reads them (calendar parts in UTC).
 */
import { FeelDateTime, parseDateTime } from 'feelin';
import { FeelError, clip, type DurationParts } from './feel-values.js';

const DURATION =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Parses an ISO-8601 duration (`P1D`, `PT5M`, `P1DT2H`, `P1W`, `P1Y2M`, `PT1.5S`). Only seconds
 * may be fractional; negative durations are rejected.
 */
export function parseDuration(iso: string): DurationParts {
  if (typeof iso !== 'string') throw new FeelError(`duration must be a string, got ${typeof iso}`, String(iso));
  const text = iso.trim().toUpperCase();
  if (text.startsWith('-')) throw new FeelError(`negative duration '${iso}' is not supported`, iso);
  const match = DURATION.exec(text);
  if (!match) {
    throw new FeelError(`'${clip(iso)}' is not an ISO-8601 duration (e.g. PT5M, P1D, P1DT2H, P1Y2M)`, iso);
  }
  const n = (i: number) => (match[i] === undefined ? 0 : Number(match[i]));
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

/**
 * Adds an ISO-8601 duration to a date, in UTC: years and months first (clamped to the end of the
 * month, like java.time: Jan 31 + P1M = Feb 28), then weeks and days, then the time part.
 */
export function addDuration(date: Date, isoDuration: string): Date {
  const start = validDate(date, 'date');
  const d = parseDuration(isoDuration);
  let ms = start.getTime();
  const months = d.years * 12 + d.months;
  if (months !== 0) {
    const monthIndex = start.getUTCMonth() + months;
    const year = start.getUTCFullYear() + Math.floor(monthIndex / 12);
    const month = ((monthIndex % 12) + 12) % 12;
    const shifted = new Date(ms);
    shifted.setUTCFullYear(year, month, Math.min(start.getUTCDate(), daysInMonth(year, month)));
    ms = shifted.getTime();
  }
  ms += (d.weeks * 7 + d.days) * 86_400_000 + d.hours * 3_600_000 + d.minutes * 60_000 + Math.round(d.seconds * 1000);
  const result = new Date(ms);
  if (Number.isNaN(result.getTime())) {
    throw new FeelError(`adding '${isoDuration}' to ${start.toISOString()} leaves the representable range`, isoDuration);
  }
  return result;
}

function daysInMonth(year: number, month: number): number {
  if (month === 1) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month];
}

export function durationMillisFrom(from: Date, isoDuration: string): number {
  return addDuration(from, isoDuration).getTime() - from.getTime();
}

export function validDate(date: Date, what: string): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new FeelError(`${what} is not a valid date`, String(date));
  }
  return date;
}

const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:\d{2}|[+-]\d{4})?(?:@([A-Za-z][A-Za-z0-9_+\-/]*)|\[([A-Za-z][A-Za-z0-9_+\-/]*)\])?$/;

/**
 * Parses an ISO-8601 date-time to epoch milliseconds: `...Z`, `...+08:00`, `...+0800`,
 * `...@Asia/Shanghai`, `...[Asia/Shanghai]`, `...+08:00[Asia/Shanghai]` (the zone id wins), or no
 * zone at all (read as UTC). `undefined` when the text is not such a date-time.
 */
export function parseInstant(text: string): number | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, local, offset, atZone, bracketZone] = match;
  const zone = atZone ?? bracketZone;
  let canonical = local;
  if (zone !== undefined) canonical += `@${zone}`;
  else if (offset === undefined || offset === 'Z') canonical += 'Z';
  else canonical += offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
  const parsed = parseDateTime(canonical);
  return parsed ? instantOf(parsed) : undefined;
}

/** The instant of a FEEL date and time; a local one (no zone) is read as UTC. */
export function instantOf(value: FeelDateTime): number | undefined {
  try {
    const ms = value.unwrap().toZonedDateTime(value.zone ?? 'UTC').epochMilliseconds;
    return Number.isFinite(ms) ? ms : undefined;
  } catch {
    return undefined;
  }
}
