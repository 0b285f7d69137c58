import { describe, it, expect } from '@jest/globals';
import { CATEGORIES } from './categories.js';
import { suggestUnit, type UnitInfo } from './unit-suggestion.js';

const units: UnitInfo[] = [
  { id: 'u-longnan', name: '龙南镇人民政府', kind: 'township', township: '360727100' },
  { id: 'u-dongjiang', name: '东江乡人民政府', kind: 'township', township: '360727200' },
  { id: 'u-market', name: '龙南市市场监督管理局', kind: 'department' },
  { id: 'u-water', name: '龙南市自来水公司', kind: 'enterprise' },
];

describe('属地办理 suggestion (第九条)', () => {
  it('gives every category but report to the township where it happened', () => {
    for (const c of CATEGORIES.filter((c) => c !== 'report')) {
      expect(suggestUnit(units, '360727200', c).unitId).toBe('u-dongjiang');
    }
  });
  it('gives a report to the market-regulation department (第七条(六)), by duty tag or by name', () => {
    expect(suggestUnit(units, '360727200', 'report').unitId).toBe('u-market');
    const tagged: UnitInfo[] = [...units, { id: 'u-amr', name: '某局', kind: 'department', duties: ['market-regulation'] }];
    expect(suggestUnit(tagged, '360727200', 'report').unitId).toBe('u-amr');
  });
  it('falls back to the township when the department is not in the list', () => {
    expect(suggestUnit(units.filter((u) => u.id !== 'u-market'), '360727100', 'report').unitId).toBe('u-longnan');
  });
  it('suggests nothing when the township is missing, unless a department rule applies', () => {
    expect(suggestUnit(units, undefined, 'consultation')).toEqual({ unitId: undefined, reason: '未填写事发地乡镇,请人工选择承办单位' });
    expect(suggestUnit(units, '999', 'complaint').unitId).toBeUndefined();
    expect(suggestUnit(units, undefined, 'report').unitId).toBe('u-market');
  });
});
