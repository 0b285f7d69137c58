/**
 * `transfer-to-inspection`: 第二十六条 — a case ≥ 7 complete working days overdue without an
 * explanation goes to 市政府督查室 and counts one city-wide 通报批评. Once per deadline: the transfer
 * and its criticism are recorded together by (petitionId, deadlineSeq), and the notice to the
 * inspection office is deduplicated by the same key.
 * The diagram calls it only without an explanation on file; should one be there (`delayExplained`),
 * or should `transferAt` not be reached (the deadline moved), nothing is recorded.
 */
import { optionalInstant, readBoolean, readInteger, requireId, requireInstant, requireString } from '../regulation/variables.js';
import type { WorkerDeps } from './deps.js';
import { atCompletion, defineJob, type JobHandler } from './job.js';
import { findUnit } from './recipients.js';

export const CRITICISM_REASON = '超过办理期限 7 个工作日以上且未说明原因,转市政府督查室处理,计入全市通报批评一次(第二十六条)';

export function createTransferToInspection(deps: Pick<WorkerDeps, 'clock' | 'ledger' | 'outbox' | 'units' | 'logger'>): JobHandler {
  return defineJob('transfer-to-inspection', async (variables, ctx) => {
    const petitionId = requireId(variables, 'petitionId');
    const unitId = requireId(variables, 'unitId');
    const transferAt = requireInstant(variables, 'transferAt');
    const deadlineSeq = readInteger(variables, 'deadlineSeq', { min: 0 });
    const trackingCode = requireString(variables, 'trackingCode');
    const now = deps.clock.now();
    const log = { jobKey: ctx.jobKey, processInstanceKey: ctx.processInstanceKey, petitionId, unitId, deadlineSeq };

    if (readBoolean(variables, 'delayExplained', false)) {
      deps.logger.warn(log, 'not transferred: the unit has explained the delay (第二十六条)');
      return;
    }
    if (now.getTime() < transferAt.getTime()) {
      deps.logger.warn({ ...log, transferAt: transferAt.toISOString() }, 'not transferred: transferAt is not reached (the deadline moved)');
      return;
    }
    const unit = await findUnit(deps.units, unitId);
    const finishDueAt = optionalInstant(variables, 'finishDueAt')?.toISOString() ?? null;
    await atCompletion(ctx, async (tx) => {
      const { created } = await deps.ledger.recordTransfer({ petitionId, deadlineSeq, unitId, reason: CRITICISM_REASON, at: now }, tx);
      await deps.outbox.enqueue(
        {
          channel: 'email',
          recipientKind: 'inspection-office',
          recipientRef: 'inspection-office',
          template: 'inspection-transfer',
          payload: { petitionId, trackingCode, unitName: unit.name, finishDueAt },
          dedupeKey: `inspection:${petitionId}:${deadlineSeq}`,
        },
        tx,
      );
      deps.logger.info({ ...log, created }, created ? 'transferred to 市政府督查室' : 'was already transferred for this deadline');
    });
  });
}
