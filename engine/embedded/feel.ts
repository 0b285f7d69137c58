/**
 * Zeebe (Camunda 8.8) expression semantics on top of feelin. Pure: no I/O, no logging.
 *
 * - A value starting with `=` is a FEEL expression (the rest of the string); anything else is a
 *   static string, returned as is.
 * - FEEL is null-friendly, as in Camunda 8.8: a missing variable, a missing context entry, a type
 *   mismatch (`"a" + 1`) or a bad function call yields `null` (feelin reports a warning), not an
 *   error. Only a syntax error or an exception inside the interpreter throws. Callers that need a
 *   particular type (conditions, correlation keys, timers, ...) reject the `null` with a
 *   {@link FeelError} whose message carries feelin's warnings, so the cause is still visible.
 * - FEEL results are converted to JSON-able values: temporal values become their ISO-8601 text
 *   (`2026-03-05`, `10:00:00`, `2026-03-05T16:00:00Z`, `2026-03-05T16:00:00+08:00`, `P1D`, `PT5M`);
 *   a date-time in a named zone keeps feelin's form `2026-03-05T16:00:00@Asia/Shanghai`, because
 *   it is the only form feelin reads back without losing the zone (feelin silently drops a
 *   `[Asia/Shanghai]` suffix). Timers accept `@Zone`, `[Zone]` and `+08:00[Zone]`.
 * - Timers follow Zeebe's `Interval` / `RepeatingInterval`: calendar parts (years, months, days)
 *   are added in UTC, a cycle's start in the past fires immediately, a missed cycle is re-anchored
 *   on the current time.
 */
import {
  evaluate as feelEvaluate,
  SyntaxError as FeelSyntaxError,
  FeelDate,
  FeelDateTime,
  FeelDuration,
  FeelFunction,
  FeelRange,
  FeelTime,
  date as feelDate,
  parseDateTime,
  toFeel,
} from 'feelin';

export class FeelError extends Error {
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(message);
    this.name = 'FeelError';
  }
}

/** Options shared by the evaluating functions. */
export interface FeelOptions {
  /**
   * The engine's current time: FEEL `now()` and `today()` read it instead of the system clock
   * (unless a variable named `now` / `today` exists, which then wins as in any FEEL context).
   */
  now?: Date;
}

export type TimerKind = 'timeDate' | 'timeDuration' | 'timeCycle';

export interface TimerSchedule {
  dueAt: Date;
  /** remaining firings including this one; -1 = infinite; only for cycles */
  repetitions?: number;
  /** ISO duration between firings, cycles only */
  interval?: string;
}

export interface Mapping {
  source: string;
  target: string;
}

