/**
 * The State Council's schedule as packaged by `chinese-days` 1.5.7 (2004–2026 today).
 *
 * Two traps of the package are kept out of the rest of the code here:
 * - It reads every date with the process's local time, even `YYYY-MM-DD` strings (it parses them as
 *   UTC midnight, then takes the local calendar day). Its own table is built the same way, so a
 *   lookup of a string finds the right entry in any time zone, but its weekday fallback does not:
 *   with TZ=America/Los_Angeles `isWorkday('2026-03-07')` (a plain Saturday) is true. So only the
 *   package's explicit entries (holidays, make-up working days) are used, through `getDayDetail`,
 *   and the weekday rule is applied here on the Shanghai date.
 * - A year without data silently falls back to Mon–Fri. A year has data when the package's holiday
 *   table has an entry in it: every published schedule has at least New Year's Day, and
 *   `getHolidaysInRange(first, last, false)` lists the holiday table's entries only (no weekends).
 */
import chineseDays from 'chinese-days';

const WEEKDAY_NAMES = new Set(['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']);
const entries = new Map<string, boolean | undefined>();
const years = new Map<number, boolean>();

/**
 * The package's explicit entry for a Shanghai calendar day: `false` for a statutory holiday, `true`
 * for a make-up working day (调休上班), `undefined` when the day is not in its tables.
 */
export function officialEntry(day: string): boolean | undefined {
  if (entries.has(day)) return entries.get(day);
  const detail = chineseDays.getDayDetail(day);
  // without an entry the package names the weekday ("Saturday"); entries are named after the holiday
  const entry = WEEKDAY_NAMES.has(detail.name) ? undefined : detail.work;
  entries.set(day, entry);
  return entry;
}

/** whether `chinese-days` has the official schedule of `year` */
export function hasOfficialSchedule(year: number): boolean {
  const known = years.get(year);
  if (known !== undefined) return known;
  const covered = chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
  years.set(year, covered);
  return covered;
}
