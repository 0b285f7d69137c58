import { describe, it, expect } from '@jest/globals';
import { createCheckReturnRequest } from './check-return-request.js';
import { createTestDeps, jobContext } from './testing/in-memory.js';

describe('check-return-request (第十条)', () => {
  const vars = { petitionId: 'p1', returnDueAt: '2026-03-03T16:00:00.000Z', returnRequested: true, returnReason: '不属本单位职责' };
  it('allows a return requested within 1 working day', async () => {
    const deps = createTestDeps({ now: '2026-03-03T09:00:00.000Z' });
    expect(await createCheckReturnRequest(deps)(vars, jobContext('check-return-request'))).toEqual({ returnAllowed: true, returnRefusal: null });
  });
  it('refuses a late one with the deadline in the reason', async () => {
    const deps = createTestDeps({ now: '2026-03-04T01:00:00.000Z' });
    expect(await createCheckReturnRequest(deps)(vars, jobContext('check-return-request'))).toEqual({
      returnAllowed: false,
      returnRefusal: '已超过退回期限:应在 2026-03-03 24:00 前申请退回',
    });
  });
  it('fails without a valid returnDueAt', async () => {
    const handler = createCheckReturnRequest(createTestDeps());
    await expect(handler({ petitionId: 'p1' }, jobContext('check-return-request'))).rejects.toThrow(
      'check-return-request: variable "returnDueAt" must be an ISO-8601 instant such as 2026-03-03T16:00:00.000Z (got nothing)',
    );
    await expect(handler({ returnDueAt: '2026-13-45T00:00:00Z' }, jobContext('check-return-request'))).rejects.toThrow('variable "returnDueAt" must be an ISO-8601 instant');
  });
});