export interface DurationParts {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

// ---------------------------------------------------------------------------------------------
// evaluation

export function isExpression(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('=');
}

interface Outcome {
  /** the raw feelin value (FeelDateTime, FeelDuration, ...) or the static string */
  value: unknown;
  warnings: string[];
}

/**
 * Evaluates a Zeebe expression: FEEL if it starts with `=`, else a static string returned as is.
 * The result is a plain JSON-able value (see the module comment).
 */
export function evaluate(
  expression: string,
  variables: Record<string, unknown>,
  options: FeelOptions = {},
): unknown {
  const { value } = run(expression, variables, options);
  return toPlain(value, expression);
}

/** A condition (sequence flow, conditional event): must evaluate to `true` or `false`. */
export function evaluateCondition(
  expression: string,
  variables: Record<string, unknown>,
  options: FeelOptions = {},
): boolean {
  const { value, warnings } = run(expression, variables, options);
  const plain = toPlain(value, expression);
  if (typeof plain !== 'boolean') {
    throw new FeelError(
      `condition ${quote(expression)} did not evaluate to a boolean: got ${describe(plain)}${because(warnings)}`,
      expression,
    );
  }
  return plain;
}

/**
 * A string-valued property (correlation key, message name, assignee, form id, job type, ...).
 * Numbers are converted to their decimal text, as Zeebe does for correlation keys.
 * @param what names the property in error messages, e.g. `correlation key`
 */
export function evaluateString(
  expression: string,
  variables: Record<string, unknown>,
  what: string,
  options: FeelOptions = {},
): string {
  const { value, warnings } = run(expression, variables, options);
  const plain = toPlain(value, expression);
  if (typeof plain === 'string') return plain;
  if (typeof plain === 'number') return String(plain);
  throw new FeelError(
    `${what} expression ${quote(expression)} evaluated to ${describe(plain)}; expected a string${because(warnings)}`,
    expression,
  );
}

/**
 * A list-valued property (multi-instance input collection, candidate groups / users). A static
 * (non-`=`) value is a comma-separated list, as Zeebe accepts for candidate groups: `"a, b"` gives
 * `["a", "b"]` (items trimmed, empty items dropped).
 * @param what names the property in error messages, e.g. `input collection`
 */
export function evaluateList(
  expression: string,
  variables: Record<string, unknown>,
  what: string,
  options: FeelOptions = {},
): unknown[] {
  if (!isExpression(expression)) {
    checkString(expression);
    return expression
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
  const { value, warnings } = run(expression, variables, options);
  const plain = toPlain(value, expression);
  if (Array.isArray(plain)) return plain;
  throw new FeelError(
    `${what} expression ${quote(expression)} evaluated to ${describe(plain)}; expected a list${because(warnings)}`,
    expression,
  );
}

function checkString(expression: unknown): asserts expression is string {
  if (typeof expression !== 'string') {
    throw new FeelError(`expression must be a string, got ${typeof expression}`, String(expression));
  }
}

function run(expression: string, variables: Record<string, unknown>, options: FeelOptions): Outcome {
  checkString(expression);
  if (!isExpression(expression)) return { value: expression, warnings: [] };
  const feel = expression.slice(1);
  if (feel.trim() === '') throw new FeelError(`expression ${quote(expression)} is empty`, expression);
  let result: { value: unknown; warnings: { message: string }[] };
  try {
    // `now()` / `today()` read the clock: such an evaluation is never reused
    result = options.now ? feelEvaluate(feel, contextFor(variables ?? {}, options)) : memoEvaluate(feel, variables ?? {}, () => feelEvaluate(feel, contextFor(variables ?? {}, options)));
  } catch (error) {
    if (error instanceof FeelSyntaxError) {
      const { from, to } = error.position;
      throw new FeelError(
        `failed to parse expression ${quote(expression)}: ${error.message} at ${from}..${to}`,
        expression,
      );
    }
    throw new FeelError(
      `failed to evaluate expression ${quote(expression)}: ${error instanceof Error ? error.message : String(error)}`,
      expression,
    );
  }
  return { value: result.value, warnings: [...new Set(result.warnings.map((w) => w.message))] };
}

/**
 * FEEL results reused: feelin parses an expression at every evaluation, and the same conditions
 * (gateways, form rules) are evaluated again and again on the same values. An expression's result
 * can depend only on the context entries its words name, so those values key the result. Only a
 * primitive result (a condition's boolean, a string, a number, null) is kept, and only when every
 * context key is a plain name (FEEL names may hold spaces: `a b` would not be one of the words).
 */
export function createFeelMemo(max = 5_000) {
  const WORD = /[A-Za-z_$\u00C0-\uFFFF][\w$\u00C0-\uFFFF]*/g;
  const PLAIN = /^[A-Za-z_$\u00C0-\uFFFF][\w$\u00C0-\uFFFF]*$/;
  const wordsOf = new Map<string, string[]>();
  const results = new Map<string, { value: unknown; warnings: { message: string }[] }>();
  const bounded = <K, V>(map: Map<K, V>, key: K, value: V) => {
    if (map.size >= max) map.delete(map.keys().next().value as K);
    map.set(key, value);
  };
  return function memo<R extends { value: unknown; warnings: { message: string }[] }>(expression: string, context: Record<string, unknown>, compute: () => R): R {
    let words = wordsOf.get(expression);
    if (!words) {
      // a string literal names nothing
      words = [...new Set(expression.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(WORD) ?? [])];
      bounded(wordsOf, expression, words);
    }
    for (const k in context) if (!PLAIN.test(k)) return compute();
    let key: string;
    try {
      key = `${expression}\u0000${JSON.stringify(words.map((w) => (Object.hasOwn(context, w) ? context[w] : null)))}`;
    } catch {
      return compute();
    }
    const hit = results.get(key);
    if (hit) return hit as R;
    const result = compute();
    const v = result.value;
    if (v === null || v === undefined || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') bounded(results, key, result);
    return result;
  };
}

const memoEvaluate = createFeelMemo();

/** The FEEL context: the variables plus Zeebe's built-ins that feelin lacks or reads from the clock. */
function contextFor(variables: Record<string, unknown>, options: FeelOptions): Record<string, unknown> {
  const context: Record<string, unknown> = { ...variables };
  const builtins: Record<string, FeelFunction> = { cycle: cycleFunction };
  if (options.now) {
    const now = validDate(options.now, 'options.now');
    builtins.now = new FeelFunction(() => toFeel(new Date(now.getTime())), []);
    builtins.today = new FeelFunction(() => feelDate(now.toISOString().slice(0, 10)), []);
  }
  for (const [name, fn] of Object.entries(builtins)) {
    if (!Object.hasOwn(variables, name)) context[name] = fn;
  }
  return context;
}

/** Zeebe's `cycle(interval)` / `cycle(repetitions, interval)`: `R/PT1H`, `R3/PT1H`. */
const cycleFunction = new FeelFunction(
  (first: unknown, second: unknown) => {
    const [repetitions, interval] = second === undefined ? [undefined, first] : [first, second];
    if (!(interval instanceof FeelDuration)) return null;
    if (repetitions === undefined) return `R/${interval.toString()}`;
    if (typeof repetitions !== 'number' || !Number.isInteger(repetitions) || repetitions < 0) return null;
    return `R${repetitions}/${interval.toString()}`;
  },
  ['repetitions', 'interval'],
);

// ---------------------------------------------------------------------------------------------
// conversion of FEEL values

/** Converts a feelin value to plain JSON: temporals to ISO text, contexts to objects. */
function toPlain(value: unknown, expression: string, path = ''): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return Number(value);
    case 'function':
      throw notAValue(expression, 'a function', path);
    case 'object':
      break;
    default:
      throw notAValue(expression, `a ${typeof value}`, path);
  }
  if (
    value instanceof FeelDateTime ||
    value instanceof FeelDate ||
    value instanceof FeelTime ||
    value instanceof FeelDuration
  ) {
    return value.toString();
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof FeelFunction) throw notAValue(expression, 'a function', path);
  if (value instanceof FeelRange) throw notAValue(expression, `the range ${value.toString()}`, path);
  if (Array.isArray(value)) return value.map((item, i) => toPlain(item, expression, `${path}[${i}]`));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    setOwn(result, key, toPlain(item, expression, path === '' ? key : `${path}.${key}`));
  }
  return result;
}

