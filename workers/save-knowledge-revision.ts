/**
 * `save-knowledge-revision`: the owner unit's 复核 of a returned or expired knowledge entry (知识库,
 * issue 17; process `knowledge-review`): its revised `question`, `answer`, `basis` and `validUntil`
 * (form `revise-knowledge`, checked by the app when the task was completed) as a new content version,
 * and the entry back in review. The actor is `revisedBy`, the staff id the app records with the
 * task's completion. Idempotent: a retried job finds the entry in review and writes nothing again.
 */
import { isDay, LIMITS } from '../regulation/knowledge.js';
import { optionalString, requireId, requireString, VariableError } from '../regulation/variables.js';
import type { WorkerDeps } from './deps.js';
import { atCompletion, defineJob, type JobHandler } from './job.js';
import { knowledgeOf } from './set-knowledge-status.js';

function text(variables: Record<string, unknown>, name: 'question' | 'answer' | 'basis', required: boolean): string {
  const v = required ? requireString(variables, name) : (optionalString(variables, name) ?? '');
  const t = v.trim();
  if (required && !t) throw new VariableError(`variable "${name}" must not be empty`);
  if ([...t].length > LIMITS[name]) throw new VariableError(`variable "${name}" is longer than ${LIMITS[name]} characters`);
  return t;
}

export function createSaveKnowledgeRevision(deps: Pick<WorkerDeps, 'knowledge' | 'clock' | 'logger'>): JobHandler {
  return defineJob('save-knowledge-revision', async (variables, ctx) => {
    const store = knowledgeOf(deps, 'save-knowledge-revision');
    const entryId = requireId(variables, 'entryId');
    const content = { question: text(variables, 'question', true), answer: text(variables, 'answer', true), basis: text(variables, 'basis', false) };
    const vu = optionalString(variables, 'validUntil');
    if (vu !== undefined && !isDay(vu)) throw new VariableError(`variable "validUntil" must be a date YYYY-MM-DD (got ${JSON.stringify(vu)})`);
    const entry = await store.get(entryId);
    if (!entry) throw new Error(`knowledge entry ${JSON.stringify(entryId)} does not exist`);
    if (entry.status === 'review') return;
    if (entry.status !== 'draft') throw new Error(`knowledge entry ${entryId} is ${entry.status}, not a draft: no revision is saved`);
    const actor = optionalString(variables, 'revisedBy') ?? 'system';
    await atCompletion(ctx, async (tx) => {
      const r = await store.revise(entryId, { ...content, validUntil: vu ?? entry.validUntil }, { actor, at: deps.clock.now() }, tx);
      deps.logger.info({ jobKey: ctx.jobKey, entryId, ...r }, 'knowledge entry revised and submitted');
    });
  });
}
