/**
 * The inspector's operator actions (issue 18), through HTTP: a process admin fixes a stuck case by
 * editing a variable (then retrying its incident) and cancels another instance, each with a reason;
 * the audit log keeps who, when, what and before → after without personal data; an auditor is
 * refused both and sees them in the timeline filtered to operator actions; a missing reason or a bad
 * value is a 400 that changes nothing. Parent and call-activity children link to each other. Runs on
 * SQLite and on MariaDB.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import { completeTask, createTestApp, submitPetition, taskOf, type Person, type TestApp } from '../app-harness.js';

const enc = encodeURIComponent;

describe('the inspector’s operator actions (process admins; auditors see them)', () => {
  let h: TestApp;
  let admin: Person;
  let auditor: Person;
  let handler: Person;
  let stuckCode: string;
  let parentKey: string;
  let childKey: string;

  const instanceOf = async (processId: string, trackingCode: string) => {
    const list = (await auditor.get(`/api/inspector/instances?processId=${processId}`).expect(200)).body as { processInstanceKey: string; trackingCode?: string }[];
    const found = list.find((i) => i.trackingCode === trackingCode);
    if (!found) throw new Error(`no ${processId} instance of ${trackingCode}`);
    return found.processInstanceKey;
  };
  const auditRows = async (action: string) =>
    (await h.t.db.sequelize.query('SELECT actor, action, petition_id, detail, at FROM audit_log WHERE action = ? ORDER BY id', { replacements: [action], type: QueryTypes.SELECT })) as { actor: string; action: string; petition_id: string | null; detail: string; at: unknown }[];

  beforeAll(async () => {
    h = await createTestApp();
    admin = await h.signIn('modeler');
    auditor = await h.signIn('auditor');
    handler = await h.signIn('handler-longnan');
    const intake = await h.signIn('intake');
    const citizen = await h.visitor();
    stuckCode = (await submitPetition(h, citizen, { title: '路灯不亮' })).body.trackingCode;
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, stuckCode);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, stuckCode);
    parentKey = await instanceOf('petition-lifecycle', stuckCode);
    childKey = await instanceOf('unit-handling', stuckCode);
  });
  afterAll(() => h.close());

  it('given a case stuck by a mistyped deadline, when a process admin edits the variable with a reason and retries, then the case moves on and the audit keeps who, when, what and before → after', async () => {
    // a worker wrote the first-step deadline wrongly: signing for the case leaves it stuck at the next step
    await h.t.engine.setVariables(childKey, { firstStepDueAt: '下周一' });
    await completeTask(h, handler, 'Task_SignOrReturn', { returnRequested: false }, stuckCode);
    const stuck = (await auditor.get(`/api/inspector/instances/${enc(childKey)}`).expect(200)).body;
    const incident = stuck.incidents.find((i: { state: string }) => i.state === 'active');
    expect(incident).toMatchObject({ elementId: expect.stringMatching(/ContactPetitioner/) });

    const before = (await h.t.engine.getProcessInstance(childKey))!.variables.firstStepDueAt;
    const fixed = '2026-03-20T09:00:00.000Z';
    const res = await admin.patch(`/api/inspector/instances/${enc(childKey)}/variables`, { variables: { firstStepDueAt: fixed }, reason: '首次响应期限被误写为“下周一”,按转办单改正' }).expect(200);
    expect(res.body.audit.detail.changes).toEqual([{ variable: 'firstStepDueAt', before: '下周一', after: fixed, created: false }]);
    expect((await h.t.engine.getProcessInstance(childKey))!.variables.firstStepDueAt).toBe(fixed);
    expect(before).toBe('下周一');
    await admin.post(`/api/inspector/incidents/${enc(incident.incidentKey)}/retry`).expect(202);
    await h.settle();
    // moved on: the handler now has the contact task, and can complete it
    expect((await taskOf(handler, 'Task_ContactPetitioner', stuckCode)).elementId).toBe('Task_ContactPetitioner');
    await completeTask(h, handler, 'Task_ContactPetitioner', { contactedAt: '2026-03-02T06:00:00.000Z', contactMethod: 'phone', contactSummary: '已电话沟通' }, stuckCode);

    const [entry] = await auditRows('instance.variables-edited');
    const staff = (await admin.get('/api/session').expect(200)).body;
    expect(entry.actor).toBe(staff.staff?.id ?? staff.id);
    expect(entry.petition_id).toEqual(expect.any(String));
    expect(entry.at).toBeTruthy();
    expect(JSON.parse(entry.detail)).toMatchObject({ processInstanceKey: childKey, processId: 'unit-handling', reason: expect.stringContaining('下周一'), changes: [{ variable: 'firstStepDueAt', before: '下周一', after: fixed }] });
  });

  it('given personal data in a variable, when a process admin edits it, then the audit keeps it masked and no answer carries it', async () => {
    await admin.patch(`/api/inspector/instances/${enc(childKey)}/variables`, { variables: { contactSummary: '已联系诉求人王小明 13900002222', petitionerPhone: '13900003333' }, reason: '补录沟通记录' }).expect(200);
    const rows = await auditRows('instance.variables-edited');
    const detail = JSON.parse(rows[rows.length - 1].detail);
    expect(detail.changes.find((c: { variable: string }) => c.variable === 'petitionerPhone')).toMatchObject({ before: null, after: '***', created: true });
    expect(JSON.stringify(detail)).not.toMatch(/13900002222|13900003333/);
    const timeline = (await auditor.get(`/api/inspector/instances/${enc(childKey)}?kind=operator`).expect(200)).body.timeline;
    expect(JSON.stringify(timeline)).not.toMatch(/13900002222|13900003333|王小明/);
  });

  it('given bad input, when a process admin sends it, then it is a 400 naming the field and nothing changes', async () => {
    const variablesBefore = (await h.t.engine.getProcessInstance(childKey))!.variables;
    const countBefore = (await auditRows('instance.variables-edited')).length;
    const cases: [object, string][] = [
      [{ variables: { isMajor: true } }, 'reason'],
      [{ variables: { isMajor: true }, reason: ' ' }, 'reason'],
      [{ variables: '{not json', reason: '改正' }, 'variables'],
      [{ variables: [1, 2], reason: '改正' }, 'variables'],
      [{ variables: {}, reason: '改正' }, 'variables'],
      [{ variables: { '1bad': 1 }, reason: '改正' }, 'variables.1bad'],
      [{ variables: { petitionId: 'x' }, reason: '改正' }, 'variables.petitionId'],
      [{ variables: { firstStepDueAt: '2026-03-20T09:00:00.000Z' }, reason: '改正' }, 'variables'],
    ];
    for (const [body, fieldName] of cases) {
      const res = await admin.patch(`/api/inspector/instances/${enc(childKey)}/variables`, body);
      expect([res.status, res.body.error.details?.map((d: { field: string }) => d.field)]).toEqual([400, [fieldName]]);
    }
    const cancel = await admin.post(`/api/inspector/instances/${enc(parentKey)}/cancel`, {});
    expect(cancel.status).toBe(400);
    expect(cancel.body.error.details[0].field).toBe('reason');
    expect((await h.t.engine.getProcessInstance(childKey))!.variables).toEqual(variablesBefore);
    expect((await h.t.engine.getProcessInstance(parentKey))!.state).toBe('active');
    expect(await auditRows('instance.variables-edited')).toHaveLength(countBefore);
    expect(await auditRows('instance.canceled')).toHaveLength(0);
    expect((await admin.patch('/api/inspector/instances/no-such-instance/variables', { variables: { a: 1 }, reason: '改正' })).status).toBe(404);
  });

  it('given an auditor, when they try either action, then 403 and nothing changes; the parent and child link to each other', async () => {
    const variablesBefore = (await h.t.engine.getProcessInstance(childKey))!.variables;
    const edit = await auditor.patch(`/api/inspector/instances/${enc(childKey)}/variables`, { variables: { isMajor: true }, reason: '审计试图修改' });
    expect(edit.status).toBe(403);
    const cancel = await auditor.post(`/api/inspector/instances/${enc(parentKey)}/cancel`, { reason: '审计试图取消' });
    expect(cancel.status).toBe(403);
    for (const who of ['handler-longnan', 'intake', 'admin']) {
      expect((await (await h.signIn(who)).post(`/api/inspector/instances/${enc(parentKey)}/cancel`, { reason: '无权取消' })).status).toBe(403);
    }
    expect((await h.t.engine.getProcessInstance(childKey))!.variables).toEqual(variablesBefore);
    expect((await h.t.engine.getProcessInstance(parentKey))!.state).toBe('active');

    const parent = (await auditor.get(`/api/inspector/instances/${enc(parentKey)}`).expect(200)).body;
    expect(parent.children.map((c: { processInstanceKey: string }) => c.processInstanceKey)).toEqual([childKey]);
    const child = (await auditor.get(`/api/inspector/instances/${enc(childKey)}`).expect(200)).body;
    expect(child.parentProcessInstanceKey).toBe(parentKey);
    const page = await auditor.get(`/inspector/instances/${enc(parentKey)}`).set('accept', 'text/html').expect(200);
    expect(page.text).toContain(`href="/inspector/instances/${enc(childKey)}"`);
    expect(page.text).not.toContain('id="operations"');
  });

  it('given a second case, when a process admin cancels its instance with a reason through the page form, then it ends, the audit says so, and the auditor sees every action in the timeline filter', async () => {
    const citizen = await h.visitor();
    const code = (await submitPetition(h, citizen, { category: 'consultation', title: '咨询', content: '咨询办事流程。' })).body.trackingCode;
    const key = await instanceOf('petition-lifecycle', code);
    const page = await admin.get(`/inspector/instances/${enc(key)}`).set('accept', 'text/html').expect(200);
    expect(page.text).toContain('id="cancel-instance-form"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    await admin.agent.post(`/inspector/instances/${enc(key)}/cancel`).type('form').send({ _csrf: csrf, reason: '重复提交的咨询' }).expect(303);
    expect((await h.t.engine.getProcessInstance(key))!.state).toBe('canceled');
    const [entry] = await auditRows('instance.canceled');
    expect(JSON.parse(entry.detail)).toMatchObject({ processInstanceKey: key, reason: '重复提交的咨询', before: { state: 'active' }, after: { state: 'canceled' } });
    // a second cancellation: the instance has ended
    expect((await admin.post(`/api/inspector/instances/${enc(key)}/cancel`, { reason: '再取消一次' })).status).toBe(409);

    const ops = (await auditor.get(`/api/inspector/instances/${enc(key)}?kind=operator`).expect(200)).body.timeline;
    expect(ops).toEqual([expect.objectContaining({ kind: 'operator-action', action: 'instance.canceled' })]);
    const childOps = (await auditor.get(`/api/inspector/instances/${enc(childKey)}?kind=operator`).expect(200)).body.timeline;
    expect(childOps.map((e: { action: string }) => e.action)).toEqual(['instance.variables-edited', 'incident.retried', 'instance.variables-edited']);
    for (const [kind, want] of [['elements', 'element'], ['tasks', 'task-action'], ['warnings', 'warning']]) {
      const tl = (await auditor.get(`/api/inspector/instances/${enc(childKey)}?kind=${kind}`).expect(200)).body.timeline as { kind: string }[];
      expect(tl.every((e) => e.kind === want)).toBe(true);
    }
    expect((await auditor.get(`/api/inspector/instances/${enc(childKey)}?kind=tasks`).expect(200)).body.timeline.length).toBeGreaterThan(0);
    expect((await auditor.get(`/api/inspector/instances/${enc(childKey)}?kind=everything`)).status).toBe(400);
    const filtered = await auditor.get(`/inspector/instances/${enc(childKey)}?kind=operator`).set('accept', 'text/html').expect(200);
    expect(filtered.text).toContain('data-kind="operator-action"');
    expect(filtered.text).not.toContain('data-kind="element"');
    expect(filtered.text).toContain('首次响应期限被误写');
  });
});
