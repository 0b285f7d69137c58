import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, instanceOf, type TestEngine } from '../harness.js';
import type { EnginePort, JobContext, Variables } from '../../port.js';

describe('call activity (zeebe:calledElement)', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  const instance = (key: string) => instanceOf(engine, key);

  it('given a parent calling a child deployed in the same deployment, when the child completes, then the child saw the parent variables and its variables come back to the parent', async () => {
    // given
    const childCalls: Array<{ variables: Variables; ctx: JobContext }> = [];
    const closeSaw: Variables[] = [];
    engine.registerWorker('handle-case', (variables, ctx) => {
      childCalls.push({ variables, ctx });
      return { handled: true, unit: 'water-bureau' };
    });
    engine.registerWorker('close-case', (v) => {
      closeSaw.push(v);
      return { closed: true };
    });
    const deployment = await t.deploy('call-parent.bpmn', 'call-child.bpmn');

    // when
    const parent = await engine.start('call-parent', { caseId: 'CASE-1', petitioner: 'Zhang' });
    await t.idle();

    // then
    expect(deployment.processes.map((p: { processId: string }) => p.processId).sort()).toEqual(['call-child', 'call-parent']);
    expect(childCalls).toHaveLength(1);
    expect(childCalls[0].variables).toEqual({ caseId: 'CASE-1', petitioner: 'Zhang' });
    expect(childCalls[0].ctx.processId).toBe('call-child');
    const childKey = childCalls[0].ctx.processInstanceKey;
    expect(childKey).not.toBe(parent.processInstanceKey);
    const child = await instance(childKey);
    expect(child.state).toBe('completed');
    expect(child.parentProcessInstanceKey).toBe(parent.processInstanceKey);
    expect(closeSaw).toEqual([{ caseId: 'CASE-1', petitioner: 'Zhang', handled: true, unit: 'water-bureau' }]);
    const done = await instance(parent.processInstanceKey);
    expect(done.state).toBe('completed');
    expect(done.variables).toEqual({ caseId: 'CASE-1', petitioner: 'Zhang', handled: true, unit: 'water-bureau', closed: true });
    const parentHistory = await engine.getHistory(parent.processInstanceKey);
    expect(parentHistory.filter((e) => e.elementId === 'Call_HandleInUnit').map((e) => [e.elementType, e.event])).toEqual([
      ['bpmn:CallActivity', 'activated'],
      ['bpmn:CallActivity', 'completed'],
    ]);
    expect(parentHistory.some((e) => e.elementId === 'Task_HandleCase')).toBe(false);
    const childHistory = await engine.getHistory(childKey);
    expect(childHistory.some((e) => e.elementId === 'Task_HandleCase' && e.event === 'completed')).toBe(true);
  });

  it('given a call activity with io mappings and no propagation, when the child runs, then the child sees only the mapped input and the parent gets only the mapped output', async () => {
    // given
    const childSaw: Variables[] = [];
    engine.registerWorker('handle-case', (v) => {
      childSaw.push(v);
      return { outcome: 'resolved', internalNote: 'called the bureau' };
    });
    await t.deploy('call-mapped.bpmn', 'call-child.bpmn');

    // when
    const parent = await engine.start('call-mapped', { petition: { id: 'P-9', title: 'Noise' }, secret: 's' });
    await t.idle();

    // then
    expect(childSaw).toEqual([{ caseId: 'P-9' }]);
    const done = await instance(parent.processInstanceKey);
    expect(done.state).toBe('completed');
    expect(done.variables).toEqual({ petition: { id: 'P-9', title: 'Noise' }, secret: 's', unitOutcome: 'resolved' });
  });

  it('given a parent waiting on its child, when the parent is canceled, then the child is canceled too and its job is gone', async () => {
    // given
    await t.deploy('call-parent.bpmn', 'call-child.bpmn');
    const parent = await engine.start('call-parent', { caseId: 'CASE-2' });
    await t.idle();
    const [childJob] = await engine.listJobs({ type: 'handle-case' });
    expect(childJob.processId).toBe('call-child');

    // when
    await engine.cancel(parent.processInstanceKey);

    // then
    expect((await instance(parent.processInstanceKey)).state).toBe('canceled');
    expect((await instance(childJob.processInstanceKey)).state).toBe('canceled');
    expect(await engine.listJobs({ type: 'handle-case' })).toEqual([]);
  });

  it('given the called process is not deployed, when the call activity is reached, then an incident is raised there; after deploying the child, retrying it runs the child', async () => {
    // given
    engine.registerWorker('handle-case', () => ({ handled: true }));
    engine.registerWorker('close-case', () => ({}));
    await t.deploy('call-parent.bpmn');

    // when
    const parent = await engine.start('call-parent', { caseId: 'CASE-3' });
    await t.idle();

    // then
    expect((await instance(parent.processInstanceKey)).state).toBe('incident');
    const [incident] = await engine.listIncidents({ processInstanceKey: parent.processInstanceKey, state: 'active' });
    expect(incident).toMatchObject({ elementId: 'Call_HandleInUnit', errorType: 'CALLED_ELEMENT_ERROR' });

    // when the child is deployed and the incident retried
    await t.deploy('call-child.bpmn');
    await engine.retryIncident(incident.incidentKey);
    await t.idle();

    // then
    const done = await instance(parent.processInstanceKey);
    expect(done.state).toBe('completed');
    expect(done.variables).toEqual({ caseId: 'CASE-3', handled: true });
  });
});
