import { describe, it, expect } from '@jest/globals';
import { cumulativeDeductionTenths, deductionPoints, formatPoints, levelFor, WARNING_RULES } from './warnings.js';

describe('第二十六条 warnings', () => {
  it('blue / yellow / red after 1 / 2 / 4 working days, to contact / leader / head, costing 0.5 / 1 / 3', () => {
    expect(WARNING_RULES.blue).toMatchObject({ overdueDays: 1, deductionTenths: 5, recipient: 'unit-contact' });
    expect(WARNING_RULES.yellow).toMatchObject({ overdueDays: 2, deductionTenths: 10, recipient: 'unit-leader' });
    expect(WARNING_RULES.red).toMatchObject({ overdueDays: 4, deductionTenths: 30, recipient: 'unit-head' });
    expect([deductionPoints('blue'), deductionPoints('yellow'), deductionPoints('red')]).toEqual([0.5, 1, 3]);
  });
  it('knows the level reached and the deductions that add up (a case at red has cost 4.5)', () => {
    expect([0, 1, 2, 3, 4, 7].map(levelFor)).toEqual([undefined, 'blue', 'yellow', 'yellow', 'red', 'red']);
    expect([0, 1, 2, 4, 9].map(cumulativeDeductionTenths)).toEqual([0, 5, 15, 45, 45]);
    expect(formatPoints(45)).toBe('4.5');
    expect(formatPoints(10)).toBe('1');
  });
});
