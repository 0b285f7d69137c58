/**
 * Instants shown to people: Asia/Shanghai wall-clock time (UTC+08:00 all year, no daylight saving).
 * A deadline at Shanghai midnight is "24:00 of the day before", the way the regulation counts
 * ("within N working days" ends at 24:00 of the N-th day): 2026-03-03T16:00:00Z → "2026-03-03 24:00".
 */
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

export function formatShanghai(instant: Date): string {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new Error('formatShanghai: invalid Date');
  const local = t + OFFSET_MS;
  if (local % DAY_MS === 0) {
    return `${new Date(local - DAY_MS).toISOString().slice(0, 10)} 24:00`;
  }
  const s = new Date(local).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 16)}`;
}

/**
 * When something happened, on the Shanghai wall clock to the second (a submission, an export's
 * rows): an event at midnight is 00:00:00 of its own day, not "24:00" as a deadline reads.
 */
export function formatShanghaiMoment(instant: Date): string {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new Error('formatShanghaiMoment: invalid Date');
  const s = new Date(t + OFFSET_MS).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 19)}`;
}

/** an ISO-8601 string (a process variable) shown in Shanghai time */
export function formatInstant(value: string | Date): string {
  return formatShanghai(typeof value === 'string' ? new Date(value) : value);
}
