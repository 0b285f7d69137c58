/**
 * `npm run workers` beside the app: the app's engine runs no handler itself (WORKERS_IN_APP=false),
 * the workers process takes the job from the shared database and the instance moves on.
 */
import { describe, it, expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createEmbeddedEngine } from '../engine/embedded/index.js';
import { createDatabase } from '../engine/embedded/store/database.js';
import { openTestDatabase } from '../engine/test/harness.js';
import { ConfigError } from '../server/config.js';
import { migrationsFor } from '../server/engine-setup.js';
import { startWorkers } from './database-workers.js';

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

describe('npm run workers', () => {
  it('given the app without handlers, when a workers process runs beside it on the same database, then it takes the job and the instance completes', async () => {
    const target = await openTestDatabase();
    const env = { DB_URL: target.url, ENGINE: 'embedded', LOG_LEVEL: 'silent', PII_KEY: randomBytes(32).toString('base64') };
    const db = await createDatabase({ url: target.url, migrations: migrationsFor({ engine: 'embedded' }) });
    await db.migrate();
    const app = createEmbeddedEngine({ db, pollInterval: 50 });
    await app.open();
    await app.deploy([{ name: 'rating-deadline.bpmn', content: diagram }]);
    const workers = await startWorkers(env);
    try {
      expect(workers.types).toContain('compute-deadlines');
      const { processInstanceKey } = await app.start('rating-deadline', {});
      // another process's loop: wait for its poll (1 s) to take the job, without moving any clock
      let instance = await app.getProcessInstance(processInstanceKey);
      for (let i = 0; i < 100 && instance?.state !== 'completed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        instance = await app.getProcessInstance(processInstanceKey);
      }
      expect(instance?.state).toBe('completed');
      expect(instance?.variables.ratingDueAt).toMatch(/^\d{4}-\d\d-\d\dT16:00:00\.000Z$/);
    } finally {
      await workers.stop();
      await app.close();
      await db.close();
      await target.drop();
    }
  });

  it('given ENGINE=zeebe without the broker’s addresses, when started, then it stops with the configuration problem', async () => {
    await expect(startWorkers({ ENGINE: 'zeebe', LOG_LEVEL: 'silent' })).rejects.toThrow(ConfigError);
    await expect(startWorkers({ ENGINE: 'zeebe', LOG_LEVEL: 'silent' })).rejects.toThrow(/ZEEBE_GRPC_ADDRESS/);
  });
});
