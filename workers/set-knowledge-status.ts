/**
 * `set-knowledge-status` (header `action`): a step of a knowledge entry's review (知识库, issue 17;
 * process `knowledge-review`), written with its history row:
 * - `published` 审核通过并发布: review → published. 第十六条 makes the entry from an approved reply,
 *   第二十条 keeps personal data out of what is published: an entry in which masking would still
 *   change something is not published — business error `KNOWLEDGE_PERSONAL_DATA` (variable
 *   `knowledgeReturnReason` says where), which the diagram sends back to the unit. An entry without a
 *   valid-until gets the default (a year on). Output `validUntil` and `expiresAt`: the instant the
 *   entry is past its valid-until (the start of the next day, China time), which the diagram's timer
 *   waits for.
 * - `returned` 审核退回: review → draft, with the reviewer's `knowledgeReturnReason`.
 * - `expired` 有效期届满: published → draft (back to its unit for 复核).
 * - `retired` 停用: any status but retired → retired, with `retireReason`.
 * The actor is the staff id the app records with the task that decided it (`reviewedBy`,
 * `revisedBy`, or `retiredBy` of the 停用 message), else `system`. Idempotent: a retried job finds
 * the entry moved and writes nothing again.
 */
import { BusinessError } from '../engine/errors.js';
import { chinaDay, defaultValidUntil, isDay, personalDataLeft, type KnowledgeAction, type KnowledgeStatus } from '../regulation/knowledge.js';
import { optionalString, requireId } from '../regulation/variables.js';
import type { KnowledgeStore, WorkerDeps } from './deps.js';
import { atCompletion, defineJob, headerOneOf, type JobHandler } from './job.js';

export const KNOWLEDGE_STEPS = ['published', 'returned', 'expired', 'retired'] as const;
export type KnowledgeStepAction = (typeof KNOWLEDGE_STEPS)[number] & KnowledgeAction;

const STEPS: Record<KnowledgeStepAction, { from: readonly KnowledgeStatus[]; to: KnowledgeStatus; actors: readonly string[] }> = {
  published: { from: ['review'], to: 'published', actors: ['reviewedBy'] },
  returned: { from: ['review'], to: 'draft', actors: ['reviewedBy'] },
  expired: { from: ['published'], to: 'draft', actors: [] },
  retired: { from: ['draft', 'review', 'published'], to: 'retired', actors: ['retiredBy', 'revisedBy'] },
};

export const PERSONAL_DATA_ERROR = 'KNOWLEDGE_PERSONAL_DATA';

export function knowledgeOf(deps: Pick<WorkerDeps, 'knowledge'>, type: string): KnowledgeStore {
  if (!deps.knowledge) throw new Error(`${type}: the knowledge base is not configured in this process (server/engine-setup.ts wires it)`);
  return deps.knowledge;
}

/** the instant a valid-until date (China) is past: 00:00 China time of the next day, as ISO-8601 UTC */
export function expiresAt(validUntil: string): string {
  const [y, m, d] = validUntil.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1) - 8 * 3600_000).toISOString();
}

function actorOf(variables: Record<string, unknown>, names: readonly string[]): string {
  for (const n of names) {
    const v = optionalString(variables, n);
    if (v) return v;
  }
  return 'system';
}

export function createSetKnowledgeStatus(deps: Pick<WorkerDeps, 'knowledge' | 'clock' | 'logger'>): JobHandler {
  return defineJob('set-knowledge-status', async (variables, ctx) => {
    const action = headerOneOf(ctx, 'action', KNOWLEDGE_STEPS);
    const store = knowledgeOf(deps, 'set-knowledge-status');
    const entryId = requireId(variables, 'entryId');
    const entry = await store.get(entryId);
    if (!entry) throw new Error(`knowledge entry ${JSON.stringify(entryId)} does not exist`);
    const step = STEPS[action];
    const at = deps.clock.now();
    const actor = actorOf(variables, step.actors);

    if (action === 'published') {
      const validUntil = entry.validUntil && isDay(entry.validUntil) ? entry.validUntil : defaultValidUntil(chinaDay(at));
      const output = { validUntil, expiresAt: expiresAt(validUntil) };
      if (entry.status === 'published') return output;
      if (entry.status !== 'review') throw new Error(`knowledge entry ${entryId} is ${entry.status}, not in review: it cannot be published`);
      const problems = personalDataLeft(entry);
      if (problems.length) {
        const reason = `发布前检查未通过:${problems.map((p) => p.message).join(';')}`;
        deps.logger.info({ jobKey: ctx.jobKey, entryId, fields: problems.map((p) => p.field) }, 'knowledge entry holds personal data: back to its unit');
        throw new BusinessError(PERSONAL_DATA_ERROR, reason, { knowledgeReturnReason: reason });
      }
      await atCompletion(ctx, async (tx) => {
        const r = await store.step(entryId, { from: step.from, to: step.to, action, actor, at, published: true, reviewed: true, ...(validUntil !== entry.validUntil && { validUntil }) }, tx);
        deps.logger.info({ jobKey: ctx.jobKey, entryId, ...r }, 'knowledge entry published');
      });
      return output;
    }

    if (entry.status === step.to) return {};
    if (!step.from.includes(entry.status)) throw new Error(`knowledge entry ${entryId} is ${entry.status}: step "${action}" moves only from ${step.from.join(', ')}`);
    const note =
      action === 'returned' ? (optionalString(variables, 'knowledgeReturnReason') ?? null)
      : action === 'expired' ? `有效期至 ${entry.validUntil ?? '—'}`
      : (optionalString(variables, 'retireReason') ?? null);
    await atCompletion(ctx, async (tx) => {
      const r = await store.step(entryId, { from: step.from, to: step.to, action, actor, at, note: note && note.slice(0, 500), ...(action === 'returned' && { reviewed: true }) }, tx);
      deps.logger.info({ jobKey: ctx.jobKey, entryId, action, ...r }, 'knowledge entry status set');
    });
    return {};
  });
}
