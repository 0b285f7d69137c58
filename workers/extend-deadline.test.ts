import { describe, it, expect } from '@jest/globals';
import { createExtendDeadline } from './extend-deadline.js';
import { createTestDeps, jobContext } from './testing/in-memory.js';

const endOf = (day: string) => new Date(`${day}T24:00:00+08:00`).toISOString();

describe('extend-deadline (第十四条)', () => {
  const base = { petitionId: 'p1', category: 'complaint', finishDueAt: endOf('2026-03-09'), extensionCount: 0, deadlineSeq: 1 };
  const run = (vars: Record<string, unknown>) => createExtendDeadline(createTestDeps())(vars, jobContext('extend-deadline'));

  it('adds the category\'s finish limit by default, from the current deadline, and moves the warnings', async () => {
    expect(await run(base)).toEqual({
      finishDueAt: endOf('2026-03-16'),
      blueAt: endOf('2026-03-17'),
      yellowAt: endOf('2026-03-18'),
      redAt: endOf('2026-03-20'),
      transferAt: endOf('2026-03-25'),
      deadlineSeq: 2,
      extensionCount: 1,
    });
  });
  it('adds the requested days; a second extension counts from the extended deadline', async () => {
    const first = (await run({ ...base, extensionDays: 3 }))!;
    expect(first).toMatchObject({ finishDueAt: endOf('2026-03-12'), deadlineSeq: 2, extensionCount: 1 });
    const second = await run({ ...base, ...first, extensionDays: 2 });
    expect(second).toMatchObject({ finishDueAt: endOf('2026-03-16'), deadlineSeq: 3, extensionCount: 2 });
  });
  it('counts over holidays (National Day 2026)', async () => {
    expect(await run({ ...base, finishDueAt: endOf('2026-09-30'), extensionDays: 1 })).toMatchObject({ finishDueAt: endOf('2026-10-08') });
  });
  it('answers the same when retried (a pure computation)', async () => {
    expect(await run(base)).toEqual(await run(base));
  });
  it('fails on what check-extension-request should have refused, and on bad variables', async () => {
    await expect(run({ ...base, extensionCount: 2 })).rejects.toThrow('extend-deadline: extensionCount is 2: at most 2 extensions per case');
    await expect(run({ ...base, urgent: true })).rejects.toThrow('extend-deadline: a 突发 (urgent) matter is never extended');
    await expect(run({ ...base, extensionDays: 0 })).rejects.toThrow('variable "extensionDays" must be a whole number from 1 to 30');
    await expect(run({ ...base, category: undefined })).rejects.toThrow('variable "category" must be one of');
    await expect(run({ ...base, finishDueAt: 'tomorrow' })).rejects.toThrow('variable "finishDueAt" must be an ISO-8601 instant');
  });
});
