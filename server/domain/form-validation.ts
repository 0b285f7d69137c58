/**
 * Server-side check of a user-task form submission against the task's Camunda Form (form-js 1.23
 * schema, `forms/*.form`), so that a forged request cannot bypass what the browser's form enforces.
 *
 * What the browser does (read from @bpmn-io/form-js-viewer 1.23.0, `dist/index.es.js`) and how it is
 * mirrored here:
 * - Only keyed input components produce values; the value path is the paths of the enclosing groups
 *   plus the key, each split on dots (`PathRegistry.getValuePath`). `expression` fields are computed
 *   and `disabled` fields are neither validated nor submitted (`Form._getSubmitData`, `validate`).
 * - `conditional.hide` is a FEEL unary test (`=…`) over the form data: the input data overlaid by the
 *   field values, with the values of hidden fields removed (`useFilteredFormData`, `ConditionChecker`).
 *   A hidden component (a group hides its children) is neither validated nor submitted. The viewer
 *   reaches that state by re-rendering; here the conditions are evaluated to a fixed point, starting
 *   from every field shown, so a hidden field's (possibly forged) value never decides a condition.
 * - `readonly` (true, or a FEEL unary test) fields show the input data; here their value is taken from
 *   the context (sanitised as the viewer does on import), never from the submission.
 * - `validate`: required, min, max, minLength, maxLength (these four may be FEEL), pattern with
 *   patternErrorMessage, validationType email / phone; numbers also check decimalDigits and increment
 *   (`Validator`, `runNumberValidation`, `runPresetValidation`). Messages are in Chinese.
 * On top of the viewer, the server checks types strictly (a forged request may send anything), drops
 * every key that is not a shown input field, refuses control characters in texts and caps them.
 *
 * Pure: no I/O. A schema the module cannot handle faithfully (`dynamiclist`, an unknown component
 * type, clashing value paths) throws {@link FormSchemaError}: that is a bug in the form, not the user's.
 */
import { evaluate as feelEvaluate, unaryTest as feelUnaryTest } from 'feelin';
import { createFeelMemo } from '../../engine/embedded/feel.js';

// the same form rules are evaluated on the same values at every submission and fixed-point round
const memoTest = createFeelMemo();
const memoValue = createFeelMemo();
const unaryTest = (expression: string, ctx: Record<string, unknown>) => memoTest(expression, ctx, () => feelUnaryTest(expression, ctx));
const evaluate = (expression: string, ctx: Record<string, unknown>) => memoValue(expression, ctx, () => feelEvaluate(expression, ctx));

export interface FormSchema {
  id: string;
  components: unknown[];
  [k: string]: unknown;
}
export interface FieldError {
  /** value path, e.g. "reply.result"; "" for the submission as a whole */
  field: string;
  /** Chinese, names the field's label */
  message: string;
}
export type FormValidation = { ok: true; values: Record<string, unknown> } | { ok: false; errors: FieldError[] };

/** the form cannot be validated as written (a programming error in `forms/`, not a user error) */
export class FormSchemaError extends Error {
  override name = 'FormSchemaError';
}

/** what a file picker must carry once the page has uploaded the files (modeler/task-form/files.ts) */
export const ATTACHMENT_REF = /^attachment:[A-Za-z0-9_-]{1,64}$/;
/** the longest text accepted in a text field or area, even without `validate.maxLength` */
export const MAX_TEXT_LENGTH = 10_000;

// ------------------------------------------------------------------------------------ the schema

type Component = Record<string, unknown> & { type: string };
type InputType = 'textfield' | 'textarea' | 'number' | 'datetime' | 'checkbox' | 'checklist' | 'radio' | 'select' | 'taglist' | 'filepicker';

const INPUT_TYPES = new Set<string>(['textfield', 'textarea', 'number', 'datetime', 'checkbox', 'checklist', 'radio', 'select', 'taglist', 'filepicker']);
/** form-js 1.23 components that carry no value (presentation, layout, the computed `expression`) */
const NON_INPUT_TYPES = new Set(['text', 'html', 'image', 'button', 'spacer', 'separator', 'table', 'iframe', 'documentPreview', 'expression']);
/** path segments that would reach an object's prototype */
const UNSAFE_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

