/**
 * A form field's value as form-js would hold it (see form-validation.ts): the choice fields' option
 * values, exact decimals for number fields, a submitted value coerced to its field's type (or why
 * not), the value the viewer imports from the context, each type's empty value.
 */
import { ATTACHMENT_REF, MAX_TEXT_LENGTH, type InputType, type Field, isPlainObject } from './form-schema.js';

// ------------------------------------------------------------------------------------- options

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

export const isAllowedPrimitive = (v: unknown) => ['number', 'string', 'boolean'].includes(typeof v) && (Boolean(v) || v === 0 || v === false);
export const isAllowedValue = (v: unknown) => (isPlainObject(v) ? Object.keys(v).length > 0 : isAllowedPrimitive(v));

/** the option values, normalised as form-js does (`normalizeOptionsData`): primitives or `{ label?, value }` */
export function optionValues(list: unknown): unknown[] | null {
  if (!Array.isArray(list)) return null;
  const values: unknown[] = [];
  for (const o of list) {
    if (isAllowedPrimitive(o)) values.push(o);
    else if (isPlainObject(o) && isAllowedValue(o.value) && (isAllowedPrimitive(o.value) || (typeof o.label === 'string' && o.label !== ''))) values.push(o.value);
  }
  return values;
}

// ------------------------------------------------------------------------------------ decimals

export interface Decimal {
  units: bigint;
  scale: number;
}
/** a number (or its digits) as an exact decimal: units × 10^-scale, trailing fraction zeros removed */
export function toDecimal(x: number | string): Decimal | null {
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
export const rescale = (d: Decimal, scale: number) => d.units * 10n ** BigInt(scale - d.scale);
export function compareDecimal(a: Decimal, b: Decimal): number {
  const s = Math.max(a.scale, b.scale);
  const x = rescale(a, s);
  const y = rescale(b, s);
  return x < y ? -1 : x > y ? 1 : 0;
}
export function formatDecimal(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, '');
  return (negative && /[1-9]/.test(text) ? '-' : '') + text;
}

// --------------------------------------------------------------------------------- field values

export type Coerced = { ok: true; value: unknown } | { ok: false; message: string };
export const ok = (value: unknown): Coerced => ({ ok: true, value });
export const bad = (message: string): Coerced => ({ ok: false, message });

/** C0 controls except \t and \n, DEL, C1 controls */
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const DIGITS = /^-?\d+(?:\.\d+)?$/;

export const TIME = '([01]\\d|2[0-3]):([0-5]\\d)(?::([0-5]\\d)(?:\\.\\d{1,3})?)?';
export const ZONE: Record<string, string> = { utc_normalized: 'Z', utc_offset: '[+-](?:[01]\\d|2[0-3]):[0-5]\\d', no_timezone: '' };
export const ZONE_HINT: Record<string, string> = { utc_normalized: 'UTC,如 08:30Z', utc_offset: '带时区偏移,如 08:30+08:00', no_timezone: '如 08:30' };

export function validDate(y: string, m: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
}

/** the type of a submitted value, normalised (texts trimmed, times in UTC, options from the list) */
export function coerce(field: Field, raw: unknown, label: string, options: unknown[] | null | 'unchecked'): Coerced {
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
export function imported(field: Field, raw: unknown, options: unknown[] | null | 'unchecked'): unknown {
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
export const EMPTY: Record<InputType, unknown> = {
  textfield: '', textarea: '', number: null, datetime: null, checkbox: false, checklist: [], radio: null, select: null, taglist: [], filepicker: null,
};

export const REQUIRED_VERB: Record<InputType, string> = {
  textfield: '填写', textarea: '填写', number: '填写', datetime: '选择', checkbox: '勾选', checklist: '选择', radio: '选择', select: '选择',
  taglist: '选择', filepicker: '上传',
};
