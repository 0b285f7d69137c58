/**
 * The server's field errors (`details: [{ field: "reply.result", message }]`) shown where form-js
 * shows its own: in the form's error state under the field's id, so the field turns red, the message
 * sits under it and is tied to the input by `aria-describedby`. Editing the field clears it, as it
 * clears form-js's own messages; the next submit validates afresh.
 */
import type { Form } from '@bpmn-io/form-js-viewer';
import type { FieldDetail } from './http.js';

interface FieldInstance {
  id: string;
  valuePath: (string | number)[];
  indexes?: Record<string, number>;
}

interface FieldInstanceRegistry {
  getAllKeyed(): FieldInstance[];
}

interface FormFieldRegistry {
  get(id: string): { key?: string } | undefined;
}

function findInstance(form: Form, field: string): FieldInstance | undefined {
  const instances = form.get<FieldInstanceRegistry>('formFieldInstanceRegistry').getAllKeyed();
  const byPath = instances.find((i) => i.valuePath.join('.') === field);
  if (byPath) return byPath;
  const byId = instances.find((i) => i.id === field);
  if (byId) return byId;
  const fields = form.get<FormFieldRegistry>('formFieldRegistry');
  const byKey = instances.filter((i) => fields.get(i.id)?.key === field);
  return byKey.length === 1 ? byKey[0] : undefined;
}

/**
 * Puts each detail under its (shown) field; answers the details that found no field (unknown or
 * hidden), for the page to list elsewhere.
 */
export function showFieldErrors(form: Form, details: FieldDetail[]): FieldDetail[] {
  const errors: Record<string, any> = JSON.parse(JSON.stringify(form._getState().errors ?? {}));
  const unplaced: FieldDetail[] = [];
  for (const detail of details) {
    const instance = findInstance(form, detail.field);
    if (!instance) {
      unplaced.push(detail);
      continue;
    }
    const path = [instance.id, ...Object.values(instance.indexes ?? {})];
    let target = errors;
    for (const step of path.slice(0, -1)) target = target[step] ??= {};
    const last = path[path.length - 1];
    const list: string[] = Array.isArray(target[last]) ? target[last] : [];
    if (!list.includes(detail.message)) list.push(detail.message);
    target[last] = list;
  }
  form._setState({ errors });
  return unplaced;
}

const FOCUSABLE = 'input:not([type="hidden"]):not(.fjs-hidden):not([disabled]), textarea:not([disabled]), select:not([disabled]), button:not([disabled])';

/** after form-js has rendered its errors: brings the first field in error into view and focuses it */
export function focusFirstError(root: Element): void {
  requestAnimationFrame(() => {
    const field = root.querySelector('.fjs-has-errors');
    if (!field) return;
    field.scrollIntoView({ block: 'center', behavior: 'smooth' });
    // focusing a date input opens its calendar over the page: there, the scroll is enough
    if (field.classList.contains('fjs-form-field-datetime')) return;
    const input = field.querySelector<HTMLElement>(FOCUSABLE);
    input?.focus({ preventScroll: true });
  });
}
