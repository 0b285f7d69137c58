/**
 * `gather-assessment`: 第二十七条 — each unit's figures for the assessment's period (第二十五条's
 * counts and rates, 第二十六条's deductions, transfers and 通报批评), saved with the assessment as
 * they are now, and the decision table's inputs of every unit that has something to assess as the
 * list `units`, which the diagram's multi-instance business-rule task scores one by one. A unit with
 * nothing in the period is saved with its figures and left out of `units` (listed, not ranked).
 *
 * Started by a request the assessment exists already (`assessmentId`). Started by the quarter's
 * timer there is none: the job makes the next edition of the quarter that ended last (China time),
 * with an id drawn from its job key, so a retried job finds the one it made, and answers its
 * `assessmentId` for the next task.
 */
import { createHash } from 'node:crypto';
import { assessmentInputs, isAssessed } from '../regulation/assessment.js';
import { lastCompletedPeriod } from '../regulation/report-period.js';
import { optionalString, requireId } from '../regulation/variables.js';
import type { Assessments, WorkerDeps } from './deps.js';
import { atCompletion, defineJob, type JobHandler } from './job.js';

export function assessmentsOf(deps: Pick<WorkerDeps, 'assessments'>, type: string): Assessments {
  if (!deps.assessments) throw new Error(`${type}: the assessments store is not configured in this process (server/engine-setup.ts wires it)`);
  return deps.assessments;
}

/** a UUID-shaped id that is the same for the same job (a retried job makes no second assessment) */
export function scheduledAssessmentId(jobKey: string): string {
  const h = createHash('sha256').update(`scheduled-assessment:${jobKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function createGatherAssessment(deps: Pick<WorkerDeps, 'assessments' | 'logger' | 'clock'>): JobHandler {
  return defineJob('gather-assessment', async (variables, ctx) => {
    const store = assessmentsOf(deps, 'gather-assessment');
    const scheduled = optionalString(variables, 'assessmentId') === undefined;
    let assessmentId: string;
    let period;
    if (scheduled) {
      assessmentId = scheduledAssessmentId(ctx.jobKey);
      const q = lastCompletedPeriod('quarter', deps.clock.now());
      period = { kind: q.kind, year: q.year, index: q.index };
    } else {
      assessmentId = requireId(variables, 'assessmentId');
      const assessment = await store.get(assessmentId);
      if (!assessment) throw new Error(`assessment ${JSON.stringify(assessmentId)} does not exist`);
      if (assessment.state === 'done') throw new Error(`assessment ${assessmentId} is done already: its figures are not taken again`);
      period = assessment.period;
    }
    const rows = await store.unitFigures(period);
    await atCompletion(ctx, async (tx) => {
      if (scheduled) await store.createScheduled({ id: assessmentId, period, at: deps.clock.now(), processInstanceKey: ctx.processInstanceKey }, tx);
      await store.saveFigures(assessmentId, rows, tx);
    });
    const units = rows.filter(isAssessed).map((r) => ({ unitId: r.unitId, ...assessmentInputs(r) }));
    deps.logger.info({ jobKey: ctx.jobKey, assessmentId, scheduled, units: rows.length, assessed: units.length }, 'assessment figures taken');
    return scheduled ? { assessmentId, units } : { units };
  });
}
