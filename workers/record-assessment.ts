/**
 * `record-assessment`: 第二十七条 — the scores the decision table gave (`scores`, one
 * `{ unitId, score }` per unit of `units`), ranked (equal scores share a rank), with who the 表扬 and
 * 批评 通报 name (regulation/assessment.ts), recorded with the figures `gather-assessment` saved, and
 * the assessment done. Once: a done assessment is left as it is, so a retried job changes nothing.
 */
import { isAssessed, rankUnits, toScore } from '../regulation/assessment.js';
import { requireId, VariableError } from '../regulation/variables.js';
import type { WorkerDeps } from './deps.js';
import { assessmentsOf } from './gather-assessment.js';
import { atCompletion, defineJob, type JobHandler } from './job.js';

function readScores(value: unknown): Map<string, unknown> {
  if (!Array.isArray(value)) throw new VariableError('variable "scores" must be a list of { unitId, score }');
  const out = new Map<string, unknown>();
  for (const item of value) {
    const unitId = (item as { unitId?: unknown } | null)?.unitId;
    if (typeof unitId !== 'string' || unitId === '') throw new VariableError('variable "scores": every item needs its unitId');
    out.set(unitId, (item as { score?: unknown }).score ?? null);
  }
  return out;
}

export function createRecordAssessment(deps: Pick<WorkerDeps, 'assessments' | 'clock' | 'logger'>): JobHandler {
  return defineJob('record-assessment', async (variables, ctx) => {
    const assessmentId = requireId(variables, 'assessmentId');
    const store = assessmentsOf(deps, 'record-assessment');
    const assessment = await store.get(assessmentId);
    if (!assessment) throw new Error(`assessment ${JSON.stringify(assessmentId)} does not exist`);
    const log = { jobKey: ctx.jobKey, assessmentId };
    if (assessment.state === 'done') {
      deps.logger.warn(log, 'the assessment is done already: left as it is');
      return;
    }
    const scores = readScores(variables.scores);
    const figures = await store.figures(assessmentId);
    const rows = figures.map((f) => {
      if (!isAssessed(f)) return { unitId: f.unitId, unitName: f.unitName, score: null };
      if (!scores.has(f.unitId)) throw new VariableError(`variable "scores" has no score of unit ${f.unitId}`);
      return { unitId: f.unitId, unitName: f.unitName, score: toScore(scores.get(f.unitId)) };
    });
    const criticisms = new Map(figures.map((f) => [f.unitId, f.warnings.criticisms]));
    const ranked = rankUnits(rows, (id) => criticisms.get(id) ?? 0);
    const decisionVersion = await store.decisionVersion();
    const at = deps.clock.now();
    await atCompletion(ctx, async (tx) => {
      const { completed } = await store.complete(assessmentId, ranked.map((r) => ({ unitId: r.unitId, score: r.score, rank: r.rank, standing: r.standing })), { decisionVersion, at }, tx);
      deps.logger.info({ ...log, ranked: ranked.filter((r) => r.rank !== null).length, completed }, completed ? 'assessment recorded' : 'the assessment was done already');
    });
  });
}
