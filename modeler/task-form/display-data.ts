/**
 * The task's variables as the form shows them: an instant (an ISO-8601 string such as
 * `2026-12-06T15:00:00.000Z`) that no input of the form edits is shown the way the pages show
 * time — Asia/Shanghai, `2026-12-06 23:00` — so a text view's `{{reply.handledAt}}` reads as a
 * date (issue 15). Values under an input stay as they are: the input needs them, and form-js
 * submits only those, so the rewritten ones never go back to the server.
 */
import { formatInstant } from '../../regulation/format.js';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

interface Component {
  key?: unknown;
  path?: unknown;
  components?: unknown;
}

/** the dotted paths the form's inputs (and dynamic lists) write */
function boundPaths(components: unknown, prefix: string[], out: Set<string>): Set<string> {
  if (!Array.isArray(components)) return out;
  for (const c of components as Component[]) {
    if (!c || typeof c !== 'object') continue;
    const own = typeof c.key === 'string' ? c.key : typeof c.path === 'string' && c.path ? c.path : undefined;
    const here = own ? [...prefix, ...own.split('.')] : prefix;
    if (typeof c.key === 'string') out.add(here.join('.'));
    // a group's path only prefixes its fields; a dynamic list's items are all its own
    if (Array.isArray(c.components)) boundPaths(c.components, here, out);
  }
  return out;
}

function rewrite(value: unknown, path: string[], bound: Set<string>): unknown {
  const key = path.join('.');
  if (bound.has(key)) return value;
  if (typeof value === 'string') return INSTANT.test(value) && !Number.isNaN(Date.parse(value)) ? formatInstant(value) : value;
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, [...path, k], bound)]));
  }
  return value;
}

export function displayData(schema: unknown, data: Record<string, unknown>): Record<string, unknown> {
  const bound = boundPaths((schema as Component | undefined)?.components, [], new Set());
  return rewrite(data, [], bound) as Record<string, unknown>;
}
