/**
 * Issue 19: the worker services over the embedded engine's real external tasks and the app's real
 * stores (createWorkerDeps), a handler run through the remote deps. The engine-rest router and its
 * Basic auth are stood in for by a middleware that names the caller (res.locals.remoteWorker).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestEngine, instanceOf, type TestEngine } from '../../../engine/test/harness.js';
import { appMigrations } from '../../data/migrations.js';
import { workerMigrations } from '../../data/worker-migrations.js';
import { createPetitionsRepository, type PetitionsRepository } from '../../data/petitions-repository.js';
import { generateIdentityKey } from '../../domain/identity-crypto.js';
import { createLogger } from '../../logger.js';
import { createWorkerDeps } from '../../engine-setup.js';
import type { AppContext } from '../../app-context.js';
import { workerServicesRoutes } from '../../routes/worker-services.js';
import { createWorkers } from '../../../workers/registry.js';
import { remoteCompletion, remoteDepsFactory } from '../../../workers/remote/remote-deps.js';
import { MemoryLogger } from '../../../workers/testing/in-memory.js';

const BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_remote-status" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="remote-status" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Status" />
    <bpmn:serviceTask id="Task_Status">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="set-petition-status" retries="3" />
        <zeebe:taskHeaders><zeebe:header key="status" value="handling" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Status" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

let t: TestEngine;
let server: Server;
let baseUrl: string;
let petitions: PetitionsRepository;

beforeAll(async () => {
  t = await createTestEngine({ migrations: [...appMigrations, ...workerMigrations] });
  await t.engine.deploy([{ name: 'remote-status.bpmn', content: BPMN }]);
  const key = generateIdentityKey();
  petitions = createPetitionsRepository(t.db, { key, clock: t.clock });
  const log = createLogger('silent');
  const ctx = { engine: t.engine, clock: t.clock, workerDeps: createWorkerDeps({ db: t.db, key, log, config: { publicBaseUrl: 'https://wz.example' }, clock: t.clock }) } as unknown as AppContext;
  const app = express();
  app.use(express.json());
  app.use('/engine-rest', (req, res, next) => {
    const user = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':')[0];
    res.locals.remoteWorker = { credentialId: user, name: user, topics: ['set-petition-status'] };
    next();
  });
  app.use('/engine-rest/worker-services', workerServicesRoutes(ctx));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/engine-rest`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await t.close();
});

const depsAs = (user: string) => remoteDepsFactory({ baseUrl, user, password: 'x', publicBaseUrl: 'https://wz.example', logger: new MemoryLogger(), clock: t.clock });

describe('worker services on the embedded engine', () => {
  it('given a job fetched and locked under a credential, when its handler runs through the remote deps, then the app’s petition gets its status; another credential, or the ended job, is refused', async () => {
    const p = await petitions.create({ channel: 'web', category: 'complaint', title: '路灯不亮', content: '路灯不亮', confidential: false, petitionerName: '钱七', petitionerPhone: '13700003333' });
    const { processInstanceKey } = await t.engine.start('remote-status', { petitionId: p.id });
    const ext = t.engine.externalTasks!;
    const [task] = await ext.fetchAndLock({ workerId: 'cred-1/host-1', maxTasks: 1, topics: [{ topicName: 'set-petition-status', lockDuration: 60_000 }] });
    expect(task.variables.petitionId).toBe(p.id);
    const ctx = { jobKey: task.id, type: task.topicName, processInstanceKey, processId: task.processId, elementId: task.activityId, headers: task.headers, retries: task.retries };

    // another credential holds no lock on it: refused before anything is written
    await expect(createWorkers(depsAs('cred-2')(task.id))['set-petition-status'](task.variables, ctx)).rejects.toThrow(/403 external task .* is not locked by this credential/);
    expect((await petitions.get(p.id))?.status).not.toBe('handling');

    await createWorkers(depsAs('cred-1')(task.id))['set-petition-status'](task.variables, ctx);
    expect((await petitions.get(p.id))?.status).toBe('handling');
    await ext.complete(task.id, 'cred-1/host-1', {});
    expect((await instanceOf(t.engine, processInstanceKey)).state).toBe('completed');

    // the job ended: its id opens nothing any more
    await expect(depsAs('cred-1')(task.id).petitions.setStatus(p.id, 'closed')).rejects.toThrow(/404 external task .* does not exist/);
  });

  it('given a lock that ran out, when the handler calls the services, then it is refused', async () => {
    const p = await petitions.create({ channel: 'web', category: 'complaint', title: '积水', content: '积水', confidential: false, petitionerName: '孙八', petitionerPhone: '13700004444' });
    await t.engine.start('remote-status', { petitionId: p.id });
    const [task] = await t.engine.externalTasks!.fetchAndLock({ workerId: 'cred-1/host-1', maxTasks: 1, topics: [{ topicName: 'set-petition-status', lockDuration: 1_000 }] });
    t.clock.advance(1_001);
    await expect(depsAs('cred-1')(task.id).petitions.setStatus(p.id, 'handling')).rejects.toThrow(/403/);
  });

  it('given a job whose status write is kept for its completion, when it completes through POST /complete, then the write and the completion commit together; a write outside its case, or an unknown write, is refused and changes nothing', async () => {
    const p = await petitions.create({ channel: 'web', category: 'complaint', title: '噪音', content: '噪音', confidential: false, petitionerName: '周九', petitionerPhone: '13700005555' });
    const other = await petitions.create({ channel: 'web', category: 'complaint', title: '占道', content: '占道', confidential: false, petitionerName: '吴十', petitionerPhone: '13700006666' });
    const { processInstanceKey } = await t.engine.start('remote-status', { petitionId: p.id });
    // this case's job (an earlier test's, its lock run out, is due as well)
    const task = (await t.engine.externalTasks!.fetchAndLock({ workerId: 'cred-1/host-1', maxTasks: 10, topics: [{ topicName: 'set-petition-status', lockDuration: 60_000 }] })).find((x) => x.variables.petitionId === p.id)!;
    const complete = remoteCompletion({ baseUrl, user: 'cred-1', password: 'x' });
    const statusOf = async (id: string) => (await petitions.get(id))?.status;
    const before = await statusOf(other.id);

    await expect(complete(task.id, 'host-1', {}, [{ method: 'petitions.setStatus', args: { petitionId: other.id, status: 'handling' } }])).rejects.toThrow(/403 .*not the case/);
    await expect(complete(task.id, 'host-1', {}, [{ method: 'petitions.mergedFrom' as never, args: { petitionId: p.id } }])).rejects.toThrow(/400 writes\[0\]\.method/);
    await expect(remoteCompletion({ baseUrl, user: 'cred-2', password: 'x' })(task.id, 'host-1', {}, [])).rejects.toThrow(/400 .*not locked by this credential/);
    expect(await statusOf(other.id)).toBe(before);
    expect((await instanceOf(t.engine, processInstanceKey)).state).toBe('active');

    await complete(task.id, 'host-1', { handled: true }, [{ method: 'petitions.setStatus', args: { petitionId: p.id, status: 'handling' } }]);
    expect(await statusOf(p.id)).toBe('handling');
    const done = await instanceOf(t.engine, processInstanceKey);
    expect([done.state, done.variables.handled]).toEqual(['completed', true]);
    await expect(complete(task.id, 'host-1', {}, [])).rejects.toThrow(/404/);
  });
});
