/**
 * The port's arguments checked (a bad one is an InvalidArgumentError), and JSON columns read.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Variables } from '../port.js';

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  return text ? (JSON.parse(text) as T) : fallback;
}

export function assertVariables(variables: unknown, what = 'variables'): Variables {
  if (variables === undefined || variables === null) return {};
  if (typeof variables !== 'object' || Array.isArray(variables)) {
    throw new InvalidArgumentError(`${what} must be a JSON object`);
  }
  try {
    return JSON.parse(JSON.stringify(variables));
  } catch {
    throw new InvalidArgumentError(`${what} must be JSON-serialisable`);
  }
}

export function assertName(value: unknown, what: string): string {
  if (typeof value !== 'string' || !value.trim()) throw new InvalidArgumentError(`${what} must be a non-empty string`);
  return value;
}
