/**
 * The arguments of each worker service method (issue 19), checked strictly before anything is called:
 * unknown keys, wrong types and out-of-range values are refused; ISO instants become Dates. The stores
 * check their own rules again (an outbox payload's personal data, a knowledge entry's limits).
 */
import { CHANNEL_NAMES } from '../../regulation/notifications.js';
import { RECIPIENT_KINDS } from '../../regulation/templates.js';
import { WARNING_LEVELS } from '../../regulation/warnings.js';
import { NOTICE_KINDS } from '../../regulation/assessment.js';
import { KNOWLEDGE_ACTIONS, KNOWLEDGE_STATUSES } from '../../regulation/knowledge.js';
import type { ServiceMethod } from '../../workers/remote/service-use.js';

export class ArgError extends Error {}

type Check<T = unknown> = ((v: unknown, path: string) => T) & { optional?: boolean };

const fail = (path: string, what: string, v: unknown): never => {
  const shown = typeof v === 'string' ? `text of ${[...v].length} characters` : JSON.stringify(v)?.slice(0, 40);
  throw new ArgError(`${path} must be ${what} (got ${shown})`);
};

const text =
  (max: number): Check<string> =>
  (v, p) =>
    typeof v === 'string' && v.trim() !== '' && [...v].length <= max ? v : fail(p, `non-empty text of at most ${max} characters`, v);
/** an id of the app (petition, unit, assessment, knowledge entry, process instance) */
const id = text(128);
const int =
  (min: number, max: number): Check<number> =>
  (v, p) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? (v as number) : fail(p, `an integer from ${min} to ${max}`, v);
const num: Check<number> = (v, p) => (typeof v === 'number' && Number.isFinite(v) ? v : fail(p, 'a number', v));
const bool: Check<boolean> = (v, p) => (typeof v === 'boolean' ? v : fail(p, 'true or false', v));
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
/** an instant as JSON carries it (Date.toJSON): revived as a Date */
const instant: Check<Date> = (v, p) => (typeof v === 'string' && ISO.test(v) && !Number.isNaN(Date.parse(v)) ? new Date(v) : fail(p, 'an ISO instant', v));
/** an instant kept as text (a field the app's types hold as an ISO string) */
const isoText: Check<string> = (v, p) => (typeof v === 'string' && ISO.test(v) ? v : fail(p, 'an ISO instant', v));
const day: Check<string> = (v, p) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : fail(p, 'a day YYYY-MM-DD', v));
const oneOf =
  <T extends string>(values: readonly T[]): Check<T> =>
  (v, p) =>
    (values as readonly unknown[]).includes(v) ? (v as T) : fail(p, `one of ${values.join(', ')}`, v);
const nullable =
  <T,>(c: Check<T>): Check<T | null> =>
  (v, p) =>
    v === null ? null : c(v, p);
const opt = <T,>(c: Check<T>): Check<T | undefined> => Object.assign((v: unknown, p: string) => (v === undefined ? undefined : c(v, p)), { optional: true });
const arr =
  <T,>(c: Check<T>, max: number): Check<T[]> =>
  (v, p) =>
    Array.isArray(v) && v.length <= max ? v.map((x, i) => c(x, `${p}[${i}]`)) : fail(p, `a list of at most ${max}`, v);
const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** an object with exactly these keys (optional ones may be absent); `rest`: what other keys may hold (none without it) */
const obj =
  (shape: Record<string, Check>, rest?: Check): Check<Record<string, unknown>> =>
  (v, p) => {
    if (!isPlain(v)) return fail(p, 'an object', v);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      if (!(k in shape) && !rest) throw new ArgError(`${p}.${k} is not expected`);
    }
    for (const [k, c] of Object.entries(shape)) {
      if (v[k] === undefined && !c.optional) throw new ArgError(`${p}.${k} is required`);
      const value = c(v[k], `${p}.${k}`);
      if (value !== undefined) out[k] = value;
    }
    if (rest) for (const k of Object.keys(v)) if (!(k in shape)) out[k] = rest(v[k], `${p}.${k}`);
    return out;
  };

/** any JSON value up to a depth (figures the app computed itself and the job hands back) */
const json =
  (depth: number): Check =>
  (v, p) => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return v;
    if (depth <= 0) return fail(p, 'less deeply nested', v);
    if (Array.isArray(v)) return v.map((x, i) => json(depth - 1)(x, `${p}[${i}]`));
    if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, json(depth - 1)(x, `${p}.${k}`)]));
    return fail(p, 'JSON', v);
  };

const scalar: Check = (v, p) => (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ? v : fail(p, 'text, a number, true/false or null', v));
const payload: Check = (v, p) => (isPlain(v) && Object.keys(v).length <= 100 ? obj({}, scalar)(v, p) : fail(p, 'an object of at most 100 fields', v));

