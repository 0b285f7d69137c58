import { describe, it, expect } from '@jest/globals';
import { CRITICISM_REASON, createTransferToInspection } from './transfer-to-inspection.js';
import { createTestDeps, jobContext } from './testing/in-memory.js';
import { renderTemplate } from '../regulation/templates.js';

const vars = {
  petitionId: 'p1',
  trackingCode: 'LN1',
  unitId: 'u-longnan',
  finishDueAt: '2026-03-09T16:00:00.000Z',
  transferAt: '2026-03-18T16:00:00.000Z',
  deadlineSeq: 1,
};

describe('transfer-to-inspection (第二十六条)', () => {
  it('records the transfer and exactly one 通报批评 per deadline, and notifies the inspection office once', async () => {
    const deps = createTestDeps({ now: '2026-03-19T01:00:00.000Z' });
    const handler = createTransferToInspection(deps);
    expect(await handler(vars, jobContext('transfer-to-inspection'))).toBeUndefined();
    await handler(vars, jobContext('transfer-to-inspection'));
    expect(deps.ledger.transfers).toEqual([{ petitionId: 'p1', deadlineSeq: 1, unitId: 'u-longnan', at: new Date('2026-03-19T01:00:00.000Z') }]);
    expect(deps.ledger.criticisms).toEqual([{ unitId: 'u-longnan', petitionId: 'p1', deadlineSeq: 1, reason: CRITICISM_REASON, at: new Date('2026-03-19T01:00:00.000Z') }]);
    expect(deps.outbox.entries).toHaveLength(1);
    const row = deps.outbox.entries[0];
    expect(row).toMatchObject({ channel: 'email', recipientKind: 'inspection-office', recipientRef: 'inspection-office', template: 'inspection-transfer', dedupeKey: 'inspection:p1:1' });
    expect(renderTemplate(row.template, row.payload)).toContain('由龙南镇人民政府承办,超过办理期限(2026-03-09 24:00)7 个工作日以上且未说明原因');
  });

  it('a later deadline of the same case may be transferred again', async () => {
    const deps = createTestDeps({ now: '2026-04-30T01:00:00.000Z' });
    const handler = createTransferToInspection(deps);
    await handler(vars, jobContext('transfer-to-inspection'));
    await handler({ ...vars, deadlineSeq: 2, transferAt: '2026-04-20T16:00:00.000Z' }, jobContext('transfer-to-inspection'));
    expect(deps.ledger.criticisms.map((c) => c.deadlineSeq)).toEqual([1, 2]);
  });

  it('does nothing when the delay is explained, or before transferAt', async () => {
    const deps = createTestDeps({ now: '2026-03-19T01:00:00.000Z' });
    await createTransferToInspection(deps)({ ...vars, delayExplained: true, delayExplanation: '…' }, jobContext('transfer-to-inspection'));
    deps.clock.set('2026-03-18T15:00:00.000Z');
    await createTransferToInspection(deps)(vars, jobContext('transfer-to-inspection'));
    expect(deps.ledger.transfers).toHaveLength(0);
    expect(deps.outbox.entries).toHaveLength(0);
  });

  it('fails on missing variables or an unknown unit', async () => {
    const handler = createTransferToInspection(createTestDeps({ now: '2026-03-19T01:00:00.000Z' }));
    await expect(handler({ ...vars, transferAt: undefined }, jobContext('transfer-to-inspection'))).rejects.toThrow('transfer-to-inspection: variable "transferAt"');
    await expect(handler({ ...vars, deadlineSeq: 1.5 }, jobContext('transfer-to-inspection'))).rejects.toThrow('variable "deadlineSeq" must be a whole number');
    await expect(handler({ ...vars, unitId: 'u-x' }, jobContext('transfer-to-inspection'))).rejects.toThrow('unit "u-x" is not in the unit directory');
  });
});
