/**
 * FEEL values and what the other feel-*.ts modules share: the error, the option and result types,
 * and the conversion of feelin's values to plain JSON (feel.ts says which).
 */
import { FeelDate, FeelDateTime, FeelDuration, FeelFunction, FeelRange, FeelTime } from 'feelin';

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
// conversion of FEEL values

/** Converts a feelin value to plain JSON: temporals to ISO text, contexts to objects. */
export function toPlain(value: unknown, expression: string, path = ''): unknown {
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

export function describe(value: unknown): string {
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

export function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function quote(expression: string): string {
  return `'${clip(expression, 200)}'`;
}

export function because(warnings: string[]): string {
  if (warnings.length === 0) return '';
  const shown = warnings.slice(0, 3).join('; ');
  return ` (${shown}${warnings.length > 3 ? '; …' : ''})`;
}

export type Json = Record<string, unknown>;

/** Sets an own, enumerable property, even for names such as `__proto__`. */
export function setOwn(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
