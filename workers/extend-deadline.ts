/**
 * `extend-deadline`: an approved extension (第十四条). Adds `extensionDays` working days (default:
 * the category's finish limit) counted from the current `finishDueAt`, recomputes the warning
 * instants, and moves `deadlineSeq` and `extensionCount` on by one. A pure computation of its input
 * variables, so a retried job answers the same.
 * The diagram calls it only after `check-extension-request` allowed the request and the review
 * approved it: a 突发 matter or a third extension here is a wiring error (an incident), not a refusal.
 */
import { extendFinish, MAX_EXTENSION_DAYS, MAX_EXTENSIONS } from '../regulation/extension.js';
import { optionalInteger, readBoolean, readInteger, requireCategory, requireInstant, VariableError } from '../regulation/variables.js';
import type { WorkerDeps } from './deps.js';
import { defineJob, type JobHandler } from './job.js';

export function createExtendDeadline(deps: Pick<WorkerDeps, 'calendar' | 'logger'>): JobHandler {
  return defineJob('extend-deadline', async (variables, ctx) => {
    const category = requireCategory(variables);
    const finishDueAt = requireInstant(variables, 'finishDueAt');
    const extensionDays = optionalInteger(variables, 'extensionDays', { min: 1, max: MAX_EXTENSION_DAYS });
    const extensionCount = readInteger(variables, 'extensionCount', { min: 0, fallback: 0 });
    const deadlineSeq = readInteger(variables, 'deadlineSeq', { min: 0, fallback: 0 });
    if (readBoolean(variables, 'urgent', false)) throw new VariableError('a 突发 (urgent) matter is never extended (第十四条): check-extension-request should have refused it');
    if (extensionCount >= MAX_EXTENSIONS) {
      throw new VariableError(`extensionCount is ${extensionCount}: at most ${MAX_EXTENSIONS} extensions per case (第十四条), check-extension-request should have refused it`);
    }
    const extended = extendFinish(await deps.calendar(), { category, finishDueAt, extensionDays, extensionCount, deadlineSeq });
    if (extended.provisional) {
      deps.logger.warn({ jobKey: ctx.jobKey, processInstanceKey: ctx.processInstanceKey }, 'extended deadline counted over a year whose holiday schedule is not in the calendar yet');
    }
    const { finishDueAt: newDue, blueAt, yellowAt, redAt, transferAt } = extended;
    return { finishDueAt: newDue, blueAt, yellowAt, redAt, transferAt, deadlineSeq: extended.deadlineSeq, extensionCount: extended.extensionCount };
  });
}
