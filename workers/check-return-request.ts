/**
 * `check-return-request`: 第十条(二) — a unit may ask to return a matter only within 1 working day of
 * receiving it, i.e. until `returnDueAt`. Late → `returnAllowed: false` with the reason; the review
 * (第十一条) is for timely requests.
 */
import { checkReturn } from '../regulation/deadlines.js';
import { requireInstant } from '../regulation/variables.js';
import type { WorkerDeps } from './deps.js';
import { defineJob, type JobHandler } from './job.js';

export function createCheckReturnRequest(deps: Pick<WorkerDeps, 'clock'>): JobHandler {
  return defineJob('check-return-request', async (variables) => {
    const returnDueAt = requireInstant(variables, 'returnDueAt');
    return { ...checkReturn(returnDueAt, deps.clock.now()) };
  });
}
