import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, type TestEngine } from '../harness.js';
import type { EnginePort, JobContext } from '../../port.js';

describe('task headers (zeebe:taskHeaders)', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  it('given a service task with headers, when its job runs, then the worker gets them in ctx.headers and the next task without headers gets none', async () => {
    // given
    const contexts: JobContext[] = [];
    engine.registerWorker('send-notice', (_v, ctx) => {
      contexts.push(ctx);
      return { noticeSent: true };
    });
    engine.registerWorker('archive-notice', (_v, ctx) => {
      contexts.push(ctx);
      return {};
    });
    await t.deploy('task-headers.bpmn');

    // when
    const ref = await engine.start('task-headers', { petitionId: 'P-1' });
    await t.idle();

    // then
    expect(contexts.map((c) => [c.elementId, c.headers])).toEqual([
      ['Task_SendNotice', { template: 'acceptance-notice', channel: 'sms' }],
      ['Task_ArchiveNotice', {}],
    ]);
    expect((await engine.getProcessInstance(ref.processInstanceKey))?.state).toBe('completed');
  });

  it('given a service task with headers, when its job completes, then the headers never become process variables', async () => {
    // given
    engine.registerWorker('send-notice', () => ({}));
    engine.registerWorker('archive-notice', (v) => ({ archivedWith: Object.keys(v).sort() }));
    await t.deploy('task-headers.bpmn');

    // when
    const ref = await engine.start('task-headers', { petitionId: 'P-2' });
    await t.idle();

    // then
    const done = await engine.getProcessInstance(ref.processInstanceKey);
    expect(done?.state).toBe('completed');
    expect(done?.variables).toEqual({ petitionId: 'P-2', archivedWith: ['petitionId'] });
  });
});
