/**
 * Timer definitions (timeDate, timeDuration, timeCycle) and the next firing of a cycle, as Zeebe's
 * Interval and RepeatingInterval.
 */
import { FeelDateTime, FeelDuration } from 'feelin';
import { addDuration, durationMillisFrom, instantOf, parseDuration, parseInstant, validDate } from './feel-dates.js';
import { run } from './feel-evaluate.js';
import { FeelError, because, clip, describe, quote, type TimerKind, type TimerSchedule } from './feel-values.js';

/**
 * Evaluates a timer definition (static text or FEEL) against `variables` at `now`. FEEL `now()`
 * reads `now`. Never returns an invalid date.
 */
export function evaluateTimer(
  kind: TimerKind,
  expression: string,
  variables: Record<string, unknown>,
  now: Date,
): TimerSchedule {
  validDate(now, 'now');
  const { value, warnings } = run(expression, variables, { now });
  const label = `timer ${kind} expression ${quote(expression)}`;
  if (value === null || value === undefined) {
    throw new FeelError(`${label} evaluated to null${because(warnings)}`, expression);
  }
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (text === '') throw new FeelError(`${label} evaluated to an empty string`, expression);

  switch (kind) {
    case 'timeDuration': {
      let iso: string;
      if (value instanceof FeelDuration) iso = value.toString();
      else if (text !== undefined) iso = text;
      else throw new FeelError(`${label} evaluated to ${describe(value)}; expected a duration`, expression);
      return { dueAt: addDuration(now, checkedDuration(iso, label, expression)) };
    }
    case 'timeDate': {
      let ms: number | undefined;
      if (value instanceof FeelDateTime) ms = instantOf(value);
      else if (text !== undefined) ms = parseInstant(text);
      else throw new FeelError(`${label} evaluated to ${describe(value)}; expected a date and time`, expression);
      if (ms === undefined) {
        throw new FeelError(
          `${label} evaluated to ${describe(value)}, which is not an ISO-8601 date and time (e.g. 2026-03-05T16:00:00Z)`,
          expression,
        );
      }
      return { dueAt: new Date(ms) };
    }
    case 'timeCycle': {
      if (text === undefined) {
        throw new FeelError(
          `${label} evaluated to ${describe(value)}; expected a repeating interval such as R5/PT10M`,
          expression,
        );
      }
      return parseCycle(text, now, label, expression);
    }
    default:
      throw new FeelError(`unknown timer kind '${String(kind)}'`, expression);
  }
}

function checkedDuration(iso: string, label: string, expression: string): string {
  try {
    parseDuration(iso);
  } catch (error) {
    throw new FeelError(`${label}: ${(error as Error).message}`, expression);
  }
  return iso.trim().toUpperCase();
}

function parseCycle(text: string, now: Date, label: string, expression: string): TimerSchedule {
  if (!/^R/i.test(text)) {
    if (/^[+-]?P/i.test(text)) {
      throw new FeelError(
        `${label}: '${clip(text)}' is a duration, not a cycle; write R/${text} to repeat forever or R5/${text} for 5 firings`,
        expression,
      );
    }
    if (/^@\w+$/.test(text) || text.split(/\s+/).length >= 5) {
      throw new FeelError(`${label}: cron expressions are not supported ('${clip(text)}'); use an ISO-8601 repeating interval such as R/PT1H`, expression);
    }
    throw new FeelError(`${label}: '${clip(text)}' is not an ISO-8601 repeating interval (e.g. R5/PT10M)`, expression);
  }
  const parts = text.split('/');
  const count = /^R(\d*)$/i.exec(parts[0]);
  if (!count || parts.length < 2 || parts.length > 3) {
    throw new FeelError(
      `${label}: '${clip(text)}' is not an ISO-8601 repeating interval (R[n]/[start/]duration, e.g. R5/PT10M)`,
      expression,
    );
  }
  const repetitions = count[1] === '' ? -1 : Number(count[1]);
  if (repetitions === 0) throw new FeelError(`${label}: R0 in '${clip(text)}' would never fire`, expression);
  if (!Number.isSafeInteger(repetitions)) {
    throw new FeelError(`${label}: repetition count in '${clip(text)}' is too large`, expression);
  }
  const interval = checkedDuration(parts[parts.length - 1], label, expression);
  if (durationMillisFrom(now, interval) <= 0) {
    throw new FeelError(`${label}: the interval of '${clip(text)}' must be longer than zero`, expression);
  }
  if (parts.length === 3) {
    const start = parseInstant(parts[1]);
    if (start === undefined) {
      throw new FeelError(
        `${label}: the start '${clip(parts[1])}' of '${clip(text)}' is not an ISO-8601 date and time (e.g. 2026-03-05T00:00:00Z)`,
        expression,
      );
    }
    if (start >= now.getTime()) return { dueAt: new Date(start), repetitions, interval };
    // A start in the past. An endless cycle keeps its start's time of day: `R/2026-01-01T08:00+08:00/P1D`
    // fires at the next 08:00, as Camunda documents it ("every day, starting … at 10 am"; Zeebe 8.8
    // anchors on the deployment instead, camunda/camunda#13647). A counted one fires now, as Zeebe's
    // Interval.toEpochMilli does, its repetitions not spent.
    if (repetitions === -1) return { dueAt: nextOccurrence(start, interval, now), repetitions, interval };
    return { dueAt: new Date(now.getTime()), repetitions, interval };
  }
  return { dueAt: addDuration(now, interval), repetitions, interval };
}

/** the first of `start`, `start + interval`, `start + 2 × interval` … that is not before `now` */
function nextOccurrence(start: number, interval: string, now: Date): Date {
  const date = /^P([^T]*)/i.exec(interval)?.[1] ?? '';
  if (!/[YM]/i.test(date)) {
    // days, weeks and times are a fixed length in UTC: one step
    const ms = durationMillisFrom(new Date(start), interval);
    return new Date(start + Math.ceil((now.getTime() - start) / ms) * ms);
  }
  let at = new Date(start);
  for (let guard = 0; at.getTime() < now.getTime() && guard < 100_000; guard++) at = addDuration(at, interval);
  return at;
}

/**
 * The firing after one at `firedAt`: `undefined` when none is left (repetitions 1 or 0). With
 * `now`, a next firing that is already due is re-anchored to `now + interval` rather than firing
 * again at once (Zeebe's RepeatingInterval.nextOccurrenceAfter).
 */
export function nextCycle(
  schedule: { interval: string; repetitions: number },
  firedAt: Date,
  now?: Date,
): TimerSchedule | undefined {
  const { interval, repetitions } = schedule;
  if (!Number.isInteger(repetitions) || repetitions < -1) {
    throw new FeelError(`invalid repetitions ${String(repetitions)} in timer cycle`, interval);
  }
  if (repetitions === 0 || repetitions === 1) return undefined;
  let dueAt = addDuration(validDate(firedAt, 'firedAt'), interval);
  if (now !== undefined && dueAt.getTime() <= validDate(now, 'now').getTime()) dueAt = addDuration(now, interval);
  if (dueAt.getTime() <= firedAt.getTime()) {
    throw new FeelError(`timer cycle interval '${interval}' must be longer than zero`, interval);
  }
  return { dueAt, repetitions: repetitions === -1 ? -1 : repetitions - 1, interval };
}
