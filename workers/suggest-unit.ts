/**
 * `suggest-unit`: the 属地 suggestion for the dispatch form (第九条), by regulation/unit-suggestion.ts.
 * `suggestedUnitId` is null when there is no basis for a suggestion (staff choose).
 */
import { suggestUnit } from '../regulation/unit-suggestion.js';
import { optionalString, requireCategory } from '../regulation/variables.js';
import type { WorkerDeps } from './deps.js';
import { defineJob, type JobHandler } from './job.js';

export function createSuggestUnit(deps: Pick<WorkerDeps, 'units' | 'logger'>): JobHandler {
  return defineJob('suggest-unit', async (variables, ctx) => {
    const category = requireCategory(variables);
    const township = optionalString(variables, 'township');
    const suggestion = suggestUnit(await deps.units.list(), township, category);
    deps.logger.info({ jobKey: ctx.jobKey, processInstanceKey: ctx.processInstanceKey, suggestedUnitId: suggestion.unitId ?? null, reason: suggestion.reason }, 'unit suggested');
    return { suggestedUnitId: suggestion.unitId ?? null };
  });
}
