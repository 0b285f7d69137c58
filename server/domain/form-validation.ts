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
import { type FormSchema, type FieldError, type FormValidation, type Component, type Field, isPlainObject, compile } from './form-schema.js';
import { optionValues, type Decimal, toDecimal, rescale, compareDecimal, formatDecimal, coerce, imported, REQUIRED_VERB } from './form-values.js';

// the schema's public names, where the app has always found them
export { FormSchemaError, ATTACHMENT_REF, MAX_TEXT_LENGTH, formFieldPaths } from './form-schema.js';
export type { FormSchema, FieldError, FormValidation } from './form-schema.js';

// the same form rules are evaluated on the same values at every submission and fixed-point round
const memoTest = createFeelMemo();
const memoValue = createFeelMemo();
const unaryTest = (expression: string, ctx: Record<string, unknown>) => memoTest(expression, ctx, () => feelUnaryTest(expression, ctx));
const evaluate = (expression: string, ctx: Record<string, unknown>) => memoValue(expression, ctx, () => feelEvaluate(expression, ctx));


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
