/**
 * Process-instance migration on the Zeebe adapter, the SDK replaced at its boundary: the port's
 * plan becomes MigrateProcessInstance, the records follow once the broker accepted it, and the
 * check says what the records and the two diagrams show (the broker checks the rest).
 */
import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createFakeClock } from '../clock.js';
import { createDatabase, type Database } from '../embedded/store/database.js';
import { InvalidArgumentError } from '../errors.js';
import { fixture, openTestDatabase } from '../test/harness.js';
import { fakeBroker } from '../test/zeebe-fake.js';
import { createZeebeEngine, type ZeebeEngine } from './index.js';
import { zeebeRecordMigrations } from './records-migrations.js';
import type { GrpcProcessMetadata } from './sdk-boundary.js';

describe('process-instance migration on Zeebe (SDK replaced at its boundary)', () => {
  let db: Database;
  let drop: () => Promise<void>;
  let broker: ReturnType<typeof fakeBroker>;
  let engine: ZeebeEngine;
  const clock = createFakeClock('2026-03-02T02:00:00.000Z');
  const v1 = fixture('timer-boundary.bpmn').content;
  const renamed = v1.replaceAll('Task_HandlePetition', 'Task_Handle');

  beforeEach(async () => {
    const target = await openTestDatabase();
    drop = target.drop;
    db = await createDatabase({ url: target.url, migrations: zeebeRecordMigrations });
    await db.migrate();
    broker = fakeBroker();
    engine = createZeebeEngine({ grpc: broker.grpc, rest: broker.rest, db, clock });
    await engine.open();
  });
  afterEach(async () => {
    await engine.close();
    await db.close();
    await drop();
  });

  /** deploy as version `version` (the fake broker answers version 1 by itself) */
  async function deploy(content: string, version: number) {
    const deployResources = broker.grpc.deployResources;
    broker.grpc.deployResources = async (r) => {
      const answer = await deployResources(r);
      return { ...answer, deployments: answer.deployments.map((d) => ({ process: { ...(d as { process: GrpcProcessMetadata }).process, version } })) };
    };
    const result = await engine.deploy([{ name: 'timer-boundary.bpmn', content }]);
    broker.grpc.deployResources = deployResources;
    return result.processes[0].processDefinitionKey;
  }

  async function startWaitingAtTask() {
    const source = await deploy(v1, 1);
    broker.grpc.createProcessInstance = async (r) => ({ processInstanceKey: '2251799813690001', bpmnProcessId: r.bpmnProcessId, version: 1, processDefinitionKey: source });
    const ref = await engine.start('timer-boundary', { caseId: 'C-1' });
    await broker.deliverListener(broker.listenerJob('CREATING', 'ut-1', { processDefinitionId: 'timer-boundary', elementId: 'Task_HandlePetition', processInstanceKey: ref.processInstanceKey }));
    return ref;
  }

  it('given a renamed task, when checked without a mapping, then the open task is the reason, and with one the broker gets the plan and the records follow', async () => {
    // given
    const ref = await startWaitingAtTask();
    const target = await deploy(renamed, 2);
    const plan = { targetProcessDefinitionKey: target, mappingInstructions: [{ sourceElementId: 'Task_HandlePetition', targetElementId: 'Task_Handle' }] };
    let audited = false;

    // when
    const unmapped = await engine.checkMigration(ref.processInstanceKey, { targetProcessDefinitionKey: target, mappingInstructions: [] });
    const mapped = await engine.checkMigration(ref.processInstanceKey, plan);
    await engine.migrateProcessInstance(ref.processInstanceKey, plan, { transactional: async () => void (audited = true) });

    // then
    expect(unmapped).toMatchObject({ migratable: false, checkedBy: 'broker', problems: [expect.objectContaining({ code: 'UNMAPPED_ELEMENT', elementId: 'Task_HandlePetition' })] });
    expect(mapped).toMatchObject({ migratable: true, checkedBy: 'broker', elements: [{ sourceElementId: 'Task_HandlePetition', targetElementId: 'Task_Handle' }] });
    expect(broker.calls).toContainEqual(['migrateProcessInstance', { processInstanceKey: ref.processInstanceKey, migrationPlan: plan }]);
    expect(audited).toBe(true);
    expect(await engine.getProcessInstance(ref.processInstanceKey)).toMatchObject({ version: 2, processDefinitionKey: target });
    expect(await engine.getUserTask('ut-1')).toMatchObject({ elementId: 'Task_Handle', state: 'created' });
    expect((await engine.getHistory(ref.processInstanceKey)).find((e) => e.event === 'migrated')?.detail).toMatchObject({ fromVersion: 1, toVersion: 2 });
  });

  it('given the broker refuses the migration, then the port says why and neither the records nor the app’s writes change', async () => {
    // given
    const ref = await startWaitingAtTask();
    const target = await deploy(v1.replace('>PT1H<', '>PT3H<'), 2);
    broker.grpc.migrateProcessInstance = async () => {
      throw Object.assign(new Error('INVALID_ARGUMENT'), { code: 3, details: "Expected to migrate process instance but active element with id 'Call_X' is a call activity" });
    };
    let audited = false;

    // when
    const move = engine.migrateProcessInstance(ref.processInstanceKey, { targetProcessDefinitionKey: target, mappingInstructions: [] }, { transactional: async () => void (audited = true) });

    // then
    await expect(move).rejects.toThrow(InvalidArgumentError);
    await expect(move).rejects.toThrow(/call activity/);
    expect(audited).toBe(false);
    expect(await engine.getProcessInstance(ref.processInstanceKey)).toMatchObject({ version: 1 });
  });

  it('given a mapping to an element of another type, or a target of another process, when checked, then each is the reason and nothing is sent', async () => {
    const ref = await startWaitingAtTask();
    const target = await deploy(v1, 2);
    const other = (await engine.deploy([{ name: 'user-task.bpmn', content: fixture('user-task.bpmn').content }])).processes[0].processDefinitionKey;

    const typeChanged = await engine.checkMigration(ref.processInstanceKey, { targetProcessDefinitionKey: target, mappingInstructions: [{ sourceElementId: 'Task_HandlePetition', targetElementId: 'End_Handled' }] });
    const otherProcess = await engine.checkMigration(ref.processInstanceKey, { targetProcessDefinitionKey: other, mappingInstructions: [] });
    const move = engine.migrateProcessInstance(ref.processInstanceKey, { targetProcessDefinitionKey: other, mappingInstructions: [] });

    expect(typeChanged.problems.map((p) => p.code)).toEqual(['ELEMENT_TYPE_CHANGED']);
    expect(otherProcess.problems.map((p) => p.code)).toEqual(['DIFFERENT_PROCESS']);
    await expect(move).rejects.toThrow(InvalidArgumentError);
    expect(broker.calls.some((c) => c[0] === 'migrateProcessInstance')).toBe(false);
  });
});
