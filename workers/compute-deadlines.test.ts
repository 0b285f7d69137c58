import { describe, it, expect } from '@jest/globals';
import { createWorkingCalendar } from '../regulation/calendar/working-calendar.js';
import { createComputeDeadlines } from './compute-deadlines.js';
import { createTestDeps, jobContext } from './testing/in-memory.js';

const endOf = (day: string) => new Date(`${day}T24:00:00+08:00`).toISOString();

describe('compute-deadlines', () => {
  it('stage dispatch: groups, deadlines by category, warning instants, deadlineSeq', async () => {
    const deps = createTestDeps({ now: '2026-03-02T02:00:00.000Z' });
    const out = await createComputeDeadlines(deps)({ category: 'complaint', unitId: 'u-longnan', petitionId: 'p1' }, jobContext('compute-deadlines', { stage: 'dispatch' }));
    expect(out).toEqual({
      unitGroup: 'unit:u-longnan',
      unitLeaderGroup: 'unit-leader:u-longnan',
      dispatchedAt: '2026-03-02T02:00:00.000Z',
      returnDueAt: endOf('2026-03-03'),
      firstStepDueAt: endOf('2026-03-04'),
      finishDueAt: endOf('2026-03-09'),
      blueAt: endOf('2026-03-10'),
      yellowAt: endOf('2026-03-11'),
      redAt: endOf('2026-03-13'),
      transferAt: endOf('2026-03-18'),
      deadlineSeq: 1,
      extensionCount: 0,
    });
  });

  it('reads the calendar per job, so an admin override applies without a restart', async () => {
    const deps = createTestDeps({ now: '2026-03-02T02:00:00.000Z' });
    let calendar = createWorkingCalendar({});
    deps.calendar = async () => calendar;
    const handler = createComputeDeadlines(deps);
    const ctx = () => jobContext('compute-deadlines', { stage: 'rating' });
    expect(await handler({}, ctx())).toEqual({ ratingDueAt: endOf('2026-03-09') });
    calendar = createWorkingCalendar({ overrides: [{ date: '2026-03-05', workday: false }] });
    expect(await handler({}, ctx())).toEqual({ ratingDueAt: endOf('2026-03-10') });
  });

  it('stages report-accepted, redo and supervision', async () => {
    const deps = createTestDeps({ now: '2026-03-04T03:00:00.000Z' });
    const handler = createComputeDeadlines(deps);
    const accepted = await handler({ category: 'report', deadlineSeq: 1 }, jobContext('compute-deadlines', { stage: 'report-accepted' }));
    expect(accepted).toMatchObject({ finishDueAt: endOf('2026-03-18'), deadlineSeq: 2 });
    expect(await handler({}, jobContext('compute-deadlines', { stage: 'redo' }))).toEqual({ redoDueAt: endOf('2026-03-11') });
    expect(await handler({ supervisionMethod: '二' }, jobContext('compute-deadlines', { stage: 'supervision' }))).toEqual({ supervisionDueAt: endOf('2026-03-06') });
  });

  it('warns in the log when a deadline is provisional (a year without a schedule)', async () => {
    const deps = createTestDeps({ now: '2031-12-30T02:00:00.000Z' });
    await createComputeDeadlines(deps)({ category: 'complaint', unitId: 'u1' }, jobContext('compute-deadlines', { stage: 'dispatch' }));
    expect(deps.logger.entries.some((e) => e.level === 'warn' && /not in the calendar yet/.test(e.msg ?? ''))).toBe(true);
  });

  it('fails with a clear message on a bad header or bad variables', async () => {
    const handler = createComputeDeadlines(createTestDeps());
    await expect(handler({ category: 'complaint', unitId: 'u1' }, jobContext('compute-deadlines', {}))).rejects.toThrow('compute-deadlines: task header "stage" is missing');
    await expect(handler({ category: 'complaint', unitId: 'u1' }, jobContext('compute-deadlines', { stage: 'finish' }))).rejects.toThrow(
      'compute-deadlines: task header "stage" must be one of dispatch, report-accepted, rating, redo, supervision (got "finish")',
    );
    await expect(handler({ category: '投诉', unitId: 'u1' }, jobContext('compute-deadlines', { stage: 'dispatch' }))).rejects.toThrow('compute-deadlines: variable "category" must be one of');
    await expect(handler({ category: 'complaint', unitId: 'u1', deadlineSeq: 'x' }, jobContext('compute-deadlines', { stage: 'dispatch' }))).rejects.toThrow('variable "deadlineSeq" must be a whole number');
  });
});
