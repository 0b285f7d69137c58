/**
 * `raise-warning` (header `level`: blue, yellow, red): 第二十六条. Records the level's deduction once
 * per deadline (0.5 / 1 / 3 points; a never-handled case adds up to 4.5) and notifies the level's
 * recipient (the unit's contact / 分管领导 / 主要领导). Both writes are idempotent by
 * (petitionId, deadlineSeq, level), so a retry completes what a crash left undone and doubles nothing.
 * A warning whose deadline is not yet that far overdue (the finish deadline moved after the timer was
 * set, or an admin added a holiday) is not raised.
 */
import { WARNING_LEVELS, WARNING_RULES } from '../regulation/warnings.js';
import { readInteger, requireId, requireInstant, requireString } from '../regulation/variables.js';
import type { WorkerDeps } from './deps.js';
import { atCompletion, defineJob, headerOneOf, type JobHandler } from './job.js';
import { findUnit, unitRecipient } from './recipients.js';

export function createRaiseWarning(deps: Pick<WorkerDeps, 'calendar' | 'clock' | 'ledger' | 'outbox' | 'units' | 'logger'>): JobHandler {
  return defineJob('raise-warning', async (variables, ctx) => {
    const level = headerOneOf(ctx, 'level', WARNING_LEVELS);
    const rule = WARNING_RULES[level];
    const petitionId = requireId(variables, 'petitionId');
    const unitId = requireId(variables, 'unitId');
    const finishDueAt = requireInstant(variables, 'finishDueAt');
    const deadlineSeq = readInteger(variables, 'deadlineSeq', { min: 0 });
    const trackingCode = requireString(variables, 'trackingCode');
    const now = deps.clock.now();

    const overdueDays = (await deps.calendar()).overdueDays(finishDueAt, now);
    const log = { jobKey: ctx.jobKey, processInstanceKey: ctx.processInstanceKey, petitionId, unitId, deadlineSeq, level, overdueDays };
    if (overdueDays < rule.overdueDays) {
      deps.logger.warn(log, `not raised: the deadline is ${overdueDays} working day(s) overdue, the ${level} warning needs ${rule.overdueDays}`);
      return;
    }
    const unit = await findUnit(deps.units, unitId);
    const recipient = await unitRecipient(rule.recipient, unit, deps);
    await atCompletion(ctx, async (tx) => {
      const { created } = await deps.ledger.recordWarning(
        {
          unitId,
          petitionId,
          deadlineSeq,
          level,
          points: rule.deductionTenths,
          reason: `${rule.label}预警:超过办理期限 ${rule.overdueDays} 个工作日(第二十六条)`,
          at: now,
        },
        tx,
      );
      await deps.outbox.enqueue(
        {
          channel: 'sms',
          recipientKind: recipient.recipientKind,
          recipientRef: recipient.recipientRef,
          template: `warning-${level}`,
          payload: { petitionId, trackingCode, finishDueAt: finishDueAt.toISOString(), overdueDays, deductionTenths: rule.deductionTenths },
          dedupeKey: `warning:${petitionId}:${deadlineSeq}:${level}`,
        },
        tx,
      );
      deps.logger.info({ ...log, created }, created ? 'warning raised' : 'warning was already raised for this deadline');
    });
  });
}
