import { describe, it, expect } from '@jest/globals';
import { assessmentInputs, formatRate, formatScore, isAssessed, rankUnits, ScoreError, toScore, ZERO_WARNINGS, type AssessmentFigures } from './assessment.js';

const figures = (over: Partial<AssessmentFigures> = {}): AssessmentFigures => ({
  received: 10,
  accepted: 10,
  rejected: 0,
  closed: 8,
  closedOnTime: 6,
  rated: 4,
  satisfied: 3,
  redone: 1,
  rates: { acceptance: 1, completion: 0.8, onTime: 0.75, satisfaction: 0.75, redo: 0.125 },
  warnings: { ...ZERO_WARNINGS },
  ...over,
});

describe('第二十七条 the decision table\'s inputs', () => {
  it('takes the rates as they are, deductions in points, transfers and criticisms as counts', () => {
    expect(assessmentInputs(figures({ warnings: { blue: 1, yellow: 1, red: 1, deductionTenths: 45, transfers: 1, criticisms: 1 } }))).toEqual({
      completionRate: 0.8,
      onTimeRate: 0.75,
      satisfactionRate: 0.75,
      redoRate: 0.125,
      deductionPoints: 4.5,
      transfers: 1,
      criticisms: 1,
      knowledgeKept: 0,
      knowledgeLapsed: 0,
    });
  });

  it('takes the knowledge upkeep as counts; upkeep alone does not make a unit assessed', () => {
    expect(assessmentInputs(figures({ knowledge: { kept: 3, lapsed: 1 } }))).toMatchObject({ knowledgeKept: 3, knowledgeLapsed: 1 });
    const idle = figures({ received: 0, accepted: 0, closed: 0, closedOnTime: 0, rated: 0, satisfied: 0, redone: 0, knowledge: { kept: 2, lapsed: 1 } });
    expect(isAssessed(idle)).toBe(false);
  });

  it('keeps a rate without a denominator null (not 0)', () => {
    const f = figures({ closed: 0, closedOnTime: 0, rated: 0, satisfied: 0, rates: { acceptance: 1, completion: 0, onTime: null, satisfaction: null, redo: null } });
    expect(assessmentInputs(f)).toMatchObject({ completionRate: 0, onTimeRate: null, satisfactionRate: null, redoRate: null });
  });

  it('assesses a unit with a case, or with a ledger record, and no other', () => {
    const none = figures({ received: 0, accepted: 0, closed: 0, closedOnTime: 0, rated: 0, satisfied: 0, redone: 0 });
    expect(isAssessed(figures())).toBe(true);
    expect(isAssessed(none)).toBe(false);
    expect(isAssessed({ ...none, warnings: { ...ZERO_WARNINGS, blue: 1, deductionTenths: 5 } })).toBe(true);
  });
});

describe('第二十七条 scores', () => {
  it('a decision\'s number, to two decimals; no matched rule is 0; anything else is refused', () => {
    expect(toScore(87.456)).toBe(87.46);
    expect(toScore(35.99999999)).toBe(36);
    expect(toScore(null)).toBe(0);
    expect(toScore('12.5')).toBe(12.5);
    expect(() => toScore('abc')).toThrow(ScoreError);
    expect(() => toScore({ score: 1 })).toThrow('must be a number');
    expect(() => toScore(Number.NaN)).toThrow(ScoreError);
  });

  it('prints rates and scores as the 通报 does', () => {
    expect(formatRate(0.965)).toBe('96.5%');
    expect(formatRate(1)).toBe('100.0%');
    expect(formatRate(null)).toBe('—');
    expect(formatScore(90)).toBe('90');
    expect(formatScore(87.5)).toBe('87.5');
    expect(formatScore(null)).toBe('—');
  });
});

describe('第二十七条 the ranking', () => {
  const u = (unitId: string, score: number | null) => ({ unitId, unitName: `单位${unitId}`, score });

  it('highest first; equal scores share a rank and the next skips; unscored units follow unranked', () => {
    const r = rankUnits([u('c', 80), u('x', null), u('a', 95), u('b', 95), u('d', 70)]);
    expect(r.map((x) => [x.unitId, x.rank])).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 3],
      ['d', 4],
      ['x', null],
    ]);
  });

  it('praises the first three places that pass; criticises below 60; no one is both', () => {
    const r = rankUnits([u('a', 95), u('b', 90), u('c', 59), u('d', 40)]);
    expect(r.map((x) => [x.unitId, x.standing])).toEqual([
      ['a', 'praise'],
      ['b', 'praise'],
      ['c', 'criticism'],
      ['d', 'criticism'],
    ]);
  });

  it('a tie into third place is praised too; a unit with a 通报批评 is not praised', () => {
    const r = rankUnits([u('a', 99), u('b', 98), u('c', 97), u('d', 97), u('e', 96)], (id) => (id === 'b' ? 1 : 0));
    expect(r.filter((x) => x.standing === 'praise').map((x) => x.unitId)).toEqual(['a', 'c', 'd']);
  });

  it('criticises the last three places when six or more are ranked', () => {
    const r = rankUnits([u('a', 99), u('b', 98), u('c', 97), u('d', 90), u('e', 85), u('f', 80), u('g', 75)]);
    expect(r.filter((x) => x.standing === 'criticism').map((x) => x.unitId)).toEqual(['e', 'f', 'g']);
    const five = rankUnits([u('a', 99), u('b', 98), u('c', 97), u('d', 90), u('e', 85)]);
    expect(five.filter((x) => x.standing === 'criticism')).toEqual([]);
  });
});
