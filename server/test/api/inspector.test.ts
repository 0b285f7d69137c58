/**
 * The inspector's data for auditors: instances filtered as the auditor asks, and one instance whose
 * timeline's element events are exactly the engine's history, with tokens where the engine waits,
 * the path taken, pending timers, the people's task actions and variables without personal data.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { fixture } from '../../../engine/test/harness.js';
import { completeTask, createTestApp, submitPetition, type Person, type TestApp } from '../app-harness.js';

describe('the inspector (auditors, read-only)', () => {
  let h: TestApp;
  let auditor: Person;
  let code: string;
  beforeAll(async () => {
    h = await createTestApp();
    auditor = await h.signIn('auditor');
    const citizen = await h.visitor();
    code = (await submitPetition(h, citizen, { title: '路灯不亮' })).body.trackingCode;
    await submitPetition(h, citizen, { category: 'consultation', title: '咨询', content: '咨询办事流程。' });
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, code);
    const handler = await h.signIn('handler-longnan');
    await completeTask(h, handler, 'Task_SignOrReturn', { returnRequested: false }, code);
    await completeTask(h, handler, 'Task_ContactPetitioner', { contactedAt: '2026-03-02T06:00:00.000Z', contactMethod: 'phone', contactSummary: '已联系诉求人王小明 13900002222' }, code);
  });
  afterAll(() => h.close());

  it('given running cases, when the auditor filters instances by process, state, unit, category and date, then only those come back', async () => {
    const all = (await auditor.get('/api/inspector/instances').expect(200)).body;
    expect(all.map((i: { processId: string }) => i.processId).sort()).toEqual(['petition-lifecycle', 'petition-lifecycle', 'unit-handling']);
    const handling = (await auditor.get('/api/inspector/instances?processId=unit-handling&state=active&unitId=u-longnan&category=complaint').expect(200)).body;
    expect(handling).toEqual([expect.objectContaining({ processId: 'unit-handling', version: 1, state: 'active', unitId: 'u-longnan', category: 'complaint', trackingCode: code })]);
    expect((await auditor.get('/api/inspector/instances?category=consultation').expect(200)).body).toHaveLength(1);
    expect((await auditor.get('/api/inspector/instances?from=2026-03-02&to=2026-03-02').expect(200)).body).toHaveLength(3);
    expect((await auditor.get('/api/inspector/instances?from=2026-03-03').expect(200)).body).toHaveLength(0);
    expect((await auditor.get('/api/inspector/instances?overdue=red').expect(200)).body).toHaveLength(0);
    const bad = await auditor.get('/api/inspector/instances?state=sleeping&version=x&from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(['version', 'state']);
    for (const who of ['handler-longnan', 'intake']) expect((await (await h.signIn(who)).get('/api/inspector/instances')).status).toBe(403);
  });

  it('given a unit-handling instance, when the auditor opens it, then its element events are exactly the engine history and its tokens, path, timers, actions and masked variables follow from it', async () => {
    const [summary] = (await auditor.get('/api/inspector/instances?processId=unit-handling').expect(200)).body;
    const key = summary.processInstanceKey;
    const detail = (await auditor.get(`/api/inspector/instances/${key}`).expect(200)).body;
    const history = await h.t.engine.getHistory(key);
    const elementEvents = detail.timeline.filter((e: { kind: string }) => e.kind === 'element').map((e: { event: unknown }) => e.event);
    expect(elementEvents).toEqual(JSON.parse(JSON.stringify(history)));

    // tokens where the engine waits: the open task (and its boundary timers)
    const open = (await h.t.engine.listUserTasks({ processInstanceKey: key, state: 'created' })).map((t) => t.elementId);
    expect(open).toEqual(['Task_DraftReply']);
    const tokenIds = detail.tokens.map((t: { elementId: string }) => t.elementId);
    expect(tokenIds).toContain('Task_DraftReply');
    expect(tokenIds).not.toContain('unit-handling');
    // every element the engine waits at is a token or a pending timer (boundary timers have no token of their own)
    const timerIds = detail.timers.map((t: { elementId: string }) => t.elementId);
    const waiting = (await h.t.engine.countWaiting('unit-handling')).map((w) => w.elementId);
    expect(waiting.filter((id) => !tokenIds.includes(id) && !timerIds.includes(id))).toEqual([]);
    expect(detail.path).toEqual(expect.arrayContaining(['Task_SignOrReturn', 'Task_ContactPetitioner']));
    expect(detail.path).not.toContain('Task_DraftReply');
    expect(detail.timers.length).toBeGreaterThan(0);
    expect(detail.timers.map((t: { elementId: string }) => t.elementId)).toEqual(expect.arrayContaining(['Timer_BlueWarning']));

    // who did what, with the outcome
    const actions = detail.timeline.filter((e: { kind: string }) => e.kind === 'task-action');
    expect(actions.map((a: { elementId: string }) => a.elementId)).toEqual(['Task_SignOrReturn', 'Task_ContactPetitioner']);
    expect(actions[0].detail.outcome).toEqual({ returnRequested: false });
    expect(actions[1].detail.outcome).toEqual({ contactMethod: 'phone' });

    // variables without personal data
    expect(detail.variables.contactSummary).toBe('已联系诉求人*** 139****2222');
    for (const personal of ['13900002222', '王小明']) expect(JSON.stringify(detail)).not.toContain(personal);
    // nothing changes: an auditor cannot retry or write
    expect((await auditor.post(`/api/deployments`, { resources: [] })).status).toBe(403);
  });

  it('given an incident, when listed, then auditors see it, only process admins may retry it, and the retry is audited', async () => {
    // an instance that cannot open its task: the assignee expression needs a variable it lacks
    await h.t.engine.deploy([fixture('user-task.bpmn')]);
    const ref = await h.t.engine.start('user-task', {});
    const incidents = (await auditor.get('/api/inspector/incidents').expect(200)).body;
    const incident = incidents.find((i: { processInstanceKey: string }) => i.processInstanceKey === ref.processInstanceKey);
    expect(incident).toMatchObject({ elementId: 'Task_ReviewPetition', state: 'active' });
    expect((await auditor.post(`/api/inspector/incidents/${incident.incidentKey}/retry`)).status).toBe(403);
    expect((await (await h.signIn('admin')).post(`/api/inspector/incidents/${incident.incidentKey}/retry`)).status).toBe(403);
    await h.t.engine.setVariables(ref.processInstanceKey, { reviewer: 'li.ming' });
    const modeler = await h.signIn('modeler');
    expect((await modeler.post(`/api/inspector/incidents/${incident.incidentKey}/retry`)).status).toBe(202);
    expect((await modeler.post(`/api/inspector/incidents/${incident.incidentKey}/retry`)).status).toBe(404);
    expect(await h.t.engine.listUserTasks({ processInstanceKey: ref.processInstanceKey, state: 'created' })).toHaveLength(1);
    expect((await auditor.get('/api/inspector/incidents?state=resolved').expect(200)).body.map((i: { incidentKey: string }) => i.incidentKey)).toContain(incident.incidentKey);
    const audit = (await h.t.db.sequelize.query("SELECT action FROM audit_log WHERE action = 'incident.retried'", { type: 'SELECT' as any })) as unknown as unknown[];
    expect(audit).toHaveLength(1);
  });
});
