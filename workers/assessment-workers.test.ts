import { describe, it, expect } from '@jest/globals';
import { ZERO_WARNINGS } from '../regulation/assessment.js';
import type { UnitFigures } from './deps.js';
import { createGatherAssessment } from './gather-assessment.js';
import { createRecordAssessment } from './record-assessment.js';
import { createTestDeps, jobContext } from './testing/in-memory.js';

const unit = (unitId: string, unitName: string, over: Partial<UnitFigures> = {}): UnitFigures => ({
  unitId,
  unitName,
  received: 4,
  accepted: 4,
  rejected: 0,
  closed: 4,
  closedOnTime: 3,
  rated: 2,
  satisfied: 2,
  redone: 0,
  rates: { acceptance: 1, completion: 1, onTime: 0.75, satisfaction: 1, redo: 0 },
  warnings: { ...ZERO_WARNINGS },
  ...over,
});

const idle = (unitId: string, unitName: string) =>
  unit(unitId, unitName, { received: 0, accepted: 0, closed: 0, closedOnTime: 0, rated: 0, satisfied: 0, rates: { acceptance: null, completion: null, onTime: null, satisfaction: null, redo: null } });

function setUp() {
  const deps = createTestDeps({ now: '2026-04-02T02:00:00.000Z' });
  deps.assessments.add('a1', { kind: 'quarter', year: 2026, index: 1 });
  deps.assessments.periodFigures.set('quarter:2026:1', [
    unit('u-longnan', '龙南镇人民政府', { warnings: { blue: 1, yellow: 1, red: 0, deductionTenths: 15, transfers: 0, criticisms: 0 }, knowledge: { kept: 2, lapsed: 1 } }),
    unit('u-dongjiang', '东江乡人民政府', { rates: { acceptance: 1, completion: 1, onTime: null, satisfaction: null, redo: null } }),
    idle('u-market', '龙南市市场监督管理局'),
  ]);
  return deps;
}

describe('gather-assessment (第二十七条)', () => {
  it('saves every unit\'s figures and answers the table\'s inputs of the units with something to assess (知识库 upkeep as counts, none when not given)', async () => {
    const deps = setUp();
    const out = await createGatherAssessment(deps)({ assessmentId: 'a1' }, jobContext('gather-assessment'));
    expect(out).toEqual({
      units: [
        { unitId: 'u-longnan', completionRate: 1, onTimeRate: 0.75, satisfactionRate: 1, redoRate: 0, deductionPoints: 1.5, transfers: 0, criticisms: 0, knowledgeKept: 2, knowledgeLapsed: 1 },
        { unitId: 'u-dongjiang', completionRate: 1, onTimeRate: null, satisfactionRate: null, redoRate: null, deductionPoints: 0, transfers: 0, criticisms: 0, knowledgeKept: 0, knowledgeLapsed: 0 },
      ],
    });
    expect((await deps.assessments.figures('a1')).map((f) => f.unitId)).toEqual(['u-longnan', 'u-dongjiang', 'u-market']);
  });

  it('fails on an unknown or done assessment, and without the store', async () => {
    const deps = setUp();
    await expect(createGatherAssessment(deps)({ assessmentId: 'nope' }, jobContext('gather-assessment'))).rejects.toThrow('gather-assessment: assessment "nope" does not exist');
    await expect(createGatherAssessment(deps)({ assessmentId: 12 }, jobContext('gather-assessment'))).rejects.toThrow('variable "assessmentId" must be a string');
    await expect(createGatherAssessment({ ...deps, assessments: undefined })({ assessmentId: 'a1' }, jobContext('gather-assessment'))).rejects.toThrow('not configured');
    deps.assessments.rows.get('a1')!.state = 'done';
    await expect(createGatherAssessment(deps)({ assessmentId: 'a1' }, jobContext('gather-assessment'))).rejects.toThrow('done already');
  });
});

