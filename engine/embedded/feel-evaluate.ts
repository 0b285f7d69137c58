/**
 * Evaluating Zeebe expressions with feelin: static text or FEEL, a value of the type asked for, the
 * context with Zeebe's built-ins, results reused through the memo.
 */
import {
  evaluate as feelEvaluate,
  SyntaxError as FeelSyntaxError,
  FeelDuration,
  FeelFunction,
  date as feelDate,
  toFeel,
} from 'feelin';
import { validDate } from './feel-dates.js';
import { createFeelMemo } from './feel-memo.js';
import { FeelError, because, describe, quote, toPlain, type FeelOptions } from './feel-values.js';

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

export function run(expression: string, variables: Record<string, unknown>, options: FeelOptions): Outcome {
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
