/**
 * `compute-deadlines` (header `stage`): the deadlines of a stage, in working days (第十条、第十三条、
 * 第十七条、第二十四条、第二十六条), computed by regulation/deadlines.ts with the calendar as it is
 * now (admin overrides included).
 */
import { computeStage, STAGES } from '../regulation/deadlines.js';
import type { WorkerDeps } from './deps.js';
import { defineJob, headerOneOf, type JobHandler } from './job.js';

export function createComputeDeadlines(deps: Pick<WorkerDeps, 'calendar' | 'clock' | 'logger'>): JobHandler {
  return defineJob('compute-deadlines', async (variables, ctx) => {
    const stage = headerOneOf(ctx, 'stage', STAGES);
    const calendar = await deps.calendar();
    const result = computeStage(calendar, stage, variables, deps.clock.now());
    if (result.provisional) {
      deps.logger.warn(
        { jobKey: ctx.jobKey, processInstanceKey: ctx.processInstanceKey, stage },
        'deadline counted over a year whose holiday schedule is not in the calendar yet (Mon–Fri assumed): add the year in the calendar admin',
      );
    }
    return result.variables;
  });
}
