import { describe, it, expect } from '@jest/globals';
import {
  createFeelMemo,
  FeelError,
  addDuration,
  applyInputMappings,
  applyOutputMappings,
  evaluate,
  evaluateCondition,
  evaluateList,
  evaluateString,
  evaluateTimer,
  isExpression,
  nextCycle,
  parseDuration,
} from './feel.js';

const NOW = new Date('2026-03-02T01:00:00.000Z');

/** Runs fn, expects a FeelError, returns it for further checks. */
function feelError(fn: () => unknown): FeelError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FeelError);
    return error as FeelError;
  }
  throw new Error('expected a FeelError, nothing was thrown');
}

describe('FeelError', () => {
  it('is an Error carrying the expression', () => {
    const error = new FeelError('boom', '=x');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('boom');
    expect(error.expression).toBe('=x');
    expect(error.name).toBe('FeelError');
  });
});

describe('isExpression', () => {
  it('is true only for strings starting with =', () => {
    expect(isExpression('=x')).toBe(true);
    expect(isExpression('=')).toBe(true);
    expect(isExpression('x')).toBe(false);
    expect(isExpression(' =x')).toBe(false);
    expect(isExpression('')).toBe(false);
    expect(isExpression(null)).toBe(false);
    expect(isExpression(undefined)).toBe(false);
    expect(isExpression(42)).toBe(false);
    expect(isExpression(['=x'])).toBe(false);
  });
});

describe('evaluate', () => {
  it('returns a static (non-=) string as is', () => {
    expect(evaluate('hello', { hello: 'no' })).toBe('hello');
    expect(evaluate('1 + 1', {})).toBe('1 + 1');
    expect(evaluate('', {})).toBe('');
  });

  it('evaluates FEEL against the variables', () => {
    expect(evaluate('=1 + 2', {})).toBe(3);
    expect(evaluate('=a * 2', { a: 21 })).toBe(42);
    expect(evaluate('=order.items[2].name', { order: { items: [{ name: 'x' }, { name: 'y' }] } })).toBe('y');
    expect(evaluate('="order-" + string(id)', { id: 7 })).toBe('order-7');
    expect(evaluate('=if flag then "yes" else "no"', { flag: false })).toBe('no');
    expect(evaluate('=x', { x: true })).toBe(true);
    expect(evaluate('=0.5', {})).toBe(0.5);
  });

  it('yields null for a missing variable, context entry or property (Zeebe null-friendly)', () => {
    expect(evaluate('=missing', {})).toBeNull();
    expect(evaluate('=a.b.c', { a: {} })).toBeNull();
    expect(evaluate('=x.y', { x: null })).toBeNull();
  });

  it('yields null for type errors and bad calls, as Camunda 8.8 does', () => {
    expect(evaluate('="a" + 1', {})).toBeNull();
    expect(evaluate('=unknownFunction(1)', {})).toBeNull();
    expect(evaluate('=duration("nope")', {})).toBeNull();
  });

  it('converts contexts to plain objects and lists to arrays', () => {
    const value = evaluate('={a: 1, b: [1, "two", null], c: {d: true}, "e f": date("2026-03-05")}', {});
    expect(value).toEqual({ a: 1, b: [1, 'two', null], c: { d: true }, 'e f': '2026-03-05' });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(value))).toEqual(value);
  });

  it('converts temporal values to ISO-8601 strings', () => {
    expect(evaluate('=date("2026-03-05")', {})).toBe('2026-03-05');
    expect(evaluate('=time("10:30:00")', {})).toBe('10:30:00');
    expect(evaluate('=date and time("2026-03-05T16:00:00Z")', {})).toBe('2026-03-05T16:00:00Z');
    expect(evaluate('=date and time("2026-03-05T16:00:00+08:00")', {})).toBe('2026-03-05T16:00:00+08:00');
    expect(evaluate('=date and time("2026-03-05T16:00:00")', {})).toBe('2026-03-05T16:00:00');
    expect(evaluate('=date and time("2026-03-05T16:00:00@Asia/Shanghai")', {})).toBe(
      '2026-03-05T16:00:00@Asia/Shanghai',
    );
    expect(evaluate('=duration("P1D")', {})).toBe('P1D');
    expect(evaluate('=duration("PT5M")', {})).toBe('PT5M');
    expect(evaluate('=duration("P1Y2M")', {})).toBe('P1Y2M');
    expect(evaluate('=@"2026-03-05T16:00:00Z" + duration("PT1H")', {})).toBe('2026-03-05T17:00:00Z');
    expect(evaluate('=[date("2026-01-01")]', {})).toEqual(['2026-01-01']);
  });

  it('round-trips a zoned date-time through a variable', () => {
    const stored = evaluate('=date and time("2026-03-05T16:00:00@Asia/Shanghai")', {});
    expect(evaluate('=date and time(t) = date and time("2026-03-05T08:00:00Z")', { t: stored })).toBe(true);
  });

  it('maps non-finite numbers to null', () => {
    expect(evaluate('=10 ** 400', {})).toBeNull();
    expect(evaluate('=1 / 0', {})).toBeNull();
  });

  it('throws a FeelError naming the expression on a parse error', () => {
    const error = feelError(() => evaluate('=1 +', {}));
    expect(error.expression).toBe('=1 +');
    expect(error.message).toContain("'=1 +'");
    expect(error.message).toMatch(/failed to parse/);
    expect(feelError(() => evaluate('=a b c ))', {})).message).toContain("'=a b c ))'");
  });

  it('throws a FeelError for an empty expression', () => {
    expect(feelError(() => evaluate('=', {})).message).toMatch(/empty/);
    expect(feelError(() => evaluate('=   ', {})).message).toMatch(/empty/);
  });

  it('throws a FeelError when the interpreter itself fails', () => {
    const variables = { f: (_a: unknown) => { throw new Error('boom'); } };
    const error = feelError(() => evaluate('=f(1)', variables));
    expect(error.message).toBe("failed to evaluate expression '=f(1)': boom");
    expect(error.expression).toBe('=f(1)');
  });

  it('rejects results that are not storable values (functions, ranges)', () => {
    expect(feelError(() => evaluate('=function(a) a + 1', {})).message).toMatch(/a function/);
    expect(feelError(() => evaluate('=[1..3]', {})).message).toMatch(/range/);
    expect(feelError(() => evaluate('={f: function(a) a}', {})).message).toMatch(/at 'f'/);
  });

  it('rejects a non-string expression', () => {
    expect(() => evaluate(42 as unknown as string, {})).toThrow(FeelError);
  });

  it('does not modify the variables', () => {
    const variables = { a: { b: [1, 2] } };
    evaluate('=append(a.b, 3)', variables);
    expect(variables).toEqual({ a: { b: [1, 2] } });
  });

  it('provides Zeebe cycle() and reads now()/today() from options.now', () => {
    expect(evaluate('=cycle(duration("PT1H"))', {})).toBe('R/PT1H');
    expect(evaluate('=cycle(3, duration("PT1H"))', {})).toBe('R3/PT1H');
    expect(evaluate('=cycle("x")', {})).toBeNull();
    const now = new Date('2020-01-01T12:00:00Z');
    expect(evaluate('=now()', {}, { now })).toBe('2020-01-01T12:00:00Z');
    expect(evaluate('=today()', {}, { now })).toBe('2020-01-01');
    expect(evaluate('=now', { now: 5 }, { now })).toBe(5);
    expect(evaluate('=cycle', { cycle: 'mine' })).toBe('mine');
  });
});

