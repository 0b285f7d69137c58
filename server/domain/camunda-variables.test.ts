import { describe, expect, it } from '@jest/globals';
import { camundaDate, fromTyped, fromTypedMap, toTyped, toTypedMap, VariableInputError } from './camunda-variables.js';

describe('Camunda 7 typed variables: out', () => {
  it('given JSON values, when typed for a Camunda 7 client, then each gets the type the client expects with an empty valueInfo', () => {
    expect(toTyped('龙南镇')).toEqual({ type: 'String', value: '龙南镇', valueInfo: {} });
    expect(toTyped(42)).toEqual({ type: 'Integer', value: 42, valueInfo: {} });
    expect(toTyped(-(2 ** 31))).toEqual({ type: 'Integer', value: -(2 ** 31), valueInfo: {} });
    expect(toTyped(2 ** 31)).toEqual({ type: 'Long', value: 2 ** 31, valueInfo: {} });
    expect(toTyped(1772413200000)).toEqual({ type: 'Long', value: 1772413200000, valueInfo: {} });
    expect(toTyped(2.5)).toEqual({ type: 'Double', value: 2.5, valueInfo: {} });
    expect(toTyped(true)).toEqual({ type: 'Boolean', value: true, valueInfo: {} });
    expect(toTyped(null)).toEqual({ type: 'Null', value: null, valueInfo: {} });
    expect(toTyped({ a: [1, '二'] })).toEqual({ type: 'Json', value: '{"a":[1,"二"]}', valueInfo: {} });
    expect(toTyped(['x'])).toEqual({ type: 'Json', value: '["x"]', valueInfo: {} });
  });

  it('given a list of names, when the variables are typed, then only those present are returned; without a list, all', () => {
    const vars = { a: 1, b: 'x', c: null };
    expect(Object.keys(toTypedMap(vars, ['a', 'c', 'missing']))).toEqual(['a', 'c']);
    expect(Object.keys(toTypedMap(vars))).toEqual(['a', 'b', 'c']);
    expect(toTypedMap(vars, [])).toEqual({});
  });

  it('given an instant, when written in Camunda 7’s date format, then it is UTC with +0000', () => {
    expect(camundaDate(new Date('2026-03-02T01:00:00.000Z'))).toBe('2026-03-02T01:00:00.000+0000');
  });
});

describe('Camunda 7 typed variables: in', () => {
  it('given each supported type, in any case, when read, then the app gets the JSON value', () => {
    expect(fromTypedMap({
      s: { type: 'string', value: '已签收' },
      i: { type: 'Integer', value: 7 },
      sh: { type: 'short', value: '12' },
      l: { type: 'LONG', value: 1772413200000 },
      d: { type: 'double', value: 0.5 },
      b: { type: 'boolean', value: false },
      n: { type: 'null', value: null },
      j: { type: 'json', value: '{"units":["u-1"]}' },
      o: { type: 'Object', value: '[1,2]', valueInfo: { serializationDataFormat: 'application/json', objectTypeName: 'java.util.ArrayList' } },
      dt: { type: 'Date', value: '2026-03-02T09:00:00.000+0800' },
      untyped: { value: { x: 1 } },
      nullString: { type: 'String', value: null },
    })).toEqual({ s: '已签收', i: 7, sh: 12, l: 1772413200000, d: 0.5, b: false, n: null, j: { units: ['u-1'] }, o: [1, 2], dt: '2026-03-02T01:00:00.000Z', untyped: { x: 1 }, nullString: null });
  });

  it('given a value the app cannot keep or a wrong value for its type, when read, then it is refused naming the variable', () => {
    const refused = (typed: unknown) => {
      try {
        fromTyped('attachment', typed);
      } catch (err) {
        expect(err).toBeInstanceOf(VariableInputError);
        return (err as Error).message;
      }
      throw new Error(`accepted ${JSON.stringify(typed)}`);
    };
    expect(refused({ type: 'Bytes', value: 'AAEC' })).toMatch(/attachment.*Bytes.*not supported/);
    expect(refused({ type: 'file', value: 'x', valueInfo: { filename: 'a.pdf' } })).toMatch(/attachment/);
    expect(refused({ type: 'Object', value: 'rO0AB', valueInfo: { serializationDataFormat: 'application/x-java-serialized-object' } })).toMatch(/application\/json/);
    expect(refused({ type: 'Json', value: '{not json' })).toMatch(/not valid JSON/);
    expect(refused({ type: 'Integer', value: 2 ** 31 })).toMatch(/outside the range of Integer/);
    expect(refused({ type: 'Integer', value: 1.5 })).toMatch(/whole number/);
    expect(refused({ type: 'Short', value: 40000 })).toMatch(/Short/);
    expect(refused({ type: 'Boolean', value: 'yes' })).toMatch(/Boolean/);
    expect(refused({ type: 'String', value: 5 })).toMatch(/String/);
    expect(refused({ type: 'Date', value: 'tomorrow' })).toMatch(/Date/);
    expect(refused({ type: 'Spin', value: 'x' })).toMatch(/unknown type/);
    expect(refused('plain')).toMatch(/must be an object/);
  });

  it('given a bad map or a bad variable name, when read, then it is refused; absent maps are empty', () => {
    expect(fromTypedMap(undefined)).toEqual({});
    expect(fromTypedMap(null)).toEqual({});
    expect(() => fromTypedMap([], 'localVariables')).toThrow(/localVariables must be an object/);
    expect(() => fromTypedMap({ '1st': { value: 1 } })).toThrow(/not a valid variable name/);
    expect(() => fromTypedMap({ 'a-b': { value: 1 } })).toThrow(VariableInputError);
  });

  it('given a value typed out, when read back in, then it is the same JSON value', () => {
    const vars = { a: 'x', b: 3, c: 2 ** 40, d: 1.25, e: true, f: null, g: { h: [1, { i: '二' }] } };
    expect(fromTypedMap(toTypedMap(vars))).toEqual(vars);
  });
});
