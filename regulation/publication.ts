/**
 * What of a reply is published (第十五条 sets the reply's contents; 第二十条、第二十一条 when it may be
 * published), and how: only an answered and approved reply that both the unit (the reply's own
 * `publishable` box) and the platform (办结审核) marked publishable, with personal data masked.
 * 第二十条 makes the unit answer for what its reply may disclose: the platform may withhold a reply
 * the unit marked publishable (with a reason), never publish one the unit marked 不宜公开.
 *
 * The reply (process variable `reply`, form `draft-reply`) is an object. Published are, in order:
 * `handledAt` 办理时间, `handlingUnit` 办理单位, `result` 办理结果, `legalBasis` 法律法规政策依据 and
 * `replyText` 答复内容. Other fields (`contactRecord` — how the petitioner was contacted —, the
 * investigation document, the reply's own `publishable` box) are never published.
 */
import { formatInstant } from './format.js';
import { maskPersonalData } from './masking.js';
import { VariableError } from './variables.js';

export const PUBLISHED_REPLY_FIELDS: readonly (readonly [string, string])[] = [
  ['handledAt', '办理时间'],
  ['handlingUnit', '办理单位'],
  ['result', '办理结果'],
  ['legalBasis', '法律法规政策依据'],
  ['replyText', '答复内容'],
];

export interface PublicationSource {
  /** the petition's title */
  title: string;
  petitionerName?: string | null;
  petitionerPhone?: string | null;
  address?: string | null;
}

/** 第二十条、第二十一条: only approved replies the platform and the unit (`reply.publishable`) both marked publishable */
export function mayPublish(reviewApproved: unknown, publishable: unknown, reply: unknown): boolean {
  if (reviewApproved !== true || publishable !== true) return false;
  return replyFields(reply).publishable === true;
}

export const PUBLISH_REFUSED = '承办单位已标明答复不宜公开,平台不能对外发布(第二十条);如认为可以公开,请退回承办单位修改';

/**
 * 第二十条: a 办结审核 submission that asks to publish a reply the unit marked 不宜公开 — the problem
 * to answer with (the form shows the box read-only then; a forged request is refused, not ignored).
 */
export function publishOverrideProblem(reply: unknown, submitted: unknown): string | undefined {
  const asked = typeof submitted === 'object' && submitted !== null ? (submitted as Record<string, unknown>).publishable : undefined;
  const unitAllows = typeof reply === 'object' && reply !== null && (reply as Record<string, unknown>).publishable === true;
  return !unitAllows && (asked === true || asked === 'true') ? PUBLISH_REFUSED : undefined;
}

function show(key: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (key === 'handledAt' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v))) return formatInstant(v);
  return v;
}

function replyFields(reply: unknown): Record<string, unknown> {
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) {
    throw new VariableError(`variable "reply" must be an object with the reply's fields (got ${JSON.stringify(reply) ?? 'nothing'})`);
  }
  return reply as Record<string, unknown>;
}

/** the publishable text of a reply, unmasked; throws VariableError when there is nothing to publish */
export function replyText(reply: unknown): string {
  const r = replyFields(reply);
  if (show('result', r.result) === undefined && show('replyText', r.replyText) === undefined) {
    throw new VariableError('variable "reply" has neither "result" nor "replyText": nothing to publish');
  }
  return PUBLISHED_REPLY_FIELDS.map(([key, label]) => {
    const v = show(key, r[key]);
    return v === undefined ? undefined : `${label}:${v}`;
  })
    .filter((line): line is string => line !== undefined)
    .join('\n');
}

export interface MaskedPublication {
  title: string;
  maskedText: string;
}

/** the title and reply text with the petitioner's data and anything that looks personal masked */
export function preparePublication(reply: unknown, source: PublicationSource): MaskedPublication {
  const exact = [source.petitionerName, source.petitionerPhone, source.address];
  return { title: maskPersonalData(source.title, { exact }), maskedText: maskPersonalData(replyText(reply), { exact }) };
}
