/**
 * The form schemas the server checks submissions against (form-js 1.23, `forms/*.form`): the
 * types, and the input fields a schema declares with their value paths (see form-validation.ts).
 */

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

export type Component = Record<string, unknown> & { type: string };
export type InputType = 'textfield' | 'textarea' | 'number' | 'datetime' | 'checkbox' | 'checklist' | 'radio' | 'select' | 'taglist' | 'filepicker';

export const INPUT_TYPES = new Set<string>(['textfield', 'textarea', 'number', 'datetime', 'checkbox', 'checklist', 'radio', 'select', 'taglist', 'filepicker']);
/** form-js 1.23 components that carry no value (presentation, layout, the computed `expression`) */
export const NON_INPUT_TYPES = new Set(['text', 'html', 'image', 'button', 'spacer', 'separator', 'table', 'iframe', 'documentPreview', 'expression']);
/** path segments that would reach an object's prototype */
export const UNSAFE_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

export interface Field {
  component: Component;
  type: InputType;
  path: string[];
  /** `path` joined with dots: the FieldError's `field` */
  name: string;
  /** the enclosing containers, outermost first, then the component itself (any of them may hide it) */
  chain: Component[];
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

export function splitPath(formId: string, component: Component, value: string): string[] {
  const segments = value.split('.');
  for (const s of segments) {
    if (s === '' || UNSAFE_SEGMENTS.has(s)) {
      throw new FormSchemaError(`form ${formId}: component ${String(component.id)} has the unusable path "${value}"`);
    }
  }
  return segments;
}

export function compile(schema: FormSchema): Field[] {
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
