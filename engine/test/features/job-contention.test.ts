import { describe, it, expect, afterEach } from '@jest/globals';
import { createFakeClock } from '../../clock.js';
import { createEmbeddedEngine, type EmbeddedEngine } from '../../embedded/index.js';
import { createDatabase, type Database } from '../../embedded/store/database.js';
import { fixture, openTestDatabase } from '../harness.js';

/**
 * Several engines on one database (issue 13, defect 3): the app's and those of `npm run workers`
 * processes. A deadlock or lock-wait timeout the database reports rolls the transaction back whole;
 * a job's lock, result or failure is then saved by a retry, never left locked until its timeout
 * (when the job would run a second time), and no job is run twice.
 */

/** a two-step flow: finishing the first job creates the second, so the engines insert while others lock */
const twoSteps = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_two" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="two-steps" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Step_A" />
    <bpmn:serviceTask id="Step_A"><bpmn:extensionElements><zeebe:taskDefinition type="step-a" retries="3" /></bpmn:extensionElements><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Step_A" targetRef="Step_B" />
    <bpmn:serviceTask id="Step_B"><bpmn:extensionElements><zeebe:taskDefinition type="step-b" retries="3" /></bpmn:extensionElements><bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F3" sourceRef="Step_B" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

/** what MySQL/MariaDB answers through Sequelize when InnoDB picks a transaction as a deadlock victim */
function deadlock() {
  return Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), {
    name: 'SequelizeDatabaseError',
    parent: Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { code: 'ER_LOCK_DEADLOCK', errno: 1213 }),
  });
}

async function until(check: () => Promise<boolean>, limitMs: number, what: () => Promise<string>) {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not within ${limitMs} ms: ${await what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('jobs under contention between engines', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function database() {
    const target = await openTestDatabase();
    cleanup.push(target.drop);
    const db = await createDatabase({ url: target.url });
    await db.migrate();
    cleanup.push(() => db.close());
    return { db, url: target.url };
  }

  it('given the database picks the transaction that locks a job, and then the one that saves its result, as deadlock victims, when the jobs run, then both are done again: the handler ran once and the instance completed', async () => {
    const { db } = await database();
    // the next `failNext` transactions do all their work, then the database reports a deadlock and rolls them back
    let failNext = 0;
    const contended: Database = {
      ...db,
      transaction: (fn) =>
        db.transaction(async (tx) => {
          const result = await fn(tx);
          if (failNext > 0) {
            failNext--;
            throw deadlock();
          }
          return result;
        }),
    };
    const engine = createEmbeddedEngine({ db: contended, clock: createFakeClock('2026-03-02T01:00:00.000Z'), background: false });
    cleanup.push(() => engine.close());
    await engine.open();
    await engine.deploy([fixture('service-task.bpmn')]);
    let runs = 0;
    engine.registerWorker('compute-total', async () => {
      runs++;
      // the finishing transaction loses twice
      failNext = 2;
      return { total: 42 };
    });
    const { processInstanceKey } = await engine.start('service-task', {});
    // the lock sweep loses once
    failNext = 1;
    await engine.idle();
    await engine.idle();
    expect(runs).toBe(1);
    expect((await engine.getProcessInstance(processInstanceKey))?.state).toBe('completed');
    expect((await engine.getProcessInstance(processInstanceKey))?.variables.total).toBe(42);
    expect(await engine.listJobs()).toEqual([]);
  });

  it('given the app’s engine and two jobs-only engines on one database with their own connections, when a backlog of hundreds of jobs is worked off, then every job runs exactly once and none is stranded', async () => {
    const { url } = await database();
    const INSTANCES = 250;
    const runs = new Map<string, number>();
    const retried: string[] = [];
    const failed: string[] = [];
    const logger = { info() {}, error: (_: object, msg?: string) => void failed.push(msg ?? ''), warn: (_: object, msg?: string) => void retried.push(msg ?? '') };
    const engines: EmbeddedEngine[] = [];
    const open = async (options: { jobsOnly: boolean; workers: boolean }) => {
      const db = await createDatabase({ url });
      const engine = createEmbeddedEngine({ db, logger, pollInterval: 25, jobsOnly: options.jobsOnly, maxJobsInFlight: 16 });
      cleanup.push(async () => {
        await engine.close();
        await db.close();
      });
      if (options.workers) {
        for (const type of ['step-a', 'step-b']) {
          engine.registerWorker(type, async (_vars, job) => {
            runs.set(job.jobKey, (runs.get(job.jobKey) ?? 0) + 1);
            return { [type]: true };
          });
        }
      }
      engines.push(engine);
      return engine;
    };
    const app = await open({ jobsOnly: false, workers: false });
    await app.deploy([{ name: 'two-steps.bpmn', content: twoSteps }]);
    // a backlog is there before the workers come, and more arrives while they work it off
    const start = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => app.start('two-steps', { i })));
    await start(INSTANCES / 2);
    await app.open();
    const w1 = await open({ jobsOnly: true, workers: true });
    const w2 = await open({ jobsOnly: true, workers: true });
    const started = Date.now();
    await Promise.all([w1.open(), w2.open()]);
    for (let i = 0; i < INSTANCES / 2; i += 25) await start(25);

    const completed = async () => (await app.listProcessInstances({ state: 'completed', limit: 500 })).length;
    await until(
      async () => (await completed()) === INSTANCES,
      40_000,
      async () => `${await completed()} of ${INSTANCES} completed; open jobs: ${JSON.stringify((await app.listJobs()).slice(0, 5))}`,
    );
    const seconds = (Date.now() - started) / 1000;
    expect(runs.size).toBe(2 * INSTANCES);
    expect([...runs.values()].filter((n) => n !== 1)).toEqual([]);
    expect(await app.listJobs()).toEqual([]);
    expect(await app.listIncidents()).toEqual([]);
    // the figures of the run, for the record (issue 13)
    process.stdout.write(`job contention: ${2 * INSTANCES} jobs on 2 engines in ${seconds.toFixed(1)} s; deadlocks retried: ${retried.filter((m) => /deadlock/.test(m)).length}; errors logged: ${failed.length}\n`);
  });
});
