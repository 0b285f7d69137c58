/**
 * Issue 13, defect 2: a real `npm run workers` process (bin/workers.ts, spawned) stays up until it is
 * stopped. Its engine's loops run on unref'd timers, so before the fix the process ended with code 0
 * as soon as nothing else held it open — right after start-up on SQLite, between two polls of a
 * backlog — and the jobs it had locked waited for their lock timeout.
 */
import { describe, it, expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createEmbeddedEngine } from '../engine/embedded/index.js';
import { createDatabase } from '../engine/embedded/store/database.js';
import { openTestDatabase } from '../engine/test/harness.js';
import { migrationsFor } from '../server/engine-setup.js';
import { spawnWorkers } from './test/workers-child.js';

const diagram = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_rating" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="rating-deadline" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Deadline" />
    <bpmn:serviceTask id="Task_Deadline" name="计算评价期限">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="compute-deadlines" retries="3" />
        <zeebe:taskHeaders><zeebe:header key="stage" value="rating" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Deadline" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

/** resolves when `done()` holds; rejects with `why` if `failed` settles first or after `ms` */
async function until(done: () => Promise<boolean>, failed: Promise<unknown>, why: string, ms = 60_000) {
  let broken: Error | undefined;
  failed.then(
    (x) => (broken = new Error(`${why} (${String(x)})`)),
    (e) => (broken = e as Error),
  );
  const end = Date.now() + ms;
  while (!(await done())) {
    if (broken) throw broken;
    if (Date.now() > end) throw new Error(`timed out: ${why}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm run workers as a process of its own', () => {
  it('given a workers process that started with nothing to do, when work arrives afterwards and then a backlog, then it is still running to take all of it, and SIGTERM ends it with code 0', async () => {
    const target = await openTestDatabase();
    const db = await createDatabase({ url: target.url, migrations: migrationsFor({ engine: 'embedded' }) });
    await db.migrate();
    // the app: no handlers (WORKERS_IN_APP=false), so only the workers process can take the jobs
    const app = createEmbeddedEngine({ db, pollInterval: 50 });
    await app.open();
    await app.deploy([{ name: 'rating-deadline.bpmn', content: diagram }]);
    const w = await spawnWorkers({ DB_URL: target.url, ENGINE: 'embedded', PII_KEY: randomBytes(32).toString('base64') });
    try {
      await w.started;
      const completed = async (keys: string[]) => {
        for (const k of keys) if ((await app.getProcessInstance(k))?.state !== 'completed') return false;
        return true;
      };
      const first = (await app.start('rating-deadline', {})).processInstanceKey;
      await until(() => completed([first]), w.exited, 'the workers process ended while a job was waiting for it');

      const backlog: string[] = [];
      for (let i = 0; i < 80; i++) backlog.push((await app.start('rating-deadline', {})).processInstanceKey);
      await until(() => completed(backlog), w.exited, 'the workers process ended in the middle of a backlog');
      expect(await app.listJobs()).toEqual([]);

      w.child.kill('SIGTERM');
      expect(await w.exited).toBe(0);
    } finally {
      if (w.child.exitCode === null && w.child.signalCode === null) {
        w.child.kill('SIGKILL');
        await w.exited;
      }
      await app.close();
      await db.close();
      await target.drop();
    }
  });
});
