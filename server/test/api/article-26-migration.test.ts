/**
 * 第二十六条 and issue 18 through the app: the office changes a warning rule in the diagram — the blue
 * warning's timer now at the yellow instant (two working days overdue) instead of one —, a process admin
 * deploys the new version of `unit-handling`, checks and migrates a running case to it through the
 * inspector's API, and that case's blue warning fires by the new rule, its timer re-armed from the
 * case's own deadline; a case left on the old version keeps the old rule. Auditors see the migration
 * in the audit log and cannot perform it. Time moves only on the harness's fake clock.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { projectRoot } from '../../app.js';
import { createScoreLedgerRepository } from '../../data/score-ledger-repository.js';
import { createTestApp, type TestApp } from '../app-harness.js';
import { dispatchedAndSigned } from './app-steps.js';

// complaints dispatched Monday 03-02 are due Monday 03-09 24:00 (China time); blue is one complete
// working day later (Tuesday 03-10 24:00), yellow two (Wednesday 03-11 24:00)
const OLD_BLUE = '2026-03-10T17:00:00.000Z';
const YELLOW = '2026-03-11T17:00:00.000Z';

describe('第二十六条 a warning rule changed in the diagram, deployed, the running case migrated: its warning fires by the new rule', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp();
  }, 120_000);
  afterAll(() => h.close());

  const ledger = () => createScoreLedgerRepository(h.t.db);
  const blue = async (petitionId: string) => (await ledger().listForPetition(petitionId)).filter((e) => e.level === 'blue');
  async function handlingOf(petitionId: string): Promise<string> {
    // the case's unit-handling instance, as the inspector lists it
    const found = (await h.t.engine.listProcessInstances({ processId: 'unit-handling', state: 'active' })).filter((i) => i.variables.petitionId === petitionId);
    expect(found).toHaveLength(1);
    return found[0].processInstanceKey;
  }

  it('第二十六条 the migrated case is warned blue by the new rule, two working days overdue; the case left on version 1 after one', async () => {
    const moved = await dispatchedAndSigned(h, { category: 'complaint', title: '路灯不亮' });
    const stays = await dispatchedAndSigned(h, { category: 'complaint', title: '井盖缺失' });
    const modeler = await h.signIn('modeler');

    // the office's new rule: the blue warning's timer at the yellow instant
    const v1 = readFileSync(join(projectRoot, 'processes', 'unit-handling.bpmn'), 'utf8');
    const v2 = v1.replace('<bpmn:timeDate xsi:type="bpmn:tFormalExpression">=blueAt</bpmn:timeDate>', '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">=yellowAt</bpmn:timeDate>');
    expect(v2).not.toBe(v1);
    const deployed = await modeler.post('/api/deployments', { resources: [{ name: 'unit-handling.bpmn', content: v2 }] });
    expect(deployed.status).toBe(201);

    const key = await handlingOf(moved.petitionId);
    const check = (await modeler.post(`/api/inspector/instances/${encodeURIComponent(key)}/migration-check`, { targetVersion: 2 }).expect(200)).body;
    expect(check).toMatchObject({ migratable: true, problems: [], targetVersion: 2 });
    // a reason is required, and an auditor can do nothing
    expect((await modeler.post(`/api/inspector/instances/${encodeURIComponent(key)}/migrate`, { targetVersion: 2 })).status).toBe(400);
    expect((await (await h.signIn('auditor')).post(`/api/inspector/instances/${encodeURIComponent(key)}/migrate`, { targetVersion: 2, reason: '新预警规则' })).status).toBe(403);
    await modeler.post(`/api/inspector/instances/${encodeURIComponent(key)}/migrate`, { targetVersion: 2, reason: '蓝色预警改为到期即预警,在办案件一并适用' }).expect(200);
    expect((await h.t.engine.getProcessInstance(key))?.version).toBe(2);

    // the re-armed timer counts from the case's own deadlines, not from the migration
    expect((await h.t.engine.listTimers(key)).find((t) => t.elementId === 'Timer_BlueWarning')?.dueAt.toISOString?.() ?? '').toBe('2026-03-11T16:00:00.000Z');

    // a working day overdue: the case left on version 1 is warned blue, the migrated one not
    h.t.clock.set(OLD_BLUE);
    await h.settle();
    expect(await blue(stays.petitionId)).toHaveLength(1);
    expect(await blue(moved.petitionId)).toHaveLength(0);
    // two working days overdue: the migrated case's blue warning comes by the new rule, once
    h.t.clock.set(YELLOW);
    await h.settle();
    expect(await blue(moved.petitionId)).toHaveLength(1);
    expect(await blue(stays.petitionId)).toHaveLength(1);

    // the auditor reads who migrated it, when, why, from which version to which
    const audit = (await (await h.signIn('auditor')).get(`/api/inspector/instances/${encodeURIComponent(key)}?kind=operator`).expect(200)).body;
    expect(JSON.stringify(audit)).toContain('instance.migrated');
    expect(JSON.stringify(audit)).toContain('蓝色预警改为到期即预警');
  });
});
