/**
 * Reading process variables (docs/process-contract.md) with clear errors. A missing or malformed
 * variable is a wiring problem of the diagram, not a business outcome: the error is a plain Error
 * (the engine retries the job, then raises an incident that names the variable).
 */
import { CATEGORIES, isCategory, type Category } from './categories.js';

export type Vars = Record<string, unknown>;

export class VariableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VariableError';
  }
}

const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));

/** absent: undefined, null or an empty string (what an empty form field gives) */
export function isAbsent(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

export function requireString(vars: Vars, name: string): string {
  const v = vars[name];
  if (typeof v !== 'string' || v.trim() === '') throw new VariableError(`variable "${name}" must be a non-empty string (got ${show(v)})`);
  return v;
}

export function optionalString(vars: Vars, name: string): string | undefined {
  const v = vars[name];
  if (isAbsent(v)) return undefined;
  if (typeof v !== 'string') throw new VariableError(`variable "${name}" must be a string (got ${show(v)})`);
  return v;
}

/** an id: a non-empty string, or a number (kept as its decimal string) */
export function requireId(vars: Vars, name: string): string {
  const v = vars[name];
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  if (typeof v !== 'string' || v.trim() === '') throw new VariableError(`variable "${name}" must be an id (got ${show(v)})`);
  return v;
}

/** an ISO-8601 instant (the contract's format for every instant) */
export function requireInstant(vars: Vars, name: string): Date {
  const v = vars[name];
  const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? new Date(v) : undefined;
  if (!d || Number.isNaN(d.getTime())) throw new VariableError(`variable "${name}" must be an ISO-8601 instant such as 2026-03-03T16:00:00.000Z (got ${show(v)})`);
  return d;
}

export function optionalInstant(vars: Vars, name: string): Date | undefined {
  return isAbsent(vars[name]) ? undefined : requireInstant(vars, name);
}

/** a whole number ≥ min; absent → `fallback` (or an error when no fallback is given) */
export function readInteger(vars: Vars, name: string, options: { min?: number; max?: number; fallback?: number } = {}): number {
  const v = vars[name];
  if (isAbsent(v)) {
    if (options.fallback !== undefined) return options.fallback;
    throw new VariableError(`variable "${name}" is missing`);
  }
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  const min = options.min ?? 0;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new VariableError(`variable "${name}" must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''} (got ${show(v)})`);
  }
  return n;
}

export function optionalInteger(vars: Vars, name: string, options: { min?: number; max?: number } = {}): number | undefined {
  return isAbsent(vars[name]) ? undefined : readInteger(vars, name, options);
}

/** true / false; absent → `fallback` */
export function readBoolean(vars: Vars, name: string, fallback: boolean): boolean {
  const v = vars[name];
  if (isAbsent(v)) return fallback;
  if (typeof v !== 'boolean') throw new VariableError(`variable "${name}" must be true or false (got ${show(v)})`);
  return v;
}

export function requireCategory(vars: Vars): Category {
  const v = vars.category;
  if (!isCategory(v)) throw new VariableError(`variable "category" must be one of ${CATEGORIES.join(', ')} (got ${show(v)})`);
  return v;
}

export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new VariableError(`${what} must be one of ${allowed.join(', ')} (got ${show(value)})`);
  }
  return value as T;
}
