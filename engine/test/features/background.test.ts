import { describe, it, expect, afterEach } from '@jest/globals';
import { createTestEngine, type TestEngine } from '../harness.js';
import type { UserTaskEvent } from '../../port.js';

/**
 * The engine as the app runs it: background loops instead of idle(). Tests wait for the engine's
 * own user-task events, never for wall-clock time; time moves only on the fake clock.
 */
describe('background engine (as in production)', () => {
  let t: TestEngine;
  afterEach(() => t.close());

  function nextTaskEvent(type: UserTaskEvent['type']): Promise<UserTaskEvent> {
    return new Promise((resolve) => {
      const off = t.engine.onUserTask((e) => {
        if (e.type === type) {
          off();
          resolve(e);
        }
      });
    });
  }

  it('given a worker for the job, when an instance starts, then the job is handed to the worker and the instance reaches the user task without any polling step', async () => {
    // given
    t = await createTestEngine({ background: true });
    const seen: unknown[] = [];
    t.engine.registerWorker('classify', (v) => {
      seen.push(v.township);
      return { unit: 'town-chengguan' };
    });
    await t.deploy('background-flow.bpmn');
    const created = nextTaskEvent('created');

    // when
    const ref = await t.engine.start('background-flow', { township: '城关镇' });

    // then
    const event = await created;
    expect(seen).toEqual(['城关镇']);
    expect(event.task.processInstanceKey).toBe(ref.processInstanceKey);
    expect(event.task.candidateGroups).toEqual(['town-chengguan']);
    expect(await t.engine.listJobs({ processInstanceKey: ref.processInstanceKey })).toEqual([]);
  });

  it('given a waiting task with a one-hour deadline, when the clock jumps an hour, then the scheduler fires the timer by itself and cancels the task', async () => {
    // given
    t = await createTestEngine({ background: true });
    t.engine.registerWorker('classify', () => ({ unit: 'town-a' }));
    await t.deploy('background-flow.bpmn');
    const created = nextTaskEvent('created');
    const ref = await t.engine.start('background-flow', {});
    await created;
    const canceled = nextTaskEvent('canceled');

    // when
    t.clock.advance(60 * 60_000);

    // then
    const event = await canceled;
    expect(event.task.processInstanceKey).toBe(ref.processInstanceKey);
    const history = await t.engine.getHistory(ref.processInstanceKey);
    expect(history.filter((e) => e.event === 'timer-fired').map((e) => e.at.toISOString())).toEqual(['2026-03-02T02:00:00.000Z']);
    expect((await t.engine.getProcessInstance(ref.processInstanceKey))?.state).toBe('completed');
  });

  it('given a timer that fell due while the app was down, when a new engine starts on the database, then its scheduler fires the timer', async () => {
    // given
    t = await createTestEngine({ background: true });
    t.engine.registerWorker('classify', () => ({ unit: 'town-a' }));
    await t.deploy('background-flow.bpmn');
    const created = nextTaskEvent('created');
    const ref = await t.engine.start('background-flow', {});
    await created;
    await t.engine.close();
    t.clock.advance(3 * 60 * 60_000);

    // when
    const canceled = new Promise<UserTaskEvent>((resolve) => {
      void t.restart().then((engine) =>
        engine.onUserTask((e) => {
          if (e.type === 'canceled') resolve(e);
        }),
      );
    });

    // then
    expect((await canceled).task.processInstanceKey).toBe(ref.processInstanceKey);
    expect((await t.engine.getProcessInstance(ref.processInstanceKey))?.state).toBe('completed');
  });

  it('given a worker that fails once, when the backoff passes on the clock, then the job loop runs it again and the instance goes on', async () => {
    // given
    t = await createTestEngine({ background: true });
    let calls = 0;
    let failed: () => void = () => {};
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    t.engine.registerWorker(
      'classify',
      () => {
        calls++;
        if (calls === 1) {
          setImmediate(failed);
          throw new Error('registry offline');
        }
        return { unit: 'town-b' };
      },
      { backoff: 30_000 },
    );
    await t.deploy('background-flow.bpmn');
    const created = nextTaskEvent('created');
    const ref = await t.engine.start('background-flow', {});
    await firstFailure;

    // when
    t.clock.advance(30_000);

    // then
    await created;
    expect(calls).toBe(2);
    const failures = (await t.engine.getHistory(ref.processInstanceKey)).filter((e) => e.event === 'job-failed');
    expect(failures.map((e) => e.detail?.retries)).toEqual([1]);
  });
});
