import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, instanceOf, type TestEngine } from '../harness.js';
import type { EnginePort, JobContext } from '../../port.js';

describe('parallel multi-instance service task (zeebe:loopCharacteristics)', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  const instance = (key: string) => instanceOf(engine, key);

  it('given three units, when the jobs finish out of order, then each job saw its own unit and the output collection is in input order', async () => {
    // given
    const calls: Array<{ unit: unknown; ctx: JobContext }> = [];
    let waterFailedOnce = false;
    engine.registerWorker('notify-unit', (v, ctx) => {
      calls.push({ unit: v.unit, ctx });
      if (v.unit === 'water' && !waterFailedOnce) {
        waterFailedOnce = true;
        throw new Error('water bureau offline');
      }
      return { receipt: `${String(v.unit).toUpperCase()}-OK` };
    });
    await t.deploy('multi-instance.bpmn');
    const ref = await engine.start('multi-instance', { units: ['water', 'power', 'roads'] });

    // when
    await t.idle();
    const afterFirstRound = await instance(ref.processInstanceKey);
    t.clock.advance(1000);
    await t.idle();

    // then
    expect(afterFirstRound.state).toBe('active');
    expect(calls.map((c) => c.unit).sort()).toEqual(['power', 'roads', 'water', 'water']);
    expect(calls.every((c) => c.ctx.elementId === 'Task_NotifyUnit')).toBe(true);
    expect(new Set(calls.map((c) => c.ctx.jobKey)).size).toBe(3);
    expect(calls[calls.length - 1].unit).toBe('water');
    const done = await instance(ref.processInstanceKey);
    expect(done.state).toBe('completed');
    expect(done.variables).toEqual({ units: ['water', 'power', 'roads'], receipts: ['WATER-OK', 'POWER-OK', 'ROADS-OK'] });
  });

  it('given a collection, when the instance reaches the multi-instance task, then one job per element is created at once', async () => {
    // given
    await t.deploy('multi-instance.bpmn');

    // when
    const ref = await engine.start('multi-instance', { units: ['a', 'b', 'c', 'd'] });
    await t.idle();

    // then
    const jobs = await engine.listJobs({ processInstanceKey: ref.processInstanceKey });
    expect(jobs).toHaveLength(4);
    expect(jobs.every((j) => j.type === 'notify-unit' && j.elementId === 'Task_NotifyUnit' && j.state === 'activatable')).toBe(true);
  });

  it('given an empty collection, when the instance reaches the multi-instance task, then it completes at once with an empty output collection', async () => {
    // given
    let called = 0;
    engine.registerWorker('notify-unit', () => {
      called++;
      return { receipt: 'x' };
    });
    await t.deploy('multi-instance.bpmn');

    // when
    const ref = await engine.start('multi-instance', { units: [] });
    await t.idle();

    // then
    expect(called).toBe(0);
    const done = await instance(ref.processInstanceKey);
    expect(done.state).toBe('completed');
    expect(done.variables).toEqual({ units: [], receipts: [] });
  });

  it('given the input collection is missing, when the instance reaches the multi-instance task, then an incident is raised on it instead of running zero or one job', async () => {
    // given
    let called = 0;
    engine.registerWorker('notify-unit', () => {
      called++;
      return { receipt: 'x' };
    });
    await t.deploy('multi-instance.bpmn');

    // when
    const ref = await engine.start('multi-instance', {});
    await t.idle();

    // then
    expect(called).toBe(0);
    expect((await instance(ref.processInstanceKey)).state).toBe('incident');
    const incidents = await engine.listIncidents({ processInstanceKey: ref.processInstanceKey, state: 'active' });
    expect(incidents.map((i) => [i.elementId, i.errorType])).toEqual([['Task_NotifyUnit', 'EXTRACT_VALUE_ERROR']]);

    // when the collection is supplied and the incident retried
    await engine.setVariables(ref.processInstanceKey, { units: ['parks'] });
    await engine.retryIncident(incidents[0].incidentKey);
    await t.idle();

    // then
    expect(called).toBe(1);
    expect((await instance(ref.processInstanceKey)).variables).toEqual({ units: ['parks'], receipts: ['x'] });
  });
});