describe('evaluateCondition', () => {
  it('returns the boolean', () => {
    expect(evaluateCondition('=x > 1', { x: 2 })).toBe(true);
    expect(evaluateCondition('=x > 1', { x: 0 })).toBe(false);
    expect(evaluateCondition('=approved', { approved: false })).toBe(false);
    expect(evaluateCondition('=true', {})).toBe(true);
  });

  it('rejects null, naming the expression and the cause', () => {
    const error = feelError(() => evaluateCondition('=x > 1', {}));
    expect(error.message).toContain("condition '=x > 1' did not evaluate to a boolean");
    expect(error.message).toContain('null');
    expect(error.message).toContain("Variable 'x' not found");
    expect(error.expression).toBe('=x > 1');
  });

  it('rejects non-boolean values', () => {
    expect(feelError(() => evaluateCondition('=1', {})).message).toMatch(/did not evaluate to a boolean: got the number 1/);
    expect(feelError(() => evaluateCondition('="true"', {})).message).toMatch(/the string "true"/);
    expect(feelError(() => evaluateCondition('=[true]', {})).message).toMatch(/a list/);
    expect(feelError(() => evaluateCondition('={a: true}', {})).message).toMatch(/a context/);
  });

  it('rejects a static string (conditions must be FEEL)', () => {
    expect(feelError(() => evaluateCondition('true', {})).message).toMatch(/did not evaluate to a boolean/);
  });

  it('rejects a parse error', () => {
    expect(feelError(() => evaluateCondition('=x >', {})).message).toMatch(/failed to parse/);
  });
});

describe('evaluateString', () => {
  it('returns strings, static or from FEEL', () => {
    expect(evaluateString('order-created', {}, 'message name')).toBe('order-created');
    expect(evaluateString('=key', { key: 'abc' }, 'correlation key')).toBe('abc');
    expect(evaluateString('=""', {}, 'assignee')).toBe('');
  });

  it('converts numbers to strings', () => {
    expect(evaluateString('=id', { id: 123 }, 'correlation key')).toBe('123');
    expect(evaluateString('=1.5', {}, 'correlation key')).toBe('1.5');
  });

  it('rejects null, mentioning what was evaluated', () => {
    const error = feelError(() => evaluateString('=orderId', {}, 'correlation key'));
    expect(error.message).toMatch(/^correlation key expression '=orderId' evaluated to null; expected a string/);
    expect(error.message).toContain("Variable 'orderId' not found");
  });

  it('rejects other types', () => {
    expect(feelError(() => evaluateString('=true', {}, 'job type')).message).toMatch(/job type.*the boolean true/);
    expect(feelError(() => evaluateString('=[1]', {}, 'form id')).message).toMatch(/form id.*a list/);
    expect(feelError(() => evaluateString('={}', {}, 'assignee')).message).toMatch(/assignee.*a context/);
  });
});