const periodRef = obj({ kind: oneOf(['month', 'quarter'] as const), year: int(2000, 2200), index: int(1, 12) });
/**
 * the figures are the app's own output (reports.figures, assessments.unitFigures) that the job hands
 * back to be archived: their frame is checked, their rows kept as JSON (a forged row could only
 * change the archive of the job this credential holds, whose figures it is trusted to carry)
 */
const reportFigures = obj(
  { period: obj({ kind: oneOf(['month', 'quarter'] as const), year: int(2000, 2200), index: int(1, 12), from: day, to: day, label: text(64) }), computedAt: isoText },
  json(6),
);
const unitFigures = obj({ unitId: id, unitName: text(255), rates: obj({}, nullable(num)), warnings: obj({}, num) }, json(4));
const TEXT = 20_000;

export const SERVICE_ARGS: Record<ServiceMethod, Check<Record<string, unknown>>> = {
  'calendar.load': obj({}),
  'outbox.enqueue': obj({
    entry: obj({ channel: oneOf(CHANNEL_NAMES), recipientKind: oneOf(RECIPIENT_KINDS), recipientRef: text(255), template: text(128), payload, dedupeKey: text(255) }),
  }),
  'ledger.recordWarning': obj({
    entry: obj({ unitId: id, petitionId: id, deadlineSeq: int(0, 1_000_000), level: oneOf(WARNING_LEVELS), points: int(0, 1000), reason: text(500), at: instant }),
  }),
  'ledger.recordTransfer': obj({ entry: obj({ petitionId: id, deadlineSeq: int(0, 1_000_000), unitId: id, reason: text(500), at: instant }) }),
  'publications.publish': obj({ entry: obj({ petitionId: id, title: text(500), maskedText: text(100_000), publishedAt: instant }) }),
  'units.list': obj({}),
  'units.recipient': obj({ unitId: id, role: oneOf(['contact', 'leader', 'head'] as const) }),
  'petitions.setStatus': obj({ petitionId: id, status: text(64), context: opt(obj({ finishDueAt: opt(text(64)) })) }),
  'petitions.getPublicationSource': obj({ petitionId: id }),
  'petitions.mergedFrom': obj({ petitionId: id }),
  'reports.scheduled': obj({ ref: periodRef }),
  'reports.figures': obj({ ref: periodRef }),
  'reports.archiveScheduled': obj({ figures: reportFigures, processInstanceKey: id }),
  'assessments.get': obj({ assessmentId: id }),
  'assessments.createScheduled': obj({ assessment: obj({ id, period: periodRef, at: instant, processInstanceKey: id }) }),
  'assessments.unitFigures': obj({ period: periodRef }),
  'assessments.saveFigures': obj({ assessmentId: id, rows: arr(unitFigures, 10_000) }),
  'assessments.figures': obj({ assessmentId: id }),
  'assessments.decisionVersion': obj({}),
  'assessments.complete': obj({
    assessmentId: id,
    results: arr(obj({ unitId: id, score: nullable(num), rank: nullable(int(1, 100_000)), standing: nullable(oneOf(NOTICE_KINDS)) }), 10_000),
    meta: obj({ decisionVersion: nullable(int(1, 1_000_000)), at: instant }),
  }),
  'knowledge.get': obj({ entryId: id }),
  'knowledge.step': obj({
    entryId: id,
    step: obj({
      from: arr(oneOf(KNOWLEDGE_STATUSES), KNOWLEDGE_STATUSES.length),
      to: oneOf(KNOWLEDGE_STATUSES),
      action: oneOf(Object.keys(KNOWLEDGE_ACTIONS) as (keyof typeof KNOWLEDGE_ACTIONS)[]),
      actor: text(128),
      at: instant,
      note: opt(nullable(text(TEXT))),
      published: opt(bool),
      reviewed: opt(bool),
      validUntil: opt(day),
    }),
  }),
  'knowledge.revise': obj({
    entryId: id,
    content: obj({ question: text(TEXT), answer: text(TEXT), basis: text(TEXT), validUntil: nullable(day) }),
    h: obj({ actor: text(128), at: instant, note: opt(nullable(text(TEXT))) }),
  }),
};

/** the body `{ taskId, args }`, with the method's arguments checked and revived */
export function parseServiceCall(method: ServiceMethod, body: unknown): { taskId: string; args: Record<string, unknown> } {
  if (!isPlain(body)) throw new ArgError('the body must be a JSON object { taskId, args }');
  for (const k of Object.keys(body)) if (k !== 'taskId' && k !== 'args') throw new ArgError(`${k} is not expected (the body is { taskId, args })`);
  const taskId = id(body.taskId, 'taskId');
  const args = SERVICE_ARGS[method](body.args ?? {}, 'args');
  return { taskId, args };
}
