/**
 * `issue-report` (header `kind`: month, quarter): 第二十五条. Issues the schedule's 月报 (of
 * `reportMonth`) or 季报 (of `reportQuarter`): computes the figures, then archives them as the
 * schedule's edition with the job's completion and tells the platform office and the city's leaders
 * (outbox, once per period). A retried job finds the edition it made and makes no second one.
 */
import type { ReportKind } from '../regulation/report-figures.js';
import { checkPeriodRef, REPORT_KIND_LABELS, REPORT_KINDS } from '../regulation/report-schedule.js';
import { VariableError, type Vars } from '../regulation/variables.js';
import type { WorkerDeps } from './deps.js';
import { atCompletion, defineJob, headerOneOf, type JobHandler } from './job.js';

function periodVariable(variables: Vars, kind: ReportKind) {
  const name = kind === 'month' ? 'reportMonth' : 'reportQuarter';
  const v = variables[name] as { year?: unknown; index?: unknown } | undefined;
  if (typeof v !== 'object' || v === null) throw new VariableError(`variable "${name}" must be an object { year, index } (set by check-report-due)`);
  try {
    return checkPeriodRef(kind, v.year, v.index);
  } catch (err) {
    throw new VariableError(`variable "${name}": ${(err as Error).message}`);
  }
}

export function createIssueReport(deps: Pick<WorkerDeps, 'reports' | 'outbox' | 'logger'>): JobHandler {
  return defineJob('issue-report', async (variables, ctx) => {
    const kind = headerOneOf(ctx, 'kind', REPORT_KINDS);
    const ref = periodVariable(variables, kind);
    const log = { jobKey: ctx.jobKey, processInstanceKey: ctx.processInstanceKey, kind, year: ref.year, index: ref.index };
    const had = await deps.reports.scheduled(ref);
    if (had) {
      deps.logger.info({ ...log, reportId: had.reportId }, 'the schedule issued this report already');
      return { reportId: had.reportId };
    }
    const figures = await deps.reports.figures(ref);
    await atCompletion(ctx, async (tx) => {
      const issued = await deps.reports.archiveScheduled(figures, ctx.processInstanceKey, tx);
      if (issued.created) {
        for (const recipientKind of ['platform', 'city-leaders'] as const) {
          await deps.outbox.enqueue(
            {
              channel: 'email',
              recipientKind,
              recipientRef: recipientKind,
              template: 'report-issued',
              payload: { kindLabel: REPORT_KIND_LABELS[kind], periodLabel: figures.period.label, reportId: issued.reportId },
              dedupeKey: `report-issued:${kind}:${ref.year}:${ref.index}:${recipientKind}`,
            },
            tx,
          );
        }
      }
      deps.logger.info({ ...log, reportId: issued.reportId, edition: issued.edition, created: issued.created }, issued.created ? 'report issued' : 'the schedule issued this report already');
    });
  });
}