describe('gather-assessment started by the quarter\'s timer (第二十七条)', () => {
  it('makes the next edition of the quarter that ended, once per job, and answers its id', async () => {
    const deps = setUp();
    deps.assessments.periodFigures.set('quarter:2026:1', [unit('u-longnan', '龙南镇人民政府')]);
    deps.clock.set('2026-03-31T16:30:00.000Z'); // 04-01 00:30 in Shanghai
    const gather = createGatherAssessment(deps);
    const out = (await gather({}, jobContext('gather-assessment', {}, 'job-77'))) as { assessmentId: string; units: unknown[] };
    expect(out.assessmentId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(out.units).toHaveLength(1);
    expect(await deps.assessments.get(out.assessmentId)).toEqual({ id: out.assessmentId, period: { kind: 'quarter', year: 2026, index: 1 }, state: 'running' });
    // the same job again (a retry): the same assessment, no second one
    const again = (await gather({}, jobContext('gather-assessment', {}, 'job-77'))) as { assessmentId: string };
    expect(again.assessmentId).toBe(out.assessmentId);
    expect(deps.assessments.rows.size).toBe(2);
  });
});

describe('record-assessment (第二十七条)', () => {
  it('ranks the scores, leaves the idle unit unranked, records once', async () => {
    const deps = setUp();
    await createGatherAssessment(deps)({ assessmentId: 'a1' }, jobContext('gather-assessment'));
    const scores = [
      { unitId: 'u-longnan', score: 71.3333 },
      { unitId: 'u-dongjiang', score: 88 },
    ];
    await createRecordAssessment(deps)({ assessmentId: 'a1', scores }, jobContext('record-assessment'));
    const row = deps.assessments.rows.get('a1')!;
    expect(row.state).toBe('done');
    expect(row.decisionVersion).toBe(1);
    expect(row.doneAt).toEqual(new Date('2026-04-02T02:00:00.000Z'));
    expect(row.results).toEqual([
      { unitId: 'u-dongjiang', score: 88, rank: 1, standing: 'praise' },
      { unitId: 'u-longnan', score: 71.33, rank: 2, standing: 'praise' },
      { unitId: 'u-market', score: null, rank: null, standing: null },
    ]);
    // a retried job changes nothing
    await createRecordAssessment(deps)({ assessmentId: 'a1', scores: [{ unitId: 'u-longnan', score: 100 }, { unitId: 'u-dongjiang', score: 0 }] }, jobContext('record-assessment'));
    expect(deps.assessments.rows.get('a1')!.results?.[0]).toEqual({ unitId: 'u-dongjiang', score: 88, rank: 1, standing: 'praise' });
  });

  it('a null score (no rule matched) is 0; a missing or bad one fails the job', async () => {
    const deps = setUp();
    await createGatherAssessment(deps)({ assessmentId: 'a1' }, jobContext('gather-assessment'));
    const record = createRecordAssessment(deps);
    await expect(record({ assessmentId: 'a1', scores: [{ unitId: 'u-longnan', score: 50 }] }, jobContext('record-assessment'))).rejects.toThrow('no score of unit u-dongjiang');
    await expect(record({ assessmentId: 'a1', scores: 'x' }, jobContext('record-assessment'))).rejects.toThrow('must be a list');
    await expect(record({ assessmentId: 'a1', scores: [{ unitId: 'u-longnan', score: 'many' }, { unitId: 'u-dongjiang', score: 1 }] }, jobContext('record-assessment'))).rejects.toThrow('must be a number');
    expect(deps.assessments.rows.get('a1')!.state).toBe('running');
    await record({ assessmentId: 'a1', scores: [{ unitId: 'u-longnan', score: null }, { unitId: 'u-dongjiang', score: 61 }] }, jobContext('record-assessment'));
    expect(deps.assessments.rows.get('a1')!.results?.map((r) => [r.unitId, r.score, r.standing])).toEqual([
      ['u-dongjiang', 61, 'praise'],
      ['u-longnan', 0, 'criticism'],
      ['u-market', null, null],
    ]);
  });
});
