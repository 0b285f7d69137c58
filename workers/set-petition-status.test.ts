import { describe, it, expect } from '@jest/globals';
import { createSetPetitionStatus } from './set-petition-status.js';
import { createTestDeps, jobContext } from './testing/in-memory.js';

describe('set-petition-status', () => {
  it('sets the status from the header; the same status again changes nothing', async () => {
    const deps = createTestDeps();
    const handler = createSetPetitionStatus(deps);
    expect(await handler({ petitionId: 'p1' }, jobContext('set-petition-status', { status: 'dispatched' }))).toBeUndefined();
    await handler({ petitionId: 'p1' }, jobContext('set-petition-status', { status: 'dispatched' }));
    await handler({ petitionId: 'p1' }, jobContext('set-petition-status', { status: 'handling' }));
    expect(deps.petitions.statuses.get('p1')).toEqual(['dispatched', 'handling']);
  });
  it('第二十五条 passes the deadline in force with the status, for the reports’ 按期办结', async () => {
    const deps = createTestDeps();
    await createSetPetitionStatus(deps)({ petitionId: 'p1', finishDueAt: '2026-03-04T16:00:00.000Z' }, jobContext('set-petition-status', { status: 'replied' }));
    await createSetPetitionStatus(deps)({ petitionId: 'p2' }, jobContext('set-petition-status', { status: 'replied' }));
    expect(deps.petitions.deadlines.get('p1:replied')).toBe('2026-03-04T16:00:00.000Z');
    expect(deps.petitions.deadlines.has('p2:replied')).toBe(false);
  });
  it('accepts a status without a label, with a warning', async () => {
    const deps = createTestDeps();
    await createSetPetitionStatus(deps)({ petitionId: 'p1' }, jobContext('set-petition-status', { status: 'awaiting-leader' }));
    expect(deps.petitions.status('p1')).toBe('awaiting-leader');
    expect(deps.logger.entries.some((e) => e.level === 'warn')).toBe(true);
  });
  it('fails without a status header, with a malformed one, or without petitionId', async () => {
    const handler = createSetPetitionStatus(createTestDeps());
    await expect(handler({ petitionId: 'p1' }, jobContext('set-petition-status'))).rejects.toThrow('set-petition-status: task header "status" is missing');
    await expect(handler({ petitionId: 'p1' }, jobContext('set-petition-status', { status: '办理中' }))).rejects.toThrow('task header "status" must be a lower-case word');
    await expect(handler({}, jobContext('set-petition-status', { status: 'closed' }))).rejects.toThrow('variable "petitionId" must be an id');
  });
});
