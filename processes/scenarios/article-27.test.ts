/**
 * 第二十七条 考核: processes/unit-assessment.bpmn with the office's decision table
 * (decisions/unit-assessment.dmn) on the embedded engine, its two workers over an in-memory
 * assessments store: the message starts it, every unit with something in the period is scored by the
 * table, the ranking is recorded; a changed table deployed scores the next assessment by it.
 * (The whole path through the app — figures from real cases, the HTTP API, the Word 通报 — is
 * server/test/api/article-27-app.test.ts.)
 */
import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestEngine, type TestEngine } from '../../engine/test/harness.js';
import { ZERO_WARNINGS } from '../../regulation/assessment.js';
import type { UnitFigures } from '../../workers/deps.js';
import { createGatherAssessment } from '../../workers/gather-assessment.js';
import { createRecordAssessment } from '../../workers/record-assessment.js';
import { InMemoryAssessments, MemoryLogger } from '../../workers/testing/in-memory.js';
import { swappedWeights } from './unit-assessment-table.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (path: string) => ({ name: path.split('/').pop() as string, content: readFileSync(join(root, path), 'utf8') });

const figures = (unitId: string, unitName: string, over: Partial<UnitFigures>): UnitFigures => ({
  unitId,
  unitName,
  received: 10,
  accepted: 10,
  rejected: 0,
  closed: 10,
  closedOnTime: 10,
  rated: 10,
  satisfied: 10,
  redone: 0,
  rates: { acceptance: 1, completion: 1, onTime: 1, satisfaction: 1, redo: 0 },
  warnings: { ...ZERO_WARNINGS },
  ...over,
});

/** 龙南镇 closes on time but few are satisfied; 东江乡 is late (and was warned) but well rated */
const PERIOD = [
  figures('u-longnan', '龙南镇人民政府', { satisfied: 5, rates: { acceptance: 1, completion: 1, onTime: 1, satisfaction: 0.5, redo: 0 } }),
  figures('u-dongjiang', '东江乡人民政府', { closedOnTime: 5, rates: { acceptance: 1, completion: 1, onTime: 0.5, satisfaction: 1, redo: 0 }, warnings: { blue: 1, yellow: 1, red: 0, deductionTenths: 15, transfers: 0, criticisms: 0 } }),
  figures('u-market', '龙南市市场监督管理局', { received: 0, accepted: 0, closed: 0, closedOnTime: 0, rated: 0, satisfied: 0, rates: { acceptance: null, completion: null, onTime: null, satisfaction: null, redo: null } }),
];

describe('第二十七条 考核 on the embedded engine', () => {
  let t: TestEngine;
  let store: InMemoryAssessments;

  beforeEach(async () => {
    t = await createTestEngine({ start: '2026-04-02T01:00:00.000Z' });
    store = new InMemoryAssessments();
    store.periodFigures.set('quarter:2026:1', PERIOD);
    store.periodFigures.set('quarter:2026:4', PERIOD);
    const deps = { assessments: store, logger: new MemoryLogger(), clock: t.clock };
    t.engine.registerWorker('gather-assessment', createGatherAssessment(deps));
    t.engine.registerWorker('record-assessment', createRecordAssessment(deps));
    await t.engine.deploy([read('processes/unit-assessment.bpmn'), read('decisions/unit-assessment.dmn')]);
  });
  afterEach(() => t.close());

  async function assess(id: string) {
    store.add(id, { kind: 'quarter', year: 2026, index: 1 });
    const published = await t.engine.publishMessage({ name: 'assessment-requested', correlationKey: id, variables: { assessmentId: id } });
    expect(published.correlatedInstanceKeys).toHaveLength(1);
    await t.idle();
    const instance = await t.engine.getProcessInstance(published.correlatedInstanceKeys[0]);
    expect({ state: instance?.state, incidents: await t.engine.listIncidents({ state: 'active' }) }).toEqual({ state: 'completed', incidents: [] });
    return { row: store.rows.get(id)!, instance: instance! };
  }

  it('given a quarter\'s figures, when an assessment is requested, then each unit with cases is scored by the table and ranked; the idle unit is listed, not ranked', async () => {
    const { row, instance } = await assess('a-1');
    // 龙南镇: 40 (按期) + 0 (满意 50%) + 20 + 10 = 70; 东江乡: 0 + 30 + 20 + 10 − 1.5 = 58.5
    expect(instance.variables.scores).toEqual([
      { unitId: 'u-longnan', score: 70 },
      { unitId: 'u-dongjiang', score: 58.5 },
    ]);
    expect(row.state).toBe('done');
    expect(row.results).toEqual([
      { unitId: 'u-longnan', score: 70, rank: 1, standing: 'praise' },
      { unitId: 'u-dongjiang', score: 58.5, rank: 2, standing: 'criticism' },
      { unitId: 'u-market', score: null, rank: null, standing: null },
    ]);
    const history = await t.engine.getHistory(instance.processInstanceKey);
    expect(history.filter((e) => e.elementId === 'Task_ScoreUnit' && e.event === 'decision-evaluated')).toHaveLength(2);
  });

  it('given a changed table deployed, when the quarter is assessed again, then the new weights rank the units the other way and the first assessment is unchanged', async () => {
    const first = structuredClone((await assess('a-1')).row);
    const dmn = read('decisions/unit-assessment.dmn');
    const deployed = await t.engine.deploy([{ name: dmn.name, content: swappedWeights(dmn.content) }]);
    expect(deployed.decisions.map((d) => [d.decisionId, d.version])).toEqual([['unit-assessment', 2]]);
    const { row } = await assess('a-2');
    // 龙南镇: 30 + 0 + 20 + 10 = 60; 东江乡: 0 + 40 + 20 + 10 − 1.5 = 68.5
    expect(row.results?.map((r) => [r.unitId, r.score, r.rank])).toEqual([
      ['u-dongjiang', 68.5, 1],
      ['u-longnan', 60, 2],
      ['u-market', null, null],
    ]);
    expect(store.rows.get('a-1')).toEqual(first);
  });

  it('given the quarter\'s timer, when the first day of the next quarter comes, then the quarter that ended is assessed without a request', async () => {
    expect(store.rows.size).toBe(0);
    t.clock.set('2027-01-01T00:30:00.000Z');
    await t.idle();
    const [row] = [...store.rows.values()];
    expect(row).toMatchObject({ period: { kind: 'quarter', year: 2026, index: 4 }, state: 'done' });
    expect(row.results?.filter((r) => r.rank !== null).map((r) => [r.unitId, r.rank])).toEqual([
      ['u-longnan', 1],
      ['u-dongjiang', 2],
    ]);
    // and again three months later, for the first quarter of 2027
    store.periodFigures.set('quarter:2027:1', PERIOD);
    t.clock.set('2027-04-01T00:30:00.000Z');
    await t.idle();
    expect([...store.rows.values()].map((r) => [r.period.year, r.period.index, r.state])).toEqual([
      [2026, 4, 'done'],
      [2027, 1, 'done'],
    ]);
  });
});