interface Field {
  component: Component;
  type: InputType;
  path: string[];
  /** `path` joined with dots: the FieldError's `field` */
  name: string;
  /** the enclosing containers, outermost first, then the component itself (any of them may hide it) */
  chain: Component[];
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function splitPath(formId: string, component: Component, value: string): string[] {
  const segments = value.split('.');
  for (const s of segments) {
    if (s === '' || UNSAFE_SEGMENTS.has(s)) {
      throw new FormSchemaError(`form ${formId}: component ${String(component.id)} has the unusable path "${value}"`);
    }
  }
  return segments;
}

function compile(schema: FormSchema): Field[] {
  if (!isPlainObject(schema) || !Array.isArray(schema.components)) {
    throw new FormSchemaError('the form schema must be an object with a components array');
  }
  const formId = String(schema.id);
  const fields: Field[] = [];
  const walk = (components: unknown[], prefix: string[], chain: Component[]) => {
    for (const raw of components) {
      if (!isPlainObject(raw) || typeof raw.type !== 'string') {
        throw new FormSchemaError(`form ${formId}: every component must be an object with a type`);
      }
      const c = raw as Component;
      if (c.type === 'group') {
        const path = typeof c.path === 'string' && c.path !== '' ? splitPath(formId, c, c.path) : [];
        walk(Array.isArray(c.components) ? c.components : [], [...prefix, ...path], [...chain, c]);
      } else if (c.type === 'dynamiclist') {
        // a repeated group needs per-item scopes (`this`, `parent`, `i`) and array values: not built, so refused
        throw new FormSchemaError(`form ${formId}: dynamiclist (component ${String(c.id)}) is not supported by the server-side validation`);
      } else if (INPUT_TYPES.has(c.type)) {
        // a keyed field without a key cannot be bound to data (form-js requires one); it produces nothing
        if (typeof c.key !== 'string' || c.key === '') continue;
        const path = [...prefix, ...splitPath(formId, c, c.key)];
        fields.push({ component: c, type: c.type as InputType, path, name: path.join('.'), chain: [...chain, c] });
      } else if (!NON_INPUT_TYPES.has(c.type)) {
        throw new FormSchemaError(`form ${formId}: unknown component type "${c.type}" (component ${String(c.id)})`);
      }
    }
  };
  walk(schema.components, [], []);
  // two fields on one path, or one field inside another's value, would overwrite each other
  const names = fields.map((f) => f.name);
  for (const f of fields) {
    const clash = names.find((n) => n !== f.name && n.startsWith(`${f.name}.`));
    if (clash || names.indexOf(f.name) !== names.lastIndexOf(f.name)) {
      throw new FormSchemaError(`form ${formId}: the value path "${f.name}" is used twice${clash ? ` (by "${clash}")` : ''}`);
    }
  }
  for (const f of fields) {
    if (f.type === 'datetime' && !['date', 'time', 'datetime'].includes(f.component.subtype as string)) {
      throw new FormSchemaError(`form ${formId}: datetime field ${f.name} needs a subtype date, time or datetime`);
    }
  }
  return fields;
}

/** the value paths of the form's input fields (group path + key), e.g. ["reply.handledAt", ...] */
export function formFieldPaths(schema: FormSchema): string[] {
  return compile(schema).map((f) => f.name);
}

// ------------------------------------------------------------------------------- data and FEEL

/** own properties only, through plain objects: a submission cannot reach a prototype */
function getAt(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const seg of path) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

function setAt(root: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = root;
  for (const seg of path.slice(0, -1)) {
    const next = cur[seg];
    cur = isPlainObject(next) ? next : (cur[seg] = {});
  }
  cur[path[path.length - 1]] = value;
}

/**
 * The form data FEEL sees: the context overlaid by the fields' values (copy-on-write: the context is
 * not modified), then the hidden fields' values removed, with objects left empty removed too (as
 * `ConditionChecker._cleanlyClearDataAtPath` does).
 */
function formData(context: Record<string, unknown>, sets: [string[], unknown][], clears: string[][]): Record<string, unknown> {
  const root: Record<string, unknown> = { ...context };
  const copies = new WeakSet<object>([root]);
  const own = (parent: Record<string, unknown>, seg: string, create: boolean): Record<string, unknown> | undefined => {
    const next = Object.hasOwn(parent, seg) ? parent[seg] : undefined;
    if (isPlainObject(next)) {
      if (copies.has(next)) return next;
      const copy = { ...next };
      copies.add(copy);
      parent[seg] = copy;
      return copy;
    }
    if (!create) return undefined;
    const fresh: Record<string, unknown> = {};
    copies.add(fresh);
    parent[seg] = fresh;
    return fresh;
  };
  for (const [path, value] of sets) {
    let parent: Record<string, unknown> | undefined = root;
    for (const seg of path.slice(0, -1)) parent = own(parent, seg, true) as Record<string, unknown>;
    if (value === undefined) delete parent[path[path.length - 1]];
    else parent[path[path.length - 1]] = value;
  }
  for (const path of clears) {
    const parents: Record<string, unknown>[] = [root];
    for (const seg of path.slice(0, -1)) {
      const next = own(parents[parents.length - 1], seg, false);
      if (!next) break;
      parents.push(next);
    }
    if (parents.length !== path.length) continue;
    delete parents[parents.length - 1][path[path.length - 1]];
    for (let i = parents.length - 1; i > 0 && Object.keys(parents[i]).length === 0; i--) delete parents[i - 1][path[i - 1]];
  }
  return root;
}

/** the FEEL context form-js builds for the top level (`buildExpressionContext`) */
function feelContext(data: Record<string, unknown>): Record<string, unknown> {
  return { this: data, parent: null, i: [], ...data, _this_: data, _parent_: null, _i_: [] };
}

const isFeel = (x: unknown): x is string => typeof x === 'string' && x.startsWith('=');

/**
 * Is the component hidden? As in form-js, only a FEEL expression (`=…`) that yields `true` hides; a
 * plain boolean or string does nothing. A condition that cannot be evaluated (syntax error) counts as
 * "shown": then the field is validated and its value kept, which can at worst ask for a value the
 * form would not have asked for. Treating it as hidden would silently drop data, and let a required
 * field through unchecked.
 */
function hides(component: Component, ctx: Record<string, unknown>): boolean {
  const hide = (component.conditional as { hide?: unknown } | undefined)?.hide;
  if (!isFeel(hide)) return false;
  try {
    return unaryTest(hide.slice(1), ctx).value === true;
  } catch {
    return false;
  }
}

/**
 * Is the field read-only? `true`, any other truthy non-FEEL value (form-js: `readonly || false`), or
 * a FEEL test that yields true. A FEEL test that cannot be evaluated counts as read-only: the value
 * then comes from the process, the side a forged request cannot push.
 */
function isReadonly(component: Component, ctx: Record<string, unknown>): boolean {
  const ro = component.readonly;
  if (!isFeel(ro)) return Boolean(ro);
  try {
    return unaryTest(ro.slice(1), ctx).value === true;
  } catch {
    return true;
  }
}

/** a `validate` property that may be FEEL (form-js: min, max, minLength, maxLength); null → undefined */
function feelValue(value: unknown, ctx: Record<string, unknown>): unknown {
  if (!isFeel(value)) return value;
  try {
    return evaluate(value.slice(1), ctx).value ?? undefined;
  } catch {
    return undefined;
  }
}

/** the label the user sees: `label` (datetime: `dateLabel`/`timeLabel`), templates filled in; else the path */
function labelOf(field: Field, ctx: Record<string, unknown>): string {
  const c = field.component;
  const raw = [c.label, c.dateLabel, c.timeLabel].find((l) => typeof l === 'string' && l.trim() !== '') as string | undefined;
  if (raw === undefined) return field.name;
  try {
    let text: string;
    if (raw.startsWith('=')) {
      text = String(evaluate(raw.slice(1), ctx).value ?? '');
    } else if (/\{\{\s*[#/]/.test(raw)) {
      text = raw.replace(/\{\{[\s\S]*?\}\}/g, ''); // block tags (#if, #loop) are not rendered here
    } else {
      text = raw.replace(/\{\{([\s\S]*?)\}\}/g, (_, inner: string) => {
        const v = evaluate(inner.trim(), ctx).value;
        return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      });
    }
    text = text.split('\n')[0].trim();
    return text === '' ? field.name : text;
  } catch {
    return field.name;
  }
}

// ------------------------------------------------------------------------------------- options

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

const isAllowedPrimitive = (v: unknown) => ['number', 'string', 'boolean'].includes(typeof v) && (Boolean(v) || v === 0 || v === false);
const isAllowedValue = (v: unknown) => (isPlainObject(v) ? Object.keys(v).length > 0 : isAllowedPrimitive(v));

/** the option values, normalised as form-js does (`normalizeOptionsData`): primitives or `{ label?, value }` */
function optionValues(list: unknown): unknown[] | null {
  if (!Array.isArray(list)) return null;
  const values: unknown[] = [];
  for (const o of list) {
    if (isAllowedPrimitive(o)) values.push(o);
    else if (isPlainObject(o) && isAllowedValue(o.value) && (isAllowedPrimitive(o.value) || (typeof o.label === 'string' && o.label !== ''))) values.push(o.value);
  }
  return values;
}

/**
 * The values a choice field offers: static `values`; `valuesKey` → the list in the context (never in
 * the submission, which could otherwise offer itself any value); `valuesExpression` → FEEL over the
 * form data, or 'unchecked' while conditions are still being settled (data === null).
 */
function optionsOf(field: Field, context: Record<string, unknown>, ctx: Record<string, unknown> | null): unknown[] | null | 'unchecked' {
  const c = field.component;
  if (c.valuesExpression !== undefined) {
    if (ctx === null) return 'unchecked';
    if (!isFeel(c.valuesExpression)) return null;
    try {
      return optionValues(evaluate(c.valuesExpression.slice(1), ctx).value);
    } catch {
      return null;
    }
  }
  if (c.valuesKey !== undefined) return typeof c.valuesKey === 'string' && Object.hasOwn(context, c.valuesKey) ? optionValues(context[c.valuesKey]) : null;
  return optionValues(c.values);
}

// ------------------------------------------------------------------------------------ decimals

interface Decimal {
  units: bigint;
  scale: number;
}
/** a number (or its digits) as an exact decimal: units × 10^-scale, trailing fraction zeros removed */
function toDecimal(x: number | string): Decimal | null {
  const m = /^(-?)(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(String(x));
  if (!m) return null;
  let digits = m[2] + (m[3] ?? '');
  let scale = (m[3] ?? '').length - Number(m[4] ?? 0);
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  while (scale > 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale--;
  }
  return { units: BigInt(m[1] + digits), scale };
}
const rescale = (d: Decimal, scale: number) => d.units * 10n ** BigInt(scale - d.scale);
function compareDecimal(a: Decimal, b: Decimal): number {
  const s = Math.max(a.scale, b.scale);
  const x = rescale(a, s);
  const y = rescale(b, s);
  return x < y ? -1 : x > y ? 1 : 0;
}
function formatDecimal(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, '');
  return (negative && /[1-9]/.test(text) ? '-' : '') + text;
}

// --------------------------------------------------------------------------------- field values

type Coerced = { ok: true; value: unknown } | { ok: false; message: string };
const ok = (value: unknown): Coerced => ({ ok: true, value });
const bad = (message: string): Coerced => ({ ok: false, message });

/** C0 controls except \t and \n, DEL, C1 controls */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const DIGITS = /^-?\d+(?:\.\d+)?$/;

const TIME = '([01]\\d|2[0-3]):([0-5]\\d)(?::([0-5]\\d)(?:\\.\\d{1,3})?)?';
const ZONE: Record<string, string> = { utc_normalized: 'Z', utc_offset: '[+-](?:[01]\\d|2[0-3]):[0-5]\\d', no_timezone: '' };
const ZONE_HINT: Record<string, string> = { utc_normalized: 'UTC,如 08:30Z', utc_offset: '带时区偏移,如 08:30+08:00', no_timezone: '如 08:30' };

function validDate(y: string, m: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
}

/** the type of a submitted value, normalised (texts trimmed, times in UTC, options from the list) */
function coerce(field: Field, raw: unknown, label: string, options: unknown[] | null | 'unchecked'): Coerced {
  const c = field.component;
  switch (field.type) {
    case 'textfield':
    case 'textarea': {
      if (raw === null) return ok('');
      if (typeof raw !== 'string') return bad(`「${label}」须为文本`);
      if (raw.length > MAX_TEXT_LENGTH * 4) return bad(`「${label}」不能超过 ${MAX_TEXT_LENGTH} 个字符`);
      const text = raw.replace(/\r\n/g, '\n');
      if (CONTROL.test(text)) return bad(`「${label}」含有不允许的控制字符`);
      if (LONE_SURROGATE.test(text)) return bad(`「${label}」含有无效的字符`);
      const trimmed = text.trim();
      if (trimmed.length > MAX_TEXT_LENGTH) return bad(`「${label}」不能超过 ${MAX_TEXT_LENGTH} 个字符`);
      return ok(trimmed);
    }
    case 'number': {
      if (raw === null || raw === '') return ok(null);
      // form-js submits a number, or its digits when the field has `serializeToString`
      if (typeof raw === 'number' && Number.isFinite(raw)) return ok(c.serializeToString ? String(raw) : raw);
      if (typeof raw === 'string' && c.serializeToString && DIGITS.test(raw)) return ok(raw);
      return bad(`「${label}」须为数字`);
    }
    case 'checkbox':
      if (raw === null) return ok(false);
      return typeof raw === 'boolean' ? ok(raw) : bad(`「${label}」须为勾选或不勾选(true/false)`);
    case 'datetime': {
      if (raw === null || raw === '') return ok(null);
      const subtype = c.subtype as 'date' | 'time' | 'datetime';
      const format = typeof c.timeSerializingFormat === 'string' && c.timeSerializingFormat in ZONE ? c.timeSerializingFormat : 'no_timezone';
      if (subtype === 'date') {
        const m = typeof raw === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw) : null;
        return m && validDate(m[1], m[2], m[3]) ? ok(raw) : bad(`「${label}」须为有效的日期(如 2025-05-01)`);
      }
      if (subtype === 'time') {
        return typeof raw === 'string' && new RegExp(`^${TIME}${ZONE[format]}$`).test(raw) ? ok(raw) : bad(`「${label}」须为有效的时间(${ZONE_HINT[format]})`);
      }
      const m = typeof raw === 'string' ? new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})T${TIME}${ZONE[format]}$`).exec(raw) : null;
      if (!m || !validDate(m[1], m[2], m[3])) return bad(`「${label}」须为有效的日期时间(${format === 'utc_normalized' ? 'ISO-8601 UTC,如 2025-05-01T08:30Z' : ZONE_HINT[format]})`);
      return ok(format === 'utc_normalized' ? new Date(raw as string).toISOString() : raw);
    }
    case 'radio':
    case 'select': {
      if (raw === null || raw === '') return ok(null);
      if (options === 'unchecked') return ok(raw);
      if (options === null || options.length === 0) return bad(`「${label}」没有可选的选项`);
      const found = options.find((o) => deepEqual(o, raw));
      return found === undefined ? bad(`「${label}」的选项无效`) : ok(structuredClone(found));
    }
    case 'checklist':
    case 'taglist': {
      if (raw === null) return ok([]);
      if (!Array.isArray(raw)) return bad(`「${label}」须为选项列表`);
      if (raw.length === 0) return ok([]);
      if (options === 'unchecked') return ok(structuredClone(raw));
      if (options === null || options.length === 0) return bad(`「${label}」没有可选的选项`);
      const chosen: unknown[] = [];
      for (const v of raw) {
        const found = options.find((o) => deepEqual(o, v));
        if (found === undefined) return bad(`「${label}」的选项无效`);
        if (chosen.some((x) => deepEqual(x, found))) return bad(`「${label}」有重复的选项`);
        chosen.push(structuredClone(found));
      }
      return ok(chosen);
    }
    case 'filepicker': {
      const multiple = Boolean(c.multiple);
      if (raw === null || raw === '' || (Array.isArray(raw) && raw.length === 0)) return ok(multiple ? [] : null);
      // the page sends one reference as a string and several as an array (modeler/task-form/files.ts)
      const refs = multiple && typeof raw === 'string' ? [raw] : raw;
      if (multiple ? !Array.isArray(refs) || !refs.every((r) => typeof r === 'string' && ATTACHMENT_REF.test(r)) : typeof raw !== 'string' || !ATTACHMENT_REF.test(raw)) {
        return bad(`「${label}」须上传文件`);
      }
      if (multiple && new Set(refs as string[]).size !== (refs as string[]).length) return bad(`「${label}」有重复的文件`);
      return ok(multiple ? [...(refs as string[])] : raw);
    }
  }
}

/** the value form-js holds for a read-only (or disabled) field: the input data, sanitised on import, or the default */
function imported(field: Field, raw: unknown, options: unknown[] | null | 'unchecked'): unknown {
  const c = field.component;
  if (raw === undefined) return c.defaultValue !== undefined ? c.defaultValue : EMPTY[field.type];
  const isNil = raw === null || raw === undefined;
  switch (field.type) {
    case 'textfield':
      return isNil || typeof raw === 'object' ? '' : typeof raw === 'string' ? raw.replace(/[\r\n\t]/g, ' ') : String(raw);
    case 'textarea':
      return isNil || typeof raw === 'object' ? '' : String(raw);
    case 'number':
      if (raw === '' || isNil || (typeof raw !== 'number' && typeof raw !== 'string') || Number.isNaN(Number(raw))) return null;
      return c.serializeToString ? String(raw) : Number(raw);
    case 'checkbox':
      return raw === true;
    case 'radio':
    case 'select':
      return options === 'unchecked' || (options ?? []).some((o) => deepEqual(o, raw)) ? raw : null;
    case 'checklist':
    case 'taglist':
      if (!Array.isArray(raw)) return [];
      return options === 'unchecked' ? raw : raw.filter((v) => (options ?? []).some((o) => deepEqual(o, v)));
    case 'datetime':
      if (typeof raw !== 'string' || Number.isNaN(Date.parse(raw))) return null;
      return c.subtype === 'datetime' && c.timeSerializingFormat === 'utc_normalized' && raw.includes('T') ? new Date(raw).toISOString() : raw;
    case 'filepicker':
      return raw;
  }
}

/** form-js `emptyValue` of each field type */
const EMPTY: Record<InputType, unknown> = {
  textfield: '', textarea: '', number: null, datetime: null, checkbox: false, checklist: [], radio: null, select: null, taglist: [], filepicker: null,
};

const REQUIRED_VERB: Record<InputType, string> = {
  textfield: '填写', textarea: '填写', number: '填写', datetime: '选择', checkbox: '勾选', checklist: '选择', radio: '选择', select: '选择',
  taglist: '选择', filepicker: '上传',
};

/** form-js 1.23 `EMAIL_PATTERN` */
const EMAIL_PATTERN = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
/** form-js 1.23 `PHONE_PATTERN`: international, +<country code> or 00<country code> (not anchored at the start, as in form-js) */
const PHONE_PATTERN =
  /(\+|00)(297|93|244|1264|358|355|376|971|54|374|1684|1268|61|43|994|257|32|229|226|880|359|973|1242|387|590|375|501|1441|591|55|1246|673|975|267|236|1|61|41|56|86|225|237|243|242|682|57|269|238|506|53|5999|61|1345|357|420|49|253|1767|45|1809|1829|1849|213|593|20|291|212|34|372|251|358|679|500|33|298|691|241|44|995|44|233|350|224|590|220|245|240|30|1473|299|502|594|1671|592|852|504|385|509|36|62|44|91|246|353|98|964|354|972|39|1876|44|962|81|76|77|254|996|855|686|1869|82|383|965|856|961|231|218|1758|423|94|266|370|352|371|853|590|212|377|373|261|960|52|692|389|223|356|95|382|976|1670|258|222|1664|596|230|265|60|262|264|687|227|672|234|505|683|31|47|977|674|64|968|92|507|64|51|63|680|675|48|1787|1939|850|351|595|970|689|974|262|40|7|250|966|249|221|65|500|4779|677|232|503|378|252|508|381|211|239|597|421|386|46|268|1721|248|963|1649|235|228|66|992|690|993|670|676|1868|216|90|688|886|255|256|380|598|1|998|3906698|379|1784|58|1284|1340|84|678|681|685|967|27|260|263)(9[976]\d|8[987530]\d|6[987]\d|5[90]\d|42\d|3[875]\d|2[98654321]\d|9[8543210]|8[6421]|6[6543210]|5[87654321]|4[987654310]|3[9643210]|2[70]|7|1)\d{4,20}$/;

const isEmpty = (field: Field, v: unknown) =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (field.type === 'checkbox' && v === false);

/** the `validate` rules (and the number field's own) on a value of the right type; the first problem, or null */
function constraint(field: Field, value: unknown, label: string, ctx: Record<string, unknown>): string | null {
  const c = field.component;
  const v = (isPlainObject(c.validate) ? c.validate : {}) as Record<string, unknown>;
  if (isEmpty(field, value)) return v.required === true ? `请${REQUIRED_VERB[field.type]}「${label}」` : null;
  if (field.type === 'number') {
    const d = toDecimal(value as number | string) as Decimal;
    const digits = c.decimalDigits;
    if (typeof digits === 'number' && digits >= 0 && d.scale > digits) {
      return digits === 0 ? `「${label}」须为整数` : `「${label}」最多保留 ${digits} 位小数`;
    }
    const inc = typeof c.increment === 'number' || typeof c.increment === 'string' ? toDecimal(c.increment) : null;
    if (inc && inc.units !== 0n) {
      const s = Math.max(d.scale, inc.scale);
      const x = rescale(d, s);
      const step = rescale(inc, s);
      const offset = x % step;
      if (offset !== 0n) {
        const previous = x - offset;
        return `「${label}」须为 ${formatDecimal(step, s)} 的整数倍,最接近的有效值为 ${formatDecimal(previous, s)} 和 ${formatDecimal(previous + step, s)}`;
      }
    }
    for (const [key, word] of [['min', '小于'], ['max', '大于']] as const) {
      if (!(key in v)) continue;
      const bound = feelValue(v[key], ctx);
      const b = typeof bound === 'number' || typeof bound === 'string' ? toDecimal(bound) : null;
      // form-js refuses the value when the bound is not a number (FEEL gave nothing): so do we
      if (!b) return `「${label}」的取值范围无法确定`;
      const cmp = compareDecimal(d, b);
      if (key === 'min' ? cmp < 0 : cmp > 0) return `「${label}」不能${word} ${formatDecimal(b.units, b.scale)}`;
    }
  }
  if (typeof value === 'string' && (field.type === 'textfield' || field.type === 'textarea')) {
    if (typeof v.pattern === 'string' && v.pattern !== '' && !new RegExp(v.pattern).test(value)) {
      return typeof v.patternErrorMessage === 'string' && v.patternErrorMessage !== '' ? v.patternErrorMessage : `「${label}」的格式不正确`;
    }
    const minLength = feelValue(v.minLength, ctx);
    if (typeof minLength === 'number' && value.length < minLength) return `「${label}」至少需要 ${minLength} 个字符`;
    const maxLength = feelValue(v.maxLength, ctx);
    if (typeof maxLength === 'number' && value.length > maxLength) return `「${label}」不能超过 ${maxLength} 个字符`;
    if (v.validationType === 'email' && !EMAIL_PATTERN.test(value)) return `「${label}」须为有效的电子邮箱地址`;
    if (v.validationType === 'phone' && !PHONE_PATTERN.test(value)) return `「${label}」须为有效的国际格式电话号码(如 +8613800000000)`;
  }
  return null;
}

// ---------------------------------------------------------------------------------- validation

interface State {
  hidden: boolean[];
  readonly: boolean[];
}

/**
 * Check a submission against the form and return the values to hand to the process.
 *
 * submitted: the JSON the browser sent (form-js `submit().data`); context: the task's process
 * variables (input data: used for FEEL conditions, `valuesKey` option lists, readonly values).
 *
 * `values` holds exactly the shown, enabled input fields, nested under their group paths: a key the
 * form does not show is dropped. A field missing from the submission is left out (or reported when
 * required); an empty one comes back as form-js's empty value ('', null, false, []). Read-only fields
 * come back with their value from `context`. Multiple file pickers always come back as arrays.
 */
export function validateFormSubmission(schema: FormSchema, submitted: unknown, context: Record<string, unknown> = {}): FormValidation {
  const fields = compile(schema);
  if (!isPlainObject(submitted)) {
    return { ok: false, errors: [{ field: '', message: '提交的表单数据须为一个对象(JSON object)' }] };
  }
  const ctxData = isPlainObject(context) ? context : {};
  const fromContext = (f: Field, ctx: Record<string, unknown> | null) => imported(f, getAt(ctxData, f.path), optionsOf(f, ctxData, ctx));

  /** the form data for a state: what the form would hold, hidden fields cleared */
  const dataFor = (state: State, ctx: Record<string, unknown> | null): Record<string, unknown> => {
    const sets: [string[], unknown][] = [];
    const clears: string[][] = [];
    fields.forEach((f, i) => {
      if (state.hidden[i]) return clears.push(f.path);
      if (state.readonly[i] || f.component.disabled) return sets.push([f.path, fromContext(f, ctx)]);
      const raw = getAt(submitted, f.path);
      // a value of the wrong type (or not on the list) counts as no value in the conditions
      const coerced = raw === undefined ? null : coerce(f, raw, f.name, optionsOf(f, ctxData, ctx));
      sets.push([f.path, coerced?.ok ? coerced.value : undefined]);
    });
    return formData(ctxData, sets, clears);
  };
  const stateFor = (data: Record<string, unknown>): State => {
    const ctx = feelContext(data);
    const memo = new Map<Component, boolean>();
    const hidden = (c: Component) => {
      let h = memo.get(c);
      if (h === undefined) memo.set(c, (h = hides(c, ctx)));
      return h;
    };
    return { hidden: fields.map((f) => f.chain.some(hidden)), readonly: fields.map((f) => isReadonly(f.component, ctx)) };
  };
  const same = (a: State, b: State) => a.hidden.every((h, i) => h === b.hidden[i]) && a.readonly.every((r, i) => r === b.readonly[i]);

  // Settle conditions that depend on other fields: start with every field shown and every FEEL
  // read-only test true (values from the context, as the form opens), re-evaluate until nothing
  // changes. Should the conditions cycle, the last two states are merged towards the safe side:
  // shown if shown in either, read-only if read-only in either.
  let state: State = { hidden: fields.map(() => false), readonly: fields.map((f) => Boolean(f.component.readonly)) };
  for (let round = 0; ; round++) {
    const next = stateFor(dataFor(state, null));
    if (same(next, state)) break;
    if (round > 2 * fields.length) {
      state = { hidden: state.hidden.map((h, i) => h && next.hidden[i]), readonly: state.readonly.map((r, i) => r || next.readonly[i]) };
      break;
    }
    state = next;
  }
  const ctx = feelContext(dataFor(state, null));

  const values: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  fields.forEach((f, i) => {
    if (state.hidden[i] || f.component.disabled) return;
    const label = labelOf(f, ctx);
    const options = optionsOf(f, ctxData, ctx);
    let value: unknown;
    if (state.readonly[i]) {
      value = imported(f, getAt(ctxData, f.path), options);
    } else {
      value = getAt(submitted, f.path);
      if (value !== undefined) {
        const coerced = coerce(f, value, label, options);
        if (!coerced.ok) return errors.push({ field: f.name, message: coerced.message });
        value = coerced.value;
      }
    }
    // a read-only value is checked too (form-js validates read-only fields): every value returned fits the form
    if (state.readonly[i] && value !== undefined) {
      const coerced = coerce(f, value, label, options);
      if (!coerced.ok) return errors.push({ field: f.name, message: coerced.message });
      value = coerced.value;
    }
    const problem = constraint(f, value, label, ctx);
    if (problem) return errors.push({ field: f.name, message: problem });
    if (value !== undefined) setAt(values, f.path, value);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values };
}
