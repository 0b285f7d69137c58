/**
 * The Zeebe adapter as a whole, with the SDK's clients replaced at their boundary (sdk-boundary.ts,
 * listener-worker.ts) and its records on a real database: a port call becomes the SDK call it
 * stands for, a job the fake broker hands over becomes the records the port's queries read.
 */
import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeClock } from '../clock.js';
import { createDatabase, type Database } from '../embedded/store/database.js';
import { BusinessError } from '../errors.js';
import type { UserTaskEvent } from '../port.js';
import { openTestDatabase } from '../test/harness.js';
import { fakeBroker } from '../test/zeebe-fake.js';
import { createZeebeEngine, type ZeebeEngine } from './index.js';
import { zeebeRecordMigrations } from './records-migrations.js';

const processes = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'processes');
const diagram = (name: string) => readFileSync(join(processes, name), 'utf8');

describe('the Zeebe adapter (SDK replaced at its boundary)', () => {
  let db: Database;
  let drop: () => Promise<void>;
  let broker: ReturnType<typeof fakeBroker>;
  let engine: ZeebeEngine;
  const clock = createFakeClock('2026-03-02T02:00:00.000Z');
  const forms = new Map([['screen-petition', JSON.stringify({ id: 'screen-petition', type: 'default', components: [] })]]);

  beforeEach(async () => {
    const target = await openTestDatabase();
    drop = target.drop;
    db = await createDatabase({ url: target.url, migrations: zeebeRecordMigrations });
    await db.migrate();
    broker = fakeBroker();
    engine = createZeebeEngine({
      grpc: broker.grpc,
      rest: broker.rest,
      db,
      clock,
      controlClock: true,
      formsOf: async (ids) => ids.filter((id) => forms.has(id)).map((id) => ({ name: `${id}.form`, content: forms.get(id)! })),
    });
    engine.registerWorker('route-petition', async (v) => ({ routed: true, seen: v.petitionId }));
    await engine.open();
  });
  afterEach(async () => {
    await engine.close();
    await db.close();
    await drop();
  });

  it('given a diagram, when deployed, then Zeebe gets it with the adapter’s listeners and its linked forms, and the records keep it as drawn', async () => {
    const xml = diagram('petition-lifecycle.bpmn');
    const result = await engine.deploy([{ name: 'petition-lifecycle.bpmn', content: xml }], { deployedBy: 'admin' });

    expect(broker.calls.find((c) => c[0] === 'deployResources')![1]).toEqual(['petition-lifecycle.bpmn', 'screen-petition.form']);
    const sent = broker.calls.find((c) => c[0] === 'deployed')![1][0] as string;
    expect(sent).toContain('type="wenzheng-instance-start"');
    expect(sent).toContain('eventType="creating" retries="3" type="wenzheng-user-task"');
    expect(result.processes).toEqual([expect.objectContaining({ processId: 'petition-lifecycle', version: 1, duplicate: false })]);
    const [def] = await engine.listProcessDefinitions({ processId: 'petition-lifecycle' });
    expect(def).toEqual(expect.objectContaining({ version: 1, deployedBy: 'admin', resourceName: 'petition-lifecycle.bpmn' }));
    expect(await engine.getProcessDefinitionXml(def.processDefinitionKey)).toBe(xml.trim());
  });

  // ---------------------------------------------------------------- process-instance modification
  it('given a modification naming an element to end, then its active instances are looked up, ModifyProcessInstance is sent, and the app’s writes commit only once Zeebe took it', async () => {
    broker.setElementInstances((elementId) => (elementId === 'Task_ScreenPetition' ? ['2251799813699001'] : []));
    const order: string[] = [];
    const original = broker.grpc.modifyProcessInstance;
    broker.grpc.modifyProcessInstance = async (r) => (order.push('modify'), original(r));

    await engine.modifyProcessInstance(
      '2251799813690001',
      { activate: [{ elementId: 'Task_HandlePetition', variables: { unitId: 'u-1' } }], terminate: [{ elementId: 'Task_ScreenPetition' }] },
      { transactional: async () => void order.push('write') },
    );

    expect(order).toEqual(['modify', 'write']);
    expect(broker.calls.filter((c) => ['searchElementInstances', 'modifyProcessInstance'].includes(c[0]))).toEqual([
      ['searchElementInstances', { processInstanceKey: '2251799813690001', elementId: 'Task_ScreenPetition' }],
      [
        'modifyProcessInstance',
        {
          processInstanceKey: '2251799813690001',
          activateInstructions: [{ elementId: 'Task_HandlePetition', ancestorElementInstanceKey: '-1', variableInstructions: [{ variables: { unitId: 'u-1' }, scopeId: '' }] }],
          terminateInstructions: [{ elementInstanceKey: '2251799813699001' }],
        },
      ],
    ]);
    await expect(engine.modifyProcessInstance('2251799813690001', { terminate: [{ elementId: 'Task_Nowhere' }] })).rejects.toMatchObject({ code: 'UNKNOWN_ELEMENT_INSTANCE' });
    await expect(engine.modifyProcessInstance('2251799813690001', {})).rejects.toMatchObject({ code: 'NOTHING_TO_DO' });
  });

  it('given a port call, then the SDK call it stands for is made, and the instance is on record', async () => {
    const ref = await engine.start('petition-lifecycle', { petitionId: 'p-1' });
    await engine.publishMessage({ name: 'extension-requested', correlationKey: 'p-1', variables: { extensionDays: 3 } });
    await engine.setVariables(ref.processInstanceKey, { fixed: true });

    expect(broker.calls.filter((c) => c[0] !== 'pinClock')).toEqual([
      ['createProcessInstance', { bpmnProcessId: 'petition-lifecycle', variables: { petitionId: 'p-1' } }],
      ['publishMessage', { name: 'extension-requested', correlationKey: 'p-1', variables: { extensionDays: 3 }, timeToLive: 0 }],
      ['setVariables', { elementInstanceKey: ref.processInstanceKey, variables: { fixed: true }, local: false }],
    ]);
    expect(await engine.getProcessInstance(ref.processInstanceKey)).toEqual(expect.objectContaining({ state: 'active', processId: 'petition-lifecycle', variables: { petitionId: 'p-1', fixed: true } }));

    await engine.cancel(ref.processInstanceKey);
    expect(broker.calls).toContainEqual(['cancelProcessInstance', ref.processInstanceKey]);
    expect((await engine.getProcessInstance(ref.processInstanceKey))?.state).toBe('canceled');
  });

  it("given the app's writes with a message (transactional), then they run in an app transaction once the broker took the message, and not at all when it refused it", async () => {
    await db.sequelize.query('CREATE TABLE message_writes (k VARCHAR(64) PRIMARY KEY)');
    const order: string[] = [];
    const write = (k: string) => async (tx: unknown) => {
      order.push(`write ${k} after ${broker.calls.filter((c) => c[0] === 'publishMessage').length} publication(s)`);
      await db.sequelize.query('INSERT INTO message_writes (k) VALUES (?)', { replacements: [k], transaction: tx as never });
    };
    const result = await engine.publishMessage({ name: 'supervision-requested', correlationKey: '', variables: { petitionId: 'p-1' }, transactional: (tx) => write('taken')(tx) });
    expect(typeof result.messageKey).toBe('string');
    expect(broker.calls.find((c) => c[0] === 'publishMessage')![1]).toEqual({ name: 'supervision-requested', correlationKey: '', variables: { petitionId: 'p-1' }, timeToLive: 0 });

    broker.grpc.publishMessage = async () => {
      throw new Error('UNAVAILABLE: the broker is down');
    };
    await expect(engine.publishMessage({ name: 'supervision-requested', correlationKey: '', transactional: (tx) => write('refused')(tx) })).rejects.toThrow(/UNAVAILABLE/);
    expect(order).toEqual(['write taken after 1 publication(s)']);
    const [rows] = await db.sequelize.query('SELECT k FROM message_writes');
    expect(rows).toEqual([{ k: 'taken' }]);
  });

  it("given the app's writes with a cancel (transactional), then they commit first and the cancel follows; an instance already gone counts as canceled, so a reconciler may cancel again", async () => {
    await db.sequelize.query('CREATE TABLE cancel_writes (k VARCHAR(64) PRIMARY KEY)');
    const order: string[] = [];
    const ref = await engine.start('petition-lifecycle', { petitionId: 'p-2' });
    await engine.cancel(ref.processInstanceKey, {
      transactional: async (tx) => {
        order.push(`write after ${broker.calls.filter((c) => c[0] === 'cancelProcessInstance').length} cancel(s)`);
        await db.sequelize.query("INSERT INTO cancel_writes (k) VALUES ('marked')", { transaction: tx as never });
      },
    });
    expect(order).toEqual(['write after 0 cancel(s)']);
    expect(broker.calls).toContainEqual(['cancelProcessInstance', ref.processInstanceKey]);
    expect((await engine.getProcessInstance(ref.processInstanceKey))?.state).toBe('canceled');

    // the broker no longer knows it (a crash after the cancel, before the record): done, not an error
    broker.grpc.cancelProcessInstance = async () => {
      throw Object.assign(new Error('NOT_FOUND: no such process instance'), { code: 5 });
    };
    await expect(engine.cancel(ref.processInstanceKey, { transactional: async () => {} })).resolves.toBeUndefined();
    const [rows] = await db.sequelize.query('SELECT k FROM cancel_writes');
    expect(rows).toEqual([{ k: 'marked' }]);
  });

  it('given task listener jobs, then the task is mirrored once, named from the diagram, completed through the REST API, and the events carry the completion’s variables', async () => {
    await engine.deploy([{ name: 'petition-lifecycle.bpmn', content: diagram('petition-lifecycle.bpmn') }]);
    const events: UserTaskEvent[] = [];
    engine.onUserTask((e) => void events.push(e));

    await broker.deliverListener(broker.listenerJob('CREATING', '2251799813699001'));
    await broker.deliverListener(broker.listenerJob('CREATING', '2251799813699001'));
    const [task] = await engine.listUserTasks({ state: 'created' });
    expect(task).toEqual(expect.objectContaining({ userTaskKey: '2251799813699001', elementId: 'Task_ScreenPetition', name: '审查受理范围', candidateGroups: ['platform-reviewer'], dueDate: '2026-03-03T16:00:00.000Z' }));
    expect(events.map((e) => e.type)).toEqual(['created']);

    await engine.completeUserTask('2251799813699001', { inScope: true });
    expect(broker.calls).toContainEqual(['completeUserTask', { userTaskKey: '2251799813699001', variables: { inScope: true } }]);
    await broker.deliverListener(broker.listenerJob('COMPLETING', '2251799813699001'));
    expect(events.map((e) => e.type)).toEqual(['created', 'completed']);
    expect(events[1]).toEqual(expect.objectContaining({ variables: { inScope: true } }));
    expect((await engine.getUserTask('2251799813699001'))?.state).toBe('completed');
    expect(broker.acks.filter((a) => a[0] === 'listener-complete')).toHaveLength(3);
    await expect(engine.completeUserTask('2251799813699001')).rejects.toMatchObject({ status: 409 });
    await expect(engine.completeUserTask('404')).rejects.toMatchObject({ status: 404 });
  });

  it('given handler jobs, then a result completes the job and is recorded, a business error throws the BPMN error, and the last failure leaves an incident on record', async () => {
    await engine.deploy([{ name: 'petition-lifecycle.bpmn', content: diagram('petition-lifecycle.bpmn') }]);
    await broker.deliver(broker.job('wenzheng-instance-start'));
    await broker.deliver(broker.job('route-petition'));
    expect(broker.acks.slice(-1)).toEqual([['complete', { routed: true, seen: 'p-1' }]]);
    expect((await engine.getProcessInstance('2251799813690001'))?.variables).toEqual({ petitionId: 'p-1', routed: true, seen: 'p-1' });

    engine.registerWorker('flaky', async () => {
      throw new Error('SMS gateway down');
    });
    engine.registerWorker('refuse', async () => {
      throw new BusinessError('OUT_OF_SCOPE', 'not ours');
    });
    await broker.deliver(broker.job('refuse'));
    expect(broker.acks.slice(-1)).toEqual([['error', { errorCode: 'OUT_OF_SCOPE', errorMessage: 'not ours', variables: {} }]]);
    const last = broker.job('flaky', { retries: 1, elementId: 'Task_Notify' });
    await broker.deliver(last);
    expect(broker.acks.slice(-1)).toEqual([['fail', { errorMessage: 'SMS gateway down', retries: 0, retryBackOff: 0 }]]);
    const [incident] = await engine.listIncidents({ state: 'active' });
    expect(incident).toEqual(expect.objectContaining({ jobKey: last.key, elementId: 'Task_Notify', errorType: 'JOB_NO_RETRIES', errorMessage: 'SMS gateway down' }));
    expect((await engine.getHistory('2251799813690001')).map((e) => e.event)).toEqual(['activated', 'job-completed', 'job-error-thrown', 'job-failed', 'incident']);

    // engine-only Camunda cannot search: a clear refusal, and nothing changes
    broker.setIncidentSearch(async () => {
      throw Object.assign(new Error('secondary storage is not configured'), { status: 403 });
    });
    await expect(engine.retryIncident(incident.incidentKey)).rejects.toMatchObject({ status: 409, code: 'INCIDENT_KEY_UNKNOWN' });
    expect(broker.calls.filter((c) => c[0] === 'updateJobRetries')).toEqual([]);
    // with secondary storage: retries back on the job, then Zeebe's incident resolved
    broker.setIncidentSearch(async () => '2251799813777777');
    await engine.retryIncident(incident.incidentKey, { retries: 2 });
    expect(broker.calls.filter((c) => ['updateJobRetries', 'resolveIncident'].includes(c[0]))).toEqual([
      ['updateJobRetries', { jobKey: last.key, retries: 2 }],
      ['resolveIncident', { incidentKey: '2251799813777777' }],
    ]);
    expect(await engine.listIncidents({ state: 'resolved' })).toEqual([expect.objectContaining({ incidentKey: incident.incidentKey, state: 'resolved' })]);
  });

  it('given the process end listener, then the instance is completed with its final variables; given the clock jumps, then Zeebe’s clock is pinned to it', async () => {
    await broker.deliver(broker.job('wenzheng-instance-start', { bpmnProcessId: 'evaluation', variables: { petitionId: 'p-2' } }));
    await broker.deliver(broker.job('wenzheng-instance-end', { bpmnProcessId: 'evaluation', variables: { petitionId: 'p-2', rating: 'satisfied' } }));
    const [done] = await engine.listProcessInstances({ processId: 'evaluation' });
    expect(done).toEqual(expect.objectContaining({ state: 'completed', variables: { petitionId: 'p-2', rating: 'satisfied' } }));
    expect(broker.handlerTypes().sort()).toEqual(['route-petition', 'wenzheng-instance-end', 'wenzheng-instance-start']);

    clock.set('2026-03-10T00:00:00.000Z');
    await engine.idle({ quietMs: 10 });
    expect(broker.calls.filter((c) => c[0] === 'pinClock').map((c) => c[1])).toEqual([Date.parse('2026-03-02T02:00:00.000Z'), Date.parse('2026-03-10T00:00:00.000Z')]);
    clock.set('2026-03-02T02:00:00.000Z');
  });
});
