import { describe, it, expect } from '@jest/globals';
import { createComputeDeadlines } from './compute-deadlines.js';
import { createExtendDeadline } from './extend-deadline.js';
import { createRaiseWarning } from './raise-warning.js';
import { createTestDeps, jobContext } from './testing/in-memory.js';

const ctx = (level: string) => jobContext('raise-warning', { level });

async function dispatched(deps: ReturnType<typeof createTestDeps>) {
  const deadlines = await createComputeDeadlines(deps)({ category: 'complaint', unitId: 'u-longnan' }, jobContext('compute-deadlines', { stage: 'dispatch' }));
  return { petitionId: 'p1', trackingCode: 'LN1', unitId: 'u-longnan', category: 'complaint', ...deadlines } as Record<string, any>;
}

describe('raise-warning (第二十六条)', () => {
  it('a never-handled case: blue, yellow, red once each, to contact, leader, head — 4.5 points in all', async () => {
    const deps = createTestDeps({ now: '2026-03-02T02:00:00.000Z' });
    const vars = await dispatched(deps);
    const handler = createRaiseWarning(deps);
    for (const [level, at] of [['blue', vars.blueAt], ['yellow', vars.yellowAt], ['red', vars.redAt]] as const) {
      deps.clock.set(at);
      expect(await handler(vars, ctx(level))).toBeUndefined();
      // a retried job (or the timer firing again) changes nothing
      await handler(vars, ctx(level));
    }
    expect(deps.ledger.warnings.map((w) => [w.level, w.points, w.deadlineSeq, w.unitId])).toEqual([
      ['blue', 5, 1, 'u-longnan'],
      ['yellow', 10, 1, 'u-longnan'],
      ['red', 30, 1, 'u-longnan'],
    ]);
    expect(deps.ledger.totalTenths('u-longnan') / 10).toBe(4.5);
    expect(deps.outbox.entries.map((e) => [e.template, e.recipientKind, e.recipientRef, e.dedupeKey])).toEqual([
      ['warning-blue', 'unit-contact', 'contact-of-u-longnan', 'warning:p1:1:blue'],
      ['warning-yellow', 'unit-leader', 'leader-of-u-longnan', 'warning:p1:1:yellow'],
      ['warning-red', 'unit-head', 'head-of-u-longnan', 'warning:p1:1:red'],
    ]);
    expect(deps.outbox.entries[2].payload).toEqual({ petitionId: 'p1', trackingCode: 'LN1', finishDueAt: vars.finishDueAt, overdueDays: 4, deductionTenths: 30 });
  });

  it('an extended deadline is a new deadline: its warnings are raised again', async () => {
    const deps = createTestDeps({ now: '2026-03-02T02:00:00.000Z' });
    let vars = await dispatched(deps);
    deps.clock.set(vars.blueAt);
    await createRaiseWarning(deps)(vars, ctx('blue'));
    vars = { ...vars, ...(await createExtendDeadline(deps)(vars, jobContext('extend-deadline'))) };
    expect(vars.deadlineSeq).toBe(2);
    deps.clock.set(vars.blueAt);
    await createRaiseWarning(deps)(vars, ctx('blue'));
    expect(deps.ledger.warnings.map((w) => [w.level, w.deadlineSeq])).toEqual([
      ['blue', 1],
      ['blue', 2],
    ]);
  });

  it('raises nothing when the deadline is not that far overdue (a stale timer)', async () => {
    const deps = createTestDeps({ now: '2026-03-02T02:00:00.000Z' });
    const vars = await dispatched(deps);
    deps.clock.set(vars.yellowAt);
    await createRaiseWarning(deps)(vars, ctx('red'));
    expect(deps.ledger.warnings).toHaveLength(0);
    expect(deps.outbox.entries).toHaveLength(0);
    expect(deps.logger.entries.some((e) => e.level === 'warn' && /not raised/.test(e.msg ?? ''))).toBe(true);
  });

  it('completes the notification on retry when the ledger row was written before a crash', async () => {
    const deps = createTestDeps({ now: '2026-03-02T02:00:00.000Z' });
    const vars = await dispatched(deps);
    deps.clock.set(vars.blueAt);
    const enqueue = deps.outbox.enqueue.bind(deps.outbox);
    deps.outbox.enqueue = async () => {
      throw new Error('database went away');
    };
    await expect(createRaiseWarning(deps)(vars, ctx('blue'))).rejects.toThrow('raise-warning: database went away');
    deps.outbox.enqueue = enqueue;
    await createRaiseWarning(deps)(vars, ctx('blue'));
    expect(deps.ledger.warnings).toHaveLength(1);
    expect(deps.outbox.entries).toHaveLength(1);
  });

  it('fails on a bad level or missing variables', async () => {
    const deps = createTestDeps({ now: '2026-03-20T02:00:00.000Z' });
    const vars = await dispatched(createTestDeps({ now: '2026-03-02T02:00:00.000Z' }));
    const handler = createRaiseWarning(deps);
    await expect(handler(vars, ctx('orange'))).rejects.toThrow('raise-warning: task header "level" must be one of blue, yellow, red (got "orange")');
    await expect(handler({ ...vars, deadlineSeq: undefined }, ctx('blue'))).rejects.toThrow('variable "deadlineSeq" is missing');
    await expect(handler({ ...vars, unitId: undefined }, ctx('blue'))).rejects.toThrow('variable "unitId" must be an id');
    await expect(handler({ ...vars, finishDueAt: null }, ctx('blue'))).rejects.toThrow('variable "finishDueAt" must be an ISO-8601 instant');
    await expect(handler({ ...vars, unitId: 'u-gone' }, ctx('blue'))).rejects.toThrow('unit "u-gone" is not in the unit directory');
    expect(deps.ledger.warnings).toHaveLength(0);
  });
});