describe('evaluateList', () => {
  it('returns a FEEL list', () => {
    expect(evaluateList('=items', { items: [1, { a: 2 }] }, 'input collection')).toEqual([1, { a: 2 }]);
    expect(evaluateList('=["a", "b"]', {}, 'candidate groups')).toEqual(['a', 'b']);
    expect(evaluateList('=[]', {}, 'input collection')).toEqual([]);
  });

  it('splits a static comma-separated string', () => {
    expect(evaluateList('a, b', {}, 'candidate groups')).toEqual(['a', 'b']);
    expect(evaluateList('sales', {}, 'candidate groups')).toEqual(['sales']);
    expect(evaluateList(' a ,, b , ', {}, 'candidate groups')).toEqual(['a', 'b']);
    expect(evaluateList('', {}, 'candidate groups')).toEqual([]);
  });

  it('rejects null, mentioning what', () => {
    const error = feelError(() => evaluateList('=items', {}, 'input collection'));
    expect(error.message).toMatch(/^input collection expression '=items' evaluated to null; expected a list/);
  });

  it('rejects non-lists (a FEEL string is not split)', () => {
    expect(feelError(() => evaluateList('="a,b"', {}, 'candidate groups')).message).toMatch(
      /candidate groups.*the string "a,b"; expected a list/,
    );
    expect(feelError(() => evaluateList('=5', {}, 'input collection')).message).toMatch(/the number 5/);
  });
});

describe('parseDuration', () => {
  it('parses ISO-8601 durations', () => {
    const zero = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
    expect(parseDuration('P1D')).toEqual({ ...zero, days: 1 });
    expect(parseDuration('PT5M')).toEqual({ ...zero, minutes: 5 });
    expect(parseDuration('P1DT2H')).toEqual({ ...zero, days: 1, hours: 2 });
    expect(parseDuration('P1W')).toEqual({ ...zero, weeks: 1 });
    expect(parseDuration('P1Y2M')).toEqual({ ...zero, years: 1, months: 2 });
    expect(parseDuration('P1Y2M3W4DT5H6M7.5S')).toEqual({
      years: 1,
      months: 2,
      weeks: 3,
      days: 4,
      hours: 5,
      minutes: 6,
      seconds: 7.5,
    });
    expect(parseDuration(' pt10m ')).toEqual({ ...zero, minutes: 10 });
  });

  it.each(['', 'P', 'PT', 'P1DT', '1D', 'PT5', 'P1.5D', 'PT1H2', 'P1M1Y', 'five minutes', 'R/PT1H', 'P-1D'])(
    'rejects %j',
    (bad) => {
      const error = feelError(() => parseDuration(bad));
      expect(error.message).toMatch(/not an ISO-8601 duration/);
      expect(error.expression).toBe(bad);
    },
  );

  it('rejects negative durations and non-strings', () => {
    expect(feelError(() => parseDuration('-PT5M')).message).toMatch(/negative/);
    expect(() => parseDuration(5 as unknown as string)).toThrow(FeelError);
  });
});

