/**
 * `gather-assessment`: 第二十七条 — each unit's figures for the assessment's period (第二十五条's
 * counts and rates, 第二十六条's deductions, transfers and 通报批评), saved with the assessment as
 * they are now, and the decision table's inputs of every unit that has something to assess as the
 * list `units`, which the diagram's multi-instance business-rule task scores one by one. A unit with
 * nothing in the period is saved with its figures and left out of `units` (listed, not ranked).
 */
import { assessmentInputs, isAssessed } from '../regulation/assessment.js';
import { requireId } from '../regulation/variables.js';
import type { Assessments, WorkerDeps } from './deps.js';
import { atCompletion, defineJob, type JobHandler } from './job.js';

export function assessmentsOf(deps: Pick<WorkerDeps, 'assessments'>, type: string): Assessments {
  if (!deps.assessments) throw new Error(`${type}: the assessments store is not configured in this process (server/engine-setup.ts wires it)`);
  return deps.assessments;
}

export function createGatherAssessment(deps: Pick<WorkerDeps, 'assessments' | 'logger'>): JobHandler {
  return defineJob('gather-assessment', async (variables, ctx) => {
    const assessmentId = requireId(variables, 'assessmentId');
    const store = assessmentsOf(deps, 'gather-assessment');
    const assessment = await store.get(assessmentId);
    if (!assessment) throw new Error(`assessment ${JSON.stringify(assessmentId)} does not exist`);
    if (assessment.state === 'done') throw new Error(`assessment ${assessmentId} is done already: its figures are not taken again`);
    const rows = await store.unitFigures(assessment.period);
    await atCompletion(ctx, (tx) => store.saveFigures(assessmentId, rows, tx));
    const units = rows.filter(isAssessed).map((r) => ({ unitId: r.unitId, ...assessmentInputs(r) }));
    deps.logger.info({ jobKey: ctx.jobKey, assessmentId, units: rows.length, assessed: units.length }, 'assessment figures taken');
    return { units };
  });
}
