import { describe, it, expect, afterEach } from '@jest/globals';
import { createEmbeddedEngine, type EmbeddedEngine } from '../../embedded/index.js';
import { createDatabase, type Database } from '../../embedded/store/database.js';
import type { Clock } from '../../clock.js';
import { createTestEngine, fixture, openTestDatabase, type TestEngine } from '../harness.js';

/**
 * Jobs and timers that must not stay stuck (issue 12, items 1 and 5). Time passes here as it does
 * in production: the clock moves without telling anyone (a real clock has no "jump" event), so only
 * the job loop's own polling can find a job whose worker died or whose backoff ran out.
 */
const POLL = 40;

/** a clock that moves silently, like the system clock */
function quietClock(start: string) {
  let now = new Date(start).getTime();
  const clock: Clock & { pass(ms: number): void } = { now: () => new Date(now), pass: (ms) => void (now += ms) };
  return clock;
}

/** resolves when `check` holds, polled every 20 ms; fails after `limitMs` with what was last seen */
async function until<T>(check: () => Promise<T | undefined | false>, limitMs = 15_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the job loop keeps polling (crashed workers, retries)', () => {
  let db: Database | undefined;
  let drop: (() => Promise<void>) | undefined;
  const engines: EmbeddedEngine[] = [];
  /** the "dead" workers' attempts, ended after the test so the engines can close */
  const hung: (() => void)[] = [];
  const hang = () => new Promise<never>((_, reject) => hung.push(() => reject(new Error('the worker process is gone'))));
  afterEach(async () => {
    for (const release of hung.splice(0)) release();
    for (const e of engines.splice(0)) await e.close();
    await db?.close();
    await drop?.();
    db = undefined;
    drop = undefined;
  });

  async function open(clock: Clock) {
    if (!db) {
      const target = await openTestDatabase();
      drop = target.drop;
      db = await createDatabase({ url: target.url });
      await db.migrate();
    }
    const engine = createEmbeddedEngine({ db, clock, pollInterval: POLL });
    engines.push(engine);
    return engine;
  }

  it('given a worker that took a job and died (its lock held, the job never finished), when the lock runs out, then the loop takes the job again and the instance moves on', async () => {
    // given: the job waits (no worker yet), then a worker takes it from a poll and hangs for ever
    const clock = quietClock('2026-03-02T01:00:00.000Z');
    const engine = await open(clock);
    await engine.deploy([fixture('background-flow.bpmn')]);
    await engine.open();
    const ref = await engine.start('background-flow', {});
    let calls = 0;
    engine.registerWorker(
      'classify',
      () => {
        calls++;
        // the first attempt never ends: its process "died" holding the lock
        return calls === 1 ? hang() : { unit: 'town-a' };
      },
      { timeout: 60_000 },
    );
    await until(async () => calls === 1);
    expect((await engine.listJobs({ processInstanceKey: ref.processInstanceKey }))[0]?.state).toBe('activated');

    // when: the lock's minute passes, silently
    clock.pass(61_000);

    // then: a later poll takes the job again and the instance reaches its user task
    const task = await until(async () => (await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey, state: 'created' }))[0]);
    expect(task.candidateGroups).toEqual(['town-a']);
    expect(calls).toBe(2);
  });

  it('given a job that failed once with retries left, when its backoff has passed, then the loop runs it again; when the retries are used up, then an incident is raised', async () => {
    // given
    const clock = quietClock('2026-03-02T01:00:00.000Z');
    const engine = await open(clock);
    await engine.deploy([fixture('background-flow.bpmn')]);
    await engine.open();
    // the job waits before its worker registers, so a poll (not a hand-over) finds it
    const ref = await engine.start('background-flow', {});
    const attempts: number[] = [];
    engine.registerWorker(
      'classify',
      (_v, ctx) => {
        attempts.push(ctx.retries);
        throw new Error('the unit directory is down');
      },
      { backoff: 10_000 },
    );
    await until(async () => attempts.length === 1);

    // when: the backoff passes without anyone announcing it
    clock.pass(10_001);

    // then: retried (the diagram gives two retries), and the last failure is an incident
    await until(async () => attempts.length === 2);
    const incident = await until(async () => (await engine.listIncidents({ processInstanceKey: ref.processInstanceKey }))[0]);
    expect(attempts).toEqual([2, 1]);
    expect(incident).toMatchObject({ errorType: 'JOB_NO_RETRIES', errorMessage: 'the unit directory is down', state: 'active' });
  });

  it('given a job locked by a worker of another process that died, when a new process starts on the database after the lock ran out, then it takes the job', async () => {
    // given: process A takes the job and dies with it
    const clock = quietClock('2026-03-02T01:00:00.000Z');
    const a = await open(clock);
    await a.deploy([fixture('background-flow.bpmn')]);
    await a.open();
    let taken = 0;
    a.registerWorker(
      'classify',
      () => {
        taken++;
        return hang();
      },
      { timeout: 30_000 },
    );
    const ref = await a.start('background-flow', {});
    await until(async () => taken === 1);
    // A stops polling (its process is gone); its attempt never finishes
    void a.close();

    // when: process B comes up after the lock's time
    clock.pass(31_000);
    const b = await open(clock);
    b.registerWorker('classify', () => ({ unit: 'town-b' }));
    await b.open();

    // then
    const task = await until(async () => (await b.listUserTasks({ processInstanceKey: ref.processInstanceKey, state: 'created' }))[0]);
    expect(task.candidateGroups).toEqual(['town-b']);
  });
});

describe('timers fire independently', () => {
  let t: TestEngine;
  afterEach(() => t.close());

  it('given three timers due together and one that cannot fire (its instance is gone), when the scheduler runs, then the other two fire and the broken one is left, without failing the pass', async () => {
    // given
    t = await createTestEngine();
    await t.deploy('timer-intermediate.bpmn');
    const refs = [];
    for (let i = 0; i < 3; i++) refs.push(await t.engine.start('timer-intermediate', { dueAt: '2026-03-10T00:00:00.000Z' }));
    await t.idle();
    const timers = await t.db.sequelize.query<{ id: string; instance_id: string }>('SELECT id, instance_id FROM engine_timers ORDER BY due_at, id', { type: 'SELECT' as never });
    expect(timers).toHaveLength(3);
    // the first in firing order loses its instance (as a row removed by hand, or a bug, would)
    await t.db.transaction((tx) => t.db.sequelize.query('DELETE FROM engine_instances WHERE id = ?', { replacements: [timers[0].instance_id], transaction: tx }));

    // when
    t.clock.advanceDays(30);
    await t.idle();

    // then
    const states = await Promise.all(refs.filter((r) => r.processInstanceKey !== timers[0].instance_id).map(async (r) => (await t.engine.getProcessInstance(r.processInstanceKey))?.state));
    expect(states).toEqual(['completed', 'completed']);
    const left = await t.db.sequelize.query<{ id: string }>('SELECT id FROM engine_timers', { type: 'SELECT' as never });
    expect(left.map((r) => r.id)).toEqual([timers[0].id]);
  });
});
