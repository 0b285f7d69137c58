/**
 * `set-petition-status` (header `status`): the app's petition status shown when tracking.
 * Idempotent (setting the same status again changes nothing).
 */
import { isKnownStatus, STATUS_PATTERN } from '../regulation/petition-status.js';
import { requireId, VariableError } from '../regulation/variables.js';
import type { WorkerDeps } from './deps.js';
import { atCompletion, defineJob, requireHeader, type JobHandler } from './job.js';

export function createSetPetitionStatus(deps: Pick<WorkerDeps, 'petitions' | 'logger'>): JobHandler {
  return defineJob('set-petition-status', async (variables, ctx) => {
    const status = requireHeader(ctx, 'status');
    if (!STATUS_PATTERN.test(status)) throw new VariableError(`task header "status" must be a lower-case word such as "handling" (got ${JSON.stringify(status)})`);
    const petitionId = requireId(variables, 'petitionId');
    if (!isKnownStatus(status)) deps.logger.warn({ jobKey: ctx.jobKey, status }, 'a petition status without a Chinese label (regulation/petition-status.ts)');
    // the deadline in force (第十三条, moved by 第十四条 extensions): the lifecycle holds it once unit-handling ended
    const finishDueAt = typeof variables.finishDueAt === 'string' ? variables.finishDueAt : undefined;
    await atCompletion(ctx, (tx) => deps.petitions.setStatus(petitionId, status, tx, finishDueAt ? { finishDueAt } : undefined));
  });
}
