import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, instanceOf, type TestEngine } from '../harness.js';
import type { EnginePort, Variables } from '../../port.js';

describe('input and output mappings (zeebe:ioMapping)', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  const instance = (key: string) => instanceOf(engine, key);

  const petition = { citizenId: 'C-7', title: 'Road repair' };

  it('given input mappings on a service task, when its job runs, then the worker sees the mapped locals besides the process variables', async () => {
    // given
    const seen: Variables[] = [];
    engine.registerWorker('lookup-citizen', (v) => {
      seen.push(v);
      return { profile: { name: 'Li Lei', phone: '13800000000' } };
    });
    engine.registerWorker('register-petition', () => ({}));
    await t.deploy('io-mapping.bpmn');

    // when
    await engine.start('io-mapping', { petition });
    await t.idle();

    // then
    expect(seen).toEqual([{ petition, citizenId: 'C-7', locale: 'zh-CN' }]);
  });

  it('given output mappings on a service task, when its job completes, then only the mapped outputs reach the process and the input locals stay local', async () => {
    // given
    const registerSaw: Variables[] = [];
    engine.registerWorker('lookup-citizen', () => ({ profile: { name: 'Li Lei', phone: '13800000000' }, secret: 'x' }));
    engine.registerWorker('register-petition', (v) => {
      registerSaw.push(v);
      return { registered: true };
    });
    await t.deploy('io-mapping.bpmn');

    // when
    const ref = await engine.start('io-mapping', { petition });
    await t.idle();

    // then
    expect(registerSaw).toEqual([{ petition, citizenName: 'Li Lei', citizenPhone: '13800000000' }]);
    const done = await instance(ref.processInstanceKey);
    expect(done.state).toBe('completed');
    expect(done.variables).toEqual({ petition, citizenName: 'Li Lei', citizenPhone: '13800000000', registered: true });
  });

  it('given an output mapping whose source path is missing in the job result, when the job completes, then the target is set to null', async () => {
    // given
    engine.registerWorker('lookup-citizen', () => ({ profile: { name: 'Li Lei' } }));
    engine.registerWorker('register-petition', () => ({}));
    await t.deploy('io-mapping.bpmn');

    // when
    const ref = await engine.start('io-mapping', { petition });
    await t.idle();

    // then
    const done = await instance(ref.processInstanceKey);
    expect(done.state).toBe('completed');
    expect(done.variables).toEqual({ petition, citizenName: 'Li Lei', citizenPhone: null });
  });
});
