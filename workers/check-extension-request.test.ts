import { describe, it, expect } from '@jest/globals';
import { createCheckExtensionRequest } from './check-extension-request.js';
import { createTestDeps, jobContext } from './testing/in-memory.js';

describe('check-extension-request (第十四条)', () => {
  const base = { petitionId: 'p1', category: 'complaint', urgent: false, extensionCount: 0, finishDueAt: '2026-03-09T16:00:00.000Z', extensionDays: 3 };
  const run = (vars: Record<string, unknown>, now = '2026-03-05T02:00:00.000Z') =>
    createCheckExtensionRequest(createTestDeps({ now }))(vars, jobContext('check-extension-request'));

  it('lets a first or second timely request go to review', async () => {
    expect(await run(base)).toEqual({ extensionAllowed: true, extensionRefusal: null });
    expect(await run({ ...base, extensionCount: 1, extensionDays: undefined })).toEqual({ extensionAllowed: true, extensionRefusal: null });
    expect(await run({ ...base, extensionCount: undefined, urgent: undefined })).toEqual({ extensionAllowed: true, extensionRefusal: null });
  });
  it('refuses a 突发 matter', async () => {
    expect(await run({ ...base, urgent: true })).toEqual({ extensionAllowed: false, extensionRefusal: '突发类事项不得申请延期(第十四条)' });
  });
  it('refuses a third request', async () => {
    expect(await run({ ...base, extensionCount: 2 })).toEqual({ extensionAllowed: false, extensionRefusal: '延期办理以 2 次为限,本事项已延期 2 次,不能再次申请(第十四条)' });
  });
  it('refuses a request after the deadline', async () => {
    expect(await run(base, '2026-03-10T01:00:00.000Z')).toEqual({
      extensionAllowed: false,
      extensionRefusal: '已超过办理期限(2026-03-09 24:00),延期申请应在办理期限届满前提出(第十四条)',
    });
  });
  it('refuses a number of days that is not 1–30', async () => {
    expect((await run({ ...base, extensionDays: 45 }))?.extensionAllowed).toBe(false);
  });
  it('fails on missing or malformed variables', async () => {
    await expect(run({ ...base, finishDueAt: undefined })).rejects.toThrow('check-extension-request: variable "finishDueAt" must be an ISO-8601 instant');
    await expect(run({ ...base, urgent: 'yes' })).rejects.toThrow('variable "urgent" must be true or false');
    await expect(run({ ...base, extensionCount: -1 })).rejects.toThrow('variable "extensionCount" must be a whole number from 0');
  });
});
