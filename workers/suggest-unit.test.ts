import { describe, it, expect } from '@jest/globals';
import { createSuggestUnit } from './suggest-unit.js';
import { createTestDeps, jobContext } from './testing/in-memory.js';

describe('suggest-unit', () => {
  const ctx = () => jobContext('suggest-unit');
  it('suggests the township where it happened (属地办理)', async () => {
    const handler = createSuggestUnit(createTestDeps());
    expect(await handler({ township: '360727200', category: 'complaint' }, ctx())).toEqual({ suggestedUnitId: 'u-dongjiang' });
    expect(await handler({ township: '360727100', category: 'consultation' }, ctx())).toEqual({ suggestedUnitId: 'u-longnan' });
  });
  it('suggests the market-regulation department for a report', async () => {
    expect(await createSuggestUnit(createTestDeps())({ township: '360727100', category: 'report' }, ctx())).toEqual({ suggestedUnitId: 'u-market' });
  });
  it('suggests nothing (null) without a township', async () => {
    expect(await createSuggestUnit(createTestDeps())({ category: 'help' }, ctx())).toEqual({ suggestedUnitId: null });
    expect(await createSuggestUnit(createTestDeps())({ township: null, category: 'help' }, ctx())).toEqual({ suggestedUnitId: null });
  });
  it('fails on a missing category or a township that is not text', async () => {
    const handler = createSuggestUnit(createTestDeps());
    await expect(handler({ township: '360727100' }, ctx())).rejects.toThrow('suggest-unit: variable "category" must be one of');
    await expect(handler({ township: 360727100, category: 'help' }, ctx())).rejects.toThrow('variable "township" must be a string');
  });
});
