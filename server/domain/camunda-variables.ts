/**
 * Camunda 7's typed variables (the external-task REST protocol, issue 19) to and from the app's
 * JSON variables. Pure. Out: each value with the type a Camunda 7 client expects (`Integer` within
 * 32 bits, `Long` beyond, `Double` for fractions, `Json` — a JSON string — for objects and lists).
 * In: the types the clients send (case-insensitive: the JS client writes them in lower case); a
 * value the app cannot keep as JSON (Bytes, File, a Java-serialized Object) is refused naming the
 * variable. Also Camunda 7's date format (`yyyy-MM-dd'T'HH:mm:ss.SSSZ`).
 */

export interface TypedValue {
  type: string;
  value: unknown;
  valueInfo: Record<string, unknown>;
}

/** a refused variable map: the message names the variable and says why (answered as a 400) */
export class VariableInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VariableInputError';
  }
}

/** the names the app's variables may have (the engine checks names too) */
export const VARIABLE_NAME = /^[A-Za-z_][\w]{0,127}$/;

const INT32 = 2 ** 31;

/** one JSON value as Camunda 7 types it */
export function toTyped(value: unknown): TypedValue {
  if (value === null || value === undefined) return { type: 'Null', value: null, valueInfo: {} };
  if (typeof value === 'string') return { type: 'String', value, valueInfo: {} };
  if (typeof value === 'boolean') return { type: 'Boolean', value, valueInfo: {} };
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return { type: value >= -INT32 && value < INT32 ? 'Integer' : 'Long', value, valueInfo: {} };
    return { type: 'Double', value, valueInfo: {} };
  }
  if (value instanceof Date) return { type: 'Date', value: camundaDate(value), valueInfo: {} };
  return { type: 'Json', value: JSON.stringify(value), valueInfo: {} };
}

/** the variables as Camunda 7 types them; only `names` when given (absent ones are left out, as Camunda does) */
export function toTypedMap(variables: Record<string, unknown>, names?: readonly string[] | null): Record<string, TypedValue> {
  const out: Record<string, TypedValue> = {};
  const keys = names ?? Object.keys(variables);
  for (const k of keys) if (Object.prototype.hasOwnProperty.call(variables, k)) out[k] = toTyped(variables[k]);
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function integer(name: string, value: unknown, type: string, min: number, max: number): number {
  const n = typeof value === 'string' && /^-?\d{1,19}$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new VariableInputError(`variable ${name}: a ${type} must be a whole number`);
  if (n < min || n > max) throw new VariableInputError(`variable ${name}: ${n} is outside the range of ${type}`);
  return n;
}

/** one typed value as the app keeps it (JSON) */
export function fromTyped(name: string, typed: unknown): unknown {
  if (!isObject(typed)) throw new VariableInputError(`variable ${name} must be an object {value, type, valueInfo}`);
  const { value } = typed;
  const rawType = typed.type;
  if (rawType !== undefined && rawType !== null && typeof rawType !== 'string') throw new VariableInputError(`variable ${name}: type must be a string`);
  const type = (rawType ?? '').toLowerCase();
  if (type === 'bytes' || type === 'file') throw new VariableInputError(`variable ${name}: type ${rawType} is not supported (files and bytes are not kept as process variables)`);
  if (value === null || value === undefined) {
    if (type === '' || type === 'null' || KNOWN.has(type)) return null;
    throw new VariableInputError(`variable ${name}: unknown type ${rawType}`);
  }
  switch (type) {
    case '':
      // untyped: the value as JSON gives it (Camunda 7 takes it as Jackson reads it)
      return value;
    case 'null':
      throw new VariableInputError(`variable ${name}: a Null variable has no value`);
    case 'string':
      if (typeof value !== 'string') throw new VariableInputError(`variable ${name}: a String must be text`);
      return value;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw new VariableInputError(`variable ${name}: a Boolean must be true or false`);
    case 'short':
      return integer(name, value, 'Short', -(2 ** 15), 2 ** 15 - 1);
    case 'integer':
      return integer(name, value, 'Integer', -INT32, INT32 - 1);
    case 'long':
      return integer(name, value, 'Long', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case 'double': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw new VariableInputError(`variable ${name}: a Double must be a finite number`);
      return n;
    }
    case 'date': {
      const ms = typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : NaN;
      if (!Number.isFinite(ms)) throw new VariableInputError(`variable ${name}: a Date must be written ${CAMUNDA_DATE_PATTERN}`);
      return new Date(ms).toISOString();
    }
    case 'json':
      return parseJson(name, value);
    case 'object': {
      const info = isObject(typed.valueInfo) ? typed.valueInfo : {};
      const format = typeof info.serializationDataFormat === 'string' ? info.serializationDataFormat.toLowerCase() : '';
      if (format !== 'application/json') throw new VariableInputError(`variable ${name}: an Object must be serialized as application/json (got ${format || 'none'})`);
      return parseJson(name, value);
    }
    default:
      throw new VariableInputError(`variable ${name}: unknown type ${rawType}`);
  }
}

const KNOWN = new Set(['string', 'boolean', 'short', 'integer', 'long', 'double', 'date', 'json', 'object']);

function parseJson(name: string, value: unknown): unknown {
  if (typeof value !== 'string') {
    // some clients send the structure itself
    if (typeof value === 'object') return value;
    throw new VariableInputError(`variable ${name}: a Json value must be a JSON string`);
  }
  try {
    return JSON.parse(value);
  } catch {
    throw new VariableInputError(`variable ${name}: its value is not valid JSON`);
  }
}

/** a request's variable map (`variables`, `localVariables` …): absent or null → {} */
export function fromTypedMap(map: unknown, field = 'variables'): Record<string, unknown> {
  if (map === undefined || map === null) return {};
  if (!isObject(map)) throw new VariableInputError(`${field} must be an object of variables`);
  const out: Record<string, unknown> = {};
  for (const [name, typed] of Object.entries(map)) {
    if (!VARIABLE_NAME.test(name)) throw new VariableInputError(`${field}: "${name.slice(0, 64)}" is not a valid variable name (letters, digits, _; not starting with a digit)`);
    out[name] = fromTyped(name, typed);
  }
  return out;
}

export const CAMUNDA_DATE_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSZ";

/** a Date as Camunda 7's REST API writes it, in UTC: 2026-03-02T01:00:00.000+0000 */
export function camundaDate(d: Date): string {
  return `${d.toISOString().slice(0, 23)}+0000`;
}
