import { describe, it, expect } from '@jest/globals';
import { assertNoPersonalData } from './notifications.js';

describe('outbox payloads', () => {
  it('refuses payloads with personal data', () => {
    expect(() => assertNoPersonalData({ trackingCode: 'LN1', deadline: '2026-03-09T16:00:00.000Z' })).not.toThrow();
    expect(() => assertNoPersonalData({ petitionerPhone: 'x' })).toThrow('field "petitionerPhone"');
    expect(() => assertNoPersonalData({ note: '电话13812345678' })).toThrow('looks like a phone');
  });
});