describe('addDuration', () => {
  const at = (iso: string) => new Date(iso);

  it('adds time and day parts', () => {
    expect(addDuration(NOW, 'PT5M').toISOString()).toBe('2026-03-02T01:05:00.000Z');
    expect(addDuration(NOW, 'P1D').toISOString()).toBe('2026-03-03T01:00:00.000Z');
    expect(addDuration(NOW, 'P1DT2H').toISOString()).toBe('2026-03-03T03:00:00.000Z');
    expect(addDuration(NOW, 'P1W').toISOString()).toBe('2026-03-09T01:00:00.000Z');
    expect(addDuration(NOW, 'PT1.5S').toISOString()).toBe('2026-03-02T01:00:01.500Z');
    expect(addDuration(NOW, 'PT36H').toISOString()).toBe('2026-03-03T13:00:00.000Z');
  });

  it('adds calendar months and years in UTC, clamping to the end of the month', () => {
    expect(addDuration(NOW, 'P1Y2M').toISOString()).toBe('2027-05-02T01:00:00.000Z');
    expect(addDuration(at('2026-01-31T10:00:00Z'), 'P1M').toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addDuration(at('2028-01-31T10:00:00Z'), 'P1M').toISOString()).toBe('2028-02-29T10:00:00.000Z');
    expect(addDuration(at('2028-02-29T00:00:00Z'), 'P1Y').toISOString()).toBe('2029-02-28T00:00:00.000Z');
    expect(addDuration(at('2026-11-15T00:00:00Z'), 'P3M').toISOString()).toBe('2027-02-15T00:00:00.000Z');
    expect(addDuration(at('2026-01-31T00:00:00Z'), 'P1M1D').toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('does not modify the given date', () => {
    const date = new Date(NOW);
    addDuration(date, 'P1M');
    expect(date.toISOString()).toBe(NOW.toISOString());
  });

  it('rejects a bad duration or date', () => {
    expect(() => addDuration(NOW, 'tomorrow')).toThrow(FeelError);
    expect(() => addDuration(new Date('nope'), 'P1D')).toThrow(FeelError);
    expect(() => addDuration(new Date(8.64e15), 'P1D')).toThrow(/representable range/);
  });
});

describe('evaluateTimer', () => {
  describe('timeDuration', () => {
    it('adds a static duration to now', () => {
      expect(evaluateTimer('timeDuration', 'PT5M', {}, NOW)).toEqual({ dueAt: new Date('2026-03-02T01:05:00Z') });
      expect(evaluateTimer('timeDuration', 'P1D', {}, NOW).dueAt.toISOString()).toBe('2026-03-03T01:00:00.000Z');
      expect(evaluateTimer('timeDuration', 'P1W', {}, NOW).dueAt.toISOString()).toBe('2026-03-09T01:00:00.000Z');
      expect(evaluateTimer('timeDuration', 'P1Y2M', {}, NOW).dueAt.toISOString()).toBe('2027-05-02T01:00:00.000Z');
      expect(evaluateTimer('timeDuration', ' P1DT2H ', {}, NOW).dueAt.toISOString()).toBe('2026-03-03T03:00:00.000Z');
    });

    it('accepts a FEEL duration or a FEEL string', () => {
      expect(evaluateTimer('timeDuration', '=duration("PT10M")', {}, NOW).dueAt.toISOString()).toBe(
        '2026-03-02T01:10:00.000Z',
      );
      expect(evaluateTimer('timeDuration', '=wait', { wait: 'P2D' }, NOW).dueAt.toISOString()).toBe(
        '2026-03-04T01:00:00.000Z',
      );
      expect(evaluateTimer('timeDuration', '=duration("P1Y2M")', {}, NOW).dueAt.toISOString()).toBe(
        '2027-05-02T01:00:00.000Z',
      );
      expect(evaluateTimer('timeDuration', '="P1W"', {}, NOW).dueAt.toISOString()).toBe('2026-03-09T01:00:00.000Z');
    });

    it('has no repetitions or interval', () => {
      const schedule = evaluateTimer('timeDuration', 'PT1M', {}, NOW);
      expect(schedule.repetitions).toBeUndefined();
      expect(schedule.interval).toBeUndefined();
    });

    it('rejects null, empty, non-durations and bad text', () => {
      expect(feelError(() => evaluateTimer('timeDuration', '=wait', {}, NOW)).message).toMatch(
        /timer timeDuration expression '=wait' evaluated to null \(Variable 'wait' not found\)/,
      );
      expect(feelError(() => evaluateTimer('timeDuration', '=""', {}, NOW)).message).toMatch(/empty string/);
      expect(feelError(() => evaluateTimer('timeDuration', '', {}, NOW)).message).toMatch(/empty string/);
      expect(feelError(() => evaluateTimer('timeDuration', '=5', {}, NOW)).message).toMatch(
        /the number 5; expected a duration/,
      );
      expect(feelError(() => evaluateTimer('timeDuration', '5 minutes', {}, NOW)).message).toMatch(
        /not an ISO-8601 duration/,
      );
      expect(feelError(() => evaluateTimer('timeDuration', '=duration("-PT5M")', {}, NOW)).message).toMatch(
        /negative/,
      );
      expect(feelError(() => evaluateTimer('timeDuration', '=duration(', {}, NOW)).message).toMatch(/failed to parse/);
    });

    it('rejects an invalid now', () => {
      expect(() => evaluateTimer('timeDuration', 'PT1M', {}, new Date('nope'))).toThrow(FeelError);
    });
  });

  describe('timeDate', () => {
    it.each([
      ['2026-03-05T16:00:00Z', '2026-03-05T16:00:00.000Z'],
      ['2026-03-05T16:00:00+08:00', '2026-03-05T08:00:00.000Z'],
      ['2026-03-05T16:00:00-05:00', '2026-03-05T21:00:00.000Z'],
      ['2026-03-05T16:00:00+0800', '2026-03-05T08:00:00.000Z'],
      ['2026-03-05T16:00:00.250Z', '2026-03-05T16:00:00.250Z'],
      ['2026-03-05T16:00Z', '2026-03-05T16:00:00.000Z'],
      ['2026-03-05T16:00:00', '2026-03-05T16:00:00.000Z'],
      ['2026-03-05T16:00:00@Asia/Shanghai', '2026-03-05T08:00:00.000Z'],
      ['2026-03-05T16:00:00[Asia/Shanghai]', '2026-03-05T08:00:00.000Z'],
      ['2026-03-05T16:00:00+08:00[Asia/Shanghai]', '2026-03-05T08:00:00.000Z'],
      ['2026-07-01T12:00:00[Europe/Berlin]', '2026-07-01T10:00:00.000Z'],
    ])('reads the static date-time %s', (text, expected) => {
      expect(evaluateTimer('timeDate', text, {}, NOW)).toEqual({ dueAt: new Date(expected) });
    });

    it('accepts a FEEL date and time (zoned, offset, local) or a string', () => {
      const due = (expression: string, variables: Record<string, unknown> = {}) =>
        evaluateTimer('timeDate', expression, variables, NOW).dueAt.toISOString();
      expect(due('=date and time("2026-03-05T16:00:00+08:00")')).toBe('2026-03-05T08:00:00.000Z');
      expect(due('=date and time("2026-03-05T16:00:00@Asia/Shanghai")')).toBe('2026-03-05T08:00:00.000Z');
      expect(due('=date and time("2026-03-05T16:00:00")')).toBe('2026-03-05T16:00:00.000Z');
      expect(due('=deadline', { deadline: '2026-03-05T16:00:00Z' })).toBe('2026-03-05T16:00:00.000Z');
      expect(due('=date and time(d) + duration("P1D")', { d: '2026-03-05T16:00:00Z' })).toBe(
        '2026-03-06T16:00:00.000Z',
      );
    });

    it('reads FEEL now() from the given now', () => {
      expect(evaluateTimer('timeDate', '=now() + duration("PT1H")', {}, NOW).dueAt.toISOString()).toBe(
        '2026-03-02T02:00:00.000Z',
      );
    });

    it('keeps a date in the past (due now)', () => {
      expect(evaluateTimer('timeDate', '2020-01-01T00:00:00Z', {}, NOW).dueAt.toISOString()).toBe(
        '2020-01-01T00:00:00.000Z',
      );
    });

    it.each([
      ['2026-03-05', /not an ISO-8601 date and time/],
      ['2026-13-45T00:00:00Z', /not an ISO-8601 date and time/],
      ['2026-03-05T25:00:00Z', /not an ISO-8601 date and time/],
      ['2026-03-05T16:00:00@Not/AZone', /not an ISO-8601 date and time/],
      ['tomorrow', /not an ISO-8601 date and time/],
      ['2026-03-05 16:00:00Z', /not an ISO-8601 date and time/],
      ['=date("2026-03-05")', /the date 2026-03-05; expected a date and time/],
      ['=5', /the number 5; expected a date and time/],
      ['=duration("P1D")', /expected a date and time/],
      ['=deadline', /evaluated to null/],
      ['=""', /empty string/],
      ['=date and time("nope")', /evaluated to null .*not a valid date time/],
    ])('rejects %s', (expression, message) => {
      const error = feelError(() => evaluateTimer('timeDate', expression, {}, NOW));
      expect(error.message).toMatch(message);
      expect(error.message).toContain('timeDate');
      expect(error.expression).toBe(expression);
    });
  });

  describe('timeCycle', () => {
    it('reads R5/PT10M: 5 firings, the first after one interval', () => {
      expect(evaluateTimer('timeCycle', 'R5/PT10M', {}, NOW)).toEqual({
        dueAt: new Date('2026-03-02T01:10:00Z'),
        repetitions: 5,
        interval: 'PT10M',
      });
    });

    it('reads R/PT1H as infinite', () => {
      expect(evaluateTimer('timeCycle', 'R/PT1H', {}, NOW)).toEqual({
        dueAt: new Date('2026-03-02T02:00:00Z'),
        repetitions: -1,
        interval: 'PT1H',
      });
    });

    it('reads a start date: the first firing at the start', () => {
      expect(evaluateTimer('timeCycle', 'R3/2026-03-05T00:00:00Z/P1D', {}, NOW)).toEqual({
        dueAt: new Date('2026-03-05T00:00:00Z'),
        repetitions: 3,
        interval: 'P1D',
      });
      expect(evaluateTimer('timeCycle', 'R/2026-03-05T08:00:00+08:00/PT12H', {}, NOW)).toEqual({
        dueAt: new Date('2026-03-05T00:00:00Z'),
        repetitions: -1,
        interval: 'PT12H',
      });
    });

    it('fires a counted cycle whose start is in the past now', () => {
      expect(evaluateTimer('timeCycle', 'R3/2020-01-01T00:00:00Z/P1D', {}, NOW).dueAt).toEqual(NOW);
    });

    it('keeps the time of day of an endless cycle whose start is in the past', () => {
      // NOW is 09:00 in China: the daily 08:00 comes next tomorrow, the 12:00 today; a quarter-hour now
      expect(evaluateTimer('timeCycle', 'R/2026-01-01T08:00:00+08:00/P1D', {}, NOW).dueAt).toEqual(new Date('2026-03-03T00:00:00Z'));
      expect(evaluateTimer('timeCycle', 'R/2026-01-01T12:00:00+08:00/P1D', {}, NOW).dueAt).toEqual(new Date('2026-03-02T04:00:00Z'));
      expect(evaluateTimer('timeCycle', 'R/2020-01-01T00:00:00Z/PT15M', {}, NOW).dueAt).toEqual(NOW);
      expect(evaluateTimer('timeCycle', 'R/2025-01-31T00:00:00Z/P1M', {}, NOW).dueAt).toEqual(new Date('2026-03-28T00:00:00Z'));
    });

    it('accepts FEEL strings and Zeebe cycle()', () => {
      expect(evaluateTimer('timeCycle', '=c', { c: 'R2/P1D' }, NOW)).toEqual({
        dueAt: new Date('2026-03-03T01:00:00Z'),
        repetitions: 2,
        interval: 'P1D',
      });
      expect(evaluateTimer('timeCycle', '=cycle(duration("PT1H"))', {}, NOW)).toMatchObject({
        repetitions: -1,
        interval: 'PT1H',
      });
      expect(evaluateTimer('timeCycle', '=cycle(3, duration("PT1H"))', {}, NOW)).toMatchObject({
        repetitions: 3,
        interval: 'PT1H',
      });
      expect(evaluateTimer('timeCycle', '="R" + string(n) + "/PT5M"', { n: 4 }, NOW)).toMatchObject({
        repetitions: 4,
        interval: 'PT5M',
      });
    });

    it('rejects a bare duration: not a cycle', () => {
      expect(feelError(() => evaluateTimer('timeCycle', 'PT10M', {}, NOW)).message).toMatch(
        /'PT10M' is a duration, not a cycle/,
      );
      expect(feelError(() => evaluateTimer('timeCycle', '=duration("PT10M")', {}, NOW)).message).toMatch(
        /the duration PT10M; expected a repeating interval/,
      );
    });

    it('rejects cron expressions as unsupported', () => {
      expect(feelError(() => evaluateTimer('timeCycle', '0 0 9 * * MON-FRI', {}, NOW)).message).toMatch(
        /cron expressions are not supported/,
      );
      expect(feelError(() => evaluateTimer('timeCycle', '*/5 * * * *', {}, NOW)).message).toMatch(
        /cron expressions are not supported/,
      );
      expect(feelError(() => evaluateTimer('timeCycle', '=c', { c: '@daily' }, NOW)).message).toMatch(
        /cron expressions are not supported/,
      );
    });

    it.each([
      ['R5', /not an ISO-8601 repeating interval/],
      ['R5/', /not an ISO-8601 duration/],
      ['Rx/PT1M', /not an ISO-8601 repeating interval/],
      ['R-1/PT1M', /not an ISO-8601 repeating interval/],
      ['R5/PT1M/2026-03-05T00:00:00Z', /not an ISO-8601 duration/],
      ['R5/a/b/c', /not an ISO-8601 repeating interval/],
      ['R3/nope/P1D', /start 'nope'.*not an ISO-8601 date and time/],
      ['R0/PT1M', /R0 .*would never fire/],
      ['R/PT0S', /longer than zero/],
      ['R99999999999999999999/PT1M', /too large/],
      ['every hour', /not an ISO-8601 repeating interval/],
      ['=c', /evaluated to null/],
      ['=5', /the number 5; expected a repeating interval/],
      ['=" "', /empty string/],
    ])('rejects %s', (expression, message) => {
      const error = feelError(() => evaluateTimer('timeCycle', expression, {}, NOW));
      expect(error.message).toMatch(message);
      expect(error.expression).toBe(expression);
    });
  });

  it('rejects an unknown kind', () => {
    expect(() => evaluateTimer('timeSomething' as 'timeDate', 'PT1M', {}, NOW)).toThrow(/unknown timer kind/);
  });

  it('never returns an invalid date', () => {
    for (const [kind, expression] of [
      ['timeDuration', 'PT1M'],
      ['timeDate', '2026-03-05T16:00:00Z'],
      ['timeCycle', 'R/PT1M'],
    ] as const) {
      expect(Number.isNaN(evaluateTimer(kind, expression, {}, NOW).dueAt.getTime())).toBe(false);
    }
  });
});

describe('nextCycle', () => {
  const fired = new Date('2026-03-02T01:10:00Z');

  it('counts repetitions down and schedules one interval after the firing', () => {
    expect(nextCycle({ interval: 'PT10M', repetitions: 5 }, fired)).toEqual({
      dueAt: new Date('2026-03-02T01:20:00Z'),
      repetitions: 4,
      interval: 'PT10M',
    });
    expect(nextCycle({ interval: 'PT10M', repetitions: 2 }, fired)?.repetitions).toBe(1);
  });

  it('returns undefined when none is left', () => {
    expect(nextCycle({ interval: 'PT10M', repetitions: 1 }, fired)).toBeUndefined();
    expect(nextCycle({ interval: 'PT10M', repetitions: 0 }, fired)).toBeUndefined();
  });

  it('keeps -1 (infinite)', () => {
    expect(nextCycle({ interval: 'P1D', repetitions: -1 }, fired)).toEqual({
      dueAt: new Date('2026-03-03T01:10:00Z'),
      repetitions: -1,
      interval: 'P1D',
    });
  });

  it('walks a whole R3 cycle', () => {
    let schedule: ReturnType<typeof nextCycle> = evaluateTimer('timeCycle', 'R3/PT1H', {}, NOW);
    const firings: string[] = [];
    for (let guard = 0; schedule && guard < 10; guard++) {
      firings.push(schedule.dueAt.toISOString());
      schedule = nextCycle({ interval: schedule.interval!, repetitions: schedule.repetitions! }, schedule.dueAt);
    }
    expect(firings).toEqual(['2026-03-02T02:00:00.000Z', '2026-03-02T03:00:00.000Z', '2026-03-02T04:00:00.000Z']);
  });

  it('re-anchors a missed firing on now when given', () => {
    const now = new Date('2026-03-02T05:00:00Z');
    expect(nextCycle({ interval: 'PT10M', repetitions: -1 }, fired, now)?.dueAt).toEqual(
      new Date('2026-03-02T05:10:00Z'),
    );
    const earlyNow = new Date('2026-03-02T01:11:00Z');
    expect(nextCycle({ interval: 'PT10M', repetitions: -1 }, fired, earlyNow)?.dueAt).toEqual(
      new Date('2026-03-02T01:20:00Z'),
    );
  });

  it('adds calendar intervals in UTC', () => {
    expect(nextCycle({ interval: 'P1M', repetitions: -1 }, new Date('2026-01-31T00:00:00Z'))?.dueAt).toEqual(
      new Date('2026-02-28T00:00:00Z'),
    );
  });

  it('rejects bad schedules', () => {
    expect(() => nextCycle({ interval: 'nope', repetitions: 3 }, fired)).toThrow(FeelError);
    expect(() => nextCycle({ interval: 'PT0S', repetitions: 3 }, fired)).toThrow(/longer than zero/);
    expect(() => nextCycle({ interval: 'PT1M', repetitions: -2 }, fired)).toThrow(/invalid repetitions/);
    expect(() => nextCycle({ interval: 'PT1M', repetitions: 1.5 }, fired)).toThrow(/invalid repetitions/);
    expect(() => nextCycle({ interval: 'PT1M', repetitions: 3 }, new Date('nope'))).toThrow(FeelError);
  });
});

describe('applyInputMappings', () => {
  it('evaluates FEEL sources and keeps static ones as strings', () => {
    expect(
      applyInputMappings(
        [
          { source: '=order.total', target: 'amount' },
          { source: '42', target: 'literal' },
          { source: '=missing', target: 'nothing' },
        ],
        { order: { total: 9.5 } },
      ),
    ).toEqual({ amount: 9.5, literal: '42', nothing: null });
  });

  it('returns only the locals, not the variables', () => {
    expect(applyInputMappings([{ source: '=a', target: 'b' }], { a: 1, other: 2 })).toEqual({ b: 1 });
    expect(applyInputMappings([], { a: 1 })).toEqual({});
  });

  it('lets later mappings see earlier targets, which shadow variables', () => {
    expect(
      applyInputMappings(
        [
          { source: '=x + 1', target: 'y' },
          { source: '=y * 10', target: 'z' },
          { source: '=5', target: 'x' },
          { source: '=x', target: 'w' },
        ],
        { x: 1, y: 100 },
      ),
    ).toEqual({ y: 2, z: 20, x: 5, w: 5 });
  });

  it('builds nested objects for dotted targets without merging the process variable', () => {
    expect(
      applyInputMappings(
        [
          { source: '=1', target: 'a.b.c' },
          { source: '=2', target: 'a.b.d' },
          { source: '=3', target: 'a.e' },
        ],
        { a: { keep: true } },
      ),
    ).toEqual({ a: { b: { c: 1, d: 2 }, e: 3 } });
  });

  it('shadows a variable only partially after a dotted target, totally after a whole one', () => {
    expect(
      applyInputMappings(
        [
          { source: '=1', target: 'a.b' },
          { source: '=a.keep', target: 'seen' },
          { source: '=a.b', target: 'seenB' },
        ],
        { a: { keep: 'kept', b: 0 } },
      ),
    ).toEqual({ a: { b: 1 }, seen: 'kept', seenB: 1 });
    expect(
      applyInputMappings(
        [
          { source: '={b: 1}', target: 'a' },
          { source: '=a.keep', target: 'seen' },
        ],
        { a: { keep: 'kept' } },
      ),
    ).toEqual({ a: { b: 1 }, seen: null });
  });

  it('replaces a non-object on a dotted path and merges into an object result', () => {
    expect(
      applyInputMappings(
        [
          { source: '=1', target: 'a' },
          { source: '=2', target: 'a.b' },
          { source: '={x: 1}', target: 'c' },
          { source: '=2', target: 'c.y' },
        ],
        {},
      ),
    ).toEqual({ a: { b: 2 }, c: { x: 1, y: 2 } });
  });

  it('does not modify the variables and is safe with __proto__', () => {
    const variables = { a: { b: 1 } };
    const result = applyInputMappings(
      [
        { source: '=2', target: 'a.c' },
        { source: '=3', target: '__proto__.polluted' },
      ],
      variables,
    );
    expect(variables).toEqual({ a: { b: 1 } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
  });

  it('fails on a bad source, naming the target and the expression', () => {
    const error = feelError(() => applyInputMappings([{ source: '=1 +', target: 'x' }], {}));
    expect(error.message).toMatch(/^input mapping to 'x' failed: failed to parse expression '=1 \+'/);
    expect(error.expression).toBe('=1 +');
  });

  it.each(['', 'a.', '.a', 'a..b'])('rejects the target %j', (target) => {
    expect(feelError(() => applyInputMappings([{ source: '=1', target }], {})).message).toMatch(
      /input mapping has an invalid target/,
    );
  });
});

describe('applyOutputMappings', () => {
  it('evaluates sources against the scope', () => {
    expect(
      applyOutputMappings(
        [
          { source: '=result.status', target: 'status' },
          { source: 'done', target: 'phase' },
        ],
        { result: { status: 'approved' } },
        { status: 'old' },
      ),
    ).toEqual({ status: 'approved', phase: 'done' });
  });

  it('keeps sibling keys of the existing process value for a nested target', () => {
    const base = { applicant: { name: 'Li', address: { city: 'Longnan', street: 'Main' } }, other: 1 };
    const result = applyOutputMappings(
      [
        { source: '=phone', target: 'applicant.phone' },
        { source: '="Wudu"', target: 'applicant.address.district' },
      ],
      { phone: '123' },
      base,
    );
    expect(result).toEqual({
      applicant: { name: 'Li', phone: '123', address: { city: 'Longnan', street: 'Main', district: 'Wudu' } },
    });
    expect(base).toEqual({ applicant: { name: 'Li', address: { city: 'Longnan', street: 'Main' } }, other: 1 });
  });

  it('creates the object when the process value is missing or not an object', () => {
    expect(applyOutputMappings([{ source: '=1', target: 'a.b' }], {}, {})).toEqual({ a: { b: 1 } });
    expect(applyOutputMappings([{ source: '=1', target: 'a.b' }], {}, { a: 'text' })).toEqual({ a: { b: 1 } });
    expect(applyOutputMappings([{ source: '=1', target: 'a.b.c' }], {}, { a: { b: [1], d: 2 } })).toEqual({
      a: { b: { c: 1 }, d: 2 },
    });
  });

  it('merges repeated targets in order, later results winning', () => {
    expect(
      applyOutputMappings(
        [
          { source: '={x: 1, y: 1}', target: 'a' },
          { source: '=2', target: 'a.y' },
          { source: '=3', target: 'b' },
          { source: '=4', target: 'b' },
        ],
        {},
        { a: { z: 0 } },
      ),
    ).toEqual({ a: { x: 1, y: 2 }, b: 4 });
  });

  it('lets later sources see earlier results', () => {
    expect(
      applyOutputMappings(
        [
          { source: '=x * 2', target: 'y' },
          { source: '=y + 1', target: 'z' },
        ],
        { x: 5, y: 0 },
        {},
      ),
    ).toEqual({ y: 10, z: 11 });
  });

  it('does not read the base for whole targets', () => {
    expect(applyOutputMappings([{ source: '=v', target: 'a' }], {}, { a: { keep: 1 } })).toEqual({ a: null });
  });

  it('fails on a bad source, naming the target', () => {
    const error = feelError(() => applyOutputMappings([{ source: '=f(', target: 'out' }], {}, {}));
    expect(error.message).toMatch(/^output mapping to 'out' failed: failed to parse/);
    expect(feelError(() => applyOutputMappings([{ source: '=[1..2]', target: 'r' }], {}, {})).message).toMatch(
      /output mapping to 'r' failed: .*range/,
    );
  });

  it.each(['', 'a.', '..'])('rejects the target %j', (target) => {
    expect(feelError(() => applyOutputMappings([{ source: '=1', target }], {}, {})).message).toMatch(
      /output mapping has an invalid target/,
    );
  });
});

describe('reused FEEL results (createFeelMemo)', () => {
  const counting = () => {
    const memo = createFeelMemo();
    let computed = 0;
    const run = (expression: string, context: Record<string, unknown>) =>
      memo(expression, context, () => {
        computed++;
        return { value: evaluate(`=${expression}`, context), warnings: [] };
      });
    return { run, computed: () => computed };
  };

  it('given the values an expression names, when they change, then it is evaluated again; when they repeat, the result is reused', () => {
    const m = counting();
    expect(m.run('amount > 1000', { amount: 2000, other: 1 }).value).toBe(true);
    expect(m.run('amount > 1000', { amount: 2000, other: 2 }).value).toBe(true);
    expect(m.run('amount > 1000', { amount: 10, other: 2 }).value).toBe(false);
    expect(m.run('reply.publishable = true', { reply: { publishable: false } }).value).toBe(false);
    expect(m.run('reply.publishable = true', { reply: { publishable: true } }).value).toBe(true);
    expect(m.computed()).toBe(4);
  });

  it('given a context key with a space (a FEEL name the words of the expression cannot show), then nothing is reused', () => {
    const m = counting();
    m.run('1 + 1', { 'a b': 1 });
    m.run('1 + 1', { 'a b': 2 });
    expect(m.computed()).toBe(2);
  });

  it('given a result that is a list or a context, then it is not kept (a caller may change it)', () => {
    const m = counting();
    m.run('[x]', { x: 1 });
    m.run('[x]', { x: 1 });
    expect(m.computed()).toBe(2);
  });
});
