/**
 * Zeebe's input and output mappings (zeebe:ioMapping).
 */
import { evaluate } from './feel-evaluate.js';
import { FeelError, setOwn, type FeelOptions, type Json, type Mapping } from './feel-values.js';

function isPlainObject(value: unknown): value is Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function getOwn(target: Json, key: string): unknown {
  return Object.hasOwn(target, key) ? target[key] : undefined;
}

function targetPath(mapping: Mapping, kind: string): string[] {
  const target = mapping?.target;
  const path = typeof target === 'string' ? target.split('.') : [];
  if (path.length === 0 || path.some((part) => part === '')) {
    throw new FeelError(`${kind} mapping has an invalid target '${String(target)}'`, String(mapping?.source));
  }
  return path;
}

function evaluateMapping(
  mapping: Mapping,
  context: Json,
  kind: string,
  options: FeelOptions,
): unknown {
  const source = mapping.source ?? null;
  if (source === null) return null;
  try {
    return evaluate(source, context, options);
  } catch (error) {
    if (error instanceof FeelError) {
      throw new FeelError(`${kind} mapping to '${mapping.target}' failed: ${error.message}`, error.expression);
    }
    throw error;
  }
}

/**
 * Zeebe input mappings: evaluated in order, each source against `variables` overlaid with the
 * results so far; returns the local variables. A dotted target `a.b.c` builds nested objects (it
 * does not merge with a process variable `a`). For later sources, a result built by a dotted
 * target shadows a same-named variable only partially (the keys it defined win, the rest fall
 * through), while a result assigned as a whole shadows it entirely.
 */
export function applyInputMappings(
  mappings: Mapping[],
  variables: Record<string, unknown>,
  options: FeelOptions = {},
): Record<string, unknown> {
  const result: Json = {};
  const built = new WeakSet<object>(); // objects created by a dotted target
  const merge = (scope: unknown, own: unknown): unknown => {
    if (!isPlainObject(own) || !built.has(own) || !isPlainObject(scope)) return own;
    const merged: Json = { ...scope };
    for (const [key, value] of Object.entries(own)) setOwn(merged, key, merge(getOwn(scope, key), value));
    return merged;
  };
  for (const mapping of mappings) {
    const path = targetPath(mapping, 'input');
    const context: Json = { ...variables };
    for (const [name, value] of Object.entries(result)) setOwn(context, name, merge(getOwn(variables, name), value));
    const value = evaluateMapping(mapping, context, 'input', options);
    let container = result;
    for (const key of path.slice(0, -1)) {
      const existing = getOwn(container, key);
      let next: Json;
      if (isPlainObject(existing)) {
        next = { ...existing };
        if (built.has(existing)) built.add(next);
      } else {
        next = {};
        built.add(next);
      }
      setOwn(container, key, next);
      container = next;
    }
    setOwn(container, path[path.length - 1], value);
  }
  return result;
}

/**
 * Zeebe output mappings: evaluated in order, each source against `scope` overlaid with the
 * results so far; returns the variables to set in the process. A dotted target `a.b` merges into
 * the existing value at every level (the result so far, else `base.a`), so sibling keys are kept;
 * a level that is not an object is replaced by a new one. `base` is never modified.
 */
export function applyOutputMappings(
  mappings: Mapping[],
  scope: Record<string, unknown>,
  base: Record<string, unknown>,
  options: FeelOptions = {},
): Record<string, unknown> {
  const result: Json = {};
  for (const mapping of mappings) {
    const path = targetPath(mapping, 'output');
    const context: Json = { ...scope };
    for (const [name, value] of Object.entries(result)) setOwn(context, name, value);
    const value = evaluateMapping(mapping, context, 'output', options);
    const [head] = path;
    if (path.length === 1) {
      setOwn(result, head, value);
      continue;
    }
    const root = Object.hasOwn(result, head) ? result[head] : getOwn(base ?? {}, head);
    let container: Json = isPlainObject(root) ? { ...root } : {};
    setOwn(result, head, container);
    for (const key of path.slice(1, -1)) {
      const existing = getOwn(container, key);
      const next: Json = isPlainObject(existing) ? { ...existing } : {};
      setOwn(container, key, next);
      container = next;
    }
    setOwn(container, path[path.length - 1], value);
  }
  return result;
}