function notAValue(expression: string, what: string, path: string): FeelError {
  const where = path === '' ? '' : ` at '${path}'`;
  return new FeelError(
    `expression ${quote(expression)} evaluated to ${what}${where}, which is not a storable value`,
    expression,
  );
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `the string ${JSON.stringify(clip(value))}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  if (value instanceof FeelDuration) return `the duration ${value.toString()}`;
  if (value instanceof FeelDateTime) return `the date and time ${value.toString()}`;
  if (value instanceof FeelDate) return `the date ${value.toString()}`;
  if (value instanceof FeelTime) return `the time ${value.toString()}`;
  if (Array.isArray(value)) return `a list ${clip(safeJson(value))}`;
  if (typeof value === 'object') return `a context ${clip(safeJson(value))}`;
  return `a ${typeof value}`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function quote(expression: string): string {
  return `'${clip(expression, 200)}'`;
}

function because(warnings: string[]): string {
  if (warnings.length === 0) return '';
  const shown = warnings.slice(0, 3).join('; ');
  return ` (${shown}${warnings.length > 3 ? '; …' : ''})`;
}

// ---------------------------------------------------------------------------------------------
// durations and date-times

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

function durationMillisFrom(from: Date, isoDuration: string): number {
  return addDuration(from, isoDuration).getTime() - from.getTime();
}

function validDate(date: Date, what: string): Date {
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
function parseInstant(text: string): number | undefined {
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
function instantOf(value: FeelDateTime): number | undefined {
  try {
    const ms = value.unwrap().toZonedDateTime(value.zone ?? 'UTC').epochMilliseconds;
    return Number.isFinite(ms) ? ms : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// timers

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
    // a start in the past: overdue, fire immediately (Zeebe's Interval.toEpochMilli)
    return { dueAt: new Date(Math.max(start, now.getTime())), repetitions, interval };
  }
  return { dueAt: addDuration(now, interval), repetitions, interval };
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

// ---------------------------------------------------------------------------------------------
// mappings

type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Sets an own, enumerable property, even for names such as `__proto__`. */
function setOwn(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function getOwn(target: Json, key: string): unknown {
  return Object.hasOwn(target, key) ? target[key] : undefined;
}

function targetPath(mapping: Mapping, kind: string): string[] {
  const target = mapping?.target;
  const path = typeof target === 'string' ? target.split('.') : [];
  if (path.length === 0 || path.some((part) => part === '')) {
    throw new FeelError(`${kind} mapping has an invalid target '${String(target)}'`, String(mapping?.source));
  }
  return path;
}

function evaluateMapping(
  mapping: Mapping,
  context: Json,
  kind: string,
  options: FeelOptions,
): unknown {
  const source = mapping.source ?? null;
  if (source === null) return null;
  try {
    return evaluate(source, context, options);
  } catch (error) {
    if (error instanceof FeelError) {
      throw new FeelError(`${kind} mapping to '${mapping.target}' failed: ${error.message}`, error.expression);
    }
    throw error;
  }
}

/**
 * Zeebe input mappings: evaluated in order, each source against `variables` overlaid with the
 * results so far; returns the local variables. A dotted target `a.b.c` builds nested objects (it
 * does not merge with a process variable `a`). For later sources, a result built by a dotted
 * target shadows a same-named variable only partially (the keys it defined win, the rest fall
 * through), while a result assigned as a whole shadows it entirely.
 */
export function applyInputMappings(
  mappings: Mapping[],
  variables: Record<string, unknown>,
  options: FeelOptions = {},
): Record<string, unknown> {
  const result: Json = {};
  const built = new WeakSet<object>(); // objects created by a dotted target
  const merge = (scope: unknown, own: unknown): unknown => {
    if (!isPlainObject(own) || !built.has(own) || !isPlainObject(scope)) return own;
    const merged: Json = { ...scope };
    for (const [key, value] of Object.entries(own)) setOwn(merged, key, merge(getOwn(scope, key), value));
    return merged;
  };
  for (const mapping of mappings) {
    const path = targetPath(mapping, 'input');
    const context: Json = { ...variables };
    for (const [name, value] of Object.entries(result)) setOwn(context, name, merge(getOwn(variables, name), value));
    const value = evaluateMapping(mapping, context, 'input', options);
    let container = result;
    for (const key of path.slice(0, -1)) {
      const existing = getOwn(container, key);
      let next: Json;
      if (isPlainObject(existing)) {
        next = { ...existing };
        if (built.has(existing)) built.add(next);
      } else {
        next = {};
        built.add(next);
      }
      setOwn(container, key, next);
      container = next;
    }
    setOwn(container, path[path.length - 1], value);
  }
  return result;
}

/**
 * Zeebe output mappings: evaluated in order, each source against `scope` overlaid with the
 * results so far; returns the variables to set in the process. A dotted target `a.b` merges into
 * the existing value at every level (the result so far, else `base.a`), so sibling keys are kept;
 * a level that is not an object is replaced by a new one. `base` is never modified.
 */
export function applyOutputMappings(
  mappings: Mapping[],
  scope: Record<string, unknown>,
  base: Record<string, unknown>,
  options: FeelOptions = {},
): Record<string, unknown> {
  const result: Json = {};
  for (const mapping of mappings) {
    const path = targetPath(mapping, 'output');
    const context: Json = { ...scope };
    for (const [name, value] of Object.entries(result)) setOwn(context, name, value);
    const value = evaluateMapping(mapping, context, 'output', options);
    const [head] = path;
    if (path.length === 1) {
      setOwn(result, head, value);
      continue;
    }
    const root = Object.hasOwn(result, head) ? result[head] : getOwn(base ?? {}, head);
    let container: Json = isPlainObject(root) ? { ...root } : {};
    setOwn(result, head, container);
    for (const key of path.slice(1, -1)) {
      const existing = getOwn(container, key);
      const next: Json = isPlainObject(existing) ? { ...existing } : {};
      setOwn(container, key, next);
      container = next;
    }
    setOwn(container, path[path.length - 1], value);
  }
  return result;
}
